#include "depthwise.h"

#include <string.h>

#include "prelude.h"

#define NN_LOOPS "depthwise_loops.h"
#include "float_loops.h"

/* Sizes of one call, read off the input and checked against the module's. */
typedef struct {
  int64_t n, h, w, oh, ow;
  int batched;
} dw_dims;

static int dw_setup(const char *fn, dw_dims *d, const dl_tensor *in, const dl_tensor *weight,
                    int64_t c, int64_t m, const nn_conv_geom *g) {
  char b[96];
  if (c < 1 || m < 1 || g->kh < 1 || g->kw < 1 || g->dh < 1 || g->dw < 1 || g->ph < 0 ||
      g->pw < 0 || g->dilh != 1 || g->dilw != 1)
    return dl_error("%s: planes %lld, multiplier %lld, kernel %lldx%lld and stride %lldx%lld "
                    "must be positive, padding %lldx%lld not negative", fn, (long long)c,
                    (long long)m, (long long)g->kh, (long long)g->kw, (long long)g->dh,
                    (long long)g->dw, (long long)g->ph, (long long)g->pw);
  if (nn_check_image(fn, "input", in, c) < 0 ||
      nn_check_type(fn, "weight", weight, in->dtype) < 0)
    return -1;
  int64_t ks[4] = {m, c, g->kh, g->kw}, kn = dl_numel_checked(fn, 4, ks);
  if (kn < 0 || nn_check_numel(fn, "weight", weight, kn) < 0) return -1;
  d->batched = in->ndim == 4;
  d->n = d->batched ? in->size[0] : 1;
  d->h = in->size[in->ndim - 2], d->w = in->size[in->ndim - 1];
  d->oh = nn_conv_outsize(d->h, g->kh, g->dh, g->ph, 1);
  d->ow = nn_conv_outsize(d->w, g->kw, g->dw, g->pw, 1);
  if (d->oh < 1 || d->ow < 1)
    return dl_error("%s: input of size %s is smaller than the kernel %lldx%lld (padding "
                    "%lldx%lld)", fn, dl_sizestr(b, sizeof b, in->ndim, in->size),
                    (long long)g->kh, (long long)g->kw, (long long)g->ph, (long long)g->pw);
  int64_t os[4] = {d->n, c, m, d->oh * d->ow};
  return dl_numel_checked(fn, 4, os) < 0 ? -1 : 0;
}

/* The output's sizes: N x C*M x oH x oW, 3D when the input is. */
static void out_size(int64_t s[4], const dw_dims *d, int64_t c, int64_t m) {
  s[0] = d->n, s[1] = c * m, s[2] = d->oh, s[3] = d->ow;
}

static int resize_like_input(const char *fn, dl_tensor *t, const dw_dims *d, const int64_t s[4]) {
  return d->batched ? dl_tensor_resize_contig(fn, t, 4, s)
                    : dl_tensor_resize_contig(fn, t, 3, s + 1);
}

int nn_depthwise_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                         const dl_tensor *weight, const dl_tensor *bias, int64_t c, int64_t m,
                         const nn_conv_geom *g) {
  dw_dims d;
  if (dw_setup(fn, &d, in, weight, c, m, g) < 0 ||
      nn_check_numel(fn, "bias", bias, m * c) < 0 ||
      nn_check_type(fn, "bias", bias, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc, wc;
  if (nn_contiguous_pair(&xc, in, &wc, weight) < 0) return -1;
  nn_vecs v;
  nn_vecs_init(&v);
  void *b = nn_vecs_add(&v, bias, 0);
  int64_t s[4];
  out_size(s, &d, c, m);
  int rc = v.rc < 0 ? -1 : resize_like_input(fn, out, &d, s);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc), *w = dl_tensor_data(&wc);
    if (in->dtype == DL_FLOAT) dw_forward_float(y, x, w, b, d.n, c, m, d.h, d.w, d.oh, d.ow, g);
    else dw_forward_double(y, x, w, b, d.n, c, m, d.h, d.w, d.oh, d.ow, g);
  }
  rc = nn_vecs_close(&v, rc);
  return nn_free_pair(&xc, &wc, rc);
}

/* gradOut has the output's sizes for this input. */
static int check_gradout(const char *fn, const dl_tensor *go, const dw_dims *d, int64_t c,
                         int64_t m, dl_dtype dt) {
  int64_t s[4];
  out_size(s, d, c, m);
  if (nn_check_type(fn, "gradOutput", go, dt) < 0) return -1;
  return d->batched ? nn_check_size(fn, "gradOutput", go, 4, s)
                    : nn_check_size(fn, "gradOutput", go, 3, s + 1);
}

int nn_depthwise_backward_input(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                                const dl_tensor *gradOut, const dl_tensor *weight, int64_t c,
                                int64_t m, const nn_conv_geom *g) {
  dw_dims d;
  if (dw_setup(fn, &d, in, weight, c, m, g) < 0 ||
      check_gradout(fn, gradOut, &d, c, m, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc, wc;
  if (nn_contiguous_pair(&gc, gradOut, &wc, weight) < 0) return -1;
  int64_t s[4] = {d.n, c, d.h, d.w};
  int rc = resize_like_input(fn, gradIn, &d, s);
  if (rc == 0) {
    void *gx = dl_tensor_data(gradIn), *gy = dl_tensor_data(&gc), *w = dl_tensor_data(&wc);
    if (in->dtype == DL_FLOAT)
      dw_backward_input_float(gx, gy, w, d.n, c, m, d.h, d.w, d.oh, d.ow, g);
    else
      dw_backward_input_double(gx, gy, w, d.n, c, m, d.h, d.w, d.oh, d.ow, g);
  }
  return nn_free_pair(&gc, &wc, rc);
}

int nn_depthwise_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                 const dl_tensor *in, const dl_tensor *gradOut, double scale,
                                 int64_t c, int64_t m, const nn_conv_geom *g) {
  dw_dims d;
  if (dw_setup(fn, &d, in, gradWeight, c, m, g) < 0 ||
      check_gradout(fn, gradOut, &d, c, m, in->dtype) < 0 ||
      nn_check_numel(fn, "gradBias", gradBias, m * c) < 0 ||
      nn_check_type(fn, "gradBias", gradBias, in->dtype) < 0)
    return -1;
  dl_tensor xc, gc;
  if (nn_contiguous_pair(&xc, in, &gc, gradOut) < 0) return -1;
  nn_vecs v;
  nn_vecs_init(&v);
  void *gw = nn_vecs_add(&v, gradWeight, 1), *gb = nn_vecs_add(&v, gradBias, 1);
  int rc = v.rc;
  if (rc == 0) {
    void *x = dl_tensor_data(&xc), *gy = dl_tensor_data(&gc);
    if (in->dtype == DL_FLOAT)
      dw_backward_params_float(gw, gb, x, gy, d.n, c, m, d.h, d.w, d.oh, d.ow, scale, g);
    else
      dw_backward_params_double(gw, gb, x, gy, d.n, c, m, d.h, d.w, d.oh, d.ow, scale, g);
  }
  rc = nn_vecs_close(&v, rc);
  return nn_free_pair(&xc, &gc, rc);
}
