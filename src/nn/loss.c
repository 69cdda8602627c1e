/* Criteria. Every kernel checks its operands (prelude.h), takes contiguous versions of them
   (views when they already are, converted copies for targets of another type), then calls
   the typed loop of loss_loops.h for the input's type. */
#include <math.h>
#include <string.h>
#include <tgmath.h> /* log, exp... pick the float or double function by argument */

#include "../ops/copy.h"
#include "loss.h"
#include "prelude.h"

/* Typed loops: pw_forward_float, pw_forward_double, ... */
#define NN_LOOPS "loss_loops.h"
#include "float_loops.h"

/* Calls name_float or name_double after dt (checked to be one of them); the arguments
   are data() pointers and numbers, which convert to either signature. */
#define TYPED(dt, name, ...) \
  ((dt) == DL_FLOAT ? name##_float(__VA_ARGS__) : name##_double(__VA_ARGS__))

/* Data of an operand (converts to the loop's T *), or NULL when the operand is absent. */
static void *data(const dl_tensor *t) { return t ? dl_tensor_data(t) : NULL; }

/* dst (uninitialised) becomes a contiguous version of src of type dt. */
static int as_contig(dl_tensor *dst, const dl_tensor *src, dl_dtype dt) {
  dl_tensor_init(dst, dt);
  if (src->dtype == dt) return op_contiguous(dst, src);
  return op_clone(dst, src, dt);
}

/* A gradient: of the input's type, resized as like and contiguous (the loops fill it flat). */
static int open_grad(const char *fn, const char *what, dl_tensor *g, const dl_tensor *like) {
  if (nn_check_type(fn, what, g, like->dtype) < 0) return -1;
  return dl_tensor_resize_contig(fn, g, like->ndim, like->size);
}

/* Optional weights of n elements (any shape), a Float or Double tensor, into dst of type dt
   (left empty without weights). */
static int open_weights(const char *fn, const char *what, dl_tensor *dst, const dl_tensor *w,
                        int64_t n, dl_dtype dt) {
  dl_tensor_init(dst, dt);
  if (!w) return 0;
  if (nn_check_float(fn, what, w) < 0 || nn_check_numel(fn, what, w, n) < 0) return -1;
  return as_contig(dst, w, dt);
}

/* ---- pointwise criteria ---- */

static const struct {
  const char *name;
  int weights, posweight; /* which options apply */
} kinds[NN_NLOSS] = {
    [NN_LOSS_MSE] = {"nn.MSECriterion", 0, 0},
    [NN_LOSS_ABS] = {"nn.AbsCriterion", 0, 0},
    [NN_LOSS_SMOOTHL1] = {"nn.SmoothL1Criterion", 0, 0},
    [NN_LOSS_BCE] = {"nn.BCECriterion", 1, 0},
    [NN_LOSS_BCELOGITS] = {"nn.BCEWithLogitsCriterion", 1, 1},
    [NN_LOSS_MULTILABELSOFTMARGIN] = {"nn.MultiLabelSoftMarginCriterion", 1, 0},
    [NN_LOSS_DISTKLDIV] = {"nn.DistKLDivCriterion", 0, 0},
    [NN_LOSS_MARGIN] = {"nn.MarginCriterion", 0, 0},
    [NN_LOSS_SOFTMARGIN] = {"nn.SoftMarginCriterion", 0, 0},
    [NN_LOSS_HINGE] = {"nn.HingeEmbeddingCriterion", 0, 0},
};

const char *nn_loss_name(nn_loss k) { return k < NN_NLOSS ? kinds[k].name : "?"; }

/* The operands of a pointwise criterion, contiguous and of the input's type; weights (of
   the last dimension's size) repeat every wn elements. */
typedef struct {
  dl_tensor x, t, w, pw;
  int64_t n, wn;
  const void *wdata, *pwdata; /* NULL when the option is absent or does not apply */
} pw_args;

static void pw_close(pw_args *a) {
  dl_tensor_free(&a->x);
  dl_tensor_free(&a->t);
  dl_tensor_free(&a->w);
  dl_tensor_free(&a->pw);
}

static int pw_open(pw_args *a, const char *fn, nn_loss k, const dl_tensor *in,
                   const dl_tensor *tgt, const nn_loss_opts *o) {
  dl_tensor_init(&a->x, in->dtype);
  dl_tensor_init(&a->t, in->dtype);
  dl_tensor_init(&a->w, in->dtype);
  dl_tensor_init(&a->pw, in->dtype);
  a->wdata = a->pwdata = NULL;
  if (k >= NN_NLOSS) return dl_error("%s: unknown criterion %d", fn, (int)k);
  a->n = dl_tensor_numel(in);
  /* weights have the last dimension's size; an empty one means no elements, and wn stays
     1 so that i mod wn is defined */
  const int64_t last = in->ndim > 0 ? in->size[in->ndim - 1] : 0;
  a->wn = last > 0 ? last : 1;
  if (nn_check_float(fn, "input", in) < 0 ||
      nn_check_count(fn, "target", tgt, a->n, "input", in) < 0)
    return -1;
  if (tgt->dtype == DL_BYTE && k != NN_LOSS_BCE && k != NN_LOSS_BCELOGITS &&
      k != NN_LOSS_MULTILABELSOFTMARGIN)
    return dl_error("%s: target must be a Float, Double or Long tensor, got a Byte tensor", fn);
  if (as_contig(&a->x, in, in->dtype) < 0 || as_contig(&a->t, tgt, in->dtype) < 0) return -1;
  const dl_tensor *w = kinds[k].weights ? o->weights : NULL;
  const dl_tensor *pw = kinds[k].posweight ? o->posweight : NULL;
  if (open_weights(fn, "weights", &a->w, w, last, in->dtype) < 0 ||
      open_weights(fn, "posWeight", &a->pw, pw, last, in->dtype) < 0)
    return -1;
  if (w) a->wdata = dl_tensor_data(&a->w);
  if (pw) a->pwdata = dl_tensor_data(&a->pw);
  return 0;
}

int nn_loss_forward(const char *fn, nn_loss k, double *loss, const dl_tensor *in,
                    const dl_tensor *tgt, const nn_loss_opts *o) {
  pw_args a;
  int rc = pw_open(&a, fn, k, in, tgt, o);
  if (!rc) {
    double s = TYPED(in->dtype, pw_forward, k, data(&a.x), data(&a.t), a.wdata, a.pwdata,
                     a.n, a.wn, o->margin);
    *loss = o->size_average && a.n > 0 ? s / (double)a.n : s;
  }
  pw_close(&a);
  return rc;
}

int nn_loss_backward(const char *fn, nn_loss k, dl_tensor *gin, const dl_tensor *in,
                     const dl_tensor *tgt, const nn_loss_opts *o) {
  pw_args a;
  int rc = pw_open(&a, fn, k, in, tgt, o);
  if (!rc) rc = open_grad(fn, "gradInput", gin, in);
  if (!rc) {
    double norm = o->size_average && a.n > 0 ? 1.0 / (double)a.n : 1.0;
    TYPED(in->dtype, pw_backward, k, data(gin), data(&a.x), data(&a.t), a.wdata, a.pwdata,
          a.n, a.wn, o->margin, norm);
  }
  pw_close(&a);
  return rc;
}

/* ---- class targets: ClassNLLCriterion and MultiMarginCriterion ---- */

/* The operands of a classification criterion: input batch x nclass, the targets as
   0-based classes (-1: ignored), and the optional per-class weights. */
typedef struct {
  dl_tensor x, t, w;
  int64_t batch, ncls;
} cls_args;

static void cls_close(cls_args *a) {
  dl_tensor_free(&a->x);
  dl_tensor_free(&a->t);
  dl_tensor_free(&a->w);
}

/* Float targets are read as doubles and must hold integers an int64_t can: a cast of 1.5
   would pick class 1 silently, and of NaN or 1e300 is undefined. */
static int float_classes(const char *fn, dl_tensor *t, const dl_tensor *target) {
  dl_tensor d;
  int64_t n = dl_tensor_numel(target);
  int rc = as_contig(&d, target, DL_DOUBLE);
  if (!rc) rc = dl_tensor_new(t, DL_LONG, 1, &n);
  if (!rc) {
    const double *v = dl_tensor_data(&d);
    int64_t *c = dl_tensor_data(t);
    for (int64_t i = 0; i < n && !rc; i++) {
      if (v[i] != floor(v[i]) || !(v[i] >= -0x1p63 && v[i] < 0x1p63))
        rc = dl_error("%s: target %g is not a class index (an integer)", fn, v[i]);
      else c[i] = (int64_t)v[i];
    }
  }
  dl_tensor_free(&d);
  return rc;
}

static int cls_open(cls_args *a, const char *fn, const dl_tensor *in, const dl_tensor *target,
                    const dl_tensor *weights, int use_ignore, int64_t ignore_index) {
  dl_tensor_init(&a->x, in->dtype);
  dl_tensor_init(&a->t, DL_LONG);
  dl_tensor_init(&a->w, in->dtype);
  if (nn_check_float(fn, "input", in) < 0 || nn_check_ndim(fn, "input", in, 1, 2) < 0)
    return -1;
  a->batch = in->ndim == 2 ? in->size[0] : 1;
  a->ncls = in->size[in->ndim - 1];
  if (nn_check_count(fn, "target", target, a->batch, "input", in) < 0 ||
      open_weights(fn, "weights", &a->w, weights, a->ncls, in->dtype) < 0 ||
      as_contig(&a->x, in, in->dtype) < 0)
    return -1;
  int rc = dl_dtype_isfloat(target->dtype) ? float_classes(fn, &a->t, target)
                                           : op_clone(&a->t, target, DL_LONG);
  if (rc < 0) return -1;
  int64_t *t = dl_tensor_data(&a->t);
  for (int64_t i = 0; i < a->batch; i++) {
    if (use_ignore && t[i] == ignore_index) {
      t[i] = -1;
      continue;
    }
    if (t[i] < 1 || t[i] > a->ncls)
      return dl_error("%s: target %lld out of range for %lld classes", fn, (long long)t[i],
                      (long long)a->ncls);
    t[i]--;
  }
  return 0;
}

int nn_classnll_forward(const char *fn, double *loss, double *total_weight,
                        const dl_tensor *in, const dl_tensor *target, const dl_tensor *weights,
                        int size_average, int64_t ignore_index) {
  cls_args a;
  int rc = cls_open(&a, fn, in, target, weights, 1, ignore_index);
  if (!rc) {
    double sum, total;
    TYPED(in->dtype, classnll_forward, &sum, &total, data(&a.x), data(&a.t),
          weights ? data(&a.w) : NULL, a.batch, a.ncls);
    /* Torch7: a zero total weight (every target ignored) leaves the sum, which is 0 */
    *loss = size_average && total > 0 ? sum / total : sum;
    if (total_weight) *total_weight = total;
  }
  cls_close(&a);
  return rc;
}

int nn_classnll_backward(const char *fn, dl_tensor *gin, const dl_tensor *in,
                         const dl_tensor *target, const dl_tensor *weights, int size_average,
                         int64_t ignore_index) {
  cls_args a;
  int rc = cls_open(&a, fn, in, target, weights, 1, ignore_index);
  if (!rc) rc = open_grad(fn, "gradInput", gin, in);
  if (!rc)
    TYPED(in->dtype, classnll_backward, data(gin), data(&a.t), weights ? data(&a.w) : NULL,
          a.batch, a.ncls, size_average);
  cls_close(&a);
  return rc;
}

static int check_p(const char *fn, int64_t p) {
  if (p != 1 && p != 2) return dl_error("%s: p must be 1 or 2, got %lld", fn, (long long)p);
  return 0;
}

int nn_multimargin_forward(const char *fn, double *loss, const dl_tensor *in,
                           const dl_tensor *target, int64_t p, const dl_tensor *weights,
                           double margin, int size_average) {
  cls_args a;
  if (check_p(fn, p) < 0) return -1;
  int rc = cls_open(&a, fn, in, target, weights, 0, 0);
  if (!rc) {
    double sum = TYPED(in->dtype, multimargin_forward, data(&a.x), data(&a.t),
                       weights ? data(&a.w) : NULL, a.batch, a.ncls, (int)p, margin);
    sum /= (double)a.ncls;
    *loss = size_average ? sum / (double)a.batch : sum;
  }
  cls_close(&a);
  return rc;
}

int nn_multimargin_backward(const char *fn, dl_tensor *gin, const dl_tensor *in,
                            const dl_tensor *target, int64_t p, const dl_tensor *weights,
                            double margin, int size_average) {
  cls_args a;
  if (check_p(fn, p) < 0) return -1;
  int rc = cls_open(&a, fn, in, target, weights, 0, 0);
  if (!rc) rc = open_grad(fn, "gradInput", gin, in);
  if (!rc) {
    double norm = 1.0 / (double)a.ncls / (size_average ? (double)a.batch : 1.0);
    TYPED(in->dtype, multimargin_backward, data(gin), data(&a.x), data(&a.t),
          weights ? data(&a.w) : NULL, a.batch, a.ncls, (int)p, margin, norm);
  }
  cls_close(&a);
  return rc;
}

/* ---- pairs: MarginRankingCriterion and CosineEmbeddingCriterion ---- */

/* The operands of a pair criterion: x1 and x2 of one type and size, y of npairs elements
   (npairs rows of x1: all of its elements for MarginRanking), all contiguous, and the two
   gradients when g1 is given. */
typedef struct {
  dl_tensor x1, x2, y;
  int64_t npairs, d;
} pair_args;

static void pair_close(pair_args *a) {
  dl_tensor_free(&a->x1);
  dl_tensor_free(&a->x2);
  dl_tensor_free(&a->y);
}

/* rows: x1 is 1D or 2D, one pair a row (CosineEmbedding); otherwise one pair an element.
   g2 is opened with g1, when given. */
static int pair_open(pair_args *a, const char *fn, const dl_tensor *x1, const dl_tensor *x2,
                     const dl_tensor *y, int rows, dl_tensor *g1, dl_tensor *g2) {
  dl_tensor_init(&a->x1, x1->dtype);
  dl_tensor_init(&a->x2, x1->dtype);
  dl_tensor_init(&a->y, x1->dtype);
  if (nn_check_float(fn, "input[1]", x1) < 0 || nn_check_type(fn, "input[2]", x2, x1->dtype) < 0 ||
      nn_check_samesize(fn, "input[2]", x2, x1) < 0)
    return -1;
  if (rows && nn_check_ndim(fn, "input[1]", x1, 1, 2) < 0) return -1;
  a->npairs = !rows ? dl_tensor_numel(x1) : x1->ndim == 2 ? x1->size[0] : 1;
  a->d = !rows ? 1 : x1->size[x1->ndim - 1];
  if (nn_check_count(fn, "target", y, a->npairs, "input[1]", x1) < 0) return -1;
  if (g1 && (open_grad(fn, "gradInput[1]", g1, x1) < 0 || open_grad(fn, "gradInput[2]", g2, x1) < 0))
    return -1;
  if (as_contig(&a->x1, x1, x1->dtype) < 0 || as_contig(&a->x2, x2, x1->dtype) < 0 ||
      as_contig(&a->y, y, x1->dtype) < 0)
    return -1;
  return 0;
}

/* One pass of a pair criterion (cosine: CosineEmbedding, else MarginRanking): the loss, or
   with g1 the gradients. */
static int pair_run(const char *fn, int cosine, double *loss, dl_tensor *g1, dl_tensor *g2,
                    const dl_tensor *x1, const dl_tensor *x2, const dl_tensor *y, double margin,
                    int size_average) {
  pair_args a;
  int rc = pair_open(&a, fn, x1, x2, y, cosine, g1, g2);
  if (!rc && g1) {
    double norm = size_average && a.npairs > 0 ? 1.0 / (double)a.npairs : 1.0;
    if (cosine)
      TYPED(x1->dtype, cosineembedding_backward, data(g1), data(g2), data(&a.x1), data(&a.x2),
            data(&a.y), a.npairs, a.d, margin, norm);
    else
      TYPED(x1->dtype, marginranking_backward, data(g1), data(g2), data(&a.x1), data(&a.x2),
            data(&a.y), a.npairs, margin, norm);
  } else if (!rc) {
    double sum = cosine ? TYPED(x1->dtype, cosineembedding_forward, data(&a.x1), data(&a.x2),
                                data(&a.y), a.npairs, a.d, margin)
                        : TYPED(x1->dtype, marginranking_forward, data(&a.x1), data(&a.x2),
                                data(&a.y), a.npairs, margin);
    *loss = size_average && a.npairs > 0 ? sum / (double)a.npairs : sum;
  }
  pair_close(&a);
  return rc;
}

int nn_marginranking_forward(const char *fn, double *loss, const dl_tensor *x1,
                             const dl_tensor *x2, const dl_tensor *y, double margin,
                             int size_average) {
  return pair_run(fn, 0, loss, NULL, NULL, x1, x2, y, margin, size_average);
}

int nn_marginranking_backward(const char *fn, dl_tensor *g1, dl_tensor *g2,
                              const dl_tensor *x1, const dl_tensor *x2, const dl_tensor *y,
                              double margin, int size_average) {
  return pair_run(fn, 0, NULL, g1, g2, x1, x2, y, margin, size_average);
}

int nn_cosineembedding_forward(const char *fn, double *loss, const dl_tensor *x1,
                               const dl_tensor *x2, const dl_tensor *y, double margin,
                               int size_average) {
  return pair_run(fn, 1, loss, NULL, NULL, x1, x2, y, margin, size_average);
}

int nn_cosineembedding_backward(const char *fn, dl_tensor *g1, dl_tensor *g2,
                                const dl_tensor *x1, const dl_tensor *x2, const dl_tensor *y,
                                double margin, int size_average) {
  return pair_run(fn, 1, NULL, g1, g2, x1, x2, y, margin, size_average);
}
