/* Strided iteration over tensors of one shape: the engine of elementwise ops.
   op_foreach collapses dimensions that are contiguous in every operand, then calls a
   loop function on runs of the innermost dimension, in parallel over large tensors. */
#ifndef OP_ITER_H
#define OP_ITER_H

#include "../core/tensor.h"

#define OP_MAXARGS 4

/* Processes n elements: operand k starts at data[k] and steps by strides[k] bytes. */
typedef void (*op_loop_fn)(char **data, const int64_t *strides, int64_t n, void *ctx);

/* Every tensor in ts must have the sizes of ts[0] (expand first to broadcast).
   Elements are visited in ts[0]'s row-major order within each thread's range. */
void op_foreach(int nargs, const dl_tensor *const *ts, op_loop_fn fn, void *ctx);

/* Short names of the element types, which the loop generators paste into the names of
   the loops they define (copy_f32_i8, u_add_i16, ...). */
typedef float f32;
typedef double f64;
typedef int64_t i64;
typedef uint8_t u8;
typedef int8_t i8;
typedef int16_t i16;
typedef int32_t i32;

/* Elements handled per thread before a loop is worth parallelising. */
#define OP_GRAIN 32768

#endif
