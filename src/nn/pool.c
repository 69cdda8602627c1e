/* Pooling kernels (see pool.h): plain loops over planes, one plane per OpenMP task. */
#include "pool.h"

#include <math.h>
#include <string.h>
#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#include "../ops/copy.h"

#define PAR_MIN 32768

/* ---- checks --------------------------------------------------------------------------- */

static int check_float(const char *fn, const char *what, const dl_tensor *t) {
  if (!dl_dtype_isfloat(t->dtype))
    return dl_error("%s: %s must be a Float or Double tensor, got %s", fn, what,
                    dl_dtype_name(t->dtype));
  return 0;
}

static int check_type(const char *fn, const char *what, const dl_tensor *t, dl_dtype dt) {
  if (t->dtype != dt)
    return dl_error("%s: %s is a %sTensor, expected a %sTensor", fn, what,
                    dl_dtype_name(t->dtype), dl_dtype_name(dt));
  return 0;
}

static int check_4d(const char *fn, const dl_tensor *in) {
  char b[96];
  if (check_float(fn, "input", in) < 0) return -1;
  if (in->ndim != 4)
    return dl_error("%s: input of size %s, expected 4 dimensions (N x C x H x W)", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size));
  return 0;
}

/* t must have the sizes of like. */
static int check_like(const char *fn, const char *what, const dl_tensor *t,
                      const dl_tensor *like) {
  char b1[96], b2[96];
  if (!dl_tensor_samesize(t, like))
    return dl_error("%s: %s of size %s, expected %s", fn, what,
                    dl_sizestr(b1, sizeof b1, t->ndim, t->size),
                    dl_sizestr(b2, sizeof b2, like->ndim, like->size));
  return 0;
}

static int contig(dl_tensor *dst, const dl_tensor *src) {
  dl_tensor_init(dst, src->dtype);
  return op_contiguous(dst, src);
}

int64_t nn_pool_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int ceil) {
  int64_t span = in + 2 * pad - k;
  if (span < 0 || d < 1) return 0;
  int64_t o = (ceil ? (span + d - 1) / d : span / d) + 1;
  if ((o - 1) * d >= in + pad) o--;
  return o;
}

static int check_geom(const char *fn, const nn_pool_geom *g, const dl_tensor *in,
                      int64_t *oh, int64_t *ow) {
  char b[96];
  if (g->kh < 1 || g->kw < 1 || g->dh < 1 || g->dw < 1 || g->ph < 0 || g->pw < 0)
    return dl_error("%s: window %lldx%lld and stride %lldx%lld must be positive, padding "
                    "%lldx%lld not negative", fn, (long long)g->kh, (long long)g->kw,
                    (long long)g->dh, (long long)g->dw, (long long)g->ph, (long long)g->pw);
  if (2 * g->ph > g->kh || 2 * g->pw > g->kw)
    return dl_error("%s: padding %lldx%lld must be at most half the window %lldx%lld", fn,
                    (long long)g->ph, (long long)g->pw, (long long)g->kh, (long long)g->kw);
  *oh = nn_pool_outsize(in->size[2], g->kh, g->dh, g->ph, g->ceil);
  *ow = nn_pool_outsize(in->size[3], g->kw, g->dw, g->pw, g->ceil);
  if (*oh < 1 || *ow < 1)
    return dl_error("%s: window %lldx%lld is larger than the padded input %lldx%lld (input "
                    "size %s)", fn, (long long)g->kh, (long long)g->kw,
                    (long long)(in->size[2] + 2 * g->ph), (long long)(in->size[3] + 2 * g->pw),
                    dl_sizestr(b, sizeof b, 4, in->size));
  return 0;
}

/* The kernels fill their results through raw pointers: a view there is an error. */
static int resize4(const char *fn, dl_tensor *t, int64_t a, int64_t b, int64_t c, int64_t d) {
  int64_t s[4] = {a, b, c, d};
  return dl_tensor_resize_contig(fn, t, 4, s);
}

/* ---- max pooling ---------------------------------------------------------------------- */

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
#define HAVE_MAXPOOL2X2_F32 1
#else
#define HAVE_MAXPOOL2X2_F32 0
#define maxpool2x2_plane_f32(xp, yp, ip, oh, ow, w) ((void)0)
#endif

/* The 2x2 stride-2 unpadded case, the one every small CNN uses, without window bounds. */
#define MAXPOOL_FWD(T)                                                                  \
  do {                                                                                  \
    const T *x = dl_tensor_data(&xc);                                                   \
    T *y = dl_tensor_data(out);                                                         \
    int64_t *ix = dl_tensor_data(indices);                                              \
    int fast = g->kh == 2 && g->kw == 2 && g->dh == 2 && g->dw == 2 && g->ph == 0 &&    \
               g->pw == 0 && 2 * oh <= h && 2 * ow <= w;                                \
    int simd = HAVE_MAXPOOL2X2_F32 && fast && sizeof(T) == sizeof(float) && ow >= 4 &&   \
               h * w < INT32_MAX;                                                       \
    _Pragma("omp parallel for if (planes * h * w > PAR_MIN)")                           \
    for (int64_t pl = 0; pl < planes; pl++) {                                           \
      const T *xp = x + pl * h * w;                                                     \
      T *yp = y + pl * oh * ow;                                                         \
      int64_t *ip = ix + pl * oh * ow;                                                  \
      if (simd) { /* T is float here */                                                 \
        maxpool2x2_plane_f32((const float *)xp, (float *)yp, ip, oh, ow, w);            \
        continue;                                                                       \
      }                                                                                 \
      for (int64_t oy = 0; oy < oh; oy++) {                                             \
        if (fast) {                                                                     \
          const T *r0 = xp + 2 * oy * w, *r1 = r0 + w;                                  \
          for (int64_t ox = 0; ox < ow; ox++) {                                         \
            int64_t j = 2 * ox, best = 2 * oy * w + j;                                  \
            T m = r0[j];                                                                \
            if (r0[j + 1] > m || isnan(r0[j + 1])) m = r0[j + 1], best = 2 * oy * w + j + 1; \
            if (r1[j] > m || isnan(r1[j])) m = r1[j], best = (2 * oy + 1) * w + j;      \
            if (r1[j + 1] > m || isnan(r1[j + 1])) m = r1[j + 1], best = (2 * oy + 1) * w + j + 1; \
            yp[oy * ow + ox] = m;                                                       \
            ip[oy * ow + ox] = best + 1;                                                \
          }                                                                             \
          continue;                                                                     \
        }                                                                               \
        int64_t hs = oy * g->dh - g->ph, he = hs + g->kh;                               \
        if (he > h) he = h;                                                             \
        if (hs < 0) hs = 0;                                                             \
        for (int64_t ox = 0; ox < ow; ox++) {                                           \
          int64_t ws = ox * g->dw - g->pw, we = ws + g->kw;                             \
          if (we > w) we = w;                                                           \
          if (ws < 0) ws = 0;                                                           \
          int64_t best = hs * w + ws;                                                   \
          T m = xp[best];                                                               \
          for (int64_t iy = hs; iy < he; iy++)                                          \
            for (int64_t jx = ws; jx < we; jx++) {                                      \
              T v = xp[iy * w + jx];                                                    \
              if (v > m || isnan(v)) m = v, best = iy * w + jx;                         \
            }                                                                           \
          yp[oy * ow + ox] = m;                                                         \
          ip[oy * ow + ox] = best + 1;                                                  \
        }                                                                               \
      }                                                                                 \
    }                                                                                   \
  } while (0)

int nn_maxpool2d_forward(dl_tensor *out, dl_tensor *indices, const dl_tensor *in,
                         const nn_pool_geom *g) {
  const char *fn = "nn_maxpool2d_forward";
  int64_t oh, ow;
  if (check_4d(fn, in) < 0 || check_geom(fn, g, in, &oh, &ow) < 0 ||
      check_type(fn, "output", out, in->dtype) < 0 ||
      check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  int64_t planes = in->size[0] * in->size[1], h = in->size[2], w = in->size[3];
  dl_tensor xc;
  if (contig(&xc, in) < 0) return -1;
  int rc = resize4(fn, out, in->size[0], in->size[1], oh, ow);
  if (rc == 0) rc = resize4(fn, indices, in->size[0], in->size[1], oh, ow);
  if (rc == 0) DL_DISPATCH_FLOAT(in->dtype, MAXPOOL_FWD);
  dl_tensor_free(&xc);
  return rc;
}

/* gradIn[plane][idx - 1] += gradOut[plane][o]: shared by 2D, adaptive max pooling. */
#define MAXPOOL_BWD(T)                                                                  \
  do {                                                                                  \
    const T *go = dl_tensor_data(&gc);                                                  \
    T *gi = dl_tensor_data(gradIn);                                                     \
    const int64_t *ix = dl_tensor_data(&ic);                                            \
    _Pragma("omp parallel for if (planes * isz > PAR_MIN)")                             \
    for (int64_t pl = 0; pl < planes; pl++) {                                           \
      T *gp = gi + pl * isz;                                                            \
      const T *g = go + pl * osz;                                                       \
      const int64_t *ip = ix + pl * osz;                                                \
      memset(gp, 0, (size_t)isz * sizeof(T));                                           \
      for (int64_t o = 0; o < osz; o++) gp[ip[o] - 1] += g[o];                          \
    }                                                                                   \
  } while (0)

/* Backward of the index-keeping poolings: planes of isz inputs and osz outputs. */
static int index_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                          const dl_tensor *gradOut, const dl_tensor *indices, int64_t planes,
                          int64_t isz, int64_t osz) {
  if (check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      check_type(fn, "indices", indices, DL_LONG) < 0 ||
      check_like(fn, "gradOutput", gradOut, indices) < 0)
    return -1;
  if (dl_tensor_numel(gradOut) != planes * osz)
    return dl_error("%s: gradOutput has %lld elements, expected %lld", fn,
                    (long long)dl_tensor_numel(gradOut), (long long)(planes * osz));
  dl_tensor gc, ic;
  if (contig(&gc, gradOut) < 0) return -1;
  if (contig(&ic, indices) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  const int64_t *ix = dl_tensor_data(&ic);
  int rc = 0;
  for (int64_t i = 0; i < planes * osz; i++)
    if (ix[i] < 1 || ix[i] > isz) {
      rc = dl_error("%s: index %lld out of range 1..%lld (run forward first)", fn,
                    (long long)ix[i], (long long)isz);
      break;
    }
  if (rc == 0) rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) DL_DISPATCH_FLOAT(in->dtype, MAXPOOL_BWD);
  dl_tensor_free(&gc);
  dl_tensor_free(&ic);
  return rc;
}

int nn_maxpool2d_backward(dl_tensor *gradIn, const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *indices) {
  const char *fn = "nn_maxpool2d_backward";
  if (check_4d(fn, in) < 0) return -1;
  int64_t osz = indices->ndim == 4 ? indices->size[2] * indices->size[3] : 0;
  return index_backward(fn, gradIn, in, gradOut, indices, in->size[0] * in->size[1],
                        in->size[2] * in->size[3], osz);
}

/* ---- average pooling ------------------------------------------------------------------ */

/* The window of output (oy, ox) clipped to the input, and its divisor. */
#define AVG_WINDOW                                                                      \
  int64_t hs = oy * g->dh - g->ph, ws = ox * g->dw - g->pw;                             \
  int64_t he = hs + g->kh, we = ws + g->kw;                                             \
  if (he > h + g->ph) he = h + g->ph;                                                   \
  if (we > w + g->pw) we = w + g->pw;                                                   \
  int64_t padded = (he - hs) * (we - ws);                                               \
  if (hs < 0) hs = 0;                                                                   \
  if (ws < 0) ws = 0;                                                                   \
  if (he > h) he = h;                                                                   \
  if (we > w) we = w;                                                                   \
  double div = cip ? (double)padded : (double)((he - hs) * (we - ws));                  \
  if (div <= 0) div = 1;

#define AVGPOOL_FWD(T)                                                                  \
  do {                                                                                  \
    const T *x = dl_tensor_data(&xc);                                                   \
    T *y = dl_tensor_data(out);                                                         \
    _Pragma("omp parallel for if (planes * h * w > PAR_MIN)")                           \
    for (int64_t pl = 0; pl < planes; pl++) {                                           \
      const T *xp = x + pl * h * w;                                                     \
      for (int64_t oy = 0; oy < oh; oy++)                                               \
        for (int64_t ox = 0; ox < ow; ox++) {                                           \
          AVG_WINDOW                                                                    \
          double s = 0;                                                                 \
          for (int64_t iy = hs; iy < he; iy++)                                          \
            for (int64_t jx = ws; jx < we; jx++) s += xp[iy * w + jx];                  \
          y[(pl * oh + oy) * ow + ox] = (T)(s / div);                                   \
        }                                                                               \
    }                                                                                   \
  } while (0)

int nn_avgpool2d_forward(dl_tensor *out, const dl_tensor *in, const nn_pool_geom *g,
                         int cip) {
  const char *fn = "nn_avgpool2d_forward";
  int64_t oh, ow;
  if (check_4d(fn, in) < 0 || check_geom(fn, g, in, &oh, &ow) < 0 ||
      check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  int64_t planes = in->size[0] * in->size[1], h = in->size[2], w = in->size[3];
  dl_tensor xc;
  if (contig(&xc, in) < 0) return -1;
  int rc = resize4(fn, out, in->size[0], in->size[1], oh, ow);
  if (rc == 0) DL_DISPATCH_FLOAT(in->dtype, AVGPOOL_FWD);
  dl_tensor_free(&xc);
  return rc;
}

#define AVGPOOL_BWD(T)                                                                  \
  do {                                                                                  \
    const T *go = dl_tensor_data(&gc);                                                  \
    T *gi = dl_tensor_data(gradIn);                                                     \
    _Pragma("omp parallel for if (planes * h * w > PAR_MIN)")                           \
    for (int64_t pl = 0; pl < planes; pl++) {                                           \
      T *gp = gi + pl * h * w;                                                          \
      memset(gp, 0, (size_t)(h * w) * sizeof(T));                                       \
      for (int64_t oy = 0; oy < oh; oy++)                                               \
        for (int64_t ox = 0; ox < ow; ox++) {                                           \
          AVG_WINDOW                                                                    \
          T v = (T)(go[(pl * oh + oy) * ow + ox] / div);                                \
          for (int64_t iy = hs; iy < he; iy++)                                          \
            for (int64_t jx = ws; jx < we; jx++) gp[iy * w + jx] += v;                  \
        }                                                                               \
    }                                                                                   \
  } while (0)

int nn_avgpool2d_backward(dl_tensor *gradIn, const dl_tensor *in, const dl_tensor *gradOut,
                          const nn_pool_geom *g, int cip) {
  const char *fn = "nn_avgpool2d_backward";
  char b[96];
  int64_t oh, ow;
  if (check_4d(fn, in) < 0 || check_geom(fn, g, in, &oh, &ow) < 0 ||
      check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  int64_t planes = in->size[0] * in->size[1], h = in->size[2], w = in->size[3];
  if (gradOut->ndim != 4 || gradOut->size[0] != in->size[0] || gradOut->size[1] != in->size[1] ||
      gradOut->size[2] != oh || gradOut->size[3] != ow)
    return dl_error("%s: gradOutput of size %s, expected %lldx%lldx%lldx%lld", fn,
                    dl_sizestr(b, sizeof b, gradOut->ndim, gradOut->size),
                    (long long)in->size[0], (long long)in->size[1], (long long)oh, (long long)ow);
  dl_tensor gc;
  if (contig(&gc, gradOut) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, gradIn, 4, in->size);
  if (rc == 0) DL_DISPATCH_FLOAT(in->dtype, AVGPOOL_BWD);
  dl_tensor_free(&gc);
  return rc;
}

/* ---- adaptive pooling ----------------------------------------------------------------- */

#define ADAPTIVE_FWD(T)                                                                 \
  do {                                                                                  \
    const T *x = dl_tensor_data(&xc);                                                   \
    T *y = dl_tensor_data(out);                                                         \
    int64_t *ix = indices ? dl_tensor_data(indices) : NULL;                             \
    _Pragma("omp parallel for if (planes * h * w > PAR_MIN)")                           \
    for (int64_t pl = 0; pl < planes; pl++) {                                           \
      const T *xp = x + pl * h * w;                                                     \
      for (int64_t oy = 0; oy < oh; oy++) {                                             \
        int64_t hs = oy * h / oh, he = ((oy + 1) * h + oh - 1) / oh;                    \
        for (int64_t ox = 0; ox < ow; ox++) {                                           \
          int64_t ws = ox * w / ow, we = ((ox + 1) * w + ow - 1) / ow;                  \
          int64_t o = (pl * oh + oy) * ow + ox, best = hs * w + ws;                     \
          if (ix) {                                                                     \
            T m = xp[best];                                                             \
            for (int64_t iy = hs; iy < he; iy++)                                        \
              for (int64_t jx = ws; jx < we; jx++) {                                    \
                T v = xp[iy * w + jx];                                                  \
                if (v > m || isnan(v)) m = v, best = iy * w + jx;                       \
              }                                                                         \
            y[o] = m;                                                                   \
            ix[o] = best + 1;                                                           \
          } else {                                                                      \
            double s = 0;                                                               \
            for (int64_t iy = hs; iy < he; iy++)                                        \
              for (int64_t jx = ws; jx < we; jx++) s += xp[iy * w + jx];                \
            y[o] = (T)(s / (double)((he - hs) * (we - ws)));                            \
          }                                                                             \
        }                                                                               \
      }                                                                                 \
    }                                                                                   \
  } while (0)

int nn_adaptive_pool2d_forward(dl_tensor *out, dl_tensor *indices, const dl_tensor *in,
                               int64_t oh, int64_t ow) {
  const char *fn = "nn_adaptive_pool2d_forward";
  if (check_4d(fn, in) < 0 || check_type(fn, "output", out, in->dtype) < 0 ||
      (indices && check_type(fn, "indices", indices, DL_LONG) < 0))
    return -1;
  if (oh < 1 || ow < 1)
    return dl_error("%s: output size %lldx%lld must be positive", fn, (long long)oh,
                    (long long)ow);
  int64_t planes = in->size[0] * in->size[1], h = in->size[2], w = in->size[3];
  if (h < 1 || w < 1) return dl_error("%s: empty input", fn);
  dl_tensor xc;
  if (contig(&xc, in) < 0) return -1;
  int rc = resize4(fn, out, in->size[0], in->size[1], oh, ow);
  if (rc == 0 && indices) rc = resize4(fn, indices, in->size[0], in->size[1], oh, ow);
  if (rc == 0) DL_DISPATCH_FLOAT(in->dtype, ADAPTIVE_FWD);
  dl_tensor_free(&xc);
  return rc;
}

#define ADAPTIVE_AVG_BWD(T)                                                             \
  do {                                                                                  \
    const T *go = dl_tensor_data(&gc);                                                  \
    T *gi = dl_tensor_data(gradIn);                                                     \
    _Pragma("omp parallel for if (planes * h * w > PAR_MIN)")                           \
    for (int64_t pl = 0; pl < planes; pl++) {                                           \
      T *gp = gi + pl * h * w;                                                          \
      memset(gp, 0, (size_t)(h * w) * sizeof(T));                                      \
      for (int64_t oy = 0; oy < oh; oy++) {                                             \
        int64_t hs = oy * h / oh, he = ((oy + 1) * h + oh - 1) / oh;                    \
        for (int64_t ox = 0; ox < ow; ox++) {                                           \
          int64_t ws = ox * w / ow, we = ((ox + 1) * w + ow - 1) / ow;                  \
          T v = (T)(go[(pl * oh + oy) * ow + ox] / (double)((he - hs) * (we - ws)));    \
          for (int64_t iy = hs; iy < he; iy++)                                          \
            for (int64_t jx = ws; jx < we; jx++) gp[iy * w + jx] += v;                  \
        }                                                                               \
      }                                                                                 \
    }                                                                                   \
  } while (0)

int nn_adaptive_pool2d_backward(dl_tensor *gradIn, const dl_tensor *in,
                                const dl_tensor *gradOut, const dl_tensor *indices) {
  const char *fn = "nn_adaptive_pool2d_backward";
  char b[96];
  if (check_4d(fn, in) < 0) return -1;
  if (gradOut->ndim != 4 || gradOut->size[0] != in->size[0] || gradOut->size[1] != in->size[1])
    return dl_error("%s: gradOutput of size %s does not match the input's planes", fn,
                    dl_sizestr(b, sizeof b, gradOut->ndim, gradOut->size));
  int64_t planes = in->size[0] * in->size[1], h = in->size[2], w = in->size[3];
  int64_t oh = gradOut->size[2], ow = gradOut->size[3];
  if (indices)
    return index_backward(fn, gradIn, in, gradOut, indices, planes, h * w, oh * ow);
  if (check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc;
  if (contig(&gc, gradOut) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, gradIn, 4, in->size);
  if (rc == 0) DL_DISPATCH_FLOAT(in->dtype, ADAPTIVE_AVG_BWD);
  dl_tensor_free(&gc);
  return rc;
}

/* ---- temporal max pooling ------------------------------------------------------------- */

static int temporal_setup(const char *fn, const dl_tensor *in, int64_t kw, int64_t dw,
                          int64_t *n, int64_t *t, int64_t *d, int64_t *ot) {
  char b[96];
  if (check_float(fn, "input", in) < 0) return -1;
  if (in->ndim != 2 && in->ndim != 3)
    return dl_error("%s: input of size %s, expected 2 (frames x features) or 3 dimensions",
                    fn, dl_sizestr(b, sizeof b, in->ndim, in->size));
  if (kw < 1 || dw < 1)
    return dl_error("%s: kernel width %lld and step %lld must be positive", fn, (long long)kw,
                    (long long)dw);
  *n = in->ndim == 3 ? in->size[0] : 1;
  *t = in->size[in->ndim - 2];
  *d = in->size[in->ndim - 1];
  if (*t < kw)
    return dl_error("%s: input of %lld frames is shorter than the kernel width %lld", fn,
                    (long long)*t, (long long)kw);
  *ot = (*t - kw) / dw + 1;
  return 0;
}

#define TMAX_FWD(T)                                                                     \
  do {                                                                                  \
    const T *x = dl_tensor_data(&xc);                                                   \
    T *y = dl_tensor_data(out);                                                         \
    int64_t *ix = dl_tensor_data(indices);                                              \
    for (int64_t b = 0; b < n; b++)                                                     \
      for (int64_t s = 0; s < ot; s++) {                                                \
        const T *xw = x + (b * t + s * dw) * d;                                         \
        T *ys = y + (b * ot + s) * d;                                                   \
        int64_t *is = ix + (b * ot + s) * d;                                            \
        for (int64_t j = 0; j < d; j++) {                                               \
          T m = xw[j];                                                                  \
          int64_t best = 0;                                                             \
          for (int64_t k = 1; k < kw; k++) {                                            \
            T v = xw[k * d + j];                                                        \
            if (v > m || isnan(v)) m = v, best = k;                                     \
          }                                                                             \
          ys[j] = m;                                                                    \
          is[j] = best + 1;                                                             \
        }                                                                               \
      }                                                                                 \
  } while (0)

int nn_temporal_maxpool_forward(dl_tensor *out, dl_tensor *indices, const dl_tensor *in,
                                int64_t kw, int64_t dw) {
  const char *fn = "nn_temporal_maxpool_forward";
  int64_t n, t, d, ot;
  if (temporal_setup(fn, in, kw, dw, &n, &t, &d, &ot) < 0 ||
      check_type(fn, "output", out, in->dtype) < 0 ||
      check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  int64_t sz[3] = {n, ot, d};
  int nd = in->ndim;
  dl_tensor xc;
  if (contig(&xc, in) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, nd, sz + 3 - nd);
  if (rc == 0) rc = dl_tensor_resize_contig(fn, indices, nd, sz + 3 - nd);
  if (rc == 0) DL_DISPATCH_FLOAT(in->dtype, TMAX_FWD);
  dl_tensor_free(&xc);
  return rc;
}

#define TMAX_BWD(T)                                                                     \
  do {                                                                                  \
    const T *go = dl_tensor_data(&gc);                                                  \
    T *gi = dl_tensor_data(gradIn);                                                     \
    const int64_t *ix = dl_tensor_data(&ic);                                            \
    memset(gi, 0, (size_t)(n * t * d) * sizeof(T));                                     \
    for (int64_t b = 0; b < n; b++)                                                     \
      for (int64_t s = 0; s < ot; s++)                                                  \
        for (int64_t j = 0; j < d; j++) {                                               \
          int64_t o = (b * ot + s) * d + j;                                             \
          gi[(b * t + s * dw + ix[o] - 1) * d + j] += go[o];                            \
        }                                                                               \
  } while (0)

int nn_temporal_maxpool_backward(dl_tensor *gradIn, const dl_tensor *in,
                                 const dl_tensor *gradOut, const dl_tensor *indices,
                                 int64_t kw, int64_t dw) {
  const char *fn = "nn_temporal_maxpool_backward";
  int64_t n, t, d, ot;
  if (temporal_setup(fn, in, kw, dw, &n, &t, &d, &ot) < 0 ||
      check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      check_type(fn, "indices", indices, DL_LONG) < 0 ||
      check_like(fn, "gradOutput", gradOut, indices) < 0)
    return -1;
  if (dl_tensor_numel(indices) != n * ot * d)
    return dl_error("%s: indices have %lld elements, expected %lld (run forward first)", fn,
                    (long long)dl_tensor_numel(indices), (long long)(n * ot * d));
  dl_tensor gc, ic;
  if (contig(&gc, gradOut) < 0) return -1;
  if (contig(&ic, indices) < 0) {
    dl_tensor_free(&gc);
    return -1;
  }
  const int64_t *ixp = dl_tensor_data(&ic);
  int rc = 0;
  for (int64_t i = 0; i < n * ot * d; i++)
    if (ixp[i] < 1 || ixp[i] > kw) {
      rc = dl_error("%s: index %lld out of range 1..%lld", fn, (long long)ixp[i], (long long)kw);
      break;
    }
  if (rc == 0) rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) DL_DISPATCH_FLOAT(in->dtype, TMAX_BWD);
  dl_tensor_free(&gc);
  dl_tensor_free(&ic);
  return rc;
}
