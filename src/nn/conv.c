/* Convolution kernels (see conv.h): im2col and col2im, the gathers between the N x C x P
   layout of tensors and the C x (N*P) layout of the GEMM operands, and the three passes of
   each convolution, written in the order data flows. */
#include "conv.h"

#include <cblas.h>
#include <omp.h>
#include <string.h>

#include "../ops/blas.h"
#include "../ops/copy.h"

/* Loops smaller than this many elements stay on one thread. */
#define PAR_MIN 32768

/* ---- checks and views ----------------------------------------------------------------- */

static int check_float(const char *fn, const char *what, const dl_tensor *t) {
  if (!dl_dtype_isfloat(t->dtype))
    return dl_error("%s: %s must be a Float or Double tensor, got %s", fn, what,
                    dl_dtype_name(t->dtype));
  return 0;
}

static int check_type(const char *fn, const char *what, const dl_tensor *t, dl_dtype dt) {
  if (t && t->dtype != dt)
    return dl_error("%s: %s is a %sTensor, expected a %sTensor", fn, what,
                    dl_dtype_name(t->dtype), dl_dtype_name(dt));
  return 0;
}

static int check_ndim(const char *fn, const char *what, const dl_tensor *t, int ndim) {
  char b[96];
  if (t->ndim != ndim)
    return dl_error("%s: %s of size %s, expected %d dimensions", fn, what,
                    dl_sizestr(b, sizeof b, t->ndim, t->size), ndim);
  return 0;
}

static int check_numel(const char *fn, const char *what, const dl_tensor *t, int64_t n) {
  if (t && dl_tensor_numel(t) != n)
    return dl_error("%s: %s has %lld elements, expected %lld", fn, what,
                    (long long)dl_tensor_numel(t), (long long)n);
  return 0;
}

static int check_geom(const char *fn, const nn_conv_geom *g) {
  if (g->kh < 1 || g->kw < 1 || g->dh < 1 || g->dw < 1 || g->ph < 0 || g->pw < 0 ||
      g->dilh < 1 || g->dilw < 1)
    return dl_error("%s: kernel %lldx%lld, stride %lldx%lld, padding %lldx%lld and dilation "
                    "%lldx%lld must be positive (padding may be 0)", fn, (long long)g->kh,
                    (long long)g->kw, (long long)g->dh, (long long)g->dw, (long long)g->ph,
                    (long long)g->pw, (long long)g->dilh, (long long)g->dilw);
  return 0;
}

/* A contiguous version of src in dst (a view when src already is contiguous). */
static int contig(dl_tensor *dst, const dl_tensor *src) {
  dl_tensor_init(dst, src->dtype);
  return op_contiguous(dst, src);
}

/* A shallow r x c row-major view of contiguous data (no reference taken). */
static dl_tensor mat(const dl_tensor *t, int64_t r, int64_t c) {
  dl_tensor m = *t;
  m.ndim = 2;
  m.size[0] = r;
  m.size[1] = c;
  m.stride[0] = c;
  m.stride[1] = 1;
  return m;
}

/* The kernels fill results and buffers through raw pointers: a view there is an error. */
static int resize2(const char *fn, dl_tensor *t, int64_t a, int64_t b) {
  int64_t s[2] = {a, b};
  return dl_tensor_resize_contig(fn, t, 2, s);
}

static int resize4(const char *fn, dl_tensor *t, int64_t a, int64_t b, int64_t c, int64_t d) {
  int64_t s[4] = {a, b, c, d};
  return dl_tensor_resize_contig(fn, t, 4, s);
}

int64_t nn_conv_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int64_t dil) {
  int64_t span = dil * (k - 1) + 1;
  if (in + 2 * pad < span) return 0;
  return (in + 2 * pad - span) / d + 1;
}

/* ---- im2col, col2im, gather, scatter -------------------------------------------------- */

/* Image and grid sizes: n samples of c planes h x w; the kernel visits an oh x ow grid. */
typedef struct {
  int64_t n, c, h, w, oh, ow;
} conv_dims;

/* The output columns ox in [*lo, *hi) read inside the row for kernel column kj; the
   others read padding. */
static void valid_range(const conv_dims *d, const nn_conv_geom *g, int64_t kj, int64_t *lo,
                        int64_t *hi) {
  int64_t off = kj * g->dilw - g->pw;
  int64_t a = off >= 0 ? 0 : (-off + g->dw - 1) / g->dw;
  int64_t b = d->w - 1 - off < 0 ? 0 : (d->w - 1 - off) / g->dw + 1;
  if (b > d->ow) b = d->ow;
  if (a > b) a = b;
  *lo = a;
  *hi = b;
}

/* cols[(ch*kh + ki)*kw + kj][b*P + oy*ow + ox] = img[b][ch][oy*dh - ph + ki*dilh][...],
   zero in the padding. Each (sample, plane) fills its own rows' segment. */
#define DEFINE_IM2COL(T)                                                                  \
  static void im2col_##T(T *cols, const T *img, const conv_dims *d, const nn_conv_geom *g) { \
    int64_t P = d->oh * d->ow, NP = d->n * P, kh = g->kh, kw = g->kw;                    \
    int64_t n = d->n, c = d->c, h = d->h, w = d->w, oh = d->oh, ow = d->ow;              \
    _Pragma("omp parallel for collapse(2) if (n * c * kh * kw * P > PAR_MIN)")          \
    for (int64_t b = 0; b < n; b++)                                                      \
      for (int64_t ch = 0; ch < c; ch++) {                                               \
        const T *plane = img + (b * c + ch) * h * w;                                     \
        for (int64_t ki = 0; ki < kh; ki++)                                              \
          for (int64_t kj = 0; kj < kw; kj++) {                                          \
            T *dst = cols + ((ch * kh + ki) * kw + kj) * NP + b * P;                     \
            int64_t lo, hi, xoff = kj * g->dilw - g->pw;                                 \
            valid_range(d, g, kj, &lo, &hi);                                             \
            for (int64_t oy = 0; oy < oh; oy++) {                                        \
              T *o = dst + oy * ow;                                                      \
              int64_t iy = oy * g->dh - g->ph + ki * g->dilh;                            \
              if (iy < 0 || iy >= h) {                                                   \
                memset(o, 0, (size_t)ow * sizeof(T));                                    \
                continue;                                                                \
              }                                                                          \
              const T *src = plane + iy * w + xoff;                                      \
              for (int64_t ox = 0; ox < lo; ox++) o[ox] = 0;                             \
              if (g->dw == 1) /* short rows: a plain loop beats a memcpy call */         \
                for (int64_t ox = lo; ox < hi; ox++) o[ox] = src[ox];                    \
              else                                                                       \
                for (int64_t ox = lo; ox < hi; ox++) o[ox] = src[ox * g->dw];            \
              for (int64_t ox = hi; ox < ow; ox++) o[ox] = 0;                            \
            }                                                                            \
          }                                                                              \
      }                                                                                  \
  }

/* The adjoint of im2col: img (set, not accumulated) gets the sum of the columns that read
   each pixel. Each (sample, plane) owns its plane, so the planes run in parallel. */
#define DEFINE_COL2IM(T)                                                                  \
  static void col2im_##T(T *img, const T *cols, const conv_dims *d, const nn_conv_geom *g) { \
    int64_t P = d->oh * d->ow, NP = d->n * P, kh = g->kh, kw = g->kw;                    \
    int64_t n = d->n, c = d->c, h = d->h, w = d->w, oh = d->oh, ow = d->ow;              \
    _Pragma("omp parallel for collapse(2) if (n * c * kh * kw * P > PAR_MIN)")          \
    for (int64_t b = 0; b < n; b++)                                                      \
      for (int64_t ch = 0; ch < c; ch++) {                                               \
        T *plane = img + (b * c + ch) * h * w;                                           \
        memset(plane, 0, (size_t)(h * w) * sizeof(T));                                   \
        for (int64_t ki = 0; ki < kh; ki++)                                              \
          for (int64_t kj = 0; kj < kw; kj++) {                                          \
            const T *src = cols + ((ch * kh + ki) * kw + kj) * NP + b * P;               \
            int64_t lo, hi, xoff = kj * g->dilw - g->pw, dw = g->dw;                     \
            valid_range(d, g, kj, &lo, &hi);                                             \
            for (int64_t oy = 0; oy < oh; oy++) {                                        \
              int64_t iy = oy * g->dh - g->ph + ki * g->dilh;                            \
              if (iy < 0 || iy >= h) continue;                                           \
              T *o = plane + iy * w + xoff;                                              \
              const T *s = src + oy * ow;                                                \
              if (dw == 1)                                                               \
                for (int64_t ox = lo; ox < hi; ox++) o[ox] += s[ox];                     \
              else                                                                       \
                for (int64_t ox = lo; ox < hi; ox++) o[ox * dw] += s[ox];                \
            }                                                                            \
          }                                                                              \
      }                                                                                  \
  }

/* dst (c x n*P) from src (n x c x P): the batch's planes side by side per channel. */
#define DEFINE_GATHER(T)                                                                  \
  static void gather_##T(T *dst, const T *src, int64_t n, int64_t c, int64_t P) {         \
    _Pragma("omp parallel for collapse(2) if (n * c * P > PAR_MIN)")                     \
    for (int64_t b = 0; b < n; b++)                                                      \
      for (int64_t ch = 0; ch < c; ch++)                                                 \
        memcpy(dst + ch * n * P + b * P, src + (b * c + ch) * P, (size_t)P * sizeof(T)); \
  }

/* The inverse of gather, adding bias[ch] (bias may be NULL, bs its stride). */
#define DEFINE_SCATTER(T)                                                                 \
  static void scatter_##T(T *dst, const T *src, int64_t n, int64_t c, int64_t P,          \
                          const T *bias, int64_t bs) {                                   \
    _Pragma("omp parallel for collapse(2) if (n * c * P > PAR_MIN)")                     \
    for (int64_t b = 0; b < n; b++)                                                      \
      for (int64_t ch = 0; ch < c; ch++) {                                               \
        T *o = dst + (b * c + ch) * P;                                                   \
        const T *s = src + ch * n * P + b * P;                                           \
        T bv = bias ? bias[ch * bs] : (T)0;                                              \
        for (int64_t p = 0; p < P; p++) o[p] = s[p] + bv;                                \
      }                                                                                  \
  }

/* gb[ch * gs] += scale * (sum of the len values of row ch of m), rows of stride ld. */
#define DEFINE_ROWSUM(T)                                                                  \
  static void rowsum_##T(T *gb, int64_t gs, const T *m, int64_t rows, int64_t len,        \
                         int64_t ld, double scale) {                                     \
    for (int64_t r = 0; r < rows; r++) {                                                 \
      double s = 0;                                                                      \
      const T *x = m + r * ld;                                                           \
      for (int64_t i = 0; i < len; i++) s += x[i];                                       \
      gb[r * gs] += (T)(scale * s);                                                      \
    }                                                                                    \
  }

/* x[b][ch][p] += bias[ch * bs]: the bias of a transposed convolution, after col2im. */
#define DEFINE_ADDBIAS(T)                                                                 \
  static void addbias_##T(T *x, int64_t n, int64_t c, int64_t P, const T *bias,          \
                          int64_t bs) {                                                  \
    _Pragma("omp parallel for collapse(2) if (n * c * P > PAR_MIN)")                     \
    for (int64_t b = 0; b < n; b++)                                                      \
      for (int64_t ch = 0; ch < c; ch++) {                                               \
        T *o = x + (b * c + ch) * P, bv = bias[ch * bs];                                 \
        for (int64_t p = 0; p < P; p++) o[p] += bv;                                      \
      }                                                                                  \
  }

/* x[r][j] += v[j * vs] for the rows x len contiguous matrix x. */
#define DEFINE_ADDROW(T)                                                                  \
  static void addrow_##T(T *x, int64_t rows, int64_t len, const T *v, int64_t vs) {       \
    for (int64_t r = 0; r < rows; r++)                                                   \
      for (int64_t j = 0; j < len; j++) x[r * len + j] += v[j * vs];                     \
  }

/* g[j * gs] += scale * (sum over rows of m[r][j]) for the rows x len contiguous m. */
#define DEFINE_COLSUM(T)                                                                  \
  static void colsum_##T(T *g, int64_t gs, const T *m, int64_t rows, int64_t len,         \
                         double scale) {                                                 \
    for (int64_t j = 0; j < len; j++) {                                                  \
      double s = 0;                                                                      \
      for (int64_t r = 0; r < rows; r++) s += m[r * len + j];                            \
      g[j * gs] += (T)(scale * s);                                                       \
    }                                                                                    \
  }

#define DEFINE_ALL(T) DEFINE_IM2COL(T) DEFINE_COL2IM(T) DEFINE_GATHER(T) DEFINE_SCATTER(T) \
  DEFINE_ROWSUM(T) DEFINE_ADDBIAS(T) DEFINE_ADDROW(T) DEFINE_COLSUM(T)
DEFINE_ALL(float)
DEFINE_ALL(double)

static void im2col(dl_tensor *cols, const dl_tensor *img, const conv_dims *d,
                   const nn_conv_geom *g) {
#define CALL(T) im2col_##T(dl_tensor_data(cols), dl_tensor_data(img), d, g)
  DL_DISPATCH_FLOAT(img->dtype, CALL)
#undef CALL
}

static void col2im(dl_tensor *img, const dl_tensor *cols, const conv_dims *d,
                   const nn_conv_geom *g) {
#define CALL(T) col2im_##T(dl_tensor_data(img), dl_tensor_data(cols), d, g)
  DL_DISPATCH_FLOAT(img->dtype, CALL)
#undef CALL
}

static void gather(dl_tensor *dst, const dl_tensor *src, int64_t n, int64_t c, int64_t P) {
#define CALL(T) gather_##T(dl_tensor_data(dst), dl_tensor_data(src), n, c, P)
  DL_DISPATCH_FLOAT(src->dtype, CALL)
#undef CALL
}

static void scatter(dl_tensor *dst, const dl_tensor *src, int64_t n, int64_t c, int64_t P,
                    const dl_tensor *bias) {
  int64_t bs = bias ? (bias->ndim ? bias->stride[bias->ndim - 1] : 1) : 0;
#define CALL(T) \
  scatter_##T(dl_tensor_data(dst), dl_tensor_data(src), n, c, P, bias ? dl_tensor_data(bias) : NULL, bs)
  DL_DISPATCH_FLOAT(src->dtype, CALL)
#undef CALL
}

static void add_bias(dl_tensor *x, int64_t n, int64_t c, int64_t P, const dl_tensor *bias) {
  int64_t bs = bias->ndim ? bias->stride[bias->ndim - 1] : 1;
#define CALL(T) addbias_##T(dl_tensor_data(x), n, c, P, dl_tensor_data(bias), bs)
  DL_DISPATCH_FLOAT(x->dtype, CALL)
#undef CALL
}

static void add_row(dl_tensor *x, int64_t rows, int64_t len, const dl_tensor *v) {
  int64_t vs = v->ndim ? v->stride[v->ndim - 1] : 1;
#define CALL(T) addrow_##T(dl_tensor_data(x), rows, len, dl_tensor_data(v), vs)
  DL_DISPATCH_FLOAT(x->dtype, CALL)
#undef CALL
}

static void colsum(dl_tensor *g, const dl_tensor *m, int64_t rows, int64_t len, double scale) {
  int64_t gs = g->ndim ? g->stride[g->ndim - 1] : 1;
#define CALL(T) colsum_##T(dl_tensor_data(g), gs, dl_tensor_data(m), rows, len, scale)
  DL_DISPATCH_FLOAT(m->dtype, CALL)
#undef CALL
}

/* gradBias += scale * row sums of the rows x len matrix m (leading dimension ld). */
static void rowsum(dl_tensor *gb, const dl_tensor *m, int64_t rows, int64_t len, int64_t ld,
                   double scale) {
  int64_t gs = gb->ndim ? gb->stride[gb->ndim - 1] : 1;
#define CALL(T) rowsum_##T(dl_tensor_data(gb), gs, dl_tensor_data(m), rows, len, ld, scale)
  DL_DISPATCH_FLOAT(m->dtype, CALL)
#undef CALL
}

/* ---- per-sample convolution, the batch split between threads ------------------------- */

/* Row-major GEMM on raw pointers, one per float type, for the kernels below. */
static void gemm_float(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m, int64_t n, int64_t k,
                       double alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                       double beta, float *c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta, tb, (int)m, (int)n, (int)k, (float)alpha, a, (int)lda, b,
              (int)ldb, (float)beta, c, (int)ldc);
}

static void gemm_double(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m, int64_t n,
                        int64_t k, double alpha, const double *a, int64_t lda, const double *b,
                        int64_t ldb, double beta, double *c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta, tb, (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb,
              beta, c, (int)ldc);
}

/* Each thread takes whole samples: its im2col columns (K x P, a few hundred KB) stay in
   its L2 cache for the GEMM that reads them, and the GEMM writes the output plane block
   directly. The GEMMs are single-threaded: OpenBLAS runs one thread inside an OpenMP
   region. buf holds nt blocks of K x P. */
#define DEFINE_CONV_PS(T)                                                                 \
  static void conv_fwd_ps_##T(T *out, T *buf, const T *x, const T *w, const T *bias,      \
                              int64_t bs, const conv_dims *d, const nn_conv_geom *g,     \
                              int64_t f, int nt) {                                       \
    int64_t K = d->c * g->kh * g->kw, P = d->oh * d->ow, chw = d->c * d->h * d->w;       \
    conv_dims d1 = *d;                                                                   \
    d1.n = 1;                                                                            \
    _Pragma("omp parallel num_threads(nt)")                                              \
    {                                                                                    \
      T *cols = buf + (int64_t)omp_get_thread_num() * K * P;                             \
      _Pragma("omp for schedule(static)")                                                \
      for (int64_t b = 0; b < d->n; b++) {                                               \
        T *o = out + b * f * P;                                                          \
        im2col_##T(cols, x + b * chw, &d1, g);                                           \
        if (bias)                                                                        \
          for (int64_t r = 0; r < f; r++)                                                \
            for (int64_t p = 0; p < P; p++) o[r * P + p] = bias[r * bs];                 \
        gemm_##T(CblasNoTrans, CblasNoTrans, f, P, K, 1.0, w, K, cols, P, bias ? 1.0 : 0.0, \
                 o, P);                                                                  \
      }                                                                                  \
    }                                                                                    \
  }                                                                                      \
                                                                                         \
  static void conv_bwdi_ps_##T(T *gi, T *buf, const T *go, const T *w, const conv_dims *d, \
                               const nn_conv_geom *g, int64_t f, int nt) {               \
    int64_t K = d->c * g->kh * g->kw, P = d->oh * d->ow, chw = d->c * d->h * d->w;       \
    conv_dims d1 = *d;                                                                   \
    d1.n = 1;                                                                            \
    _Pragma("omp parallel num_threads(nt)")                                              \
    {                                                                                    \
      T *cols = buf + (int64_t)omp_get_thread_num() * K * P;                             \
      _Pragma("omp for schedule(static)")                                                \
      for (int64_t b = 0; b < d->n; b++) {                                               \
        gemm_##T(CblasTrans, CblasNoTrans, K, P, f, 1.0, w, K, go + b * f * P, P, 0.0,   \
                 cols, P);                                                               \
        col2im_##T(gi + b * chw, cols, &d1, g);                                          \
      }                                                                                  \
    }                                                                                    \
  }                                                                                      \
                                                                                         \
  /* Each thread sums its samples' products into its own F x K block (and F bias sums),  \
     then the blocks are added into gradWeight in thread order. */                       \
  static void conv_bwdp_ps_##T(T *gw, T *gb, int64_t gbs, T *buf, T *part, const T *x,   \
                               const T *go, const conv_dims *d, const nn_conv_geom *g,   \
                               int64_t f, int nt, double scale) {                        \
    int64_t K = d->c * g->kh * g->kw, P = d->oh * d->ow, chw = d->c * d->h * d->w;       \
    int64_t blk = f * K + f;                                                             \
    conv_dims d1 = *d;                                                                   \
    d1.n = 1;                                                                            \
    _Pragma("omp parallel num_threads(nt)")                                              \
    {                                                                                    \
      int t = omp_get_thread_num();                                                      \
      T *cols = buf + (int64_t)t * K * P, *pw = part + (int64_t)t * blk, *pb = pw + f * K; \
      memset(pw, 0, (size_t)blk * sizeof(T));                                            \
      _Pragma("omp for schedule(static)")                                                \
      for (int64_t b = 0; b < d->n; b++) {                                               \
        const T *gob = go + b * f * P;                                                   \
        im2col_##T(cols, x + b * chw, &d1, g);                                           \
        gemm_##T(CblasNoTrans, CblasTrans, f, K, P, 1.0, gob, P, cols, P, 1.0, pw, K);   \
        for (int64_t r = 0; r < f; r++) {                                                \
          T s = 0;                                                                       \
          for (int64_t p = 0; p < P; p++) s += gob[r * P + p];                           \
          pb[r] += s;                                                                    \
        }                                                                                \
      }                                                                                  \
    }                                                                                    \
    for (int t = 0; t < nt; t++) {                                                       \
      const T *pw = part + (int64_t)t * blk, *pb = pw + f * K;                           \
      for (int64_t i = 0; i < f * K; i++) gw[i] += (T)(scale * pw[i]);                   \
      if (gb)                                                                            \
        for (int64_t r = 0; r < f; r++) gb[r * gbs] += (T)(scale * pb[r]);               \
    }                                                                                    \
  }
DEFINE_CONV_PS(float)
DEFINE_CONV_PS(double)

static nn_conv_path conv_path = NN_CONV_AUTO;

void nn_conv_set_path(nn_conv_path p) { conv_path = p; }

/* The per-sample path pays when every thread gets a few samples and enough work to cover
   the fork and join; a small batch is better served by one GEMM that BLAS threads itself.
   (Tiny convolutions stay on one path: on a loaded machine each OpenMP join can wait a
   whole scheduler slice for a descheduled thread.) */
static int per_sample(int64_t n, int64_t work, int *nt) {
  *nt = omp_get_max_threads();
  if (conv_path != NN_CONV_AUTO) return conv_path == NN_CONV_SAMPLE;
  return n >= 2 * (int64_t)*nt && work >= ((int64_t)1 << 22);
}

/* ---- 2D convolution ------------------------------------------------------------------- */

/* Checks in and weight, and fills d with the sizes: d->oh, d->ow are the output grid. */
static int conv_setup(const char *fn, conv_dims *d, int64_t *f, const dl_tensor *in,
                      const dl_tensor *weight, const nn_conv_geom *g) {
  char b1[96], b2[96];
  if (check_float(fn, "input", in) < 0 || check_ndim(fn, "input", in, 4) < 0 ||
      check_type(fn, "weight", weight, in->dtype) < 0 || check_geom(fn, g) < 0)
    return -1;
  d->n = in->size[0], d->c = in->size[1], d->h = in->size[2], d->w = in->size[3];
  *f = weight->ndim ? weight->size[0] : 0;
  if (weight->ndim < 2 || dl_tensor_numel(weight) != *f * d->c * g->kh * g->kw)
    return dl_error("%s: weight of size %s does not fit input %s with a %lldx%lld kernel", fn,
                    dl_sizestr(b1, sizeof b1, weight->ndim, weight->size),
                    dl_sizestr(b2, sizeof b2, 4, in->size), (long long)g->kh, (long long)g->kw);
  d->oh = nn_conv_outsize(d->h, g->kh, g->dh, g->ph, g->dilh);
  d->ow = nn_conv_outsize(d->w, g->kw, g->dw, g->pw, g->dilw);
  if (d->oh < 1 || d->ow < 1)
    return dl_error("%s: kernel %lldx%lld (dilation %lldx%lld) is larger than the padded "
                    "input %lldx%lld", fn, (long long)g->kh, (long long)g->kw,
                    (long long)g->dilh, (long long)g->dilw, (long long)(d->h + 2 * g->ph),
                    (long long)(d->w + 2 * g->pw));
  return 0;
}

static int check_gradout(const char *fn, const dl_tensor *go, int64_t n, int64_t f, int64_t oh,
                         int64_t ow, dl_dtype dt) {
  char b[96];
  if (check_type(fn, "gradOutput", go, dt) < 0) return -1;
  if (go->ndim != 4 || go->size[0] != n || go->size[1] != f || go->size[2] != oh ||
      go->size[3] != ow)
    return dl_error("%s: gradOutput of size %s, expected %lldx%lldx%lldx%lld", fn,
                    dl_sizestr(b, sizeof b, go->ndim, go->size), (long long)n, (long long)f,
                    (long long)oh, (long long)ow);
  return 0;
}

static int64_t vstride(const dl_tensor *v) {
  return v && v->ndim ? v->stride[v->ndim - 1] : 1;
}

int nn_conv2d_forward(dl_tensor *out, dl_tensor *cols, dl_tensor *obuf, const dl_tensor *in,
                      const dl_tensor *weight, const dl_tensor *bias, const nn_conv_geom *g) {
  const char *fn = "nn_conv2d_forward";
  conv_dims d;
  int64_t f;
  if (conv_setup(fn, &d, &f, in, weight, g) < 0) return -1;
  if (check_type(fn, "bias", bias, in->dtype) < 0 || check_numel(fn, "bias", bias, f) < 0 ||
      check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  int64_t K = d.c * g->kh * g->kw, P = d.oh * d.ow, NP = d.n * P;
  int nt, ps = per_sample(d.n, f * K * NP, &nt);
  dl_tensor xc, wc;
  if (contig(&xc, in) < 0) return -1;
  if (contig(&wc, weight) < 0) {
    dl_tensor_free(&xc);
    return -1;
  }
  int rc = resize4(fn, out, d.n, f, d.oh, d.ow);
  if (rc == 0) rc = ps ? resize2(fn, cols, nt, K * P) : resize2(fn, cols, K, NP);
  if (rc == 0 && !ps) rc = resize2(fn, obuf, f, NP);
  if (rc == 0 && ps) {
#define CALL(T)                                                                       \
  conv_fwd_ps_##T(dl_tensor_data(out), dl_tensor_data(cols), dl_tensor_data(&xc),     \
                  dl_tensor_data(&wc), bias ? dl_tensor_data(bias) : NULL, vstride(bias), \
                  &d, g, f, nt)
    DL_DISPATCH_FLOAT(in->dtype, CALL)
#undef CALL
  } else if (rc == 0) {
    im2col(cols, &xc, &d, g);
    dl_tensor w2 = mat(&wc, f, K);
    rc = op_gemm('n', 'n', 1.0, &w2, cols, 0.0, obuf);
    if (rc == 0) scatter(out, obuf, d.n, f, P, bias);
  }
  dl_tensor_free(&xc);
  dl_tensor_free(&wc);
  return rc;
}

int nn_conv2d_backward_input(dl_tensor *gradIn, dl_tensor *gcols, dl_tensor *obuf,
                             const dl_tensor *in, const dl_tensor *gradOut,
                             const dl_tensor *weight, const nn_conv_geom *g) {
  const char *fn = "nn_conv2d_backward_input";
  conv_dims d;
  int64_t f;
  if (conv_setup(fn, &d, &f, in, weight, g) < 0 ||
      check_gradout(fn, gradOut, d.n, f, d.oh, d.ow, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  int64_t K = d.c * g->kh * g->kw, P = d.oh * d.ow, NP = d.n * P;
  int nt, ps = per_sample(d.n, f * K * NP, &nt);
  dl_tensor gc, wc;
  if (contig(&gc, gradOut) < 0) return -1;
  if (contig(&wc, weight) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  int rc = resize4(fn, gradIn, d.n, d.c, d.h, d.w);
  if (rc == 0) rc = ps ? resize2(fn, gcols, nt, K * P) : resize2(fn, gcols, K, NP);
  if (rc == 0 && !ps) rc = resize2(fn, obuf, f, NP);
  if (rc == 0 && ps) {
#define CALL(T)                                                                       \
  conv_bwdi_ps_##T(dl_tensor_data(gradIn), dl_tensor_data(gcols), dl_tensor_data(&gc), \
                   dl_tensor_data(&wc), &d, g, f, nt)
    DL_DISPATCH_FLOAT(in->dtype, CALL)
#undef CALL
  } else if (rc == 0) {
    gather(obuf, &gc, d.n, f, P);
    dl_tensor w2 = mat(&wc, f, K);
    rc = op_gemm('t', 'n', 1.0, &w2, obuf, 0.0, gcols);
    if (rc == 0) col2im(gradIn, gcols, &d, g);
  }
  dl_tensor_free(&gc);
  dl_tensor_free(&wc);
  return rc;
}

int nn_conv2d_backward_params(dl_tensor *gradWeight, dl_tensor *gradBias, dl_tensor *cols,
                              dl_tensor *obuf, const dl_tensor *in, const dl_tensor *gradOut,
                              double scale, const nn_conv_geom *g) {
  const char *fn = "nn_conv2d_backward_params";
  conv_dims d;
  int64_t f;
  if (conv_setup(fn, &d, &f, in, gradWeight, g) < 0 ||
      check_gradout(fn, gradOut, d.n, f, d.oh, d.ow, in->dtype) < 0 ||
      check_type(fn, "gradBias", gradBias, in->dtype) < 0 ||
      check_numel(fn, "gradBias", gradBias, f) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gradWeight))
    return dl_error("%s: gradWeight must be contiguous", fn);
  int64_t K = d.c * g->kh * g->kw, P = d.oh * d.ow, NP = d.n * P;
  int nt, ps = per_sample(d.n, f * K * NP, &nt);
  dl_tensor gc, xc;
  if (contig(&gc, gradOut) < 0) return -1;
  if (contig(&xc, in) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  int rc = 0;
  if (ps) {
    /* obuf holds the threads' partial sums */
    rc = resize2(fn, cols, nt, K * P);
    if (rc == 0) rc = resize2(fn, obuf, nt, f * K + f);
    if (rc == 0) {
#define CALL(T)                                                                             \
  conv_bwdp_ps_##T(dl_tensor_data(gradWeight), gradBias ? dl_tensor_data(gradBias) : NULL,  \
                   vstride(gradBias), dl_tensor_data(cols), dl_tensor_data(obuf),           \
                   dl_tensor_data(&xc), dl_tensor_data(&gc), &d, g, f, nt, scale)
      DL_DISPATCH_FLOAT(in->dtype, CALL)
#undef CALL
    }
  } else {
    /* the forward's columns, unless they were made for another path or input size */
    if (cols->ndim != 2 || cols->size[0] != K || cols->size[1] != NP ||
        !dl_tensor_iscontiguous(cols)) {
      rc = resize2(fn, cols, K, NP);
      if (rc == 0) im2col(cols, &xc, &d, g);
    }
    if (rc == 0) rc = resize2(fn, obuf, f, NP);
    if (rc == 0) {
      gather(obuf, &gc, d.n, f, P);
      dl_tensor gw2 = mat(gradWeight, f, K);
      rc = op_gemm('n', 't', scale, obuf, cols, 1.0, &gw2);
    }
    if (rc == 0 && gradBias) rowsum(gradBias, obuf, f, NP, NP, scale);
  }
  dl_tensor_free(&gc);
  dl_tensor_free(&xc);
  return rc;
}

/* ---- transposed (full) convolution ---------------------------------------------------- */

/* The input is the convolution grid (d->oh x d->ow = H x W) and the output the image
   (d->c planes of d->h x d->w), the reverse of conv_setup. *cin is the input planes. */
static int fullconv_setup(const char *fn, conv_dims *d, int64_t *cin, const dl_tensor *in,
                          const dl_tensor *weight, const nn_conv_geom *g, int64_t adjh,
                          int64_t adjw) {
  char b1[96], b2[96];
  if (check_float(fn, "input", in) < 0 || check_ndim(fn, "input", in, 4) < 0 ||
      check_type(fn, "weight", weight, in->dtype) < 0 || check_geom(fn, g) < 0)
    return -1;
  d->n = in->size[0], *cin = in->size[1], d->oh = in->size[2], d->ow = in->size[3];
  if (weight->ndim != 4 || weight->size[0] != *cin || weight->size[2] != g->kh ||
      weight->size[3] != g->kw)
    return dl_error("%s: weight of size %s does not fit input %s with a %lldx%lld kernel", fn,
                    dl_sizestr(b1, sizeof b1, weight->ndim, weight->size),
                    dl_sizestr(b2, sizeof b2, 4, in->size), (long long)g->kh, (long long)g->kw);
  d->c = weight->size[1];
  d->h = (d->oh - 1) * g->dh - 2 * g->ph + g->dilh * (g->kh - 1) + 1 + adjh;
  d->w = (d->ow - 1) * g->dw - 2 * g->pw + g->dilw * (g->kw - 1) + 1 + adjw;
  if (d->h < 1 || d->w < 1 || nn_conv_outsize(d->h, g->kh, g->dh, g->ph, g->dilh) != d->oh ||
      nn_conv_outsize(d->w, g->kw, g->dw, g->pw, g->dilw) != d->ow)
    return dl_error("%s: input %s gives an output of %lldx%lld: padding or adjustment too "
                    "large for the kernel and stride", fn,
                    dl_sizestr(b1, sizeof b1, 4, in->size), (long long)d->h, (long long)d->w);
  return 0;
}

int nn_fullconv2d_forward(dl_tensor *out, dl_tensor *cols, dl_tensor *ibuf, const dl_tensor *in,
                          const dl_tensor *weight, const dl_tensor *bias, const nn_conv_geom *g,
                          int64_t adjh, int64_t adjw) {
  const char *fn = "nn_fullconv2d_forward";
  conv_dims d;
  int64_t cin;
  if (fullconv_setup(fn, &d, &cin, in, weight, g, adjh, adjw) < 0) return -1;
  if (check_type(fn, "bias", bias, in->dtype) < 0 || check_numel(fn, "bias", bias, d.c) < 0 ||
      check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  int64_t K = d.c * g->kh * g->kw, NP = d.n * d.oh * d.ow;
  dl_tensor xc, wc;
  if (contig(&xc, in) < 0) return -1;
  if (contig(&wc, weight) < 0) {
    dl_tensor_free(&xc);
    return -1;
  }
  int rc = resize2(fn, ibuf, cin, NP);
  if (rc == 0) rc = resize2(fn, cols, K, NP);
  if (rc == 0) rc = resize4(fn, out, d.n, d.c, d.h, d.w);
  if (rc == 0) {
    gather(ibuf, &xc, d.n, cin, d.oh * d.ow);
    dl_tensor w2 = mat(&wc, cin, K);
    rc = op_gemm('t', 'n', 1.0, &w2, ibuf, 0.0, cols);
  }
  if (rc == 0) {
    col2im(out, cols, &d, g);
    if (bias) add_bias(out, d.n, d.c, d.h * d.w, bias);
  }
  dl_tensor_free(&xc);
  dl_tensor_free(&wc);
  return rc;
}

int nn_fullconv2d_backward_input(dl_tensor *gradIn, dl_tensor *cols, dl_tensor *ibuf,
                                 const dl_tensor *in, const dl_tensor *gradOut,
                                 const dl_tensor *weight, const nn_conv_geom *g) {
  const char *fn = "nn_fullconv2d_backward_input";
  conv_dims d;
  int64_t cin;
  /* the adjustment is whatever makes gradOut's size */
  if (check_ndim(fn, "gradOutput", gradOut, 4) < 0 || check_ndim(fn, "input", in, 4) < 0)
    return -1;
  int64_t adjh = gradOut->size[2] - ((in->size[2] - 1) * g->dh - 2 * g->ph + g->dilh * (g->kh - 1) + 1);
  int64_t adjw = gradOut->size[3] - ((in->size[3] - 1) * g->dw - 2 * g->pw + g->dilw * (g->kw - 1) + 1);
  if (fullconv_setup(fn, &d, &cin, in, weight, g, adjh, adjw) < 0 ||
      check_gradout(fn, gradOut, d.n, d.c, d.h, d.w, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  int64_t K = d.c * g->kh * g->kw, NP = d.n * d.oh * d.ow;
  dl_tensor gc, wc;
  if (contig(&gc, gradOut) < 0) return -1;
  if (contig(&wc, weight) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  int rc = resize2(fn, cols, K, NP);
  if (rc == 0) rc = resize2(fn, ibuf, cin, NP);
  if (rc == 0) rc = resize4(fn, gradIn, d.n, cin, d.oh, d.ow);
  if (rc == 0) {
    im2col(cols, &gc, &d, g);
    dl_tensor w2 = mat(&wc, cin, K);
    rc = op_gemm('n', 'n', 1.0, &w2, cols, 0.0, ibuf);
  }
  if (rc == 0) scatter(gradIn, ibuf, d.n, cin, d.oh * d.ow, NULL);
  dl_tensor_free(&gc);
  dl_tensor_free(&wc);
  return rc;
}

int nn_fullconv2d_backward_params(dl_tensor *gradWeight, dl_tensor *gradBias, dl_tensor *cols,
                                  dl_tensor *ibuf, const dl_tensor *in,
                                  const dl_tensor *gradOut, double scale,
                                  const nn_conv_geom *g) {
  const char *fn = "nn_fullconv2d_backward_params";
  conv_dims d;
  int64_t cin;
  if (check_ndim(fn, "gradOutput", gradOut, 4) < 0 || check_ndim(fn, "input", in, 4) < 0)
    return -1;
  int64_t adjh = gradOut->size[2] - ((in->size[2] - 1) * g->dh - 2 * g->ph + g->dilh * (g->kh - 1) + 1);
  int64_t adjw = gradOut->size[3] - ((in->size[3] - 1) * g->dw - 2 * g->pw + g->dilw * (g->kw - 1) + 1);
  if (fullconv_setup(fn, &d, &cin, in, gradWeight, g, adjh, adjw) < 0 ||
      check_gradout(fn, gradOut, d.n, d.c, d.h, d.w, in->dtype) < 0 ||
      check_type(fn, "gradBias", gradBias, in->dtype) < 0 ||
      check_numel(fn, "gradBias", gradBias, d.c) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gradWeight))
    return dl_error("%s: gradWeight must be contiguous", fn);
  int64_t K = d.c * g->kh * g->kw, NP = d.n * d.oh * d.ow;
  dl_tensor gc, xc;
  if (contig(&gc, gradOut) < 0) return -1;
  if (contig(&xc, in) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  int rc = resize2(fn, cols, K, NP);
  if (rc == 0) rc = resize2(fn, ibuf, cin, NP);
  if (rc == 0) {
    im2col(cols, &gc, &d, g);
    gather(ibuf, &xc, d.n, cin, d.oh * d.ow);
    dl_tensor gw2 = mat(gradWeight, cin, K);
    rc = op_gemm('n', 't', scale, ibuf, cols, 1.0, &gw2);
  }
  if (rc == 0 && gradBias) {
    /* per output plane: the sum over samples of each plane's sum */
    dl_tensor g3 = mat(&gc, d.n * d.c, d.h * d.w);
    for (int64_t b = 0; b < d.n; b++) {
      dl_tensor gb = g3;
      gb.offset += b * d.c * d.h * d.w;
      rowsum(gradBias, &gb, d.c, d.h * d.w, d.h * d.w, scale);
    }
  }
  dl_tensor_free(&gc);
  dl_tensor_free(&xc);
  return rc;
}

/* ---- temporal convolution ------------------------------------------------------------- */

/* Sizes of a T x D or N x T x D input: *n samples (1 for 2D), *t frames, *dd features. */
static int temporal_setup(const char *fn, const dl_tensor *in, const dl_tensor *weight,
                          int64_t kw, int64_t dw, int64_t *n, int64_t *t, int64_t *dd,
                          int64_t *ot) {
  char b1[96], b2[96];
  if (check_float(fn, "input", in) < 0 || check_type(fn, "weight", weight, in->dtype) < 0)
    return -1;
  if (in->ndim != 2 && in->ndim != 3)
    return dl_error("%s: input of size %s, expected 2 (frames x features) or 3 dimensions",
                    fn, dl_sizestr(b1, sizeof b1, in->ndim, in->size));
  if (kw < 1 || dw < 1)
    return dl_error("%s: kernel width %lld and step %lld must be positive", fn, (long long)kw,
                    (long long)dw);
  *n = in->ndim == 3 ? in->size[0] : 1;
  *t = in->size[in->ndim - 2];
  *dd = in->size[in->ndim - 1];
  if (weight->ndim != 2 || weight->size[1] != kw * *dd)
    return dl_error("%s: weight of size %s, expected %lld columns (kW %lld x %lld features "
                    "of input %s)", fn, dl_sizestr(b1, sizeof b1, weight->ndim, weight->size),
                    (long long)(kw * *dd), (long long)kw, (long long)*dd,
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size));
  if (*t < kw)
    return dl_error("%s: input of %lld frames is shorter than the kernel width %lld", fn,
                    (long long)*t, (long long)kw);
  *ot = (*t - kw) / dw + 1;
  return 0;
}

/* Sample b's windows: an ot x (kw*D) matrix whose rows start dw frames apart. */
static dl_tensor windows(const dl_tensor *xc, int64_t b, int64_t t, int64_t dd, int64_t ot,
                         int64_t kw, int64_t dw) {
  dl_tensor m = mat(xc, ot, kw * dd);
  m.offset += b * t * dd;
  m.stride[0] = dw * dd;
  return m;
}

int nn_temporal_conv_forward(dl_tensor *out, const dl_tensor *in, const dl_tensor *weight,
                             const dl_tensor *bias, int64_t kw, int64_t dw) {
  const char *fn = "nn_temporal_conv_forward";
  int64_t n, t, dd, ot;
  if (temporal_setup(fn, in, weight, kw, dw, &n, &t, &dd, &ot) < 0) return -1;
  int64_t o = weight->size[0];
  if (check_type(fn, "bias", bias, in->dtype) < 0 || check_numel(fn, "bias", bias, o) < 0 ||
      check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  int64_t sz[3] = {n, ot, o};
  dl_tensor xc;
  if (contig(&xc, in) < 0) return -1;
  int rc = in->ndim == 3 ? dl_tensor_resize_contig(fn, out, 3, sz)
                          : dl_tensor_resize_contig(fn, out, 2, sz + 1);
  for (int64_t b = 0; rc == 0 && b < n; b++) {
    dl_tensor x = windows(&xc, b, t, dd, ot, kw, dw), y = mat(out, ot, o);
    y.offset += b * ot * o;
    rc = op_gemm('n', 't', 1.0, &x, weight, 0.0, &y);
  }
  if (rc == 0 && bias) add_row(out, n * ot, o, bias);
  dl_tensor_free(&xc);
  return rc;
}

/* x[b][t*dw*D + j] += buf[b][t][j]: overlapping windows add up. */
#define DEFINE_UNWINDOW(T)                                                                \
  static void unwindow_##T(T *x, const T *buf, int64_t n, int64_t t, int64_t dd,          \
                           int64_t ot, int64_t kw, int64_t dw) {                         \
    _Pragma("omp parallel for if (n * ot * kw * dd > PAR_MIN)")                          \
    for (int64_t b = 0; b < n; b++) {                                                    \
      T *xb = x + b * t * dd;                                                            \
      const T *wb = buf + b * ot * kw * dd;                                              \
      memset(xb, 0, (size_t)(t * dd) * sizeof(T));                                       \
      for (int64_t s = 0; s < ot; s++)                                                   \
        for (int64_t j = 0; j < kw * dd; j++) xb[s * dw * dd + j] += wb[s * kw * dd + j]; \
    }                                                                                    \
  }
DEFINE_UNWINDOW(float)
DEFINE_UNWINDOW(double)

int nn_temporal_conv_backward_input(dl_tensor *gradIn, dl_tensor *buf, const dl_tensor *in,
                                    const dl_tensor *gradOut, const dl_tensor *weight,
                                    int64_t kw, int64_t dw) {
  const char *fn = "nn_temporal_conv_backward_input";
  char b1[96];
  int64_t n, t, dd, ot;
  if (temporal_setup(fn, in, weight, kw, dw, &n, &t, &dd, &ot) < 0) return -1;
  int64_t o = weight->size[0];
  if (check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  if (dl_tensor_numel(gradOut) != n * ot * o || gradOut->ndim != in->ndim ||
      gradOut->size[gradOut->ndim - 1] != o)
    return dl_error("%s: gradOutput of size %s, expected %lld frames of %lld features", fn,
                    dl_sizestr(b1, sizeof b1, gradOut->ndim, gradOut->size), (long long)ot,
                    (long long)o);
  dl_tensor gc;
  if (contig(&gc, gradOut) < 0) return -1;
  int rc = resize2(fn, buf, n * ot, kw * dd);
  if (rc == 0) rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) {
    dl_tensor g2 = mat(&gc, n * ot, o);
    rc = op_gemm('n', 'n', 1.0, &g2, weight, 0.0, buf);
  }
  if (rc == 0) {
#define CALL(T) unwindow_##T(dl_tensor_data(gradIn), dl_tensor_data(buf), n, t, dd, ot, kw, dw)
    DL_DISPATCH_FLOAT(in->dtype, CALL)
#undef CALL
  }
  dl_tensor_free(&gc);
  return rc;
}

int nn_temporal_conv_backward_params(dl_tensor *gradWeight, dl_tensor *gradBias,
                                     const dl_tensor *in, const dl_tensor *gradOut,
                                     double scale, int64_t kw, int64_t dw) {
  const char *fn = "nn_temporal_conv_backward_params";
  char b1[96];
  int64_t n, t, dd, ot;
  if (temporal_setup(fn, in, gradWeight, kw, dw, &n, &t, &dd, &ot) < 0) return -1;
  int64_t o = gradWeight->size[0];
  if (check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_type(fn, "gradBias", gradBias, in->dtype) < 0 ||
      check_numel(fn, "gradBias", gradBias, o) < 0)
    return -1;
  if (dl_tensor_numel(gradOut) != n * ot * o || gradOut->ndim != in->ndim ||
      gradOut->size[gradOut->ndim - 1] != o)
    return dl_error("%s: gradOutput of size %s, expected %lld frames of %lld features", fn,
                    dl_sizestr(b1, sizeof b1, gradOut->ndim, gradOut->size), (long long)ot,
                    (long long)o);
  dl_tensor gc, xc;
  if (contig(&gc, gradOut) < 0) return -1;
  if (contig(&xc, in) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  int rc = 0;
  for (int64_t b = 0; rc == 0 && b < n; b++) {
    dl_tensor x = windows(&xc, b, t, dd, ot, kw, dw), g2 = mat(&gc, ot, o);
    g2.offset += b * ot * o;
    rc = op_gemm('t', 'n', scale, &g2, &x, 1.0, gradWeight);
  }
  if (rc == 0 && gradBias) colsum(gradBias, &gc, n * ot, o, scale);
  dl_tensor_free(&gc);
  dl_tensor_free(&xc);
  return rc;
}
