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
/* A contiguous stand-in for a result that a kernel fills through a raw pointer
   (Torch7's newContiguous + freeCopyTo). op_scratch_open makes w (uninitialised on
   entry) a view of res when res is contiguous, else a new contiguous tensor of res's
   sizes, holding a copy of res's values when load is set (for kernels that read the
   result too, as beta * C in a GEMM). op_scratch_close copies w back into res when it
   was a new tensor and rc is 0, frees w, and returns rc, or -1 if the copy failed.
   Call close even when open failed. */
int op_scratch_open(dl_tensor *w, const dl_tensor *res, int load);
int op_scratch_close(dl_tensor *res, dl_tensor *w, int rc);
/* Sets every element to v (converted to the tensor's type). */
void op_fill(dl_tensor *t, double v);
/* Reads and writes one element given as a storage-relative element offset. */
double op_get(const dl_tensor *t, int64_t elem);
void op_set(const dl_tensor *t, int64_t elem, double v);
int64_t op_get_long(const dl_tensor *t, int64_t elem);

#endif
