/* Lookup-table kernels (see embedding.h): every index is checked before anything is
   written, then one typed loop per direction. */
#include "embedding.h"

#include <string.h>

#include "prelude.h"

#define NN_LOOPS "embedding_loops.h"
#include "float_loops.h"

/* weight is V x D, index a LongTensor of in-range values; ic gets index contiguous. */
static int lookup_check(const char *fn, const char *wname, const dl_tensor *weight,
                        const dl_tensor *index, int64_t base, dl_tensor *ic) {
  char b[96];
  if (nn_check_float(fn, wname, weight) < 0) return -1;
  if (weight->ndim != 2)
    return dl_error("%s: %s of size %s, expected 2D (entries x features)", fn, wname,
                    dl_sizestr(b, sizeof b, weight->ndim, weight->size));
  if (index->dtype != DL_LONG)
    return dl_error("%s: indices must be a Long tensor, got a %s tensor", fn,
                    dl_dtype_name(index->dtype));
  if (index->ndim + 1 > DL_MAXDIM) return dl_error("%s: too many index dimensions", fn);
  if (nn_contiguous(ic, index) < 0) return -1;
  const int64_t *ix = dl_tensor_data(ic);
  int64_t n = dl_tensor_numel(ic), v = weight->size[0];
  for (int64_t i = 0; i < n; i++)
    if (ix[i] < base || ix[i] >= base + v) {
      int64_t bad = ix[i];
      dl_tensor_free(ic);
      return dl_error("%s: index %lld out of range [%lld, %lld] at position %lld", fn,
                      (long long)bad, (long long)base, (long long)(base + v - 1),
                      (long long)(i + base));
    }
  return 0;
}

int nn_lookup_forward(const char *fn, dl_tensor *out, const dl_tensor *weight,
                      const dl_tensor *index, int64_t base) {
  dl_tensor ic;
  if (nn_check_type(fn, "output", out, weight->dtype) < 0 ||
      lookup_check(fn, "weight", weight, index, base, &ic) < 0)
    return -1;
  int64_t size[DL_MAXDIM];
  memcpy(size, index->size, sizeof(int64_t) * index->ndim);
  size[index->ndim] = weight->size[1];
  int rc = dl_tensor_resize_contig(fn, out, index->ndim + 1, size);
  if (rc == 0) {
    int64_t n = dl_tensor_numel(&ic), d = weight->size[1];
    const int64_t *ix = dl_tensor_data(&ic);
    int64_t s0 = weight->stride[0], s1 = weight->stride[1];
    if (weight->dtype == DL_FLOAT)
      lookup_forward_float(dl_tensor_data(out), dl_tensor_data(weight), s0, s1, ix, n, d, base);
    else
      lookup_forward_double(dl_tensor_data(out), dl_tensor_data(weight), s0, s1, ix, n, d, base);
  }
  dl_tensor_free(&ic);
  return rc;
}

int nn_lookup_backward(const char *fn, dl_tensor *gradWeight, const dl_tensor *index,
                       const dl_tensor *gradOut, double scale, int64_t base, int64_t padding) {
  char b1[96], b2[96];
  dl_tensor ic, gc;
  if (nn_check_type(fn, "gradOutput", gradOut, gradWeight->dtype) < 0 ||
      lookup_check(fn, "gradWeight", gradWeight, index, base, &ic) < 0)
    return -1;
  int64_t n = dl_tensor_numel(index), d = gradWeight->size[1];
  if (dl_tensor_numel(gradOut) != n * d) {
    dl_tensor_free(&ic);
    return dl_error("%s: gradOutput of size %s, expected %lld rows of %lld (indices %s)", fn,
                    dl_sizestr(b1, sizeof b1, gradOut->ndim, gradOut->size), (long long)n,
                    (long long)d, dl_sizestr(b2, sizeof b2, index->ndim, index->size));
  }
  if (nn_contiguous(&gc, gradOut) < 0) {
    dl_tensor_free(&ic);
    return -1;
  }
  const int64_t *ix = dl_tensor_data(&ic);
  int64_t s0 = gradWeight->stride[0], s1 = gradWeight->stride[1];
  void *gw = dl_tensor_data(gradWeight), *g = dl_tensor_data(&gc);
  if (gradWeight->dtype == DL_FLOAT)
    lookup_backward_float(gw, s0, s1, g, ix, n, d, base, padding, scale);
  else
    lookup_backward_double(gw, s0, s1, g, ix, n, d, base, padding, scale);
  dl_tensor_free(&ic);
  dl_tensor_free(&gc);
  return 0;
}
