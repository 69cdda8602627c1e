/* The shared argument checks of the nn kernels (see prelude.h): one wording each. */
#include "prelude.h"

#include "../ops/copy.h"

int nn_check_float(const char *fn, const char *what, const dl_tensor *t) {
  if (!dl_dtype_isfloat(t->dtype))
    return dl_error("%s: %s must be a Float or Double tensor, got a %s tensor", fn, what,
                    dl_dtype_name(t->dtype));
  return 0;
}

int nn_check_type(const char *fn, const char *what, const dl_tensor *t, dl_dtype dt) {
  if (t && t->dtype != dt)
    return dl_error("%s: %s is a %s tensor, input a %s tensor (convert with :type())", fn,
                    what, dl_dtype_name(t->dtype), dl_dtype_name(dt));
  return 0;
}

int nn_check_ndim(const char *fn, const char *what, const dl_tensor *t, int lo, int hi) {
  char b[96];
  if (t->ndim == lo || t->ndim == hi) return 0;
  dl_sizestr(b, sizeof b, t->ndim, t->size);
  if (lo == hi) return dl_error("%s: %s of size %s, expected %dD", fn, what, b, lo);
  return dl_error("%s: %s of size %s, expected %dD or %dD", fn, what, b, lo, hi);
}

int nn_check_size(const char *fn, const char *what, const dl_tensor *t, int n,
                  const int64_t *size) {
  char b1[96], b2[96];
  int same = t->ndim == n;
  for (int d = 0; same && d < n; d++) same = t->size[d] == size[d];
  if (same) return 0;
  return dl_error("%s: %s of size %s, expected %s", fn, what,
                  dl_sizestr(b1, sizeof b1, t->ndim, t->size), dl_sizestr(b2, sizeof b2, n, size));
}

int nn_check_samesize(const char *fn, const char *what, const dl_tensor *t,
                      const dl_tensor *like) {
  return nn_check_size(fn, what, t, like->ndim, like->size);
}

int nn_check_numel(const char *fn, const char *what, const dl_tensor *t, int64_t n) {
  if (t && dl_tensor_numel(t) != n)
    return dl_error("%s: %s has %lld elements, expected %lld", fn, what,
                    (long long)dl_tensor_numel(t), (long long)n);
  return 0;
}

int nn_check_count(const char *fn, const char *what, const dl_tensor *t, int64_t n,
                   const char *likewhat, const dl_tensor *like) {
  char b1[96], b2[96];
  if (dl_tensor_numel(t) == n) return 0;
  return dl_error("%s: %s of size %s, expected %lld elements for %s of size %s", fn, what,
                  dl_sizestr(b1, sizeof b1, t->ndim, t->size), (long long)n, likewhat,
                  dl_sizestr(b2, sizeof b2, like->ndim, like->size));
}

int nn_check_vec(const char *fn, const char *what, const dl_tensor *t, int64_t n, dl_dtype dt) {
  if (!t) return 0;
  if (nn_check_type(fn, what, t, dt) < 0) return -1;
  if (t->ndim != 1 || t->size[0] != n)
    return dl_error("%s: %s has %lld elements in %d dimensions, expected a vector of %lld",
                    fn, what, (long long)dl_tensor_numel(t), t->ndim, (long long)n);
  return 0;
}

int nn_check_image(const char *fn, const char *what, const dl_tensor *t, int64_t planes) {
  char b[96];
  if (nn_check_float(fn, what, t) < 0) return -1;
  if (t->ndim != 3 && t->ndim != 4)
    return dl_error("%s: %s of size %s, expected 3D (C x H x W) or 4D (N x C x H x W)", fn,
                    what, dl_sizestr(b, sizeof b, t->ndim, t->size));
  int64_t c = t->size[t->ndim - 3];
  if (planes > 0 && c != planes)
    return dl_error("%s: %s of size %s has %lld planes, expected %lld", fn, what,
                    dl_sizestr(b, sizeof b, t->ndim, t->size), (long long)c, (long long)planes);
  return 0;
}

int nn_contiguous(dl_tensor *dst, const dl_tensor *src) {
  dl_tensor_init(dst, src->dtype);
  return op_contiguous(dst, src);
}

int nn_contiguous_pair(dl_tensor *a, const dl_tensor *x, dl_tensor *b, const dl_tensor *y) {
  if (nn_contiguous(a, x) < 0) return -1;
  if (nn_contiguous(b, y) < 0) {
    dl_tensor_free(a);
    return -1;
  }
  return 0;
}

int nn_free_pair(dl_tensor *a, dl_tensor *b, int rc) {
  dl_tensor_free(a);
  dl_tensor_free(b);
  return rc;
}

int nn_resize_out(dl_tensor *out, const dl_tensor *like) {
  if (dl_tensor_sameview(out, like)) return 0;
  return dl_tensor_resize_as(out, like);
}

void nn_vecs_init(nn_vecs *v) { v->n = v->rc = 0; }

void *nn_vecs_add(nn_vecs *v, const dl_tensor *t, int update) {
  if (!t || v->rc < 0) return NULL;
  if (v->n == NN_MAXVECS) {
    v->rc = dl_error("nn_vecs_add: more than %d vectors", NN_MAXVECS);
    return NULL;
  }
  int i = v->n++;
  v->t[i] = (dl_tensor *)t; /* written only when update says the kernel updates it */
  v->update[i] = update;
  if (op_scratch_open(&v->w[i], t, 1) < 0) v->rc = -1;
  return v->rc < 0 ? NULL : dl_tensor_data(&v->w[i]);
}

int nn_vecs_close(nn_vecs *v, int rc) {
  if (v->rc < 0) rc = -1;
  for (int i = 0; i < v->n; i++) {
    int r = op_scratch_close(v->t[i], &v->w[i], v->update[i] ? rc : -1);
    if (v->update[i]) rc = r;
  }
  v->n = 0;
  return rc;
}
