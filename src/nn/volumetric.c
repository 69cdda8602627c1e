/* Volumetric kernels (see volumetric.h): the checks and the plan of each pass here, the
   typed loops (vol2col and col2vol, pooling, padding) in volumetric_loops.h. */
#include "volumetric.h"

#include <math.h>
#include <string.h>

#include "../core/dtype.h"
#include "../ops/blas.h"
#include "conv.h"
#include "pool.h"
#include "prelude.h"

/* n samples of c planes t x h x w; the kernel visits an ot x oh x ow grid. */
typedef struct {
  int64_t n, c, t, h, w, ot, oh, ow;
} vol_dims;

/* An average-pooling window clipped to the input, [lo, hi) along t, h and w, and its
   divisor: the window's voxels inside the padded input (cip) or inside the input. */
typedef struct {
  int64_t lo[3], hi[3];
  double div;
} vol_window;

static inline vol_window vol_avg_window(const vol_dims *d, const nn_vol_geom *g, int64_t z,
                                        int64_t u, int64_t v, int cip) {
  const int64_t o[3] = {z, u, v}, st[3] = {g->dt, g->dh, g->dw}, p[3] = {g->pt, g->ph, g->pw};
  const int64_t k[3] = {g->kt, g->kh, g->kw}, in[3] = {d->t, d->h, d->w};
  vol_window r;
  double padded = 1, inside = 1;
  for (int a = 0; a < 3; a++) {
    int64_t s = o[a] * st[a] - p[a], e = s + k[a];
    if (e > in[a] + p[a]) e = in[a] + p[a];
    padded *= (double)(e - s);
    r.lo[a] = s < 0 ? 0 : s;
    r.hi[a] = e > in[a] ? in[a] : e;
    inside *= (double)(r.hi[a] - r.lo[a]);
  }
  r.div = cip ? padded : inside;
  if (r.div <= 0) r.div = 1;
  return r;
}

static inline int64_t clamp_index(int64_t i, int64_t n) { return i < 0 ? 0 : i >= n ? n - 1 : i; }

/* Where output o of out along an axis of in samples the input: between i0 and i1 at
   fraction f (f = 0: i0 alone). Nearest: i0 = floor(o in / out); linear, corners aligned:
   the position o (in - 1) / (out - 1). */
typedef struct {
  int64_t i0, i1;
  double f;
} up_axis;

static inline up_axis up_source(int64_t o, int64_t out, int64_t in, int linear) {
  up_axis a = {0, 0, 0};
  if (!linear) {
    a.i0 = a.i1 = o * in / out;
    return a;
  }
  double pos = out > 1 ? (double)o * (double)(in - 1) / (double)(out - 1) : 0;
  a.i0 = (int64_t)pos;
  if (a.i0 > in - 1) a.i0 = in - 1;
  a.i1 = a.i0 + 1 < in ? a.i0 + 1 : in - 1;
  a.f = pos - (double)a.i0;
  return a;
}

#define NN_LOOPS "volumetric_loops.h"
#include "float_loops.h"

/* ---- sizes, views and buffers --------------------------------------------------------- */

static int isfloat(const dl_tensor *t) { return t->dtype == DL_FLOAT; }

/* Element i of contiguous t's data. */
static void *elem(const dl_tensor *t, int64_t i) {
  return (char *)dl_tensor_data(t) + (size_t)i * dl_dtype_size(t->dtype);
}

/* A shallow r x c row-major view of contiguous t from element off (no reference). */
static dl_tensor block(const dl_tensor *t, int64_t off, int64_t r, int64_t c) {
  dl_tensor m = *t;
  m.ndim = 2;
  m.offset = t->offset + off;
  m.size[0] = r;
  m.size[1] = c;
  m.stride[0] = c;
  m.stride[1] = 1;
  return m;
}

/* The stride of a bias or gradBias vector. */
static int64_t vstride(const dl_tensor *v) { return v->ndim ? v->stride[v->ndim - 1] : 1; }

/* The sizes of a C x T x H x W or N x C x T x H x W input of planes planes (0: any). */
static int vol_input(const char *fn, const dl_tensor *in, int64_t planes, vol_dims *d,
                     int *batched) {
  char b[96];
  if (nn_check_float(fn, "input", in) < 0) return -1;
  if (in->ndim != 4 && in->ndim != 5)
    return dl_error("%s: input of size %s, expected 4D (C x T x H x W) or 5D (N x C x T x H "
                    "x W)", fn, dl_sizestr(b, sizeof b, in->ndim, in->size));
  *batched = in->ndim == 5;
  const int64_t *s = in->size + in->ndim - 4;
  if (planes > 0 && s[0] != planes)
    return dl_error("%s: input of size %s has %lld planes, expected %lld", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size), (long long)s[0],
                    (long long)planes);
  d->n = *batched ? in->size[0] : 1, d->c = s[0], d->t = s[1], d->h = s[2], d->w = s[3];
  return 0;
}

/* A volume result: n x c x t x h x w, or c x t x h x w when the input was one volume. */
static int resize_vol(const char *fn, dl_tensor *t, int batched, int64_t n, int64_t c,
                      int64_t z, int64_t h, int64_t w) {
  int64_t s[5] = {n, c, z, h, w};
  return batched ? dl_tensor_resize_contig(fn, t, 5, s)
                 : dl_tensor_resize_contig(fn, t, 4, s + 1);
}

/* t (gradOutput) has the volume sizes given and type dt. */
static int check_vol(const char *fn, const char *what, const dl_tensor *t, int batched,
                     int64_t n, int64_t c, int64_t z, int64_t h, int64_t w, dl_dtype dt) {
  int64_t s[5] = {n, c, z, h, w};
  if (nn_check_type(fn, what, t, dt) < 0) return -1;
  return batched ? nn_check_size(fn, what, t, 5, s) : nn_check_size(fn, what, t, 4, s + 1);
}

static int check_geom(const char *fn, const nn_vol_geom *g) {
  if (g->kt < 1 || g->kh < 1 || g->kw < 1 || g->dt < 1 || g->dh < 1 || g->dw < 1 ||
      g->pt < 0 || g->ph < 0 || g->pw < 0 || g->dilt < 1 || g->dilh < 1 || g->dilw < 1)
    return dl_error("%s: kernel %lldx%lldx%lld, stride %lldx%lldx%lld, padding "
                    "%lldx%lldx%lld and dilation %lldx%lldx%lld must be positive (padding "
                    "may be 0)", fn, (long long)g->kt, (long long)g->kh, (long long)g->kw,
                    (long long)g->dt, (long long)g->dh, (long long)g->dw, (long long)g->pt,
                    (long long)g->ph, (long long)g->pw, (long long)g->dilt, (long long)g->dilh,
                    (long long)g->dilw);
  return 0;
}

/* K = c*kt*kh*kw and P = ot*oh*ow, and the products the buffers hold (K x P columns,
   f x P outputs, f x K weights), refused when they overflow. */
static int col_sizes(const char *fn, const vol_dims *d, const nn_vol_geom *g, int64_t f,
                     int64_t *K, int64_t *P) {
  int64_t ks[4] = {d->c, g->kt, g->kh, g->kw}, ps[3] = {d->ot, d->oh, d->ow};
  if ((*K = dl_numel_checked(fn, 4, ks)) < 0 || (*P = dl_numel_checked(fn, 3, ps)) < 0)
    return -1;
  int64_t cs[2] = {*K, *P}, os[3] = {d->n, f, *P}, ws[2] = {f, *K};
  if (dl_numel_checked(fn, 2, cs) < 0 || dl_numel_checked(fn, 3, os) < 0 ||
      dl_numel_checked(fn, 2, ws) < 0)
    return -1;
  return 0;
}

/* weight is 5D, wplanes x other x kT x kH x kW; returns -1 with an error otherwise. */
static int check_weight(const char *fn, const char *what, const dl_tensor *weight,
                        const dl_tensor *in, const nn_vol_geom *g) {
  char b1[96], b2[96];
  if (nn_check_type(fn, what, weight, in->dtype) < 0) return -1;
  if (weight->ndim != 5 || weight->size[2] != g->kt || weight->size[3] != g->kh ||
      weight->size[4] != g->kw)
    return dl_error("%s: %s of size %s does not fit input %s with a %lldx%lldx%lld kernel",
                    fn, what, dl_sizestr(b1, sizeof b1, weight->ndim, weight->size),
                    dl_sizestr(b2, sizeof b2, in->ndim, in->size), (long long)g->kt,
                    (long long)g->kh, (long long)g->kw);
  return 0;
}

static void vol2col(dl_tensor *cols, const dl_tensor *vol, int64_t off, const vol_dims *d,
                    const nn_vol_geom *g) {
  if (isfloat(vol)) vol2col_float(dl_tensor_data(cols), elem(vol, off), d, g);
  else vol2col_double(dl_tensor_data(cols), elem(vol, off), d, g);
}

static void col2vol(dl_tensor *vol, int64_t off, const dl_tensor *cols, const vol_dims *d,
                    const nn_vol_geom *g) {
  if (isfloat(vol)) col2vol_float(elem(vol, off), dl_tensor_data(cols), d, g);
  else col2vol_double(elem(vol, off), dl_tensor_data(cols), d, g);
}

/* The c x len block of x from element off += bias. */
static void add_bias(dl_tensor *x, int64_t off, int64_t c, int64_t len, const dl_tensor *bias) {
  if (isfloat(x))
    vol_addbias_float(elem(x, off), c, len, dl_tensor_data(bias), vstride(bias));
  else
    vol_addbias_double(elem(x, off), c, len, dl_tensor_data(bias), vstride(bias));
}

/* gradBias += scale * the row sums of the c x len block of m from element off. */
static void row_sum(dl_tensor *gb, const dl_tensor *m, int64_t off, int64_t c, int64_t len,
                    double scale) {
  if (isfloat(m))
    vol_rowsum_float(dl_tensor_data(gb), vstride(gb), elem(m, off), c, len, scale);
  else
    vol_rowsum_double(dl_tensor_data(gb), vstride(gb), elem(m, off), c, len, scale);
}

/* ---- convolution ---------------------------------------------------------------------- */

/* A convolution pass: the image and grid (d), the planes on the grid side (f: the output
   planes of a convolution, the input planes of a transposed one), the columns' K x P, the
   image sample's size V and whether the input was a batch. */
typedef struct {
  vol_dims d;
  int64_t f, K, P, V;
  int batched;
} vol_plan;

/* The pass's contiguous operands a (of x) and b (of y) and its K x P columns; on failure
   nothing is left open. */
static int open_pass(const char *fn, const vol_plan *p, dl_tensor *a, const dl_tensor *x,
                     dl_tensor *b, const dl_tensor *y, dl_tensor *cols) {
  int64_t cs[2] = {p->K, p->P};
  if (nn_contiguous_pair(a, x, b, y) < 0) return -1;
  if (dl_tensor_resize_contig(fn, cols, 2, cs) < 0) return nn_free_pair(a, b, -1);
  return 0;
}

/* The sizes of a convolution of in by weight (F x C x kT x kH x kW): *f output planes. */
static int conv_setup(const char *fn, vol_plan *p, const dl_tensor *in,
                      const dl_tensor *weight, const nn_vol_geom *g) {
  char b[96];
  vol_dims *d = &p->d;
  int64_t planes = weight->ndim == 5 ? weight->size[1] : 0;
  if (vol_input(fn, in, planes, d, &p->batched) < 0 || check_geom(fn, g) < 0 ||
      check_weight(fn, "weight", weight, in, g) < 0)
    return -1;
  p->f = weight->size[0];
  p->V = d->c * d->t * d->h * d->w;
  d->ot = nn_conv_outsize(d->t, g->kt, g->dt, g->pt, g->dilt);
  d->oh = nn_conv_outsize(d->h, g->kh, g->dh, g->ph, g->dilh);
  d->ow = nn_conv_outsize(d->w, g->kw, g->dw, g->pw, g->dilw);
  if (d->ot < 1 || d->oh < 1 || d->ow < 1)
    return dl_error("%s: input of size %s is smaller than the kernel %lldx%lldx%lld (dilation "
                    "%lldx%lldx%lld, padding %lldx%lldx%lld)", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size), (long long)g->kt,
                    (long long)g->kh, (long long)g->kw, (long long)g->dilt, (long long)g->dilh,
                    (long long)g->dilw, (long long)g->pt, (long long)g->ph, (long long)g->pw);
  return col_sizes(fn, d, g, p->f, &p->K, &p->P);
}

/* The three passes of both convolutions, sample by sample. The volume side (image of
   d->c planes, V voxels a sample) goes through vol2col / col2vol, the grid side (p->f
   planes of P positions) through the GEMM with w2 (f x K).
   to_grid: grid = w2 * vol2col(vol) (+ bias per grid plane); */
static int to_grid(const vol_plan *p, dl_tensor *grid, const dl_tensor *vol,
                   const dl_tensor *w2, dl_tensor *cols, const dl_tensor *bias,
                   const nn_vol_geom *g) {
  int rc = 0;
  for (int64_t b = 0; rc == 0 && b < p->d.n; b++) {
    vol2col(cols, vol, b * p->V, &p->d, g);
    dl_tensor y = block(grid, b * p->f * p->P, p->f, p->P);
    rc = op_gemm('n', 'n', 1.0, w2, cols, 0.0, &y);
    if (rc == 0 && bias) add_bias(grid, b * p->f * p->P, p->f, p->P, bias);
  }
  return rc;
}

/* to_vol: vol = col2vol(w2^T * grid) (+ bias per volume plane); */
static int to_vol(const vol_plan *p, dl_tensor *vol, const dl_tensor *grid,
                  const dl_tensor *w2, dl_tensor *cols, const dl_tensor *bias,
                  const nn_vol_geom *g) {
  int rc = 0;
  for (int64_t b = 0; rc == 0 && b < p->d.n; b++) {
    dl_tensor x = block(grid, b * p->f * p->P, p->f, p->P);
    rc = op_gemm('t', 'n', 1.0, w2, &x, 0.0, cols);
    if (rc == 0) col2vol(vol, b * p->V, cols, &p->d, g);
    if (rc == 0 && bias) add_bias(vol, b * p->V, p->d.c, p->V / p->d.c, bias);
  }
  return rc;
}

/* weight_grad: gw2 += scale * grid * vol2col(vol)^T. */
static int weight_grad(const vol_plan *p, dl_tensor *gw2, const dl_tensor *grid,
                       const dl_tensor *vol, dl_tensor *cols, double scale,
                       const nn_vol_geom *g) {
  int rc = 0;
  for (int64_t b = 0; rc == 0 && b < p->d.n; b++) {
    vol2col(cols, vol, b * p->V, &p->d, g);
    dl_tensor x = block(grid, b * p->f * p->P, p->f, p->P);
    rc = op_gemm('n', 't', scale, &x, cols, 1.0, gw2);
  }
  return rc;
}

/* gradBias += scale * the plane sums of t (planes of len values) over the samples. */
static void bias_grad(dl_tensor *gradBias, const dl_tensor *t, int64_t n, int64_t planes,
                      int64_t len, double scale) {
  for (int64_t b = 0; gradBias && b < n; b++)
    row_sum(gradBias, t, b * planes * len, planes, len, scale);
}

int nn_vol_conv_forward(const char *fn, dl_tensor *out, dl_tensor *cols, const dl_tensor *in,
                        const dl_tensor *weight, const dl_tensor *bias, const nn_vol_geom *g) {
  vol_plan p;
  dl_tensor xc, wc;
  if (conv_setup(fn, &p, in, weight, g) < 0 ||
      nn_check_vec(fn, "bias", bias, p.f, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      open_pass(fn, &p, &xc, in, &wc, weight, cols) < 0)
    return -1;
  dl_tensor w2 = block(&wc, 0, p.f, p.K);
  int rc = resize_vol(fn, out, p.batched, p.d.n, p.f, p.d.ot, p.d.oh, p.d.ow);
  if (rc == 0) rc = to_grid(&p, out, &xc, &w2, cols, bias, g);
  return nn_free_pair(&xc, &wc, rc);
}

int nn_vol_conv_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *cols,
                               const dl_tensor *in, const dl_tensor *gradOut,
                               const dl_tensor *weight, const nn_vol_geom *g) {
  vol_plan p;
  dl_tensor gc, wc;
  if (conv_setup(fn, &p, in, weight, g) < 0 ||
      check_vol(fn, "gradOutput", gradOut, p.batched, p.d.n, p.f, p.d.ot, p.d.oh, p.d.ow,
                in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      open_pass(fn, &p, &gc, gradOut, &wc, weight, cols) < 0)
    return -1;
  dl_tensor w2 = block(&wc, 0, p.f, p.K);
  int rc = resize_vol(fn, gradIn, p.batched, p.d.n, p.d.c, p.d.t, p.d.h, p.d.w);
  if (rc == 0) rc = to_vol(&p, gradIn, &gc, &w2, cols, NULL, g);
  return nn_free_pair(&gc, &wc, rc);
}

int nn_vol_conv_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                dl_tensor *cols, const dl_tensor *in, const dl_tensor *gradOut,
                                double scale, const nn_vol_geom *g) {
  vol_plan p;
  dl_tensor gc, xc;
  if (conv_setup(fn, &p, in, gradWeight, g) < 0 ||
      check_vol(fn, "gradOutput", gradOut, p.batched, p.d.n, p.f, p.d.ot, p.d.oh, p.d.ow,
                in->dtype) < 0 ||
      nn_check_vec(fn, "gradBias", gradBias, p.f, in->dtype) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gradWeight))
    return dl_error("%s: gradWeight must be contiguous", fn);
  if (open_pass(fn, &p, &gc, gradOut, &xc, in, cols) < 0) return -1;
  dl_tensor gw2 = block(gradWeight, 0, p.f, p.K);
  int rc = weight_grad(&p, &gw2, &gc, &xc, cols, scale, g);
  if (rc == 0) bias_grad(gradBias, &gc, p.d.n, p.f, p.P, scale);
  return nn_free_pair(&gc, &xc, rc);
}

/* ---- transposed (full) convolution ---------------------------------------------------- */

/* (in - 1) d - 2 pad + k + adj, or -1 when it overflows or is not positive. */
static int64_t full_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int64_t adj) {
  int64_t r;
  if (__builtin_mul_overflow(in - 1, d, &r) || __builtin_add_overflow(r, k + adj, &r) ||
      __builtin_sub_overflow(r, 2 * pad, &r) || r < 1)
    return -1;
  return r;
}

/* The input is the convolution grid (d->ot x d->oh x d->ow) and the output the volume
   (d->c planes of d->t x d->h x d->w), the reverse of conv_setup. *cin is the input's
   planes, *K = Cout*kT*kH*kW and *P the grid's size. */
static int full_setup(const char *fn, vol_plan *p, const dl_tensor *in,
                      const dl_tensor *weight, const nn_vol_geom *g, const int64_t adj[3]) {
  char b[96];
  vol_dims x, *d = &p->d;
  int64_t planes = weight->ndim == 5 ? weight->size[0] : 0;
  if (vol_input(fn, in, planes, &x, &p->batched) < 0 || check_geom(fn, g) < 0 ||
      check_weight(fn, "weight", weight, in, g) < 0)
    return -1;
  if (adj[0] < 0 || adj[1] < 0 || adj[2] < 0 || adj[0] >= g->dt || adj[1] >= g->dh ||
      adj[2] >= g->dw)
    return dl_error("%s: adjustment %lldx%lldx%lld must be in [0, stride - 1] (stride "
                    "%lldx%lldx%lld)", fn, (long long)adj[0], (long long)adj[1],
                    (long long)adj[2], (long long)g->dt, (long long)g->dh, (long long)g->dw);
  p->f = x.c;
  d->n = x.n, d->c = weight->size[1], d->ot = x.t, d->oh = x.h, d->ow = x.w;
  d->t = full_outsize(x.t, g->kt, g->dt, g->pt, adj[0]);
  d->h = full_outsize(x.h, g->kh, g->dh, g->ph, adj[1]);
  d->w = full_outsize(x.w, g->kw, g->dw, g->pw, adj[2]);
  if (d->t < 1 || d->h < 1 || d->w < 1)
    return dl_error("%s: input of size %s gives no output: padding %lldx%lldx%lld too large "
                    "for the kernel and stride", fn, dl_sizestr(b, sizeof b, in->ndim, in->size),
                    (long long)g->pt, (long long)g->ph, (long long)g->pw);
  p->V = d->c * d->t * d->h * d->w;
  return col_sizes(fn, d, g, p->f, &p->K, &p->P);
}

int nn_vol_fullconv_forward(const char *fn, dl_tensor *out, dl_tensor *cols,
                            const dl_tensor *in, const dl_tensor *weight, const dl_tensor *bias,
                            const nn_vol_geom *g, const int64_t adj[3]) {
  vol_plan p;
  dl_tensor xc, wc;
  if (full_setup(fn, &p, in, weight, g, adj) < 0 ||
      nn_check_vec(fn, "bias", bias, p.d.c, in->dtype) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      open_pass(fn, &p, &xc, in, &wc, weight, cols) < 0)
    return -1;
  dl_tensor w2 = block(&wc, 0, p.f, p.K);
  int rc = resize_vol(fn, out, p.batched, p.d.n, p.d.c, p.d.t, p.d.h, p.d.w);
  if (rc == 0) rc = to_vol(&p, out, &xc, &w2, cols, bias, g);
  return nn_free_pair(&xc, &wc, rc);
}

int nn_vol_fullconv_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *cols,
                                   const dl_tensor *in, const dl_tensor *gradOut,
                                   const dl_tensor *weight, const nn_vol_geom *g,
                                   const int64_t adj[3]) {
  vol_plan p;
  dl_tensor gc, wc;
  if (full_setup(fn, &p, in, weight, g, adj) < 0 ||
      check_vol(fn, "gradOutput", gradOut, p.batched, p.d.n, p.d.c, p.d.t, p.d.h, p.d.w,
                in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0 ||
      open_pass(fn, &p, &gc, gradOut, &wc, weight, cols) < 0)
    return -1;
  dl_tensor w2 = block(&wc, 0, p.f, p.K);
  int rc = resize_vol(fn, gradIn, p.batched, p.d.n, p.f, p.d.ot, p.d.oh, p.d.ow);
  if (rc == 0) rc = to_grid(&p, gradIn, &gc, &w2, cols, NULL, g);
  return nn_free_pair(&gc, &wc, rc);
}

int nn_vol_fullconv_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                    dl_tensor *cols, const dl_tensor *in,
                                    const dl_tensor *gradOut, double scale,
                                    const nn_vol_geom *g, const int64_t adj[3]) {
  vol_plan p;
  dl_tensor gc, xc;
  if (full_setup(fn, &p, in, gradWeight, g, adj) < 0 ||
      check_vol(fn, "gradOutput", gradOut, p.batched, p.d.n, p.d.c, p.d.t, p.d.h, p.d.w,
                in->dtype) < 0 ||
      nn_check_vec(fn, "gradBias", gradBias, p.d.c, in->dtype) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gradWeight))
    return dl_error("%s: gradWeight must be contiguous", fn);
  if (open_pass(fn, &p, &gc, gradOut, &xc, in, cols) < 0) return -1;
  dl_tensor gw2 = block(gradWeight, 0, p.f, p.K);
  int rc = weight_grad(&p, &gw2, &xc, &gc, cols, scale, g);
  if (rc == 0) bias_grad(gradBias, &gc, p.d.n, p.d.c, p.V / p.d.c, scale);
  return nn_free_pair(&gc, &xc, rc);
}

/* ---- pooling -------------------------------------------------------------------------- */

/* The output grid of a pooling of in; padding is at most half the window, as Torch7
   requires (so that no window lies wholly in the padding). */
static int pool_setup(const char *fn, vol_dims *d, int *batched, const dl_tensor *in,
                      const nn_vol_geom *g, int ceil) {
  char b[96];
  if (vol_input(fn, in, 0, d, batched) < 0 || check_geom(fn, g) < 0) return -1;
  if (2 * g->pt > g->kt || 2 * g->ph > g->kh || 2 * g->pw > g->kw)
    return dl_error("%s: padding %lldx%lldx%lld must be at most half the window "
                    "%lldx%lldx%lld", fn, (long long)g->pt, (long long)g->ph,
                    (long long)g->pw, (long long)g->kt, (long long)g->kh, (long long)g->kw);
  /* the dilated window's extent; windows past 2^31 are refused (no input is that long) */
  int big = g->kt > INT32_MAX || g->kh > INT32_MAX || g->kw > INT32_MAX ||
            g->dilt > INT32_MAX || g->dilh > INT32_MAX || g->dilw > INT32_MAX;
  int64_t et = big ? 0 : (g->kt - 1) * g->dilt + 1, eh = (g->kh - 1) * g->dilh + 1;
  int64_t ew = (g->kw - 1) * g->dilw + 1;
  d->ot = et ? nn_pool_outsize(d->t, et, g->dt, g->pt, ceil) : 0;
  d->oh = et ? nn_pool_outsize(d->h, eh, g->dh, g->ph, ceil) : 0;
  d->ow = et ? nn_pool_outsize(d->w, ew, g->dw, g->pw, ceil) : 0;
  if (d->ot < 1 || d->oh < 1 || d->ow < 1)
    return dl_error("%s: window %lldx%lldx%lld (dilation %lldx%lldx%lld) is larger than the "
                    "padded input (input size %s)", fn, (long long)g->kt, (long long)g->kh,
                    (long long)g->kw, (long long)g->dilt, (long long)g->dilh,
                    (long long)g->dilw, dl_sizestr(b, sizeof b, in->ndim, in->size));
  if (nn_pool_has_empty(d->ot, g->dt, g->pt, g->kt, g->dilt, d->t) ||
      nn_pool_has_empty(d->oh, g->dh, g->ph, g->kh, g->dilh, d->h) ||
      nn_pool_has_empty(d->ow, g->dw, g->pw, g->kw, g->dilw, d->w))
    return dl_error("%s: a window %lldx%lldx%lld with dilation %lldx%lldx%lld falls wholly "
                    "in the padding or between voxels of input %s", fn, (long long)g->kt,
                    (long long)g->kh, (long long)g->kw, (long long)g->dilt, (long long)g->dilh,
                    (long long)g->dilw, dl_sizestr(b, sizeof b, in->ndim, in->size));
  return 0;
}

int nn_vol_maxpool_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                           const dl_tensor *in, const nn_vol_geom *g, int ceil) {
  vol_dims d;
  int batched;
  if (pool_setup(fn, &d, &batched, in, g, ceil) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_type(fn, "indices", indices, DL_LONG) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = resize_vol(fn, out, batched, d.n, d.c, d.ot, d.oh, d.ow);
  if (rc == 0) rc = resize_vol(fn, indices, batched, d.n, d.c, d.ot, d.oh, d.ow);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    int64_t *ix = dl_tensor_data(indices);
    if (isfloat(in)) vol_maxpool_forward_float(y, ix, x, d.n * d.c, &d, g);
    else vol_maxpool_forward_double(y, ix, x, d.n * d.c, &d, g);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_vol_maxpool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                            const dl_tensor *gradOut, const dl_tensor *indices) {
  vol_dims d;
  int batched;
  if (vol_input(fn, in, 0, &d, &batched) < 0) return -1;
  return nn_pool_index_backward(fn, gradIn, in, gradOut, indices, d.n * d.c, d.t * d.h * d.w,
                                3);
}

static int avg_check(const char *fn, const nn_vol_geom *g) {
  if (g->dilt != 1 || g->dilh != 1 || g->dilw != 1)
    return dl_error("%s: average pooling takes no dilation", fn);
  return 0;
}

int nn_vol_avgpool_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                           const nn_vol_geom *g, int ceil, int cip) {
  vol_dims d;
  int batched;
  if (avg_check(fn, g) < 0 || pool_setup(fn, &d, &batched, in, g, ceil) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = resize_vol(fn, out, batched, d.n, d.c, d.ot, d.oh, d.ow);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    if (isfloat(in)) vol_avgpool_float(y, x, d.n * d.c, &d, g, cip, 0);
    else vol_avgpool_double(y, x, d.n * d.c, &d, g, cip, 0);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_vol_avgpool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                            const dl_tensor *gradOut, const nn_vol_geom *g, int ceil, int cip) {
  vol_dims d;
  int batched;
  if (avg_check(fn, g) < 0 || pool_setup(fn, &d, &batched, in, g, ceil) < 0 ||
      check_vol(fn, "gradOutput", gradOut, batched, d.n, d.c, d.ot, d.oh, d.ow, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc;
  if (nn_contiguous(&gc, gradOut) < 0) return -1;
  int rc = resize_vol(fn, gradIn, batched, d.n, d.c, d.t, d.h, d.w);
  if (rc == 0) {
    void *go = dl_tensor_data(&gc), *gi = dl_tensor_data(gradIn);
    if (isfloat(in)) vol_avgpool_float(go, gi, d.n * d.c, &d, g, cip, 1);
    else vol_avgpool_double(go, gi, d.n * d.c, &d, g, cip, 1);
  }
  dl_tensor_free(&gc);
  return rc;
}

/* ---- replication padding -------------------------------------------------------------- */

static int pad_setup(const char *fn, vol_dims *d, int *batched, const dl_tensor *in,
                     const int64_t pad[6]) {
  char b[96];
  if (vol_input(fn, in, 0, d, batched) < 0) return -1;
  /* a negative pad crops, as in Torch7: the output keeps at least one voxel per axis, so
     every output index minus its pad lands inside the input and the clamp never moves it */
  for (int i = 0; i < 6; i++)
    if (pad[i] < -INT32_MAX || pad[i] > INT32_MAX)
      return dl_error("%s: padding %lld is out of range", fn, (long long)pad[i]);
  d->ow = d->w + pad[0] + pad[1], d->oh = d->h + pad[2] + pad[3], d->ot = d->t + pad[4] + pad[5];
  if (d->ow < 1 || d->oh < 1 || d->ot < 1)
    return dl_error("%s: input of size %s is cropped to nothing by padding %lld, %lld, %lld, "
                    "%lld, %lld, %lld", fn, dl_sizestr(b, sizeof b, in->ndim, in->size),
                    (long long)pad[0], (long long)pad[1], (long long)pad[2],
                    (long long)pad[3], (long long)pad[4], (long long)pad[5]);
  int64_t s[4] = {d->n * d->c, d->ot, d->oh, d->ow};
  return dl_numel_checked(fn, 4, s) < 0 ? -1 : 0;
}

int nn_vol_replpad_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                           const int64_t pad[6]) {
  vol_dims d;
  int batched;
  if (pad_setup(fn, &d, &batched, in, pad) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = resize_vol(fn, out, batched, d.n, d.c, d.ot, d.oh, d.ow);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    if (isfloat(in)) vol_replpad_float(y, x, d.n * d.c, &d, pad, 0);
    else vol_replpad_double(y, x, d.n * d.c, &d, pad, 0);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_vol_replpad_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                            const dl_tensor *gradOut, const int64_t pad[6]) {
  vol_dims d;
  int batched;
  if (pad_setup(fn, &d, &batched, in, pad) < 0 ||
      check_vol(fn, "gradOutput", gradOut, batched, d.n, d.c, d.ot, d.oh, d.ow, in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc;
  if (nn_contiguous(&gc, gradOut) < 0) return -1;
  int rc = resize_vol(fn, gradIn, batched, d.n, d.c, d.t, d.h, d.w);
  if (rc == 0) {
    void *go = dl_tensor_data(&gc), *gi = dl_tensor_data(gradIn);
    if (isfloat(in)) vol_replpad_float(go, gi, d.n * d.c, &d, pad, 1);
    else vol_replpad_double(go, gi, d.n * d.c, &d, pad, 1);
  }
  dl_tensor_free(&gc);
  return rc;
}

/* ---- upsampling ----------------------------------------------------------------------- */

/* The planes and sizes of an upsampling of in (N x C x H x W or N x C x T x H x W) to
   osize {T, H, W} (T ignored for images). */
static int up_setup(const char *fn, vol_dims *d, int64_t *nsz, const dl_tensor *in,
                    const int64_t osize[3]) {
  char b[96];
  if (nn_check_float(fn, "input", in) < 0) return -1;
  if (in->ndim != 4 && in->ndim != 5)
    return dl_error("%s: input of size %s, expected 4D (N x C x H x W) or 5D (N x C x T x H "
                    "x W)", fn, dl_sizestr(b, sizeof b, in->ndim, in->size));
  int vol = in->ndim == 5;
  d->n = in->size[0], d->c = in->size[1];
  d->t = vol ? in->size[2] : 1, d->h = in->size[in->ndim - 2], d->w = in->size[in->ndim - 1];
  d->ot = vol ? osize[0] : 1, d->oh = osize[1], d->ow = osize[2];
  if (d->ot < 1 || d->oh < 1 || d->ow < 1 || d->t < 1 || d->h < 1 || d->w < 1)
    return dl_error("%s: input of size %s and output %lldx%lldx%lld must not be empty", fn,
                    dl_sizestr(b, sizeof b, in->ndim, in->size), (long long)d->ot,
                    (long long)d->oh, (long long)d->ow);
  int64_t s[5] = {d->n, d->c, d->ot, d->oh, d->ow};
  if (dl_numel_checked(fn, 5, s) < 0) return -1;
  nsz[0] = d->n, nsz[1] = d->c;
  int k = 2;
  if (vol) nsz[k++] = d->ot;
  nsz[k++] = d->oh, nsz[k] = d->ow;
  return 0;
}

int nn_upsample_forward(const char *fn, dl_tensor *out, const dl_tensor *in, int linear,
                        const int64_t osize[3]) {
  vol_dims d;
  int64_t sz[5];
  if (up_setup(fn, &d, sz, in, osize) < 0 || nn_check_type(fn, "output", out, in->dtype) < 0)
    return -1;
  dl_tensor xc;
  if (nn_contiguous(&xc, in) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, out, in->ndim, sz);
  if (rc == 0) {
    void *y = dl_tensor_data(out), *x = dl_tensor_data(&xc);
    if (isfloat(in)) vol_upsample_float(y, x, d.n * d.c, &d, linear, 0);
    else vol_upsample_double(y, x, d.n * d.c, &d, linear, 0);
  }
  dl_tensor_free(&xc);
  return rc;
}

int nn_upsample_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                         const dl_tensor *gradOut, int linear, const int64_t osize[3]) {
  vol_dims d;
  int64_t sz[5];
  if (up_setup(fn, &d, sz, in, osize) < 0 ||
      nn_check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      nn_check_size(fn, "gradOutput", gradOut, in->ndim, sz) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  dl_tensor gc;
  if (nn_contiguous(&gc, gradOut) < 0) return -1;
  int rc = dl_tensor_resize_contig(fn, gradIn, in->ndim, in->size);
  if (rc == 0) {
    void *go = dl_tensor_data(&gc), *gi = dl_tensor_data(gradIn);
    if (isfloat(in)) vol_upsample_float(go, gi, d.n * d.c, &d, linear, 1);
    else vol_upsample_double(go, gi, d.n * d.c, &d, linear, 1);
  }
  dl_tensor_free(&gc);
  return rc;
}
