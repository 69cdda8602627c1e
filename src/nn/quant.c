/* Quantized Linear and 2D convolution (quant.h): the checks, the activation quantization
   into a scratch Byte tensor, and one op_qgemm_f32 per product. */
#include "quant.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../ops/qgemm.h"
#include "prelude.h"

/* One output's weights to int8: symmetric, the largest magnitude at 127. */
static float quantize_row(int8_t *q, const void *w, int isdouble, int64_t k, int32_t *sum) {
  double amax = 0;
  for (int64_t t = 0; t < k; t++) {
    double v = fabs(isdouble ? ((const double *)w)[t] : ((const float *)w)[t]);
    amax = v > amax ? v : amax;
  }
  float s = amax > 0 && isfinite(amax) ? (float)(amax / 127) : 1.0f;
  int32_t total = 0;
  for (int64_t t = 0; t < k; t++) {
    double v = (isdouble ? ((const double *)w)[t] : ((const float *)w)[t]) / s;
    v = v > -127 ? v : -127; /* a NaN fails the test: -127, never undefined */
    v = v < 127 ? v : 127;
    q[t] = (int8_t)nearbyint(v);
    total += q[t];
  }
  *sum = total;
  return s;
}

int nn_quantize_weight(const char *fn, dl_tensor *packed, dl_tensor *scale, dl_tensor *wsum,
                       const dl_tensor *weight) {
  if (nn_check_float(fn, "weight", weight) < 0 || nn_check_type(fn, "packed", packed, DL_BYTE) < 0 ||
      nn_check_type(fn, "scale", scale, DL_FLOAT) < 0 ||
      nn_check_type(fn, "wsum", wsum, DL_INT) < 0)
    return -1;
  if (weight->ndim < 2) return dl_error("%s: weight must have 2 or more dimensions", fn);
  int64_t n = weight->size[0], k = dl_tensor_numel(weight) / (n ? n : 1);
  if (n < 1 || k < 1) return dl_error("%s: weight is empty", fn);
  if (k > OP_QGEMM_MAXK)
    return dl_error("%s: %lld inputs per output, at most %d can be quantized", fn,
                    (long long)k, OP_QGEMM_MAXK);
  int64_t psize[1] = {op_qpad_n(n) * op_qpad_k(k)}, vsize[1] = {n};
  if (dl_tensor_resize(packed, 1, psize) < 0 || dl_tensor_resize(scale, 1, vsize) < 0 ||
      dl_tensor_resize(wsum, 1, vsize) < 0)
    return -1;
  dl_tensor c;
  if (nn_contiguous(&c, weight) < 0) return -1;
  int8_t *q = malloc((size_t)(n * k));
  if (!q) {
    dl_tensor_free(&c);
    return dl_error("%s: out of memory quantizing %lld x %lld weights", fn, (long long)n,
                    (long long)k);
  }
  int isdouble = weight->dtype == DL_DOUBLE;
  size_t esz = isdouble ? sizeof(double) : sizeof(float);
  const char *w = dl_tensor_data(&c);
  float *s = dl_tensor_data(scale);
  int32_t *sum = dl_tensor_data(wsum);
  for (int64_t j = 0; j < n; j++)
    s[j] = quantize_row(q + j * k, w + (size_t)(j * k) * esz, isdouble, k, sum + j);
  op_qpack(dl_tensor_data(packed), q, n, k, k);
  free(q);
  dl_tensor_free(&c);
  return 0;
}

/* The weight tensors match each other and k; n is the scale's length. */
static int check_weights(const char *fn, const dl_tensor *packed, const dl_tensor *scale,
                         const dl_tensor *wsum, const dl_tensor *bias, int64_t k) {
  if (nn_check_type(fn, "packed weight", packed, DL_BYTE) < 0 ||
      nn_check_type(fn, "scale", scale, DL_FLOAT) < 0)
    return -1;
  if (scale->ndim != 1) return dl_error("%s: scale must be a vector", fn);
  if (!dl_tensor_iscontiguous(scale) || !dl_tensor_iscontiguous(packed))
    return dl_error("%s: packed weight and scale must be contiguous", fn);
  int64_t n = scale->size[0];
  if (k < 1 || k > OP_QGEMM_MAXK)
    return dl_error("%s: %lld inputs per output, expected 1 to %d", fn, (long long)k,
                    OP_QGEMM_MAXK);
  if (dl_tensor_numel(packed) != op_qpad_n(n) * op_qpad_k(k))
    return dl_error("%s: packed weight has %lld bytes, expected %lld for %lld x %lld", fn,
                    (long long)dl_tensor_numel(packed), (long long)(op_qpad_n(n) * op_qpad_k(k)),
                    (long long)n, (long long)k);
  const dl_tensor *vecs[2] = {wsum, bias};
  static const char *const names[2] = {"wsum", "bias"};
  for (int v = 0; v < 2; v++) {
    if (!vecs[v]) continue;
    if (nn_check_vec(fn, names[v], vecs[v], n, v ? DL_FLOAT : DL_INT) < 0) return -1;
    if (!dl_tensor_iscontiguous(vecs[v])) return dl_error("%s: %s must be contiguous", fn, names[v]);
  }
  return 0;
}

/* t is a Float tensor (the quantized layers compute in float32 only). */
static int check_float32(const char *fn, const char *what, const dl_tensor *t) {
  if (t->dtype != DL_FLOAT)
    return dl_error("%s: %s must be a Float tensor, got a %s tensor", fn, what,
                    dl_dtype_name(t->dtype));
  return 0;
}

int nn_check_qweights(const char *fn, const nn_qweights *w) {
  if (w->is_static && (!(w->ascale > 0) || !isfinite(w->ascale) || w->azero < 0 || w->azero > 255))
    return dl_error("%s: activation scale %g and zero point %d: expected a positive scale and "
                    "a zero point in [0, 255]", fn, (double)w->ascale, (int)w->azero);
  return check_weights(fn, w->packed, w->scale, w->wsum, w->bias, w->k);
}

int nn_dequantize_weight(const char *fn, dl_tensor *out, const dl_tensor *packed,
                         const dl_tensor *scale, int64_t k) {
  if (check_float32(fn, "output", out) < 0 ||
      check_weights(fn, packed, scale, NULL, NULL, k) < 0)
    return -1;
  int64_t n = scale->size[0], size[2] = {n, k};
  if (dl_tensor_resize_contig(fn, out, 2, size) < 0) return -1;
  int8_t *q = malloc((size_t)(n * k));
  if (!q) return dl_error("%s: out of memory", fn);
  op_qunpack(q, k, dl_tensor_data(packed), n, k);
  const float *s = dl_tensor_data(scale);
  float *o = dl_tensor_data(out);
  for (int64_t j = 0; j < n; j++)
    for (int64_t t = 0; t < k; t++) o[j * k + t] = (float)q[j * k + t] * s[j];
  free(q);
  return 0;
}

/* The epilogue of the weights w writing to o (row stride rs, column stride cs). */
static op_qepilogue epilogue(const nn_qweights *w, float *o, int64_t rs, int64_t cs,
                             const float *ascale, const int32_t *azero, int per_row, int relu) {
  op_qepilogue e = {o, rs, cs, ascale, azero, per_row, dl_tensor_data(w->scale),
                    dl_tensor_data(w->wsum), w->bias ? dl_tensor_data(w->bias) : NULL, relu};
  return e;
}

int nn_qlinear_forward(const char *fn, dl_tensor *out, dl_tensor *qbuf, const dl_tensor *in,
                       const nn_qweights *w, int relu) {
  char b1[96];
  if (check_float32(fn, "input", in) < 0 || nn_check_ndim(fn, "input", in, 1, 2) < 0 ||
      check_float32(fn, "output", out) < 0 || nn_check_type(fn, "buffer", qbuf, DL_BYTE) < 0 ||
      nn_check_qweights(fn, w) < 0)
    return -1;
  int vec = in->ndim == 1; /* one sample: a vector in, a vector out */
  int64_t m = vec ? 1 : in->size[0], k = w->k, n = w->scale->size[0];
  if (in->size[in->ndim - 1] != k)
    return dl_error("%s: input of size %s, expected %lld features%s: size mismatch", fn,
                    dl_sizestr(b1, sizeof b1, in->ndim, in->size), (long long)k,
                    vec ? " or a batch N x k" : "");
  int64_t osize[2] = {m, n};
  if (dl_tensor_resize(out, vec ? 1 : 2, vec ? osize + 1 : osize) < 0) return -1;
  if (m == 0) return 0;
  float *o = dl_tensor_data(out);
  int64_t ors = vec ? n : out->stride[0], ocs = out->stride[out->ndim - 1];
  if (dl_tensor_iscontiguous(in) || in->stride[in->ndim - 1] == 1)
    return nn_qrows_product(fn, o, ors, ocs, qbuf, dl_tensor_data(in), vec ? k : in->stride[0],
                            m, w, relu);
  dl_tensor c;
  if (nn_contiguous(&c, in) < 0) return -1;
  int rc = nn_qrows_product(fn, o, ors, ocs, qbuf, dl_tensor_data(&c), k, m, w, relu);
  dl_tensor_free(&c);
  return rc;
}

int nn_qrows_product(const char *fn, float *out, int64_t rs, int64_t cs, dl_tensor *qbuf,
                     const float *in, int64_t ldi, int64_t m, const nn_qweights *w, int relu) {
  int64_t k = w->k, n = w->scale->size[0], kp = op_qpad_k(k);
  /* the buffer: m row scales, m row zero points, then the m x kp quantized rows */
  int64_t bsize[1] = {m * 8 + m * kp};
  if (dl_tensor_resize_contig(fn, qbuf, 1, bsize) < 0) return -1;
  if (m == 0) return 0;
  uint8_t *buf = dl_tensor_data(qbuf), *q = buf + m * 8;
  float *ascale = (float *)buf;
  int32_t *azero = (int32_t *)(buf + m * 4);
  op_qquantize_rows(q, kp, in, ldi, m, k, w->is_static ? &w->ascale : NULL,
                    w->is_static ? &w->azero : NULL, ascale, azero);
  op_qepilogue e = w->is_static ? epilogue(w, out, rs, cs, &w->ascale, &w->azero, 0, relu)
                                : epilogue(w, out, rs, cs, ascale, azero, 1, relu);
  op_qgemm_f32(&e, q, kp, dl_tensor_data(w->packed), m, n, k);
  return 0;
}

/* The quantized image (C x H x W bytes) into pad, H + 2 ph rows of W + 2 pw pixels of C
   bytes each (channels last), the border the zero point z: a window row of the columns
   is then kH x kW runs of C contiguous bytes. */
static void to_hwc(uint8_t *pad, const uint8_t *img, int64_t C, int64_t H, int64_t W,
                   const nn_conv_geom *g, uint8_t z) {
  int64_t Wp = W + 2 * g->pw;
  memset(pad, z, (size_t)((H + 2 * g->ph) * Wp * C));
  for (int64_t c = 0; c < C; c++)
    for (int64_t y = 0; y < H; y++) {
      const uint8_t *src = img + (c * H + y) * W;
      uint8_t *dst = pad + ((y + g->ph) * Wp + g->pw) * C + c;
      if (C == 1)
        memcpy(dst, src, (size_t)W);
      else
        for (int64_t x = 0; x < W; x++) dst[x * C] = src[x];
    }
}

/* Columns for output positions p = (oy, ox): row p holds the kH x kW x C window (the
   order of the packed weights, nn.QuantizedSpatialConvolution), 0 past k. */
static void im2col_hwc(uint8_t *cols, int64_t kp, const uint8_t *pad, int64_t C, int64_t Wp,
                       int64_t oh, int64_t ow, const nn_conv_geom *g) {
  int64_t k = C * g->kh * g->kw;
  for (int64_t oy = 0; oy < oh; oy++)
    for (int64_t ox = 0; ox < ow; ox++) {
      uint8_t *row = cols + (oy * ow + ox) * kp;
      for (int64_t ky = 0; ky < g->kh; ky++) {
        const uint8_t *src = pad + ((oy * g->dh + ky * g->dilh) * Wp + ox * g->dw) * C;
        if (C == 1) /* a first layer on grey images: single bytes */
          for (int64_t kx = 0; kx < g->kw; kx++) *row++ = src[kx * g->dilw];
        else
          for (int64_t kx = 0; kx < g->kw; kx++, row += C)
            memcpy(row, src + kx * g->dilw * C, (size_t)C);
      }
      memset(row, 0, (size_t)(kp - k));
    }
}

int nn_qconv2d_forward(const char *fn, dl_tensor *out, dl_tensor *qbuf, const dl_tensor *in,
                       const nn_qweights *w, const nn_conv_geom *g, int relu) {
  char b1[96];
  if (check_float32(fn, "input", in) < 0 || nn_check_ndim(fn, "input", in, 3, 4) < 0 ||
      check_float32(fn, "output", out) < 0 || nn_check_type(fn, "buffer", qbuf, DL_BYTE) < 0 ||
      nn_check_qweights(fn, w) < 0)
    return -1;
  int batched = in->ndim == 4;
  int64_t N = batched ? in->size[0] : 1, C = in->size[batched], H = in->size[batched + 1],
          W = in->size[batched + 2], F = w->scale->size[0];
  if (g->kh < 1 || g->kw < 1 || g->dh < 1 || g->dw < 1 || g->ph < 0 || g->pw < 0 ||
      g->dilh < 1 || g->dilw < 1)
    return dl_error("%s: invalid geometry", fn);
  if (C * g->kh * g->kw != w->k)
    return dl_error("%s: input of size %s, expected %lld planes", fn,
                    dl_sizestr(b1, sizeof b1, in->ndim, in->size),
                    (long long)(w->k / (g->kh * g->kw)));
  int64_t oh = nn_conv_outsize(H, g->kh, g->dh, g->ph, g->dilh),
          ow = nn_conv_outsize(W, g->kw, g->dw, g->pw, g->dilw);
  if (oh < 1 || ow < 1)
    return dl_error("%s: input of size %s is too small for a %lldx%lld kernel", fn,
                    dl_sizestr(b1, sizeof b1, in->ndim, in->size), (long long)g->kh,
                    (long long)g->kw);
  int64_t kp = op_qpad_k(w->k), P = oh * ow, img = op_qpad_k(C * H * W);
  int64_t Hp = H + 2 * g->ph, Wp = W + 2 * g->pw;
  int64_t osize[4] = {N, F, oh, ow};
  int64_t bsize[1];
  if (dl_numel_checked(fn, 2, (int64_t[]){P, kp}) < 0 ||
      dl_numel_checked(fn, 3, (int64_t[]){Hp, Wp, C}) < 0)
    return -1;
  bsize[0] = img + Hp * Wp * C + P * kp;
  if (dl_tensor_resize_contig(fn, out, batched ? 4 : 3, batched ? osize : osize + 1) < 0 ||
      dl_tensor_resize_contig(fn, qbuf, 1, bsize) < 0)
    return -1;
  dl_tensor c;
  if (nn_contiguous(&c, in) < 0) return -1;
  const float *x = dl_tensor_data(&c);
  uint8_t *qi = dl_tensor_data(qbuf), *pad = qi + img, *cols = pad + Hp * Wp * C;
  float *o = dl_tensor_data(out);
  for (int64_t s = 0; s < N; s++) {
    float sc;
    int32_t z;
    if (w->is_static) {
      sc = w->ascale;
      z = w->azero;
    }
    /* the image as one row: its own range (dynamic) or the calibrated one */
    op_qquantize_rows(qi, img, x + s * C * H * W, C * H * W, 1, C * H * W,
                      w->is_static ? &sc : NULL, w->is_static ? &z : NULL, &sc, &z);
    to_hwc(pad, qi, C, H, W, g, (uint8_t)z);
    im2col_hwc(cols, kp, pad, C, Wp, oh, ow, g);
    /* the product is P x F; the output plane f is column f, so it is written transposed */
    op_qepilogue e = epilogue(w, o + s * F * P, 1, P, &sc, &z, 0, relu);
    op_qgemm_f32(&e, cols, kp, dl_tensor_data(w->packed), P, F, w->k);
  }
  dl_tensor_free(&c);
  return 0;
}
