/* Copying between tensors of any types, and filling. */
#ifndef OP_COPY_H
#define OP_COPY_H

#include "../core/tensor.h"

/* Copies src into dst, converting the type. src must broadcast to dst's sizes, or have
   the same number of elements (then both are read in row-major order, as Torch7). */
int op_copy(dl_tensor *dst, const dl_tensor *src);
/* dst (initialised: its old view is released) becomes a new contiguous tensor of type
   dt holding a copy of src. */
int op_clone(dl_tensor *dst, const dl_tensor *src, dl_dtype dt);
/* dst is set to a contiguous version of src: a view when src already is one. */
int op_contiguous(dl_tensor *dst, const dl_tensor *src);
/* Sets every element to v (converted to the tensor's type). */
void op_fill(dl_tensor *t, double v);
/* Reads and writes one element given as a storage-relative element offset. */
double op_get(const dl_tensor *t, int64_t elem);
void op_set(const dl_tensor *t, int64_t elem, double v);
int64_t op_get_long(const dl_tensor *t, int64_t elem);

#endif
