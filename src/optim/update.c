/* Optimizer update kernels. Each is one pass over the elements in which every
   operand is read and written once: what Torch7 did in five or six tensor calls
   (each a pass over memory) is done here in one, with no temporary. */
#include <string.h>
#include <tgmath.h> /* sqrt and fabs pick the float or double version from T */

#include "../ops/iter.h"
#include "optim.h"

/* Checks the operands of optimizer fn: names[i] labels ts[i] in messages, names ends
   with NULL; NULL tensors (absent optional buffers) are skipped. ts[0] (x) sets the type
   and the length. */
static int check_operands(const char *fn, const char *const *names,
                          const dl_tensor *const *ts) {
  const dl_tensor *x = ts[0];
  if (!dl_dtype_isfloat(x->dtype))
    return dl_error("%s: %s must be a Float or Double tensor, got %s", fn, names[0],
                    dl_dtype_name(x->dtype));
  int64_t len = dl_tensor_numel(x);
  char b1[128], b2[128];
  for (int i = 0; names[i]; i++) {
    const dl_tensor *t = ts[i];
    if (!t) continue;
    if (t->dtype != x->dtype)
      return dl_error("%s: %s is a %s tensor but %s is a %s tensor", fn, names[i],
                      dl_dtype_name(t->dtype), names[0], dl_dtype_name(x->dtype));
    if (dl_tensor_numel(t) != len)
      return dl_error("%s: %s has %lld elements (size %s) but %s has %lld (size %s)", fn,
                      names[i], (long long)dl_tensor_numel(t),
                      dl_sizestr(b1, sizeof b1, t->ndim, t->size), names[0],
                      (long long)len, dl_sizestr(b2, sizeof b2, x->ndim, x->size));
    if (!dl_tensor_iscontiguous(t))
      return dl_error("%s: %s must be contiguous (size %s, stride %s); call :contiguous() "
                      "or use getParameters()", fn, names[i],
                      dl_sizestr(b1, sizeof b1, t->ndim, t->size),
                      dl_sizestr(b2, sizeof b2, t->ndim, t->stride));
  }
  return 0;
}

/* Typed loops: sgd_float, sgd_double, ... */
#define T float
#define FN(name) name##_float
#include "update_loops.h"
#undef FN
#undef T
#define T double
#define FN(name) name##_double
#include "update_loops.h"
#undef FN
#undef T

/* Data of an operand (converts to the loop's T *), or NULL when the operand is absent. */
static void *data(const dl_tensor *t) { return t ? dl_tensor_data(t) : NULL; }

/* Calls name_float or name_double after dt (checked to be one of them); the arguments
   are data() pointers and numbers, which convert to either signature. */
#define TYPED(dt, name, ...) \
  ((dt) == DL_FLOAT ? name##_float(__VA_ARGS__) : name##_double(__VA_ARGS__))

/* Operand names and tensors of a check, as arrays. */
#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})
#define OPERANDS(...) ((const dl_tensor *const[]){__VA_ARGS__})

int optim_sgd(dl_tensor *x, const dl_tensor *dx, dl_tensor *buf, const dl_tensor *lrs,
              const dl_tensor *wds, const optim_sgd_cfg *c) {
  if (check_operands("optim.sgd",
                     NAMES("x", "dx", "state.dfdx", "config.learningRates",
                           "config.weightDecays"),
                     OPERANDS(x, dx, buf, lrs, wds)) < 0)
    return -1;
  TYPED(x->dtype, sgd, data(x), data(dx), data(buf), data(lrs), data(wds),
        dl_tensor_numel(x), c);
  return 0;
}

int optim_nag_lookahead(dl_tensor *x, dl_tensor *xcopy, const dl_tensor *v, double mom) {
  if (check_operands("optim.nag", NAMES("x", "state.x_copy", "state.dfdx"),
                     OPERANDS(x, xcopy, v)) < 0)
    return -1;
  TYPED(x->dtype, nag_lookahead, data(x), data(xcopy), data(v), dl_tensor_numel(x), mom);
  return 0;
}

int optim_nag(dl_tensor *x, const dl_tensor *dx, dl_tensor *xcopy, dl_tensor *v,
              const dl_tensor *lrs, double lr, double wd, double mom) {
  if (check_operands("optim.nag",
                     NAMES("x", "dx", "state.x_copy", "state.dfdx", "config.learningRates"),
                     OPERANDS(x, dx, xcopy, v, lrs)) < 0)
    return -1;
  TYPED(x->dtype, nag, data(x), data(dx), data(xcopy), data(v), data(lrs),
        dl_tensor_numel(x), lr, wd, mom);
  return 0;
}

int optim_adam(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *v, double step,
               double b1, double b2, double eps, double wd) {
  if (check_operands("optim.adam", NAMES("x", "dx", "state.m", "state.v"),
                     OPERANDS(x, dx, m, v)) < 0)
    return -1;
  TYPED(x->dtype, adam, data(x), data(dx), data(m), data(v), dl_tensor_numel(x), step, b1,
        b2, eps, wd);
  return 0;
}

int optim_adamw(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *v,
                const dl_tensor *mask, double lr, double b1, double b2, double eps, double wd,
                double bc1, double bc2) {
  if (check_operands("optim.adamw",
                     NAMES("x", "dx", "state.m", "state.v", "config.weightDecayMask"),
                     OPERANDS(x, dx, m, v, mask)) < 0)
    return -1;
  TYPED(x->dtype, adamw, data(x), data(dx), data(m), data(v), data(mask), dl_tensor_numel(x),
        lr, b1, b2, eps, wd, bc1, bc2);
  return 0;
}

int optim_adamax(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *u, double step,
                 double b1, double b2, double eps) {
  if (check_operands("optim.adamax", NAMES("x", "dx", "state.m", "state.u"),
                     OPERANDS(x, dx, m, u)) < 0)
    return -1;
  TYPED(x->dtype, adamax, data(x), data(dx), data(m), data(u), dl_tensor_numel(x), step, b1,
        b2, eps);
  return 0;
}

int optim_adagrad(dl_tensor *x, const dl_tensor *dx, dl_tensor *var, double lr, double wd) {
  if (check_operands("optim.adagrad", NAMES("x", "dx", "state.paramVariance"),
                     OPERANDS(x, dx, var)) < 0)
    return -1;
  TYPED(x->dtype, adagrad, data(x), data(dx), data(var), dl_tensor_numel(x), lr, wd);
  return 0;
}

int optim_adadelta(dl_tensor *x, const dl_tensor *dx, dl_tensor *var, dl_tensor *acc,
                   double rho, double eps, double wd) {
  if (check_operands("optim.adadelta",
                     NAMES("x", "dx", "state.paramVariance", "state.accDelta"),
                     OPERANDS(x, dx, var, acc)) < 0)
    return -1;
  TYPED(x->dtype, adadelta, data(x), data(dx), data(var), data(acc), dl_tensor_numel(x), rho,
        eps, wd);
  return 0;
}

int optim_rmsprop(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, double lr, double alpha,
                  double eps, double wd) {
  if (check_operands("optim.rmsprop", NAMES("x", "dx", "state.m"), OPERANDS(x, dx, m)) < 0)
    return -1;
  TYPED(x->dtype, rmsprop, data(x), data(dx), data(m), dl_tensor_numel(x), lr, alpha, eps,
        wd);
  return 0;
}

int optim_asgd(dl_tensor *x, const dl_tensor *dx, dl_tensor *ax, double eta, double lambda,
               double mu) {
  if (check_operands("optim.asgd", NAMES("x", "dx", "state.ax"), OPERANDS(x, dx, ax)) < 0)
    return -1;
  TYPED(x->dtype, asgd, data(x), data(dx), data(ax), dl_tensor_numel(x), eta, lambda, mu);
  return 0;
}

int optim_rprop(dl_tensor *x, const dl_tensor *dx, dl_tensor *prev, dl_tensor *step,
                double etaplus, double etaminus, double stepmin, double stepmax) {
  if (check_operands("optim.rprop", NAMES("x", "dx", "state.delta", "state.stepsize"),
                     OPERANDS(x, dx, prev, step)) < 0)
    return -1;
  TYPED(x->dtype, rprop, data(x), data(dx), data(prev), data(step), dl_tensor_numel(x),
        etaplus, etaminus, stepmin, stepmax);
  return 0;
}

/* ---- vector helpers for lbfgs and cg ---------------------------------------------- */

int optim_dot(const dl_tensor *a, const dl_tensor *b, double *out) {
  if (check_operands("optim.dot", NAMES("a", "b"), OPERANDS(a, b)) < 0) return -1;
  *out = TYPED(a->dtype, dot, data(a), data(b), dl_tensor_numel(a));
  return 0;
}

int optim_asum(const dl_tensor *x, double *out) {
  if (check_operands("optim.asum", NAMES("x"), OPERANDS(x)) < 0) return -1;
  *out = TYPED(x->dtype, asum, data(x), dl_tensor_numel(x));
  return 0;
}

int optim_axpby(dl_tensor *y, double alpha, const dl_tensor *x, double beta) {
  if (check_operands("optim.axpby", NAMES("y", "x"), OPERANDS(y, x)) < 0) return -1;
  TYPED(y->dtype, axpby, data(y), data(x), dl_tensor_numel(y), alpha, beta);
  return 0;
}
