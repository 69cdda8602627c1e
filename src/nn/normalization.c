/* Normalization kernels (see normalization.h): checks, contiguous operands, then one
   typed loop from normalization_loops.h. */
#include "normalization.h"

#include <math.h>

#include "prelude.h"

#define NN_LOOPS "normalization_loops.h"
#include "float_loops.h"

/* The operands every normalization kernel opens: the input and the gradOutput as
   contiguous data (views when they already are), the result resized contiguous to the
   input's size, and the per-feature vectors in v (nn_vecs: stand-ins written back by
   ops_close for those the kernel updates). */
typedef struct {
  dl_tensor xc, gc;
  nn_vecs v;
  int rc;
  void *x, *g, *r;
} norm_ops;

/* 0 with o open (close it with ops_close), or -1 with nothing to close. gradOut and result
   may be NULL. */
static int ops_open(norm_ops *o, const char *fn, dl_tensor *result, const dl_tensor *in,
                    const dl_tensor *gradOut) {
  if (nn_contiguous(&o->xc, in) < 0) return -1;
  dl_tensor_init(&o->gc, in->dtype);
  if (gradOut && nn_contiguous(&o->gc, gradOut) < 0) {
    dl_tensor_free(&o->xc);
    return -1;
  }
  o->rc = result ? dl_tensor_resize_contig(fn, result, in->ndim, in->size) : 0;
  nn_vecs_init(&o->v);
  o->x = dl_tensor_data(&o->xc);
  o->g = gradOut ? dl_tensor_data(&o->gc) : NULL;
  o->r = result && o->rc == 0 ? dl_tensor_data(result) : NULL;
  return 0;
}

/* True when the result and every vector are in place: the loop may run. */
static int ops_ready(const norm_ops *o) { return o->rc == 0 && o->v.rc == 0; }

static int ops_close(norm_ops *o) {
  int rc = nn_vecs_close(&o->v, o->rc);
  dl_tensor_free(&o->xc);
  dl_tensor_free(&o->gc);
  return rc;
}

/* ---- batch normalization ---- */

/* The input seen as N x C x S: S is the product of the dimensions after the second. */
static int bn_shape(const char *fn, const dl_tensor *in, int64_t *n, int64_t *c, int64_t *s) {
  char b[96];
  if (nn_check_float(fn, "input", in) < 0) return -1;
  if (in->ndim < 2)
    return dl_error("%s: input of size %s, expected 2 or more dimensions (batch x features)",
                    fn, dl_sizestr(b, sizeof b, in->ndim, in->size));
  *n = in->size[0];
  *c = in->size[1];
  *s = 1;
  for (int d = 2; d < in->ndim; d++) *s *= in->size[d];
  return 0;
}

int nn_batchnorm_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                         const dl_tensor *weight, const dl_tensor *bias,
                         dl_tensor *running_mean, dl_tensor *running_var,
                         dl_tensor *save_mean, dl_tensor *save_invstd, int train,
                         double momentum, double eps) {
  int64_t n, c, s;
  if (bn_shape(fn, in, &n, &c, &s) < 0) return -1;
  dl_dtype dt = in->dtype;
  if (nn_check_type(fn, "output", out, dt) < 0 || nn_check_vec(fn, "weight", weight, c, dt) < 0 ||
      nn_check_vec(fn, "bias", bias, c, dt) < 0 ||
      nn_check_vec(fn, "running_mean", running_mean, c, dt) < 0 ||
      nn_check_vec(fn, "running_var", running_var, c, dt) < 0)
    return -1;
  if (train) {
    if ((double)n * (double)s < 1) return dl_error("%s: empty batch in training mode", fn);
    int64_t sz[1] = {c};
    if (dl_tensor_resize_contig(fn, save_mean, 1, sz) < 0 ||
        dl_tensor_resize_contig(fn, save_invstd, 1, sz) < 0)
      return -1;
  }
  norm_ops o;
  if (ops_open(&o, fn, out, in, NULL) < 0) return -1;
  void *w = nn_vecs_add(&o.v, weight, 0), *b = nn_vecs_add(&o.v, bias, 0);
  void *rm = nn_vecs_add(&o.v, running_mean, 1), *rv = nn_vecs_add(&o.v, running_var, 1);
  void *sm = train ? dl_tensor_data(save_mean) : NULL;
  void *si = train ? dl_tensor_data(save_invstd) : NULL;
  if (ops_ready(&o)) {
    if (dt == DL_FLOAT)
      batchnorm_forward_float(o.r, rm, rv, sm, si, o.x, w, b, n, c, s, train, momentum, eps);
    else
      batchnorm_forward_double(o.r, rm, rv, sm, si, o.x, w, b, n, c, s, train, momentum, eps);
  }
  return ops_close(&o);
}

int nn_batchnorm_backward(const char *fn, dl_tensor *gradIn, dl_tensor *gradWeight,
                          dl_tensor *gradBias, const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *weight, const dl_tensor *running_mean,
                          const dl_tensor *running_var, const dl_tensor *save_mean,
                          const dl_tensor *save_invstd, int train, double scale, double eps) {
  int64_t n, c, s;
  if (bn_shape(fn, in, &n, &c, &s) < 0) return -1;
  dl_dtype dt = in->dtype;
  if (nn_check_type(fn, "gradOutput", gradOut, dt) < 0 ||
      nn_check_samesize(fn, "gradOutput", gradOut, in) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, dt) < 0 ||
      nn_check_vec(fn, "weight", weight, c, dt) < 0 ||
      nn_check_vec(fn, "gradWeight", gradWeight, c, dt) < 0 ||
      nn_check_vec(fn, "gradBias", gradBias, c, dt) < 0)
    return -1;
  /* training uses the batch statistics the forward saved, evaluation the running ones */
  const dl_tensor *mean = train ? save_mean : running_mean;
  const dl_tensor *var = train ? save_invstd : running_var;
  if (nn_check_vec(fn, train ? "save_mean" : "running_mean", mean, c, dt) < 0 ||
      nn_check_vec(fn, train ? "save_invstd" : "running_var", var, c, dt) < 0)
    return -1;
  norm_ops o;
  if (ops_open(&o, fn, gradIn, in, gradOut) < 0) return -1;
  void *w = nn_vecs_add(&o.v, weight, 0), *mv = nn_vecs_add(&o.v, mean, 0);
  void *vv = nn_vecs_add(&o.v, var, 0);
  void *gw = nn_vecs_add(&o.v, gradWeight, 1), *gb = nn_vecs_add(&o.v, gradBias, 1);
  if (ops_ready(&o)) {
    if (dt == DL_FLOAT)
      batchnorm_backward_float(o.r, gw, gb, o.x, o.g, w, mv, vv, n, c, s, train, scale, eps);
    else
      batchnorm_backward_double(o.r, gw, gb, o.x, o.g, w, mv, vv, n, c, s, train, scale, eps);
  }
  return ops_close(&o);
}

/* ---- layer normalization ---- */

static int ln_shape(const char *fn, const dl_tensor *in, int64_t *rows, int64_t *d) {
  if (nn_check_float(fn, "input", in) < 0) return -1;
  if (in->ndim < 1 || dl_tensor_numel(in) == 0) return dl_error("%s: empty input", fn);
  *d = in->size[in->ndim - 1];
  *rows = dl_tensor_numel(in) / *d;
  return 0;
}

int nn_layernorm_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                         const dl_tensor *weight, const dl_tensor *bias, dl_tensor *save_mean,
                         dl_tensor *save_rstd, double eps) {
  int64_t rows, d;
  if (ln_shape(fn, in, &rows, &d) < 0) return -1;
  dl_dtype dt = in->dtype;
  if (nn_check_type(fn, "output", out, dt) < 0 || nn_check_vec(fn, "weight", weight, d, dt) < 0 ||
      nn_check_vec(fn, "bias", bias, d, dt) < 0 ||
      nn_check_type(fn, "save_mean", save_mean, dt) < 0 ||
      nn_check_type(fn, "save_rstd", save_rstd, dt) < 0)
    return -1;
  int64_t sz[1] = {rows};
  if (dl_tensor_resize_contig(fn, save_mean, 1, sz) < 0 ||
      dl_tensor_resize_contig(fn, save_rstd, 1, sz) < 0)
    return -1;
  norm_ops o;
  if (ops_open(&o, fn, out, in, NULL) < 0) return -1;
  void *w = nn_vecs_add(&o.v, weight, 0), *b = nn_vecs_add(&o.v, bias, 0);
  if (ops_ready(&o)) {
    void *sm = dl_tensor_data(save_mean), *sr = dl_tensor_data(save_rstd);
    if (dt == DL_FLOAT) layernorm_forward_float(o.r, sm, sr, o.x, w, b, rows, d, eps);
    else layernorm_forward_double(o.r, sm, sr, o.x, w, b, rows, d, eps);
  }
  return ops_close(&o);
}

int nn_layernorm_backward(const char *fn, dl_tensor *gradIn, dl_tensor *gradWeight,
                          dl_tensor *gradBias, const dl_tensor *in, const dl_tensor *gradOut,
                          const dl_tensor *weight, const dl_tensor *save_mean,
                          const dl_tensor *save_rstd, double scale) {
  int64_t rows, d;
  if (ln_shape(fn, in, &rows, &d) < 0) return -1;
  dl_dtype dt = in->dtype;
  if (nn_check_type(fn, "gradOutput", gradOut, dt) < 0 ||
      nn_check_samesize(fn, "gradOutput", gradOut, in) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, dt) < 0 ||
      nn_check_vec(fn, "weight", weight, d, dt) < 0 ||
      nn_check_vec(fn, "gradWeight", gradWeight, d, dt) < 0 ||
      nn_check_vec(fn, "gradBias", gradBias, d, dt) < 0 ||
      nn_check_vec(fn, "save_mean", save_mean, rows, dt) < 0 ||
      nn_check_vec(fn, "save_rstd", save_rstd, rows, dt) < 0)
    return -1;
  norm_ops o;
  if (ops_open(&o, fn, gradIn, in, gradOut) < 0) return -1;
  void *w = nn_vecs_add(&o.v, weight, 0), *sm = nn_vecs_add(&o.v, save_mean, 0);
  void *sr = nn_vecs_add(&o.v, save_rstd, 0);
  void *gw = nn_vecs_add(&o.v, gradWeight, 1), *gb = nn_vecs_add(&o.v, gradBias, 1);
  if (ops_ready(&o)) {
    if (dt == DL_FLOAT) layernorm_backward_float(o.r, gw, gb, o.x, o.g, w, sm, sr, rows, d, scale);
    else layernorm_backward_double(o.r, gw, gb, o.x, o.g, w, sm, sr, rows, d, scale);
  }
  return ops_close(&o);
}

/* ---- Normalize ---- */

static int normalize_check(const char *fn, const dl_tensor *in, double p) {
  if (nn_check_float(fn, "input", in) < 0 || nn_check_ndim(fn, "input", in, 2, 2) < 0)
    return -1;
  if (!(p > 0)) return dl_error("%s: p = %g, expected p > 0 (math.huge: the max norm)", fn, p);
  return 0;
}

int nn_normalize_forward(const char *fn, dl_tensor *out, dl_tensor *norm, const dl_tensor *in,
                         double p, double eps) {
  if (normalize_check(fn, in, p) < 0 || nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_type(fn, "norm", norm, in->dtype) < 0)
    return -1;
  int64_t rows = in->size[0], d = in->size[1];
  if (dl_tensor_resize_contig(fn, out, 2, in->size) < 0 ||
      dl_tensor_resize_contig(fn, norm, 1, in->size) < 0)
    return -1;
  norm_ops o;
  if (ops_open(&o, fn, NULL, in, NULL) < 0) return -1;
  void *y = dl_tensor_data(out), *nm = dl_tensor_data(norm);
  if (in->dtype == DL_FLOAT) normalize_forward_float(y, nm, o.x, rows, d, p, eps);
  else normalize_forward_double(y, nm, o.x, rows, d, p, eps);
  return ops_close(&o);
}

int nn_normalize_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                          const dl_tensor *gradOut, const dl_tensor *norm, double p) {
  if (normalize_check(fn, in, p) < 0 || nn_check_type(fn, "gradOutput", gradOut, in->dtype) < 0 ||
      nn_check_samesize(fn, "gradOutput", gradOut, in) < 0 ||
      nn_check_vec(fn, "norm", norm, in->size[0], in->dtype) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, in->dtype) < 0)
    return -1;
  int64_t rows = in->size[0], d = in->size[1];
  if (dl_tensor_resize_contig(fn, gradIn, 2, in->size) < 0) return -1;
  norm_ops o;
  if (ops_open(&o, fn, NULL, in, gradOut) < 0) return -1;
  void *nm = nn_vecs_add(&o.v, norm, 0);
  if (ops_ready(&o)) {
    void *gi = dl_tensor_data(gradIn);
    if (in->dtype == DL_FLOAT) normalize_backward_float(gi, o.x, o.g, nm, rows, d, p);
    else normalize_backward_double(gi, o.x, o.g, nm, rows, d, p);
  }
  return ops_close(&o);
}
