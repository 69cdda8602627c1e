/* Convolution kernels (see conv.h): the checks and the plan of each pass here, the typed
   loops (im2col and col2im, the gathers between the N x C x P layout of tensors and the
   C x (N*P) layout of the GEMM operands, the per-sample paths) in conv_loops.h, written in
   the order data flows. */
#include "conv.h"

#include <cblas.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "../ops/blas.h"
#include "../ops/gemm.h"
#include "prelude.h"

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

/* Row-major GEMM on raw pointers, one per float type, for the per-sample loops, through
   gemm.h's entry point (dlua's GEMM or OpenBLAS). Their sizes fit an int: per_sample()
   chooses that path only then. */
static void gemm_float(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m, int64_t n, int64_t k,
                       double alpha, const float *a, int64_t lda, const float *b, int64_t ldb,
                       double beta, float *c, int64_t ldc) {
  op_sgemm_raw(ta == CblasTrans, tb == CblasTrans, m, n, k, (float)alpha, a, lda, b, ldb,
               (float)beta, c, ldc);
}

static void gemm_double(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int64_t m, int64_t n,
                        int64_t k, double alpha, const double *a, int64_t lda, const double *b,
                        int64_t ldb, double beta, double *c, int64_t ldc) {
  op_dgemm_raw(ta == CblasTrans, tb == CblasTrans, m, n, k, alpha, a, lda, b, ldb, beta, c,
               ldc);
}

/* A connection-table pass: n samples, ns source planes of sh x sw, nd destination planes
   of dh_ x dw_, a kh x kw kernel with stride dh x dw (see conv_loops.h). */
typedef struct {
  int64_t n, ns, sh, sw, nd, dh_, dw_, kh, kw, dh, dw;
} map_dims;

#define NN_LOOPS "conv_loops.h"
#include "float_loops.h"

/* ---- the typed loops on tensors ------------------------------------------------------- */

static int isfloat(const dl_tensor *t) { return t->dtype == DL_FLOAT; }

/* The stride of a bias or gradBias vector (absent: 1). */
static int64_t vstride(const dl_tensor *v) {
  return v && v->ndim ? v->stride[v->ndim - 1] : 1;
}

static void im2col(dl_tensor *cols, const dl_tensor *img, const conv_dims *d,
                   const nn_conv_geom *g) {
  if (isfloat(img)) im2col_float(dl_tensor_data(cols), dl_tensor_data(img), d, g);
  else im2col_double(dl_tensor_data(cols), dl_tensor_data(img), d, g);
}

static void col2im(dl_tensor *img, const dl_tensor *cols, const conv_dims *d,
                   const nn_conv_geom *g) {
  if (isfloat(img)) col2im_float(dl_tensor_data(img), dl_tensor_data(cols), d, g);
  else col2im_double(dl_tensor_data(img), dl_tensor_data(cols), d, g);
}

static void gather(dl_tensor *dst, const dl_tensor *src, int64_t n, int64_t c, int64_t P) {
  if (isfloat(src)) gather_float(dl_tensor_data(dst), dl_tensor_data(src), n, c, P);
  else gather_double(dl_tensor_data(dst), dl_tensor_data(src), n, c, P);
}

/* bias may be NULL */
static void scatter(dl_tensor *dst, const dl_tensor *src, int64_t n, int64_t c, int64_t P,
                    const dl_tensor *bias) {
  void *b = bias ? dl_tensor_data(bias) : NULL;
  if (isfloat(src))
    scatter_float(dl_tensor_data(dst), dl_tensor_data(src), n, c, P, b, vstride(bias));
  else
    scatter_double(dl_tensor_data(dst), dl_tensor_data(src), n, c, P, b, vstride(bias));
}

static void add_bias(dl_tensor *x, int64_t n, int64_t c, int64_t P, const dl_tensor *bias) {
  if (isfloat(x)) addbias_float(dl_tensor_data(x), n, c, P, dl_tensor_data(bias), vstride(bias));
  else addbias_double(dl_tensor_data(x), n, c, P, dl_tensor_data(bias), vstride(bias));
}

static void add_row(dl_tensor *x, int64_t rows, int64_t len, const dl_tensor *v) {
  if (isfloat(x)) addrow_float(dl_tensor_data(x), rows, len, dl_tensor_data(v), vstride(v));
  else addrow_double(dl_tensor_data(x), rows, len, dl_tensor_data(v), vstride(v));
}

static void colsum(dl_tensor *g, const dl_tensor *m, int64_t rows, int64_t len, double scale) {
  if (isfloat(m))
    colsum_float(dl_tensor_data(g), vstride(g), dl_tensor_data(m), rows, len, scale);
  else
    colsum_double(dl_tensor_data(g), vstride(g), dl_tensor_data(m), rows, len, scale);
}

/* gradBias += scale * row sums of the rows x len matrix m (leading dimension ld). */
static void rowsum(dl_tensor *gb, const dl_tensor *m, int64_t rows, int64_t len, int64_t ld,
                   double scale) {
  if (isfloat(m))
    rowsum_float(dl_tensor_data(gb), vstride(gb), dl_tensor_data(m), rows, len, ld, scale);
  else
    rowsum_double(dl_tensor_data(gb), vstride(gb), dl_tensor_data(m), rows, len, ld, scale);
}

/* ---- sizes, buffers and views --------------------------------------------------------- */

/* a * b + c for non-negative operands, or -1 when it does not fit an int64_t. */
static int64_t muladd(int64_t a, int64_t b, int64_t c) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r) || __builtin_add_overflow(r, c, &r)) return -1;
  return r;
}

int64_t nn_conv_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int64_t dil) {
  if (in < 0 || k < 1 || d < 1 || pad < 0 || dil < 1) return 0;
  int64_t span = muladd(dil, k - 1, 1), padded = muladd(2, pad, in);
  /* a span past int64_t is larger than any padded input */
  if (span < 0 || padded < 0 || padded < span) return 0;
  return (padded - span) / d + 1;
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

/* An image result: n x c x h x w, or c x h x w when the input was a single image. */
static int resize_image(const char *fn, dl_tensor *t, int batched, int64_t n, int64_t c,
                        int64_t h, int64_t w) {
  int64_t s[4] = {n, c, h, w};
  return batched ? dl_tensor_resize_contig(fn, t, 4, s)
                 : dl_tensor_resize_contig(fn, t, 3, s + 1);
}

/* A gradOutput of the given image sizes (3D when the input was). */
static int check_gradout(const char *fn, const dl_tensor *go, int batched, int64_t n,
                         int64_t c, int64_t h, int64_t w, dl_dtype dt) {
  int64_t s[4] = {n, c, h, w};
  if (nn_check_type(fn, "gradOutput", go, dt) < 0) return -1;
  return batched ? nn_check_size(fn, "gradOutput", go, 4, s)
                 : nn_check_size(fn, "gradOutput", go, 3, s + 1);
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

/* Buffer sizes: the column count K = c*kh*kw and the products the buffers will hold
   (K x n*P columns, f x n*P outputs, f x K weights), refused when they overflow. */
static int conv_sizes(const char *fn, const conv_dims *d, const nn_conv_geom *g, int64_t f,
                      int64_t *K, int64_t *NP) {
  int64_t ks[3] = {d->c, g->kh, g->kw}, ps[3] = {d->n, d->oh, d->ow};
  if ((*K = dl_numel_checked(fn, 3, ks)) < 0 || (*NP = dl_numel_checked(fn, 3, ps)) < 0)
    return -1;
  int64_t cs[2] = {*K, *NP}, os[2] = {f, *NP}, ws[2] = {f, *K};
  if (dl_numel_checked(fn, 2, cs) < 0 || dl_numel_checked(fn, 2, os) < 0 ||
      dl_numel_checked(fn, 2, ws) < 0)
    return -1;
  return 0;
}

/* ---- the per-sample path -------------------------------------------------------------- */

static nn_conv_path conv_path = NN_CONV_AUTO;

void nn_conv_set_path(nn_conv_path p) { conv_path = p; }

/* The per-sample path pays when every thread gets a few samples and enough work to cover
   the fork and join; a small batch is better served by one GEMM that BLAS threads itself.
   (Tiny convolutions stay on one path: on a loaded machine each OpenMP join can wait a
   whole scheduler slice for a descheduled thread.) Its GEMMs count in int. */
static int per_sample(int64_t n, int64_t f, int64_t K, int64_t P, int *nt) {
  *nt = omp_get_max_threads();
  if (f > INT32_MAX || K > INT32_MAX || P > INT32_MAX) return 0;
  if (conv_path != NN_CONV_AUTO) return conv_path == NN_CONV_SAMPLE;
  double work = (double)f * (double)K * (double)P * (double)n;
  return n >= 2 * (int64_t)*nt && work >= (double)((int64_t)1 << 22);
}

/* ---- 2D convolution ------------------------------------------------------------------- */

/* Checks in and weight, and fills d with the sizes (d->oh, d->ow: the output grid), *f
   with the output planes, *K and *NP as conv_sizes; *batched: in is 4D. */
static int conv_setup(const char *fn, conv_dims *d, int64_t *f, int64_t *K, int64_t *NP,
                      int *batched, const dl_tensor *in, const dl_tensor *weight,
                      const nn_conv_geom *g) {
  char b1[96], b2[96];
  int64_t planes = weight->ndim == 4 ? weight->size[1] : 0;
  if (nn_check_image(fn, "input", in, planes) < 0 ||
      nn_check_type(fn, "weight", weight, in->dtype) < 0 || check_geom(fn, g) < 0)
    return -1;
  *batched = in->ndim == 4;
  const int64_t *s = in->size + in->ndim - 3;
  d->n = *batched ? in->size[0] : 1, d->c = s[0], d->h = s[1], d->w = s[2];
  *f = weight->ndim ? weight->size[0] : 0;
  int64_t ws[4] = {*f, d->c, g->kh, g->kw};
  int64_t wn = dl_numel_checked(fn, 4, ws);
  if (wn < 0) return -1;
  if (weight->ndim < 2 || dl_tensor_numel(weight) != wn)
    return dl_error("%s: weight of size %s does not fit input %s with a %lldx%lld kernel", fn,
                    dl_sizestr(b1, sizeof b1, weight->ndim, weight->size),
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size), (long long)g->kh,
                    (long long)g->kw);
  int64_t hp = muladd(2, g->ph, d->h), wp = muladd(2, g->pw, d->w);
  if (hp < 0 || wp < 0)
    return dl_error("%s: padding %lldx%lld is too large", fn, (long long)g->ph,
                    (long long)g->pw);
  d->oh = nn_conv_outsize(d->h, g->kh, g->dh, g->ph, g->dilh);
  d->ow = nn_conv_outsize(d->w, g->kw, g->dw, g->pw, g->dilw);
  if (d->oh < 1 || d->ow < 1) {
    if (g->dilh > 1 || g->dilw > 1)
      snprintf(b1, sizeof b1, " (dilation %lldx%lld)", (long long)g->dilh, (long long)g->dilw);
    else
      b1[0] = 0;
    return dl_error("%s: kernel %lldx%lld%s is larger than the padded input %lldx%lld (input "
                    "size %s)", fn, (long long)g->kh, (long long)g->kw, b1, (long long)hp,
                    (long long)wp, dl_sizestr(b2, sizeof b2, in->ndim, in->size));
  }
  return conv_sizes(fn, d, g, *f, K, NP);
}

int nn_conv2d_forward(const char *fn, dl_tensor *out, dl_tensor *cols, dl_tensor *obuf,
                      const dl_tensor *in, const dl_tensor *weight, const dl_tensor *bias,
                      const nn_conv_geom *g) {
  conv_dims d;
  int64_t f, K, NP;
  int batched;
  if (conv_setup(fn, &d, &f, &K, &NP, &batched, in, weight, g) < 0 ||
      nn_check_vec(fn, "bias", bias, f, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  int64_t P = d.oh * d.ow;
  int nt, ps = per_sample(d.n, f, K, P, &nt);
  dl_tensor xc, wc;
  if (nn_contiguous_pair(&xc, in, &wc, weight) < 0) return -1;
  int rc = resize_image(fn, out, batched, d.n, f, d.oh, d.ow);
  if (rc == 0) rc = ps ? resize2(fn, cols, nt, K * P) : resize2(fn, cols, K, NP);
  if (rc == 0 && !ps) rc = resize2(fn, obuf, f, NP);
  if (rc == 0 && ps) {
    void *o = dl_tensor_data(out), *c = dl_tensor_data(cols), *x = dl_tensor_data(&xc);
    void *w = dl_tensor_data(&wc), *b = bias ? dl_tensor_data(bias) : NULL;
    if (isfloat(in)) conv_fwd_ps_float(o, c, x, w, b, vstride(bias), &d, g, f, nt);
    else conv_fwd_ps_double(o, c, x, w, b, vstride(bias), &d, g, f, nt);
  } else if (rc == 0) {
    im2col(cols, &xc, &d, g);
    dl_tensor w2 = mat(&wc, f, K);
    rc = op_gemm('n', 'n', 1.0, &w2, cols, 0.0, obuf);
    if (rc == 0) scatter(out, obuf, d.n, f, P, bias);
  }
  return nn_free_pair(&xc, &wc, rc);
}

int nn_conv2d_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *gcols,
                             dl_tensor *obuf, const dl_tensor *in, const dl_tensor *gradOut,
                             const dl_tensor *weight, const nn_conv_geom *g) {
  conv_dims d;
  int64_t f, K, NP;
  int batched;
  if (conv_setup(fn, &d, &f, &K, &NP, &batched, in, weight, g) < 0 ||
      check_gradout(fn, gradOut, batched, d.n, f, d.oh, d.ow, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  int64_t P = d.oh * d.ow;
  int nt, ps = per_sample(d.n, f, K, P, &nt);
  dl_tensor gc, wc;
  if (nn_contiguous_pair(&gc, gradOut, &wc, weight) < 0) return -1;
  int rc = resize_image(fn, gradIn, batched, d.n, d.c, d.h, d.w);
  if (rc == 0) rc = ps ? resize2(fn, gcols, nt, K * P) : resize2(fn, gcols, K, NP);
  if (rc == 0 && !ps) rc = resize2(fn, obuf, f, NP);
  if (rc == 0 && ps) {
    void *gi = dl_tensor_data(gradIn), *c = dl_tensor_data(gcols);
    void *go = dl_tensor_data(&gc), *w = dl_tensor_data(&wc);
    if (isfloat(in)) conv_bwdi_ps_float(gi, c, go, w, &d, g, f, nt);
    else conv_bwdi_ps_double(gi, c, go, w, &d, g, f, nt);
  } else if (rc == 0) {
    gather(obuf, &gc, d.n, f, P);
    dl_tensor w2 = mat(&wc, f, K);
    rc = op_gemm('t', 'n', 1.0, &w2, obuf, 0.0, gcols);
    if (rc == 0) col2im(gradIn, gcols, &d, g);
  }
  return nn_free_pair(&gc, &wc, rc);
}

int nn_conv2d_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                              dl_tensor *cols, dl_tensor *obuf, const dl_tensor *in,
                              const dl_tensor *gradOut, double scale, const nn_conv_geom *g) {
  conv_dims d;
  int64_t f, K, NP;
  int batched;
  if (conv_setup(fn, &d, &f, &K, &NP, &batched, in, gradWeight, g) < 0 ||
      check_gradout(fn, gradOut, batched, d.n, f, d.oh, d.ow, in->dtype) < 0 ||
      nn_check_vec(fn, "gradBias", gradBias, f, in->dtype) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gradWeight))
    return dl_error("%s: gradWeight must be contiguous", fn);
  int64_t P = d.oh * d.ow;
  int nt, ps = per_sample(d.n, f, K, P, &nt);
  dl_tensor gc, xc;
  if (nn_contiguous_pair(&gc, gradOut, &xc, in) < 0) return -1;
  int rc = 0;
  if (ps) {
    /* obuf holds the threads' partial sums */
    rc = resize2(fn, cols, nt, K * P);
    if (rc == 0) rc = resize2(fn, obuf, nt, f * K + f);
    if (rc == 0) {
      void *gw = dl_tensor_data(gradWeight), *gb = gradBias ? dl_tensor_data(gradBias) : NULL;
      void *c = dl_tensor_data(cols), *part = dl_tensor_data(obuf);
      void *x = dl_tensor_data(&xc), *go = dl_tensor_data(&gc);
      int64_t gbs = vstride(gradBias);
      if (isfloat(in)) conv_bwdp_ps_float(gw, gb, gbs, c, part, x, go, &d, g, f, nt, scale);
      else conv_bwdp_ps_double(gw, gb, gbs, c, part, x, go, &d, g, f, nt, scale);
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
  return nn_free_pair(&gc, &xc, rc);
}

/* ---- transposed (full) convolution ---------------------------------------------------- */

/* The size along one dimension of a transposed convolution's output,
   (in - 1) d - 2 pad + dil (k - 1) + 1 + adj, or -1 when it overflows. */
static int64_t fullconv_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int64_t dil,
                                int64_t adj) {
  int64_t a = muladd(in - 1, d, 0), b = muladd(dil, k - 1, 1 + adj), p2 = muladd(2, pad, 0), r;
  if (a < 0 || b < 0 || p2 < 0 || __builtin_add_overflow(a, b, &r) || r < p2) return -1;
  return r - p2;
}

/* The input is the convolution grid (d->oh x d->ow = H x W) and the output the image
   (d->c planes of d->h x d->w), the reverse of conv_setup. *cin is the input planes. */
static int fullconv_setup(const char *fn, conv_dims *d, int64_t *cin, int64_t *K, int64_t *NP,
                          int *batched, const dl_tensor *in, const dl_tensor *weight,
                          const nn_conv_geom *g, int64_t adjh, int64_t adjw) {
  char b1[96], b2[96];
  int64_t planes = weight->ndim == 4 ? weight->size[0] : 0;
  if (nn_check_image(fn, "input", in, planes) < 0 ||
      nn_check_type(fn, "weight", weight, in->dtype) < 0 || check_geom(fn, g) < 0)
    return -1;
  *batched = in->ndim == 4;
  const int64_t *s = in->size + in->ndim - 3;
  d->n = *batched ? in->size[0] : 1, *cin = s[0], d->oh = s[1], d->ow = s[2];
  if (weight->ndim != 4 || weight->size[2] != g->kh || weight->size[3] != g->kw)
    return dl_error("%s: weight of size %s does not fit input %s with a %lldx%lld kernel", fn,
                    dl_sizestr(b1, sizeof b1, weight->ndim, weight->size),
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size), (long long)g->kh,
                    (long long)g->kw);
  d->c = weight->size[1];
  if (adjh < 0 || adjw < 0 || adjh >= g->dh || adjw >= g->dw)
    return dl_error("%s: adjustment %lldx%lld must be in [0, stride - 1] (stride %lldx%lld)",
                    fn, (long long)adjh, (long long)adjw, (long long)g->dh, (long long)g->dw);
  d->h = fullconv_outsize(d->oh, g->kh, g->dh, g->ph, g->dilh, adjh);
  d->w = fullconv_outsize(d->ow, g->kw, g->dw, g->pw, g->dilw, adjw);
  if (d->h < 1 || d->w < 1 || nn_conv_outsize(d->h, g->kh, g->dh, g->ph, g->dilh) != d->oh ||
      nn_conv_outsize(d->w, g->kw, g->dw, g->pw, g->dilw) != d->ow)
    return dl_error("%s: input %s gives an output of %lldx%lld: padding too large for the "
                    "kernel and stride", fn, dl_sizestr(b1, sizeof b1, in->ndim, in->size),
                    (long long)d->h, (long long)d->w);
  return conv_sizes(fn, d, g, *cin, K, NP);
}

int nn_fullconv2d_forward(const char *fn, dl_tensor *out, dl_tensor *cols, dl_tensor *ibuf,
                          const dl_tensor *in, const dl_tensor *weight, const dl_tensor *bias,
                          const nn_conv_geom *g, int64_t adjh, int64_t adjw) {
  conv_dims d;
  int64_t cin, K, NP;
  int batched;
  if (fullconv_setup(fn, &d, &cin, &K, &NP, &batched, in, weight, g, adjh, adjw) < 0 ||
      nn_check_vec(fn, "bias", bias, d.c, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc, wc;
  if (nn_contiguous_pair(&xc, in, &wc, weight) < 0) return -1;
  int rc = resize2(fn, ibuf, cin, NP);
  if (rc == 0) rc = resize2(fn, cols, K, NP);
  if (rc == 0) rc = resize_image(fn, out, batched, d.n, d.c, d.h, d.w);
  if (rc == 0) {
    gather(ibuf, &xc, d.n, cin, d.oh * d.ow);
    dl_tensor w2 = mat(&wc, cin, K);
    rc = op_gemm('t', 'n', 1.0, &w2, ibuf, 0.0, cols);
  }
  if (rc == 0) {
    col2im(out, cols, &d, g);
    if (bias) add_bias(out, d.n, d.c, d.h * d.w, bias);
  }
  return nn_free_pair(&xc, &wc, rc);
}

int nn_fullconv2d_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *cols,
                                 dl_tensor *ibuf, const dl_tensor *in, const dl_tensor *gradOut,
                                 const dl_tensor *weight, const nn_conv_geom *g, int64_t adjh,
                                 int64_t adjw) {
  conv_dims d;
  int64_t cin, K, NP;
  int batched;
  if (fullconv_setup(fn, &d, &cin, &K, &NP, &batched, in, weight, g, adjh, adjw) < 0 ||
      check_gradout(fn, gradOut, batched, d.n, d.c, d.h, d.w, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc, wc;
  if (nn_contiguous_pair(&gc, gradOut, &wc, weight) < 0) return -1;
  int rc = resize2(fn, cols, K, NP);
  if (rc == 0) rc = resize2(fn, ibuf, cin, NP);
  if (rc == 0) rc = resize_image(fn, gradIn, batched, d.n, cin, d.oh, d.ow);
  if (rc == 0) {
    im2col(cols, &gc, &d, g);
    dl_tensor w2 = mat(&wc, cin, K);
    rc = op_gemm('n', 'n', 1.0, &w2, cols, 0.0, ibuf);
  }
  if (rc == 0) scatter(gradIn, ibuf, d.n, cin, d.oh * d.ow, NULL);
  return nn_free_pair(&gc, &wc, rc);
}

int nn_fullconv2d_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                  dl_tensor *cols, dl_tensor *ibuf, const dl_tensor *in,
                                  const dl_tensor *gradOut, double scale,
                                  const nn_conv_geom *g, int64_t adjh, int64_t adjw) {
  conv_dims d;
  int64_t cin, K, NP;
  int batched;
  if (fullconv_setup(fn, &d, &cin, &K, &NP, &batched, in, gradWeight, g, adjh, adjw) < 0 ||
      check_gradout(fn, gradOut, batched, d.n, d.c, d.h, d.w, in->dtype) < 0 ||
      nn_check_vec(fn, "gradBias", gradBias, d.c, in->dtype) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gradWeight))
    return dl_error("%s: gradWeight must be contiguous", fn);
  dl_tensor gc, xc;
  if (nn_contiguous_pair(&gc, gradOut, &xc, in) < 0) return -1;
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
  return nn_free_pair(&gc, &xc, rc);
}

/* ---- temporal convolution ------------------------------------------------------------- */

/* Sizes of a T x D or N x T x D input: *n samples (1 for 2D), *t frames, *dd features,
   *ot output frames, *o output features. */
static int temporal_setup(const char *fn, const dl_tensor *in, const dl_tensor *weight,
                          int64_t kw, int64_t dw, int64_t *n, int64_t *t, int64_t *dd,
                          int64_t *ot, int64_t *o) {
  char b1[96], b2[96];
  if (nn_check_float(fn, "input", in) < 0 || nn_check_ndim(fn, "input", in, 2, 3) < 0 ||
      nn_check_type(fn, "weight", weight, in->dtype) < 0)
    return -1;
  if (kw < 1 || dw < 1)
    return dl_error("%s: kernel width %lld and step %lld must be positive", fn, (long long)kw,
                    (long long)dw);
  *n = in->ndim == 3 ? in->size[0] : 1;
  *t = in->size[in->ndim - 2];
  *dd = in->size[in->ndim - 1];
  /* first, so that kw is at most a real size below */
  if (*t < kw)
    return dl_error("%s: input of %lld frames is shorter than the kernel width %lld (input "
                    "size %s)", fn, (long long)*t, (long long)kw,
                    dl_sizestr(b1, sizeof b1, in->ndim, in->size));
  if (weight->ndim == 2 && weight->size[1] % kw == 0 && weight->size[1] / kw != *dd)
    return dl_error("%s: input of size %s has %lld features per frame, expected %lld", fn,
                    dl_sizestr(b1, sizeof b1, in->ndim, in->size), (long long)*dd,
                    (long long)(weight->size[1] / kw));
  if (weight->ndim != 2 || weight->size[1] != kw * *dd)
    return dl_error("%s: weight of size %s, expected %lld columns (kW %lld x %lld features "
                    "of input %s)", fn, dl_sizestr(b1, sizeof b1, weight->ndim, weight->size),
                    (long long)(kw * *dd), (long long)kw, (long long)*dd,
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size));
  *ot = (*t - kw) / dw + 1;
  *o = weight->size[0];
  return 0;
}

/* A gradOutput of ot frames of o features, batched as the input. */
static int temporal_gradout(const char *fn, const dl_tensor *go, const dl_tensor *in,
                            int64_t n, int64_t ot, int64_t o) {
  int64_t s[3] = {n, ot, o};
  if (nn_check_type(fn, "gradOutput", go, in->dtype) < 0) return -1;
  return in->ndim == 3 ? nn_check_size(fn, "gradOutput", go, 3, s)
                       : nn_check_size(fn, "gradOutput", go, 2, s + 1);
}

/* Sample b's windows: an ot x (kw*D) matrix whose rows start dw frames apart. */
static dl_tensor windows(const dl_tensor *xc, int64_t b, int64_t t, int64_t dd, int64_t ot,
                         int64_t kw, int64_t dw) {
  dl_tensor m = mat(xc, ot, kw * dd);
  m.offset += b * t * dd;
  m.stride[0] = dw * dd;
  return m;
}

int nn_temporal_conv_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                             const dl_tensor *weight, const dl_tensor *bias, int64_t kw,
                             int64_t dw) {
  int64_t n, t, dd, ot, o;
  if (temporal_setup(fn, in, weight, kw, dw, &n, &t, &dd, &ot, &o) < 0 ||
      nn_check_vec(fn, "bias", bias, o, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  int64_t sz[3] = {n, ot, o};
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
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

int nn_temporal_conv_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *buf,
                                    const dl_tensor *in, const dl_tensor *gradOut,
                                    const dl_tensor *weight, int64_t kw, int64_t dw) {
  int64_t n, t, dd, ot, o;
  if (temporal_setup(fn, in, weight, kw, dw, &n, &t, &dd, &ot, &o) < 0 ||
      temporal_gradout(fn, gradOut, in, n, ot, o) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc;
  if (nn_contiguous(&gc, gradOut) < 0) return -1;
  int rc = resize2(fn, buf, n * ot, kw * dd);
  if (rc == 0) rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) {
    dl_tensor g2 = mat(&gc, n * ot, o);
    rc = op_gemm('n', 'n', 1.0, &g2, weight, 0.0, buf);
  }
  if (rc == 0) {
    if (isfloat(in))
      unwindow_float(dl_tensor_data(gradIn), dl_tensor_data(buf), n, t, dd, ot, kw, dw);
    else
      unwindow_double(dl_tensor_data(gradIn), dl_tensor_data(buf), n, t, dd, ot, kw, dw);
  }
  dl_tensor_free(&gc);
  return rc;
}

int nn_temporal_conv_backward_params(const char *fn, dl_tensor *gradWeight,
                                     dl_tensor *gradBias, const dl_tensor *in,
                                     const dl_tensor *gradOut, double scale, int64_t kw,
                                     int64_t dw) {
  int64_t n, t, dd, ot, o;
  if (temporal_setup(fn, in, gradWeight, kw, dw, &n, &t, &dd, &ot, &o) < 0 ||
      temporal_gradout(fn, gradOut, in, n, ot, o) < 0 ||
      nn_check_vec(fn, "gradBias", gradBias, o, in->dtype) < 0)
    return -1;
  dl_tensor gc, xc;
  if (nn_contiguous_pair(&gc, gradOut, &xc, in) < 0) return -1;
  int rc = 0;
  for (int64_t b = 0; rc == 0 && b < n; b++) {
    dl_tensor x = windows(&xc, b, t, dd, ot, kw, dw), g2 = mat(&gc, ot, o);
    g2.offset += b * ot * o;
    rc = op_gemm('t', 'n', scale, &g2, &x, 1.0, gradWeight);
  }
  if (rc == 0 && gradBias) colsum(gradBias, &gc, n * ot, o, scale);
  return nn_free_pair(&gc, &xc, rc);
}

/* ---- connection-table convolutions ---------------------------------------------------- */

/* The sizes of a table convolution of in (nin planes) into nout planes: weight nconn x kH x
   kW, conn a Long nconn x 2 table of 1-based (input, output) planes. A valid convolution
   (full = 0) makes oH = (H - kH) / dH + 1, a full one oH = (H - 1) dH + kH. *m is set for
   the pass from the image to the grid (sources: the input planes). */
static int map_setup(const char *fn, map_dims *m, int *batched, int64_t *oh, int64_t *ow,
                     const dl_tensor *in, const dl_tensor *weight, const dl_tensor *conn,
                     int64_t nout, const nn_conv_geom *g, int full) {
  char b1[96], b2[96];
  if (nn_check_image(fn, "input", in, 0) < 0 ||
      nn_check_type(fn, "weight", weight, in->dtype) < 0 ||
      nn_check_type(fn, "connection table", conn, DL_LONG) < 0 || check_geom(fn, g) < 0)
    return -1;
  *batched = in->ndim == 4;
  const int64_t *s = in->size + in->ndim - 3;
  int64_t nconn = conn->ndim == 2 ? conn->size[0] : -1;
  if (nconn < 1 || conn->size[1] != 2 || !dl_tensor_iscontiguous(conn))
    return dl_error("%s: connection table of size %s, expected a contiguous nConnections x 2 "
                    "table", fn, dl_sizestr(b1, sizeof b1, conn->ndim, conn->size));
  if (weight->ndim != 3 || weight->size[0] != nconn || weight->size[1] != g->kh ||
      weight->size[2] != g->kw)
    return dl_error("%s: weight of size %s, expected %lldx%lldx%lld (connections x kH x kW)",
                    fn, dl_sizestr(b1, sizeof b1, weight->ndim, weight->size),
                    (long long)nconn, (long long)g->kh, (long long)g->kw);
  const int64_t *c = dl_tensor_data(conn);
  for (int64_t k = 0; k < nconn; k++)
    if (c[2 * k] < 1 || c[2 * k] > s[0] || c[2 * k + 1] < 1 || c[2 * k + 1] > nout)
      return dl_error("%s: connection %lld (%lld -> %lld) is outside input %s and %lld "
                      "output planes", fn, (long long)(k + 1), (long long)c[2 * k],
                      (long long)c[2 * k + 1], dl_sizestr(b2, sizeof b2, in->ndim, in->size),
                      (long long)nout);
  m->n = *batched ? in->size[0] : 1, m->ns = s[0], m->sh = s[1], m->sw = s[2], m->nd = nout;
  m->kh = g->kh, m->kw = g->kw, m->dh = g->dh, m->dw = g->dw;
  if (full) {
    *oh = muladd(s[1] - 1, g->dh, g->kh), *ow = muladd(s[2] - 1, g->dw, g->kw);
    if (*oh < 0 || *ow < 0)
      return dl_error("%s: the output of input %s overflows", fn,
                      dl_sizestr(b1, sizeof b1, in->ndim, in->size));
  } else {
    *oh = nn_conv_outsize(s[1], g->kh, g->dh, 0, 1), *ow = nn_conv_outsize(s[2], g->kw, g->dw, 0, 1);
    if (*oh < 1 || *ow < 1)
      return dl_error("%s: input of size %s is smaller than the kernel %lldx%lld", fn,
                      dl_sizestr(b1, sizeof b1, in->ndim, in->size), (long long)g->kh,
                      (long long)g->kw);
  }
  m->dh_ = *oh, m->dw_ = *ow;
  int64_t os[4] = {m->n, nout, *oh, *ow};
  return dl_numel_checked(fn, 4, os) < 0 ? -1 : 0;
}

/* The same pass seen the other way: sources the output planes, destinations the input. */
static map_dims map_flip(const map_dims *m) {
  map_dims r = *m;
  r.ns = m->nd, r.sh = m->dh_, r.sw = m->dw_, r.nd = m->ns, r.dh_ = m->sh, r.dw_ = m->sw;
  return r;
}

int nn_convmap_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                       const dl_tensor *weight, const dl_tensor *bias, const dl_tensor *conn,
                       int64_t nout, const nn_conv_geom *g, int full) {
  map_dims m;
  int batched;
  int64_t oh, ow;
  if (map_setup(fn, &m, &batched, &oh, &ow, in, weight, conn, nout, g, full) < 0 ||
      nn_check_vec(fn, "bias", bias, nout, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc, wc;
  if (nn_contiguous_pair(&xc, in, &wc, weight) < 0) return -1;
  int rc = resize_image(fn, out, batched, m.n, nout, oh, ow);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc), *w = dl_tensor_data(&wc);
    void *bp = bias ? dl_tensor_data(bias) : NULL;
    const int64_t *c = dl_tensor_data(conn);
    int64_t nc = conn->size[0], bs = vstride(bias);
    if (isfloat(in)) map_pass_float(y, x, w, c, nc, 0, 1, &m, bp, bs, full);
    else map_pass_double(y, x, w, c, nc, 0, 1, &m, bp, bs, full);
  }
  return nn_free_pair(&xc, &wc, rc);
}

int nn_convmap_backward_input(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                              const dl_tensor *gradOut, const dl_tensor *weight,
                              const dl_tensor *conn, int64_t nout, const nn_conv_geom *g,
                              int full) {
  map_dims m;
  int batched;
  int64_t oh, ow;
  if (map_setup(fn, &m, &batched, &oh, &ow, in, weight, conn, nout, g, full) < 0 ||
      check_gradout(fn, gradOut, batched, m.n, nout, oh, ow, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc, wc;
  if (nn_contiguous_pair(&gc, gradOut, &wc, weight) < 0) return -1;
  int rc = resize_image(fn, gradIn, batched, m.n, m.ns, m.sh, m.sw);
  if (rc == 0) {
    map_dims r = map_flip(&m);
    void *gi = dl_tensor_data(gradIn), *go = dl_tensor_data(&gc), *w = dl_tensor_data(&wc);
    const int64_t *c = dl_tensor_data(conn);
    int64_t nc = conn->size[0];
    if (isfloat(in)) map_pass_float(gi, go, w, c, nc, 1, 0, &r, NULL, 1, !full);
    else map_pass_double(gi, go, w, c, nc, 1, 0, &r, NULL, 1, !full);
  }
  return nn_free_pair(&gc, &wc, rc);
}

int nn_convmap_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                               const dl_tensor *in, const dl_tensor *gradOut,
                               const dl_tensor *conn, int64_t nout, double scale,
                               const nn_conv_geom *g, int full) {
  map_dims m;
  int batched;
  int64_t oh, ow;
  if (map_setup(fn, &m, &batched, &oh, &ow, in, gradWeight, conn, nout, g, full) < 0 ||
      check_gradout(fn, gradOut, batched, m.n, nout, oh, ow, in->dtype) < 0 ||
      nn_check_vec(fn, "gradBias", gradBias, nout, in->dtype) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gradWeight))
    return dl_error("%s: gradWeight must be contiguous", fn);
  dl_tensor gc, xc;
  if (nn_contiguous_pair(&gc, gradOut, &xc, in) < 0) return -1;
  void *gw = dl_tensor_data(gradWeight), *go = dl_tensor_data(&gc), *x = dl_tensor_data(&xc);
  const int64_t *c = dl_tensor_data(conn);
  int64_t nc = conn->size[0];
  /* the large grid is the input for a valid convolution, gradOutput for a full one */
  map_dims r = map_flip(&m);
  if (!full && isfloat(in)) map_wgrad_float(gw, go, x, c, nc, 0, 1, &m, scale);
  else if (!full) map_wgrad_double(gw, go, x, c, nc, 0, 1, &m, scale);
  else if (isfloat(in)) map_wgrad_float(gw, x, go, c, nc, 1, 0, &r, scale);
  else map_wgrad_double(gw, x, go, c, nc, 1, 0, &r, scale);
  if (gradBias) {
    dl_tensor g3 = mat(&gc, m.n * nout, oh * ow);
    for (int64_t b = 0; b < m.n; b++) {
      dl_tensor gb = g3;
      gb.offset += b * nout * oh * ow;
      rowsum(gradBias, &gb, nout, oh * ow, oh * ow, scale);
    }
  }
  return nn_free_pair(&gc, &xc, 0);
}

/* ---- locally connected convolution ---------------------------------------------------- */

/* The sizes of a locally connected convolution of in: weight oH x oW x F x C x kH x kW,
   the grid computed from the input must be oH x oW. */
static int local_setup(const char *fn, conv_dims *d, int64_t *f, int64_t *K, int64_t *NP,
                       int *batched, const dl_tensor *in, const dl_tensor *weight,
                       const nn_conv_geom *g) {
  char b1[96], b2[96];
  int64_t planes = weight->ndim == 6 ? weight->size[3] : 0;
  if (nn_check_image(fn, "input", in, planes) < 0 ||
      nn_check_type(fn, "weight", weight, in->dtype) < 0 || check_geom(fn, g) < 0)
    return -1;
  *batched = in->ndim == 4;
  const int64_t *s = in->size + in->ndim - 3;
  d->n = *batched ? in->size[0] : 1, d->c = s[0], d->h = s[1], d->w = s[2];
  d->oh = nn_conv_outsize(d->h, g->kh, g->dh, g->ph, 1);
  d->ow = nn_conv_outsize(d->w, g->kw, g->dw, g->pw, 1);
  if (weight->ndim != 6 || weight->size[0] != d->oh || weight->size[1] != d->ow ||
      weight->size[4] != g->kh || weight->size[5] != g->kw)
    return dl_error("%s: input of size %s gives a %lldx%lld output, but weight of size %s "
                    "(oH x oW x nOutputPlane x nInputPlane x kH x kW)", fn,
                    dl_sizestr(b1, sizeof b1, in->ndim, in->size), (long long)d->oh,
                    (long long)d->ow, dl_sizestr(b2, sizeof b2, weight->ndim, weight->size));
  *f = weight->size[2];
  return conv_sizes(fn, d, g, *f, K, NP);
}

/* bias (F x oH x oW, or NULL) fits */
static int local_bias(const char *fn, const char *what, const dl_tensor *bias, int64_t f,
                      const conv_dims *d, dl_dtype dt) {
  int64_t bs[3] = {f, d->oh, d->ow};
  if (!bias) return 0;
  if (nn_check_type(fn, what, bias, dt) < 0) return -1;
  return nn_check_size(fn, what, bias, 3, bs);
}

int nn_convlocal_forward(const char *fn, dl_tensor *out, dl_tensor *cols, const dl_tensor *in,
                         const dl_tensor *weight, const dl_tensor *bias,
                         const nn_conv_geom *g) {
  conv_dims d;
  int64_t f, K, NP;
  int batched;
  if (local_setup(fn, &d, &f, &K, &NP, &batched, in, weight, g) < 0 ||
      local_bias(fn, "bias", bias, f, &d, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc, wc, bc;
  if (nn_contiguous_pair(&xc, in, &wc, weight) < 0) return -1;
  int rc = bias ? nn_contiguous(&bc, bias) : (dl_tensor_init(&bc, in->dtype), 0);
  if (rc == 0) rc = resize2(fn, cols, K, NP);
  if (rc == 0) rc = resize_image(fn, out, batched, d.n, f, d.oh, d.ow);
  if (rc == 0) {
    im2col(cols, &xc, &d, g);
    void *y = dl_tensor_data(out), *c = dl_tensor_data(cols), *w = dl_tensor_data(&wc);
    void *b = bias ? dl_tensor_data(&bc) : NULL;
    if (isfloat(in)) local_forward_float(y, c, w, b, d.n, f, K, d.oh * d.ow);
    else local_forward_double(y, c, w, b, d.n, f, K, d.oh * d.ow);
  }
  dl_tensor_free(&bc);
  return nn_free_pair(&xc, &wc, rc);
}

int nn_convlocal_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *gcols,
                                const dl_tensor *in, const dl_tensor *gradOut,
                                const dl_tensor *weight, const nn_conv_geom *g) {
  conv_dims d;
  int64_t f, K, NP;
  int batched;
  if (local_setup(fn, &d, &f, &K, &NP, &batched, in, weight, g) < 0 ||
      check_gradout(fn, gradOut, batched, d.n, f, d.oh, d.ow, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc, wc;
  if (nn_contiguous_pair(&gc, gradOut, &wc, weight) < 0) return -1;
  int rc = resize2(fn, gcols, K, NP);
  if (rc == 0) rc = resize_image(fn, gradIn, batched, d.n, d.c, d.h, d.w);
  if (rc == 0) {
    void *c = dl_tensor_data(gcols), *go = dl_tensor_data(&gc), *w = dl_tensor_data(&wc);
    if (isfloat(in)) local_backward_cols_float(c, go, w, d.n, f, K, d.oh * d.ow);
    else local_backward_cols_double(c, go, w, d.n, f, K, d.oh * d.ow);
    col2im(gradIn, gcols, &d, g);
  }
  return nn_free_pair(&gc, &wc, rc);
}

int nn_convlocal_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                 dl_tensor *cols, const dl_tensor *in, const dl_tensor *gradOut,
                                 double scale, const nn_conv_geom *g) {
  conv_dims d;
  int64_t f, K, NP;
  int batched;
  if (local_setup(fn, &d, &f, &K, &NP, &batched, in, gradWeight, g) < 0 ||
      check_gradout(fn, gradOut, batched, d.n, f, d.oh, d.ow, in->dtype) < 0 ||
      local_bias(fn, "gradBias", gradBias, f, &d, in->dtype) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gradWeight) || (gradBias && !dl_tensor_iscontiguous(gradBias)))
    return dl_error("%s: gradWeight and gradBias must be contiguous", fn);
  dl_tensor gc, xc;
  if (nn_contiguous_pair(&gc, gradOut, &xc, in) < 0) return -1;
  int rc = resize2(fn, cols, K, NP);
  if (rc == 0) {
    im2col(cols, &xc, &d, g);
    void *gw = dl_tensor_data(gradWeight), *gb = gradBias ? dl_tensor_data(gradBias) : NULL;
    void *go = dl_tensor_data(&gc), *c = dl_tensor_data(cols);
    if (isfloat(in)) local_wgrad_float(gw, gb, go, c, d.n, f, K, d.oh * d.ow, scale);
    else local_wgrad_double(gw, gb, go, c, d.n, f, K, d.oh * d.ow, scale);
  }
  return nn_free_pair(&gc, &xc, rc);
}
