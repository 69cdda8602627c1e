/* Metrics over predictions: confusion counts for optim.ConfusionMatrix. Not an
   optimizer: it lives here because the Lua class does. */
#include "../core/error.h"
#include "metrics.h"

/* Element at offset off (in elements) of t's data, any dtype, as a double. */
static double elem(const dl_tensor *t, int64_t off) {
  const void *p = dl_tensor_data(t);
  switch (t->dtype) {
  case DL_FLOAT: return ((const float *)p)[off];
  case DL_DOUBLE: return ((const double *)p)[off];
  case DL_LONG: return (double)((const int64_t *)p)[off];
  case DL_BYTE: return ((const uint8_t *)p)[off];
  case DL_CHAR: return ((const int8_t *)p)[off];
  case DL_SHORT: return ((const int16_t *)p)[off];
  case DL_INT: return ((const int32_t *)p)[off];
  case DL_HALF: return dl_half_to_float(((const dl_half *)p)[off]);
  default: return 0;
  }
}

/* Element i (0-based) of a 1-D tensor, or the arg-max (1-based, first on ties) of row i
   of a 2-D one, as a class index. Reads any dtype and any strides. */
static double row_class(const dl_tensor *t, int64_t i) {
  if (t->ndim == 1 || t->size[1] == 1) return elem(t, i * t->stride[0]);
  int64_t best = 0;
  double top = elem(t, i * t->stride[0]);
  for (int64_t j = 1; j < t->size[1]; j++) {
    double v = elem(t, i * t->stride[0] + j * t->stride[1]);
    if (v > top) top = v, best = j;
  }
  return (double)(best + 1);
}

int optim_confusion_add(dl_tensor *mat, const dl_tensor *pred, const dl_tensor *target) {
  const char *fn = "ConfusionMatrix.batchAdd";
  if (mat->dtype != DL_LONG || mat->ndim != 2 || mat->size[0] != mat->size[1] ||
      !dl_tensor_iscontiguous(mat))
    return dl_error("%s: the matrix must be a contiguous square LongTensor", fn);
  if (pred->ndim < 1 || pred->ndim > 2)
    return dl_error("%s: predictions must be 1-D or 2-D, got %d dimensions", fn, pred->ndim);
  if (target->ndim < 1 || target->ndim > 2)
    return dl_error("%s: targets must be 1-D or 2-D, got %d dimensions", fn, target->ndim);
  int64_t k = mat->size[0], n = pred->size[0];
  if (target->size[0] != n)
    return dl_error("%s: %lld predictions but %lld targets", fn, (long long)n,
                    (long long)target->size[0]);
  if (pred->ndim == 2 && pred->size[1] != 1 && pred->size[1] != k)
    return dl_error("%s: predictions have %lld scores per row, expected %lld classes", fn,
                    (long long)pred->size[1], (long long)k);
  if (target->ndim == 2 && target->size[1] != 1 && target->size[1] != k)
    return dl_error("%s: targets have %lld columns per row, expected %lld classes", fn,
                    (long long)target->size[1], (long long)k);
  /* Check every index before counting any, so that a bad batch leaves mat unchanged. */
  for (int pass = 0; pass < 2; pass++) {
    int64_t *m = dl_tensor_data(mat);
    for (int64_t i = 0; i < n; i++) {
      double t = row_class(target, i), p = row_class(pred, i);
      if (t <= 0) continue; /* missing label */
      if (t > (double)k || t != t)
        return dl_error("%s: target %g of sample %lld out of range 1..%lld", fn, t,
                        (long long)(i + 1), (long long)k);
      if (p < 1 || p > (double)k || p != p)
        return dl_error("%s: prediction %g of sample %lld out of range 1..%lld", fn, p,
                        (long long)(i + 1), (long long)k);
      if (pass == 1) m[((int64_t)t - 1) * k + ((int64_t)p - 1)]++;
    }
  }
  return 0;
}
