#include <string.h>

#include "copy.h"
#include "iter.h"

/* Converting loops, one per pair of types, from one source. A float converts to an
   integer type through int64_t (so that -1.0 becomes 255 in a byte, as the Long path
   does, instead of C's undefined out-of-range conversion); Half goes through its
   rounding conversions (core/dtype.h). */
typedef dl_half f16; /* the others are in iter.h */

/* cv_TD_TS(v): one element of type TS as TD. */
#define CV_PLAIN(TD, TS) static inline TD cv_##TD##_##TS(TS v) { return (TD)v; }
#define CV_FLOAT_TO_INT(TD, TS) static inline TD cv_##TD##_##TS(TS v) { return (TD)(i64)v; }
#define CV_TO_HALF(TS) static inline f16 cv_f16_##TS(TS v) { return dl_half_from_double((double)v); }
#define CV_FROM_HALF(TD) static inline TD cv_##TD##_f16(f16 v) { return cv_##TD##_f32(dl_half_to_float(v)); }
/* The lists are written twice: a macro cannot expand inside its own expansion. */
#define INT_TYPES(X, A) X(A, i64) X(A, u8) X(A, i8) X(A, i16) X(A, i32)
#define INT_TYPES2(X, A) X(A, i64) X(A, u8) X(A, i8) X(A, i16) X(A, i32)
#define CV_INT_ROW(unused, TD) CV_FLOAT_TO_INT(TD, f32) CV_FLOAT_TO_INT(TD, f64) INT_TYPES2(CV_PLAIN, TD)
#define CV_SWAP_TO_HALF(unused, TS) CV_TO_HALF(TS)
CV_PLAIN(f32, f32) CV_PLAIN(f32, f64) INT_TYPES(CV_PLAIN, f32)
CV_PLAIN(f64, f32) CV_PLAIN(f64, f64) INT_TYPES(CV_PLAIN, f64)
INT_TYPES(CV_INT_ROW, )
static inline f16 cv_f16_f32(f32 v) { return dl_half_from_float(v); }
static inline f16 cv_f16_f64(f64 v) { return dl_half_from_double(v); }
INT_TYPES(CV_SWAP_TO_HALF, )
static inline f16 cv_f16_f16(f16 v) { return v; }
CV_FROM_HALF(f32) CV_FROM_HALF(f64)
#define CV_FROM_HALF_INT(unused, TD) CV_FROM_HALF(TD)
INT_TYPES(CV_FROM_HALF_INT, )

#define COPY_LOOP(TD, TS)                                                           \
  static void copy_##TD##_##TS(char **data, const int64_t *st, int64_t n, void *c) { \
    (void)c;                                                                        \
    char *d = data[0], *s = data[1];                                                \
    if (st[0] == sizeof(TD) && st[1] == sizeof(TS)) {                               \
      TD *dp = (TD *)d;                                                             \
      const TS *sp = (const TS *)s;                                                 \
      for (int64_t i = 0; i < n; i++) dp[i] = cv_##TD##_##TS(sp[i]);                \
      return;                                                                       \
    }                                                                               \
    for (int64_t i = 0; i < n; i++, d += st[0], s += st[1])                         \
      *(TD *)d = cv_##TD##_##TS(*(TS *)s);                                          \
  }

/* In dl_dtype's order: Float, Double, Long, Byte, Char, Short, Int, Half. */
#define ALL_TYPES(X, A) X(A, f32) X(A, f64) X(A, i64) X(A, u8) X(A, i8) X(A, i16) X(A, i32) X(A, f16)
#define ALL_TYPES2(X, A) X(A, f32) X(A, f64) X(A, i64) X(A, u8) X(A, i8) X(A, i16) X(A, i32) X(A, f16)
#define COPY_ROW_LOOPS(unused, TD) ALL_TYPES2(COPY_LOOP, TD)
ALL_TYPES(COPY_ROW_LOOPS, )
#define COPY_ENTRY(TD, TS) copy_##TD##_##TS,
#define COPY_ROW(unused, TD) {ALL_TYPES2(COPY_ENTRY, TD)},
static const op_loop_fn copiers[DL_NTYPES][DL_NTYPES] = {ALL_TYPES(COPY_ROW, )};

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

#define FILL(unused, T)                                                           \
  static void fill_##T(char **data, const int64_t *st, int64_t n, void *c) {      \
    T v = cv_##T##_f64(((fill_ctx *)c)->v);                                       \
    if (st[0] == sizeof(T)) {                                                     \
      T *p = (T *)data[0];                                                        \
      for (int64_t i = 0; i < n; i++) p[i] = v;                                   \
      return;                                                                     \
    }                                                                             \
    char *p = data[0];                                                            \
    for (int64_t i = 0; i < n; i++, p += st[0]) *(T *)p = v;                      \
  }
ALL_TYPES(FILL, )
#define FILL_ENTRY(unused, T) fill_##T,
static const op_loop_fn fillers[DL_NTYPES] = {ALL_TYPES(FILL_ENTRY, )};

void op_fill(dl_tensor *t, double v) {
  fill_ctx c = {v};
  const dl_tensor *ts[1] = {t};
  op_foreach(1, ts, fillers[t->dtype], &c);
}

double op_get(const dl_tensor *t, int64_t elem) {
  double v = 0;
  void *base = t->storage->data;
  if (t->dtype == DL_HALF) return dl_half_to_float(((const dl_half *)base)[elem]);
#define GET(T) v = (double)((T *)base)[elem]
  DL_DISPATCH(t->dtype, GET)
#undef GET
  return v;
}

int64_t op_get_long(const dl_tensor *t, int64_t elem) {
  if (t->dtype == DL_LONG) return ((int64_t *)t->storage->data)[elem];
  return (int64_t)op_get(t, elem);
}

/* v converted as a copy from a DoubleTensor converts it */
void op_set(const dl_tensor *t, int64_t elem, double v) {
  void *base = t->storage->data;
  switch (t->dtype) {
  case DL_FLOAT: ((f32 *)base)[elem] = cv_f32_f64(v); break;
  case DL_DOUBLE: ((f64 *)base)[elem] = v; break;
  case DL_LONG: ((i64 *)base)[elem] = cv_i64_f64(v); break;
  case DL_BYTE: ((u8 *)base)[elem] = cv_u8_f64(v); break;
  case DL_CHAR: ((i8 *)base)[elem] = cv_i8_f64(v); break;
  case DL_SHORT: ((i16 *)base)[elem] = cv_i16_f64(v); break;
  case DL_INT: ((i32 *)base)[elem] = cv_i32_f64(v); break;
  case DL_HALF: ((f16 *)base)[elem] = cv_f16_f64(v); break;
  default: break;
  }
}
