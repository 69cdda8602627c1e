#include <string.h>

#include "copy.h"
#include "iter.h"

/* Converting loops, one per pair of types, from one source. */
#define COPY_LOOP(TD, TS)                                                           \
  static void copy_##TD##_##TS(char **data, const int64_t *st, int64_t n, void *c) { \
    (void)c;                                                                        \
    char *d = data[0], *s = data[1];                                                \
    if (st[0] == sizeof(TD) && st[1] == sizeof(TS)) {                               \
      TD *dp = (TD *)d;                                                             \
      const TS *sp = (const TS *)s;                                                 \
      for (int64_t i = 0; i < n; i++) dp[i] = (TD)sp[i];                            \
      return;                                                                       \
    }                                                                               \
    for (int64_t i = 0; i < n; i++, d += st[0], s += st[1]) *(TD *)d = (TD) * (TS *)s; \
  }

typedef float f32;
typedef double f64;
typedef int64_t i64;
typedef uint8_t u8;
#define COPY_FROM(TD) COPY_LOOP(TD, f32) COPY_LOOP(TD, f64) COPY_LOOP(TD, i64) COPY_LOOP(TD, u8)
COPY_FROM(f32)
COPY_FROM(f64)
COPY_FROM(i64)
COPY_FROM(u8)

#define ROW(TD) {copy_##TD##_f32, copy_##TD##_f64, copy_##TD##_i64, copy_##TD##_u8}
static const op_loop_fn copiers[DL_NTYPES][DL_NTYPES] = {ROW(f32), ROW(f64), ROW(i64), ROW(u8)};

static int copy_same_shape(dl_tensor *dst, const dl_tensor *src) {
  const dl_tensor *ts[2] = {dst, src};
  if (dst->dtype == src->dtype && dl_tensor_iscontiguous(dst) && dl_tensor_iscontiguous(src)) {
    memmove(dl_tensor_data(dst), dl_tensor_data(src),
            (size_t)dl_tensor_numel(dst) * dl_dtype_size(dst->dtype));
    return 0;
  }
  op_foreach(2, ts, copiers[dst->dtype][src->dtype], NULL);
  return 0;
}

int op_copy(dl_tensor *dst, const dl_tensor *src) {
  char b1[256], b2[256];
  int64_t n = dl_tensor_numel(dst);
  if (n == 0 && dl_tensor_numel(src) == 0) return 0;
  if (dl_tensor_overlaps(dst, src)) { /* x:copy(x:t()): read all of src before writing */
    if (dl_tensor_sameview(dst, src)) return 0;
    dl_tensor tmp;
    dl_tensor_init(&tmp, src->dtype);
    int rc = op_clone(&tmp, src, src->dtype);
    if (rc == 0) rc = op_copy(dst, &tmp);
    dl_tensor_free(&tmp);
    return rc;
  }
  if (dl_tensor_samesize(dst, src)) return copy_same_shape(dst, src);
  int64_t bsize[DL_MAXDIM];
  /* broadcasting, when src broadcasts to exactly dst's shape */
  int nb = dl_broadcast_shape("copy", dst, src, bsize);
  if (nb == dst->ndim && nb >= 0 && dl_tensor_numel(src) > 0) {
    int same = 1;
    for (int d = 0; d < nb; d++) same &= bsize[d] == dst->size[d];
    if (same) {
      dl_tensor e;
      dl_tensor_init(&e, src->dtype);
      dl_tensor_set(&e, src);
      int rc = dl_tensor_expand(&e, dst->ndim, dst->size);
      if (!rc) rc = copy_same_shape(dst, &e);
      dl_tensor_free(&e);
      return rc;
    }
  }
  if (n != dl_tensor_numel(src))
    return dl_error("copy: sizes %s and %s differ and do not broadcast (%lld vs %lld elements)",
                    dl_sizestr(b1, sizeof b1, dst->ndim, dst->size),
                    dl_sizestr(b2, sizeof b2, src->ndim, src->size), (long long)n,
                    (long long)dl_tensor_numel(src));
  /* same count, other shape: pair elements in row-major order through flat views */
  dl_tensor fd, fs;
  int64_t flat = n;
  int rc = 0;
  dl_tensor_init(&fd, dst->dtype);
  dl_tensor_init(&fs, src->dtype);
  if (op_contiguous(&fs, src) == 0 && dl_tensor_view(&fs, 1, &flat) == 0) {
    if (dl_tensor_iscontiguous(dst)) {
      dl_tensor_set(&fd, dst);
      dl_tensor_view(&fd, 1, &flat);
      rc = copy_same_shape(&fd, &fs);
    } else {
      /* dst is strided: view the source with dst's shape instead */
      rc = dl_tensor_view(&fs, dst->ndim, dst->size);
      if (!rc) rc = copy_same_shape(dst, &fs);
    }
  } else {
    rc = -1;
  }
  dl_tensor_free(&fd);
  dl_tensor_free(&fs);
  return rc;
}

int op_clone(dl_tensor *dst, const dl_tensor *src, dl_dtype dt) {
  dl_tensor t;
  if (dl_tensor_new(&t, dt, src->ndim, src->size)) return -1;
  if (op_copy(&t, src)) {
    dl_tensor_free(&t);
    return -1;
  }
  dl_tensor_free(dst);
  *dst = t;
  return 0;
}

int op_contiguous(dl_tensor *dst, const dl_tensor *src) {
  if (dl_tensor_iscontiguous(src)) {
    dl_tensor_set(dst, src);
    return 0;
  }
  return op_clone(dst, src, src->dtype);
}

int op_scratch_open(dl_tensor *w, const dl_tensor *res, int load) {
  dl_tensor_init(w, res->dtype);
  if (dl_tensor_iscontiguous(res)) {
    dl_tensor_set(w, res);
    return 0;
  }
  if (dl_tensor_resize(w, res->ndim, res->size)) return -1;
  return load ? op_copy(w, res) : 0;
}

int op_scratch_close(dl_tensor *res, dl_tensor *w, int rc) {
  /* a view of res shares its storage; a scratch never does */
  if (rc == 0 && w->storage != res->storage) rc = op_copy(res, w);
  dl_tensor_free(w);
  return rc;
}

typedef struct {
  double v;
} fill_ctx;

#define FILL(T)                                                                   \
  static void fill_##T(char **data, const int64_t *st, int64_t n, void *c) {      \
    T v = (T)((fill_ctx *)c)->v;                                                  \
    if (st[0] == sizeof(T)) {                                                     \
      T *p = (T *)data[0];                                                        \
      for (int64_t i = 0; i < n; i++) p[i] = v;                                   \
      return;                                                                     \
    }                                                                             \
    char *p = data[0];                                                            \
    for (int64_t i = 0; i < n; i++, p += st[0]) *(T *)p = v;                      \
  }
FILL(f32)
FILL(f64)
FILL(i64)
FILL(u8)
static const op_loop_fn fillers[DL_NTYPES] = {fill_f32, fill_f64, fill_i64, fill_u8};

void op_fill(dl_tensor *t, double v) {
  fill_ctx c = {v};
  const dl_tensor *ts[1] = {t};
  op_foreach(1, ts, fillers[t->dtype], &c);
}

double op_get(const dl_tensor *t, int64_t elem) {
  double v = 0;
  void *base = t->storage->data;
#define GET(T) v = (double)((T *)base)[elem]
  DL_DISPATCH(t->dtype, GET)
#undef GET
  return v;
}

int64_t op_get_long(const dl_tensor *t, int64_t elem) {
  if (t->dtype == DL_LONG) return ((int64_t *)t->storage->data)[elem];
  return (int64_t)op_get(t, elem);
}

void op_set(const dl_tensor *t, int64_t elem, double v) {
  void *base = t->storage->data;
#define SET(T) ((T *)base)[elem] = (T)v
  DL_DISPATCH(t->dtype, SET)
#undef SET
}
