/* Metrics over predictions (optim.ConfusionMatrix's counting). */
#ifndef OPTIM_METRICS_H
#define OPTIM_METRICS_H

#include "../core/tensor.h"

/* Confusion counts: mat (LongTensor k x k, contiguous) gets mat[t][p] += 1 for each
   sample. pred is 1-D (class indices, 1-based) or 2-D (n x k scores: the arg-max is
   taken, the first on ties); target likewise (indices, or n x k one-hot rows). A
   target <= 0 is a missing label and is skipped, as in Torch7. Any type. A bad index
   leaves mat unchanged and returns -1. */
int optim_confusion_add(dl_tensor *mat, const dl_tensor *pred, const dl_tensor *target);

#endif
