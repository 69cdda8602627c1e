/* Sorting along a dimension, and the order statistics built on it, with Torch7's
   semantics. Sorting is stable (equal values keep their order) and puts NaN last in
   ascending order, first in descending order, as PyTorch. Indices are written
   OP_INDEX_BASE-based (1, as Torch7) into LongTensors; results are resized and may share
   storage with the input. dim is 0-based. */
#ifndef OP_SORTING_H
#define OP_SORTING_H

#include "reduction.h"

/* vals and ind get x's sizes: x sorted along dim, and where each value came from. */
int op_sorting_sort(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim,
                    int descending);
/* The k smallest (largest when largest is set) values along dim, in sorted order
   (smallest first, or largest first). Error when k exceeds the size of dim. */
int op_sorting_topk(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int64_t k, int dim,
                    int largest);
/* The k-th smallest value along dim (k is 1-based), keeping dim with size 1. Among equal
   values, the index is that of the one a stable sort puts k-th. */
int op_sorting_kthvalue(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int64_t k,
                        int dim);
/* The lower median along dim: the ((n + 1) / 2)-th smallest, as Torch7. */
int op_sorting_median(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim);
/* The most frequent value along dim (the smallest one on ties in frequency) and the index
   of its last occurrence. */
int op_sorting_mode(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim);
/* The lower median of every element. */
int op_sorting_medianall(const dl_tensor *x, op_red_num *r);

#endif
