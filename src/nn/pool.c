/* Pooling kernels (see pool.h): the checks here, the typed loops in pool_loops.h; plain
   loops over planes, one plane per OpenMP task. */
#include "pool.h"

#include <math.h>
#include <string.h>
#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#include "prelude.h"

/* The window of output (oy, ox) clipped to the input, and its divisor: the window's
   pixels inside the padded input (cip, count_include_pad) or inside the input. */
typedef struct {
  int64_t hs, he, ws, we;
  double div;
} pool_window;

static inline pool_window avg_window(const nn_pool_geom *g, int64_t h, int64_t w, int64_t oy,
                                     int64_t ox, int cip) {
  pool_window r;
  r.hs = oy * g->dh - g->ph, r.ws = ox * g->dw - g->pw;
  r.he = r.hs + g->kh, r.we = r.ws + g->kw;
  if (r.he > h + g->ph) r.he = h + g->ph;
  if (r.we > w + g->pw) r.we = w + g->pw;
  int64_t padded = (r.he - r.hs) * (r.we - r.ws);
  if (r.hs < 0) r.hs = 0;
  if (r.ws < 0) r.ws = 0;
  if (r.he > h) r.he = h;
  if (r.we > w) r.we = w;
  r.div = cip ? (double)padded : (double)((r.he - r.hs) * (r.we - r.ws));
  if (r.div <= 0) r.div = 1;
  return r;
}

/* The taps [*lo, *hi) of a window of k taps dil apart starting at s that fall inside
   [0, n). */
static inline void tap_range(int64_t s, int64_t k, int64_t dil, int64_t n, int64_t *lo,
                             int64_t *hi) {
  *lo = s < 0 ? (-s + dil - 1) / dil : 0;
  *hi = s > n - 1 ? 0 : (n - 1 - s) / dil + 1;
  if (*hi > k) *hi = k;
}

#define NN_LOOPS "pool_loops.h"
#include "float_loops.h"

/* ---- the 2x2 SIMD path ---- */

#ifdef __SSE4_1__
/* One plane of the 2x2 stride-2 unpadded max pooling in float, four outputs at a time.
   Scalar code branches on every comparison, and on ReLU outputs (many ties at 0) those
   branches mispredict: the scalar loop ran at a fifth of this speed. The result is the
   scalar scan's exactly: ties keep the earlier element, a NaN wins over numbers and a
   later NaN over an earlier one. Needs ow >= 4; a row's last four outputs are computed
   at ow - 4, overlapping the previous group, rather than by a scalar tail. */
static void maxpool2x2_plane_f32(const float *xp, float *yp, int64_t *ip, int64_t oh,
                                 int64_t ow, int64_t w) {
  const __m128i lanes = _mm_setr_epi32(1, 3, 5, 7); /* 1-based column of each lane's first */
  for (int64_t oy = 0; oy < oh; oy++) {
    const float *r0 = xp + 2 * oy * w, *r1 = r0 + w;
    for (int64_t ox = 0;; ox += 4) {
      if (ox > ow - 4) ox = ow - 4;
      __m128 lo0 = _mm_loadu_ps(r0 + 2 * ox), hi0 = _mm_loadu_ps(r0 + 2 * ox + 4);
      __m128 lo1 = _mm_loadu_ps(r1 + 2 * ox), hi1 = _mm_loadu_ps(r1 + 2 * ox + 4);
      __m128 a = _mm_shuffle_ps(lo0, hi0, _MM_SHUFFLE(2, 0, 2, 0));
      __m128 b = _mm_shuffle_ps(lo0, hi0, _MM_SHUFFLE(3, 1, 3, 1));
      __m128 c = _mm_shuffle_ps(lo1, hi1, _MM_SHUFFLE(2, 0, 2, 0));
      __m128 d = _mm_shuffle_ps(lo1, hi1, _MM_SHUFFLE(3, 1, 3, 1));
      /* "x beats m": x > m, or x is NaN (unordered with itself) */
      __m128 kb = _mm_or_ps(_mm_cmpgt_ps(b, a), _mm_cmpunord_ps(b, b));
      __m128 kd = _mm_or_ps(_mm_cmpgt_ps(d, c), _mm_cmpunord_ps(d, d));
      __m128 top = _mm_blendv_ps(a, b, kb), bottom = _mm_blendv_ps(c, d, kd);
      __m128 k2 = _mm_or_ps(_mm_cmpgt_ps(bottom, top), _mm_cmpunord_ps(bottom, bottom));
      _mm_storeu_ps(yp + oy * ow + ox, _mm_blendv_ps(top, bottom, k2));
      /* index = (2 oy + row) w + 2 ox + col + 1, with the masks' all-ones as -1 */
      __m128i col = _mm_castps_si128(_mm_blendv_ps(kb, kd, k2));
      __m128i row = _mm_castps_si128(k2);
      __m128i idx = _mm_add_epi32(lanes, _mm_set1_epi32((int)(2 * oy * w + 2 * ox)));
      idx = _mm_sub_epi32(idx, col);
      idx = _mm_sub_epi32(idx, _mm_mullo_epi32(row, _mm_set1_epi32((int)w)));
      int64_t *io = ip + oy * ow + ox;
      _mm_storeu_si128((__m128i *)io, _mm_cvtepi32_epi64(idx));
      _mm_storeu_si128((__m128i *)(io + 2), _mm_cvtepi32_epi64(_mm_srli_si128(idx, 8)));
      if (ox == ow - 4) break;
    }
  }
}

/* Max pooling 2x2 / 2 of float planes through the SIMD plane loop. */
static int maxpool2x2_simd(float *y, int64_t *ix, const float *x, int64_t planes, int64_t h,
                           int64_t w, int64_t oh, int64_t ow) {
  if (ow < 4 || h * w >= INT32_MAX) return 0;
#pragma omp parallel for if (planes * h * w > NN_GRAIN)
  for (int64_t pl = 0; pl < planes; pl++)
    maxpool2x2_plane_f32(x + pl * h * w, y + pl * oh * ow, ix + pl * oh * ow, oh, ow, w);
  return 1;
}
#else
static int maxpool2x2_simd(float *y, int64_t *ix, const float *x, int64_t planes, int64_t h,
                           int64_t w, int64_t oh, int64_t ow) {
  return 0;
}
#endif

/* ---- checks --------------------------------------------------------------------------- */

/* An image's sizes seen as planes x h x w; *batched: it is 4D. */
static int image_setup(const char *fn, const dl_tensor *in, int64_t *n, int64_t *c, int64_t *h,
                       int64_t *w, int *batched) {
  if (nn_check_image(fn, "input", in, 0) < 0) return -1;
  *batched = in->ndim == 4;
  const int64_t *s = in->size + in->ndim - 3;
  *n = *batched ? in->size[0] : 1, *c = s[0], *h = s[1], *w = s[2];
  return 0;
}

/* An image result: n x c x h x w, or c x h x w for a single image. Kernels write it
   through raw pointers: a view there is an error. */
static int resize_image(const char *fn, dl_tensor *t, int batched, int64_t n, int64_t c,
                        int64_t h, int64_t w) {
  int64_t s[4] = {n, c, h, w};
  return batched ? dl_tensor_resize_contig(fn, t, 4, s)
                 : dl_tensor_resize_contig(fn, t, 3, s + 1);
}

/* t has the image sizes given (3D when the input is). */
static int check_image_size(const char *fn, const char *what, const dl_tensor *t, int batched,
                            int64_t n, int64_t c, int64_t h, int64_t w) {
  int64_t s[4] = {n, c, h, w};
  return batched ? nn_check_size(fn, what, t, 4, s) : nn_check_size(fn, what, t, 3, s + 1);
}

int64_t nn_pool_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int ceil) {
  int64_t padded;
  if (in < 0 || k < 1 || d < 1 || pad < 0 || __builtin_mul_overflow(pad, 2, &padded) ||
      __builtin_add_overflow(padded, in, &padded) || padded < k)
    return 0;
  int64_t span = padded - k;
  int64_t o = span / d + (ceil && span % d != 0) + 1;
  if ((o - 1) * d >= in + pad) o--;
  return o;
}

/* The pixels a window of k taps dil apart spans (dil 0 is 1), INT64_MAX when that
   overflows (larger than any input), -1 for a negative dilation. */
static int64_t pool_extent(int64_t k, int64_t dil) {
  int64_t r;
  if (dil < 0) return -1;
  if (dil <= 1) return k;
  if (__builtin_mul_overflow(k - 1, dil, &r) || __builtin_add_overflow(r, 1, &r)) return INT64_MAX;
  return r;
}

int nn_pool_has_empty(int64_t o, int64_t d, int64_t pad, int64_t k, int64_t dil, int64_t n) {
  for (int64_t i = 0; i < o; i++) {
    int64_t lo, hi;
    tap_range(i * d - pad, k, dil > 1 ? dil : 1, n, &lo, &hi);
    if (lo >= hi) return 1;
  }
  return 0;
}

static int check_geom(const char *fn, const nn_pool_geom *g, int64_t h, int64_t w,
                      const dl_tensor *in, int64_t *oh, int64_t *ow) {
  char b[96];
  if (g->kh < 1 || g->kw < 1 || g->dh < 1 || g->dw < 1 || g->ph < 0 || g->pw < 0)
    return dl_error("%s: window %lldx%lld and stride %lldx%lld must be positive, padding "
                    "%lldx%lld not negative", fn, (long long)g->kh, (long long)g->kw,
                    (long long)g->dh, (long long)g->dw, (long long)g->ph, (long long)g->pw);
  if (g->ph > g->kh / 2 || g->pw > g->kw / 2)
    return dl_error("%s: padding %lldx%lld must be at most half the window %lldx%lld", fn,
                    (long long)g->ph, (long long)g->pw, (long long)g->kh, (long long)g->kw);
  int64_t eh = pool_extent(g->kh, g->dilh), ew = pool_extent(g->kw, g->dilw);
  if (eh < 0 || ew < 0)
    return dl_error("%s: dilation %lldx%lld must be positive", fn, (long long)g->dilh,
                    (long long)g->dilw);
  *oh = nn_pool_outsize(h, eh, g->dh, g->ph, g->ceil);
  *ow = nn_pool_outsize(w, ew, g->dw, g->pw, g->ceil);
  if (*oh < 1 || *ow < 1) /* padding is at most half a window: h + 2 ph does not overflow */
    return dl_error("%s: window %lldx%lld is larger than the padded input %lldx%lld (input "
                    "size %s)", fn, (long long)g->kh, (long long)g->kw,
                    (long long)(h + 2 * g->ph), (long long)(w + 2 * g->pw),
                    dl_sizestr(b, sizeof b, in->ndim, in->size));
  if ((g->dilh > 1 || g->dilw > 1) && (nn_pool_has_empty(*oh, g->dh, g->ph, g->kh, g->dilh, h) ||
                                        nn_pool_has_empty(*ow, g->dw, g->pw, g->kw, g->dilw, w)))
    return dl_error("%s: a window %lldx%lld with dilation %lldx%lld falls wholly in the "
                    "padding or between pixels of input %s", fn, (long long)g->kh,
                    (long long)g->kw, (long long)g->dilh, (long long)g->dilw,
                    dl_sizestr(b, sizeof b, in->ndim, in->size));
  return 0;
}

/* ---- max pooling ---------------------------------------------------------------------- */

int nn_maxpool2d_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                         const dl_tensor *in, const nn_pool_geom *g) {
  int64_t n, c, h, w, oh, ow;
  int batched;
  if (image_setup(fn, in, &n, &c, &h, &w, &batched) < 0 ||
      check_geom(fn, g, h, w, in, &oh, &ow) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = resize_image(fn, out, batched, n, c, oh, ow);
  if (rc == 0) rc = resize_image(fn, indices, batched, n, c, oh, ow);
  if (rc == 0) {
    int64_t planes = n * c, *ix = dl_tensor_data(indices);
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    int simd = g->kh == 2 && g->kw == 2 && g->dh == 2 && g->dw == 2 && g->ph == 0 &&
               g->pw == 0 && g->dilh <= 1 && g->dilw <= 1 && 2 * oh <= h && 2 * ow <= w &&
               in->dtype == DL_FLOAT;
    if (simd && maxpool2x2_simd(y, ix, x, planes, h, w, oh, ow)) {
      /* done */
    } else if (in->dtype == DL_FLOAT) {
      maxpool2d_forward_float(y, ix, x, planes, h, w, oh, ow, g);
    } else {
      maxpool2d_forward_double(y, ix, x, planes, h, w, oh, ow, g);
    }
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_pool_index_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                           const dl_tensor *gradOut, const dl_tensor *indices, int64_t planes,
                           int64_t isz, int nsp) {
  char b1[96], b2[96];
  if (nn_check_float(fn, "input", in) < 0 ||
      nn_check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      nn_check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  int same = indices->ndim == in->ndim;
  for (int d = 0; same && d < in->ndim - nsp; d++) same = indices->size[d] == in->size[d];
  if (!same)
    return dl_error("%s: indices of size %s do not fit input %s (run forward first)", fn,
                    dl_sizestr(b1, sizeof b1, indices->ndim, indices->size),
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size));
  if (nn_check_samesize(fn, "gradOutput", gradOut, indices) < 0) return -1;
  int64_t osz = planes > 0 ? dl_tensor_numel(indices) / planes : 0;
  dl_tensor gc, ic;
  if (nn_contiguous_pair(&gc, gradOut, &ic, indices) < 0) return -1;
  const int64_t *ix = dl_tensor_data(&ic);
  int rc = 0;
  for (int64_t i = 0; i < planes * osz; i++)
    if (ix[i] < 1 || ix[i] > isz) {
      rc = dl_error("%s: index %lld out of range 1..%lld (run forward first)", fn,
                    (long long)ix[i], (long long)isz);
      break;
    }
  if (rc == 0) rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) {
    void *gi = dl_tensor_data(gradIn), *go = dl_tensor_data(&gc);
    if (in->dtype == DL_FLOAT) index_backward_float(gi, go, ix, planes, isz, osz);
    else index_backward_double(gi, go, ix, planes, isz, osz);
  }
  dl_tensor_free(&gc);
  dl_tensor_free(&ic);
  return rc;
}

int nn_maxpool2d_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                          const dl_tensor *gradOut, const dl_tensor *indices) {
  int64_t n, c, h, w;
  int batched;
  if (image_setup(fn, in, &n, &c, &h, &w, &batched) < 0) return -1;
  return nn_pool_index_backward(fn, gradIn, in, gradOut, indices, n * c, h * w, 2);
}

/* ---- average pooling ------------------------------------------------------------------ */

int nn_avgpool2d_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                         const nn_pool_geom *g, int cip) {
  int64_t n, c, h, w, oh, ow;
  int batched;
  if (image_setup(fn, in, &n, &c, &h, &w, &batched) < 0 ||
      check_geom(fn, g, h, w, in, &oh, &ow) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = resize_image(fn, out, batched, n, c, oh, ow);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    if (in->dtype == DL_FLOAT) avgpool2d_forward_float(y, x, n * c, h, w, oh, ow, g, cip);
    else avgpool2d_forward_double(y, x, n * c, h, w, oh, ow, g, cip);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_avgpool2d_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                          const dl_tensor *gradOut, const nn_pool_geom *g, int cip) {
  int64_t n, c, h, w, oh, ow;
  int batched;
  if (image_setup(fn, in, &n, &c, &h, &w, &batched) < 0 ||
      check_geom(fn, g, h, w, in, &oh, &ow) < 0 ||
      nn_check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_image_size(fn, "gradOutput", gradOut, batched, n, c, oh, ow) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc;
  if (nn_contiguous(&gc, gradOut) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) {
    void *gi = dl_tensor_data(gradIn), *go = dl_tensor_data(&gc);
    if (in->dtype == DL_FLOAT) avgpool2d_backward_float(gi, go, n * c, h, w, oh, ow, g, cip);
    else avgpool2d_backward_double(gi, go, n * c, h, w, oh, ow, g, cip);
  }
  dl_tensor_free(&gc);
  return rc;
}

/* ---- adaptive pooling ----------------------------------------------------------------- */

/* The output grid: positive, and small enough that the bin bounds (i + 1) * h fit. */
static int adaptive_setup(const char *fn, const dl_tensor *in, int64_t oh, int64_t ow,
                          int64_t *n, int64_t *c, int64_t *h, int64_t *w, int *batched) {
  char b[96];
  int64_t r;
  if (image_setup(fn, in, n, c, h, w, batched) < 0) return -1;
  if (oh < 1 || ow < 1)
    return dl_error("%s: output size %lldx%lld must be positive", fn, (long long)oh,
                    (long long)ow);
  if (*h < 1 || *w < 1)
    return dl_error("%s: empty input of size %s", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size));
  int64_t os[4] = {*n, *c, oh, ow};
  if (__builtin_mul_overflow(oh + 1, *h, &r) || __builtin_mul_overflow(ow + 1, *w, &r) ||
      dl_numel_checked(fn, 4, os) < 0)
    return dl_error("%s: output size %lldx%lld is too large", fn, (long long)oh, (long long)ow);
  return 0;
}

int nn_adaptive_pool2d_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                               const dl_tensor *in, int64_t oh, int64_t ow) {
  int64_t n, c, h, w;
  int batched;
  if (adaptive_setup(fn, in, oh, ow, &n, &c, &h, &w, &batched) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      (indices && nn_check_type(fn, "indices", indices, DL_LONG) < 0))
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = resize_image(fn, out, batched, n, c, oh, ow);
  if (rc == 0 && indices) rc = resize_image(fn, indices, batched, n, c, oh, ow);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    int64_t *ix = indices ? dl_tensor_data(indices) : NULL;
    if (in->dtype == DL_FLOAT) adaptive_pool2d_forward_float(y, ix, x, n * c, h, w, oh, ow);
    else adaptive_pool2d_forward_double(y, ix, x, n * c, h, w, oh, ow);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_adaptive_pool2d_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                                const dl_tensor *gradOut, const dl_tensor *indices,
                                int64_t oh, int64_t ow) {
  int64_t n, c, h, w;
  int batched;
  if (adaptive_setup(fn, in, oh, ow, &n, &c, &h, &w, &batched) < 0 ||
      nn_check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_image_size(fn, "gradOutput", gradOut, batched, n, c, oh, ow) < 0)
    return -1;
  if (indices) return nn_pool_index_backward(fn, gradIn, in, gradOut, indices, n * c, h * w, 2);
  if (nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0) return -1;
  dl_tensor gc;
  if (nn_contiguous(&gc, gradOut) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) {
    void *gi = dl_tensor_data(gradIn), *go = dl_tensor_data(&gc);
    if (in->dtype == DL_FLOAT) adaptive_avg_backward_float(gi, go, n * c, h, w, oh, ow);
    else adaptive_avg_backward_double(gi, go, n * c, h, w, oh, ow);
  }
  dl_tensor_free(&gc);
  return rc;
}

/* ---- temporal max pooling ------------------------------------------------------------- */

static int temporal_setup(const char *fn, const dl_tensor *in, int64_t kw, int64_t dw,
                          int64_t *n, int64_t *t, int64_t *d, int64_t *ot) {
  char b[96];
  if (nn_check_float(fn, "input", in) < 0 || nn_check_ndim(fn, "input", in, 2, 3) < 0)
    return -1;
  if (kw < 1 || dw < 1)
    return dl_error("%s: kernel width %lld and step %lld must be positive", fn, (long long)kw,
                    (long long)dw);
  *n = in->ndim == 3 ? in->size[0] : 1;
  *t = in->size[in->ndim - 2];
  *d = in->size[in->ndim - 1];
  if (*t < kw)
    return dl_error("%s: input of %lld frames is shorter than the window %lld (input size "
                    "%s)", fn, (long long)*t, (long long)kw,
                    dl_sizestr(b, sizeof b, in->ndim, in->size));
  *ot = (*t - kw) / dw + 1;
  return 0;
}

int nn_temporal_maxpool_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                                const dl_tensor *in, int64_t kw, int64_t dw) {
  int64_t n, t, d, ot;
  if (temporal_setup(fn, in, kw, dw, &n, &t, &d, &ot) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  int64_t sz[3] = {n, ot, d};
  int nd = in->ndim;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, nd, sz + 3 - nd);
  if (rc == 0) rc = dl_tensor_resize_contig(fn, indices, nd, sz + 3 - nd);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    int64_t *ix = dl_tensor_data(indices);
    if (in->dtype == DL_FLOAT) temporal_maxpool_forward_float(y, ix, x, n, t, d, ot, kw, dw);
    else temporal_maxpool_forward_double(y, ix, x, n, t, d, ot, kw, dw);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_temporal_maxpool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                                 const dl_tensor *gradOut, const dl_tensor *indices,
                                 int64_t kw, int64_t dw) {
  int64_t n, t, d, ot;
  if (temporal_setup(fn, in, kw, dw, &n, &t, &d, &ot) < 0) return -1;
  int64_t sz[3] = {n, ot, d};
  int nd = in->ndim;
  if (nn_check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      nn_check_size(fn, "gradOutput", gradOut, nd, sz + 3 - nd) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      nn_check_type(fn, "indices", indices, DL_LONG) < 0 ||
      nn_check_samesize(fn, "indices", indices, gradOut) < 0)
    return -1;
  dl_tensor gc, ic;
  if (nn_contiguous_pair(&gc, gradOut, &ic, indices) < 0) return -1;
  const int64_t *ix = dl_tensor_data(&ic);
  int rc = 0;
  for (int64_t i = 0; i < n * ot * d; i++)
    if (ix[i] < 1 || ix[i] > kw) {
      rc = dl_error("%s: index %lld out of range 1..%lld (run forward first)", fn,
                    (long long)ix[i], (long long)kw);
      break;
    }
  if (rc == 0) rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) {
    void *gi = dl_tensor_data(gradIn), *go = dl_tensor_data(&gc);
    if (in->dtype == DL_FLOAT) temporal_maxpool_backward_float(gi, go, ix, n, t, d, ot, dw);
    else temporal_maxpool_backward_double(gi, go, ix, n, t, d, ot, dw);
  }
  dl_tensor_free(&gc);
  dl_tensor_free(&ic);
  return rc;
}

/* ---- Lp pooling across features ------------------------------------------------------- */

/* The batches, features and positions of a FeatureLPPooling input, the output features
   and the output's sizes. */
static int lp_setup(const char *fn, const dl_tensor *in, int64_t width, int64_t stride,
                    int batch_mode, int64_t *nb, int64_t *f, int64_t *r, int64_t *of,
                    int64_t *osize) {
  char b[96];
  int lo = batch_mode ? 2 : 1, fd = batch_mode ? 1 : 0;
  if (nn_check_float(fn, "input", in) < 0) return -1;
  if (in->ndim < lo || in->ndim > lo + 2)
    return dl_error("%s: input of size %s, expected %d to %d dimensions (%sfeatures x ...)",
                    fn, dl_sizestr(b, sizeof b, in->ndim, in->size), lo, lo + 2,
                    batch_mode ? "batch x " : "");
  if (width < 1 || stride < 1)
    return dl_error("%s: width %lld and stride %lld must be positive", fn, (long long)width,
                    (long long)stride);
  *nb = batch_mode ? in->size[0] : 1;
  *f = in->size[fd];
  *r = 1;
  for (int d = fd + 1; d < in->ndim; d++) *r *= in->size[d];
  if (*f < width)
    return dl_error("%s: input of size %s has %lld features, fewer than the width %lld", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size), (long long)*f,
                    (long long)width);
  *of = (*f - width) / stride + 1;
  for (int d = 0; d < in->ndim; d++) osize[d] = in->size[d];
  osize[fd] = *of;
  return 0;
}

int nn_feature_lppool_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                              int64_t width, int64_t stride, double power, int batch_mode) {
  int64_t nb, f, r, of, osize[DL_MAXDIM];
  if (lp_setup(fn, in, width, stride, batch_mode, &nb, &f, &r, &of, osize) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, in->ndim, osize);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    if (in->dtype == DL_FLOAT)
      feature_lppool_forward_float(y, x, nb, f, r, of, width, stride, power);
    else
      feature_lppool_forward_double(y, x, nb, f, r, of, width, stride, power);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_feature_lppool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                               const dl_tensor *out, const dl_tensor *gradOut, int64_t width,
                               int64_t stride, double power, int batch_mode) {
  int64_t nb, f, r, of, osize[DL_MAXDIM];
  if (lp_setup(fn, in, width, stride, batch_mode, &nb, &f, &r, &of, osize) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      nn_check_size(fn, "output", out, in->ndim, osize) < 0 ||
      nn_check_size(fn, "gradOutput", gradOut, in->ndim, osize) < 0)
    return -1;
  dl_tensor xc, gc, yc;
  if (nn_contiguous_pair(&xc, in, &gc, gradOut) < 0) return -1;
  int rc = nn_contiguous(&yc, out);
  if (rc == 0) rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) {
    void *gi = dl_tensor_data(gradIn), *go = dl_tensor_data(&gc);
    void *x = dl_tensor_data(&xc), *y = dl_tensor_data(&yc);
    if (in->dtype == DL_FLOAT)
      feature_lppool_backward_float(gi, go, x, y, nb, f, r, of, width, stride, power);
    else
      feature_lppool_backward_double(gi, go, x, y, nb, f, r, of, width, stride, power);
  }
  dl_tensor_free(&yc);
  dl_tensor_free(&gc);
  dl_tensor_free(&xc);
  return rc;
}

/* ---- fractional max pooling ----------------------------------------------------------- */

int nn_fracmaxpool_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                           const dl_tensor *in, const dl_tensor *samples, int nsp,
                           const int64_t pool[3], const int64_t osize[3]) {
  char b[96];
  if (nn_check_float(fn, "input", in) < 0) return -1;
  if (in->ndim != nsp + 1 && in->ndim != nsp + 2)
    return dl_error("%s: input of size %s, expected %dD or %dD (a batch)", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size), nsp + 1, nsp + 2);
  if (nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_type(fn, "indices", indices, DL_LONG) < 0 ||
      nn_check_type(fn, "samples", samples, in->dtype) < 0)
    return -1;
  int batched = in->ndim == nsp + 2;
  int64_t n = batched ? in->size[0] : 1, c = in->size[batched];
  /* t, h, w of the input and the output, window k (t = 1 in 2D) */
  int64_t isz[3] = {1, 1, 1}, o[3] = {1, 1, 1}, k[3] = {1, 1, 1};
  for (int d = 0; d < nsp; d++) {
    isz[3 - nsp + d] = in->size[in->ndim - nsp + d];
    o[3 - nsp + d] = osize[nsp - 1 - d];
    k[3 - nsp + d] = pool[nsp - 1 - d];
  }
  for (int d = 3 - nsp; d < 3; d++)
    if (k[d] < 1 || o[d] < 1 || k[d] > isz[d] || o[d] > isz[d] - k[d] + 1)
      return dl_error("%s: a %lld-wide window and %lld outputs do not fit input %s (pool + "
                      "output - 1 must be at most the input size)", fn, (long long)k[d],
                      (long long)o[d], dl_sizestr(b, sizeof b, in->ndim, in->size));
  if (nn_check_numel(fn, "samples", samples, n * c * nsp) < 0) return -1;
  int64_t sz[5];
  int nd = 0;
  if (batched) sz[nd++] = n;
  sz[nd++] = c;
  for (int d = 3 - nsp; d < 3; d++) sz[nd++] = o[d];
  dl_tensor xc, uc;
  if (nn_contiguous_pair(&xc, in, &uc, samples) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, in->ndim, sz);
  if (rc == 0) rc = dl_tensor_resize_contig(fn, indices, in->ndim, sz);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc), *u = dl_tensor_data(&uc);
    int64_t *ix = dl_tensor_data(indices);
    for (int64_t i = 0; rc == 0 && i < n * c * nsp; i++) {
      double v = in->dtype == DL_FLOAT ? (double)((float *)u)[i] : ((double *)u)[i];
      if (!(v >= 0 && v < 1))
        rc = dl_error("%s: sample %lld is %g, outside [0, 1)", fn, (long long)(i + 1), v);
    }
    if (rc == 0 && in->dtype == DL_FLOAT)
      fracmax_forward_float(y, ix, x, u, n * c, nsp, isz, o, k);
    else if (rc == 0)
      fracmax_forward_double(y, ix, x, u, n * c, nsp, isz, o, k);
  }
  dl_tensor_free(&uc);
  dl_tensor_free(&xc);
  return rc;
}

int nn_fracmaxpool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                            const dl_tensor *gradOut, const dl_tensor *indices, int nsp) {
  char b[96];
  if (nn_check_float(fn, "input", in) < 0) return -1;
  if (in->ndim != nsp + 1 && in->ndim != nsp + 2)
    return dl_error("%s: input of size %s, expected %dD or %dD (a batch)", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size), nsp + 1, nsp + 2);
  int64_t planes = 1, isz = 1;
  for (int d = 0; d < in->ndim; d++) {
    if (d < in->ndim - nsp) planes *= in->size[d];
    else isz *= in->size[d];
  }
  return nn_pool_index_backward(fn, gradIn, in, gradOut, indices, planes, isz, nsp);
}
