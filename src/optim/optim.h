/* Optimizer update kernels: one fused loop per algorithm over flat parameter tensors.
   Every tensor passed to a kernel (x, dx and the state buffers) must be contiguous, of
   one floating type and of the same number of elements; the shapes may differ (a
   flat getParameters() vector against a gradient of the same length). A kernel checks
   this and returns -1 with an error naming the optimizer and the sizes; otherwise it
   updates x and the state buffers in place and returns 0. dx is never written.

   The scalar bookkeeping (step counters, learning-rate decay, bias corrections) stays in
   Lua, as in Torch7's optim: the kernels take the coefficients of this step. */
#ifndef OPTIM_H
#define OPTIM_H

#include "../core/tensor.h"

/* SGD, as Torch7's optim.sgd. With g = dx + wd*x (or + wds.*x when wds is given):
     buf = init ? g : mom*buf + (1-damp)*g          (when buf is given)
     g   = nesterov ? g + mom*buf : buf
     x   = x - lr * (lrs ? lrs.*g : g)
   lr is the decayed rate of this step; buf, lrs and wds may be NULL. */
typedef struct {
  double lr, wd, mom, damp;
  int nesterov;
  int init; /* first step with momentum: buf takes g as it is */
} optim_sgd_cfg;
int optim_sgd(dl_tensor *x, const dl_tensor *dx, dl_tensor *buf, const dl_tensor *lrs,
              const dl_tensor *wds, const optim_sgd_cfg *c);

/* Nesterov accelerated gradient, as Torch7's optim.nag, in two halves around feval.
   Before: xcopy = x; x = x + mom*v (the look-ahead point where the gradient is taken).
   After:  v = mom*v - lr*(lrs ? lrs.*g : g) with g = dx + wd*x; xcopy += v; x = xcopy. */
int optim_nag_lookahead(dl_tensor *x, dl_tensor *xcopy, const dl_tensor *v, double mom);
int optim_nag(dl_tensor *x, const dl_tensor *dx, dl_tensor *xcopy, dl_tensor *v,
              const dl_tensor *lrs, double lr, double wd, double mom);

/* Adam (Torch7's optim.adam): g = dx + wd*x; m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
   x = x - step * m / (sqrt(v) + eps), step = lr*sqrt(1-b2^t)/(1-b1^t) given by the caller. */
int optim_adam(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *v, double step,
               double b1, double b2, double eps, double wd);

/* AdamW (PyTorch's, not in Torch7): x = x*(1 - lr*wd*mask), then with the bias
   corrections bc1 = 1-b1^t, bc2 = 1-b2^t: x = x - lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
   mask (optional, NULL: all ones) gives each element's share of the decay. */
int optim_adamw(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *v,
                const dl_tensor *mask, double lr, double b1, double b2, double eps, double wd,
                double bc1, double bc2);

/* AdaMax: m = b1*m + (1-b1)*g; u = max(b2*u, |g| + eps); x = x - step * m/u, step = lr/bc1. */
int optim_adamax(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, dl_tensor *u, double step,
                 double b1, double b2, double eps);

/* Adagrad: g = dx + wd*x; var += g^2; x = x - lr * g / (sqrt(var) + 1e-10). */
int optim_adagrad(dl_tensor *x, const dl_tensor *dx, dl_tensor *var, double lr, double wd);

/* Adadelta: g = dx + wd*x; var = rho*var + (1-rho)*g^2;
   delta = sqrt(acc + eps) / sqrt(var + eps) * g; x -= delta; acc = rho*acc + (1-rho)*delta^2. */
int optim_adadelta(dl_tensor *x, const dl_tensor *dx, dl_tensor *var, dl_tensor *acc,
                   double rho, double eps, double wd);

/* RMSprop: g = dx + wd*x; m = alpha*m + (1-alpha)*g^2; x = x - lr * g / (sqrt(m) + eps). */
int optim_rmsprop(dl_tensor *x, const dl_tensor *dx, dl_tensor *m, double lr, double alpha,
                  double eps, double wd);

/* ASGD (Bottou): x = x*(1 - lambda*eta) - eta*dx; then ax = (mu == 1) ? x : ax + mu*(x - ax). */
int optim_asgd(dl_tensor *x, const dl_tensor *dx, dl_tensor *ax, double eta, double lambda,
               double mu);

/* Rprop, one iteration: s = sign(dx*prev); step *= (s>0 ? etaplus : s<0 ? etaminus : 1),
   clamped to [stepmin, stepmax]; g = (s<0 ? 0 : dx); x -= sign(g)*step; prev = g. */
int optim_rprop(dl_tensor *x, const dl_tensor *dx, dl_tensor *prev, dl_tensor *step,
                double etaplus, double etaminus, double stepmin, double stepmax);

/* Vector helpers for lbfgs and cg (same rules as the kernels: contiguous, one type). */
int optim_dot(const dl_tensor *a, const dl_tensor *b, double *out);
/* y = beta*y + alpha*x; beta == 0 ignores what y held (even NaN). */
int optim_axpby(dl_tensor *y, double alpha, const dl_tensor *x, double beta);
/* Sum of absolute values. */
int optim_asum(const dl_tensor *x, double *out);

/* Confusion counts moved to metrics.h. */
#include "metrics.h"

#endif
