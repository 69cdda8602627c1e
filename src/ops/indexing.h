/* Indexing with 1-based LongTensor indices and ByteTensor masks.
   The prefix op_ix_ keeps these apart from other index kernels in the tree.
   Every index is range-checked before anything is written, so a failing call leaves
   the destination untouched. Dimensions are 0-based here; messages print them 1-based.
   Masks are ByteTensors (nonzero selects) with the same number of elements as the
   tensor; both are read in row-major order (masks are not broadcast). */
#ifndef OP_INDEXING_H
#define OP_INDEXING_H

#include "../core/tensor.h"

/* res = the slices src[..., idx[i], ...] along dim, stacked in idx's order. res is
   resized (its storage reused when large enough). idx: 1D LongTensor. */
int op_ix_index(dl_tensor *res, const dl_tensor *src, int dim, const dl_tensor *idx);
/* t's slice idx[i] along dim = src's slice i (src: t's sizes with size[dim] = #idx). */
int op_ix_index_copy(dl_tensor *t, int dim, const dl_tensor *idx, const dl_tensor *src);
/* t's slice idx[i] along dim += src's slice i; repeated indices accumulate. */
int op_ix_index_add(dl_tensor *t, int dim, const dl_tensor *idx, const dl_tensor *src);
/* t's slices idx[i] along dim are set to v. */
int op_ix_index_fill(dl_tensor *t, int dim, const dl_tensor *idx, double v);

/* res (idx's sizes) at position p = src at p with coordinate dim replaced by idx[p].
   idx has src's number of dimensions and, except along dim, sizes no larger. */
int op_ix_gather(dl_tensor *res, const dl_tensor *src, int dim, const dl_tensor *idx);
/* t at p with coordinate dim replaced by idx[p] = src[p] (for p over idx). */
int op_ix_scatter(dl_tensor *t, int dim, const dl_tensor *idx, const dl_tensor *src);
int op_ix_scatter_fill(dl_tensor *t, int dim, const dl_tensor *idx, double v);

/* res (1D, resized) = the elements of src where mask is nonzero, in row-major order. */
int op_ix_masked_select(dl_tensor *res, const dl_tensor *src, const dl_tensor *mask);
/* Where mask is nonzero, t takes the next element of src (row-major); src needs at
   least as many elements as mask has nonzeros. */
int op_ix_masked_copy(dl_tensor *t, const dl_tensor *mask, const dl_tensor *src);
int op_ix_masked_fill(dl_tensor *t, const dl_tensor *mask, double v);
/* res (LongTensor n x ndim, resized) = 1-based subscripts of the nonzero elements. */
int op_ix_nonzero(dl_tensor *res, const dl_tensor *src);

#endif
