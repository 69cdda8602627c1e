/* The optimizer kernels as torch._optim.*: the Lua files in lua/optim keep Torch7's
   config and state tables and call these once per step. Argument order follows the
   core functions in src/optim/optim.h; an optional buffer is passed as nil. */
#include <string.h>

#include "../optim/optim.h"
#include "lt.h"

/* sgd(x, dx, buf, lrs, wds, lr, wd, mom, damp, nesterov, init) */
static int l_sgd(lua_State *L) {
  const char *fn = "optim.sgd";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *buf = lt_opttensor(L, 3, fn), *lrs = lt_opttensor(L, 4, fn), *wds = lt_opttensor(L, 5, fn);
  optim_sgd_cfg c = {.lr = lt_checknum(L, 6, fn), .wd = lt_checknum(L, 7, fn),
                     .mom = lt_checknum(L, 8, fn), .damp = lt_checknum(L, 9, fn),
                     .nesterov = lua_toboolean(L, 10), .init = lua_toboolean(L, 11)};
  LT_TRY(L, optim_sgd(x, dx, buf, lrs, wds, &c));
  return 0;
}

/* nag_lookahead(x, xcopy, v, mom) */
static int l_nag_lookahead(lua_State *L) {
  const char *fn = "optim.nag";
  LT_TRY(L, optim_nag_lookahead(lt_checktensor(L, 1, fn), lt_checktensor(L, 2, fn),
                                lt_checktensor(L, 3, fn), lt_checknum(L, 4, fn)));
  return 0;
}

/* nag(x, dx, xcopy, v, lrs, lr, wd, mom) */
static int l_nag(lua_State *L) {
  const char *fn = "optim.nag";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *xc = lt_checktensor(L, 3, fn), *v = lt_checktensor(L, 4, fn);
  dl_tensor *lrs = lt_opttensor(L, 5, fn);
  LT_TRY(L, optim_nag(x, dx, xc, v, lrs, lt_checknum(L, 6, fn), lt_checknum(L, 7, fn),
                      lt_checknum(L, 8, fn)));
  return 0;
}

/* adam(x, dx, m, v, step, beta1, beta2, eps, wd) */
static int l_adam(lua_State *L) {
  const char *fn = "optim.adam";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *m = lt_checktensor(L, 3, fn), *v = lt_checktensor(L, 4, fn);
  LT_TRY(L, optim_adam(x, dx, m, v, lt_checknum(L, 5, fn), lt_checknum(L, 6, fn),
                       lt_checknum(L, 7, fn), lt_checknum(L, 8, fn), lt_checknum(L, 9, fn)));
  return 0;
}

/* adamw(x, dx, m, v, mask|nil, lr, beta1, beta2, eps, wd, bc1, bc2) */
static int l_adamw(lua_State *L) {
  const char *fn = "optim.adamw";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *m = lt_checktensor(L, 3, fn), *v = lt_checktensor(L, 4, fn);
  dl_tensor *mask = lt_opttensor(L, 5, fn);
  LT_TRY(L, optim_adamw(x, dx, m, v, mask, lt_checknum(L, 6, fn), lt_checknum(L, 7, fn),
                        lt_checknum(L, 8, fn), lt_checknum(L, 9, fn), lt_checknum(L, 10, fn),
                        lt_checknum(L, 11, fn), lt_checknum(L, 12, fn)));
  return 0;
}

/* adamax(x, dx, m, u, step, beta1, beta2, eps) */
static int l_adamax(lua_State *L) {
  const char *fn = "optim.adamax";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *m = lt_checktensor(L, 3, fn), *u = lt_checktensor(L, 4, fn);
  LT_TRY(L, optim_adamax(x, dx, m, u, lt_checknum(L, 5, fn), lt_checknum(L, 6, fn),
                         lt_checknum(L, 7, fn), lt_checknum(L, 8, fn)));
  return 0;
}

/* adagrad(x, dx, var, lr, wd) */
static int l_adagrad(lua_State *L) {
  const char *fn = "optim.adagrad";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *var = lt_checktensor(L, 3, fn);
  LT_TRY(L, optim_adagrad(x, dx, var, lt_checknum(L, 4, fn), lt_checknum(L, 5, fn)));
  return 0;
}

/* adadelta(x, dx, var, acc, rho, eps, wd) */
static int l_adadelta(lua_State *L) {
  const char *fn = "optim.adadelta";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *var = lt_checktensor(L, 3, fn), *acc = lt_checktensor(L, 4, fn);
  LT_TRY(L, optim_adadelta(x, dx, var, acc, lt_checknum(L, 5, fn), lt_checknum(L, 6, fn),
                           lt_checknum(L, 7, fn)));
  return 0;
}

/* rmsprop(x, dx, m, lr, alpha, eps, wd) */
static int l_rmsprop(lua_State *L) {
  const char *fn = "optim.rmsprop";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *m = lt_checktensor(L, 3, fn);
  LT_TRY(L, optim_rmsprop(x, dx, m, lt_checknum(L, 4, fn), lt_checknum(L, 5, fn),
                          lt_checknum(L, 6, fn), lt_checknum(L, 7, fn)));
  return 0;
}

/* asgd(x, dx, ax, eta, lambda, mu) */
static int l_asgd(lua_State *L) {
  const char *fn = "optim.asgd";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *ax = lt_checktensor(L, 3, fn);
  LT_TRY(L, optim_asgd(x, dx, ax, lt_checknum(L, 4, fn), lt_checknum(L, 5, fn),
                       lt_checknum(L, 6, fn)));
  return 0;
}

/* rprop(x, dx, prev, step, etaplus, etaminus, stepmin, stepmax) */
static int l_rprop(lua_State *L) {
  const char *fn = "optim.rprop";
  dl_tensor *x = lt_checktensor(L, 1, fn), *dx = lt_checktensor(L, 2, fn);
  dl_tensor *prev = lt_checktensor(L, 3, fn), *step = lt_checktensor(L, 4, fn);
  LT_TRY(L, optim_rprop(x, dx, prev, step, lt_checknum(L, 5, fn), lt_checknum(L, 6, fn),
                        lt_checknum(L, 7, fn), lt_checknum(L, 8, fn)));
  return 0;
}

/* dot(a, b) -> number, over the elements in order (lbfgs and cg) */
static int l_dot(lua_State *L) {
  double s;
  LT_TRY(L, optim_dot(lt_checktensor(L, 1, "optim.dot"), lt_checktensor(L, 2, "optim.dot"), &s));
  lua_pushnumber(L, s);
  return 1;
}

/* asum(x) -> sum of |x_i| */
static int l_asum(lua_State *L) {
  double s;
  LT_TRY(L, optim_asum(lt_checktensor(L, 1, "optim.asum"), &s));
  lua_pushnumber(L, s);
  return 1;
}

/* axpby(y, alpha, x, beta): y = beta*y + alpha*x; returns y */
static int l_axpby(lua_State *L) {
  const char *fn = "optim.axpby";
  dl_tensor *y = lt_checktensor(L, 1, fn), *x = lt_checktensor(L, 3, fn);
  LT_TRY(L, optim_axpby(y, lt_checknum(L, 2, fn), x, lua_isnoneornil(L, 4) ? 0 : lt_checknum(L, 4, fn)));
  lua_settop(L, 1);
  return 1;
}

/* zeros_like(x [, value]) -> a new contiguous tensor of x's type and sizes, filled with
   value (0 by default). State buffers are made with it, once per optimizer state. */
static int l_zeros_like(lua_State *L) {
  const char *fn = "optim.zeros_like";
  dl_tensor *x = lt_checktensor(L, 1, fn);
  double value = luaL_optnumber(L, 2, 0);
  dl_tensor *t = lt_newtensor(L, x->dtype);
  LT_TRY(L, dl_tensor_resize_as(t, x));
  int64_t n = dl_tensor_numel(t);
  if (n > 0 && value == 0) {
    memset(dl_tensor_data(t), 0, (size_t)n * dl_dtype_size(t->dtype));
  } else if (n > 0) {
    /* a dtype-generic fill: the state buffers are float or double */
#define FILL(T)                                          \
  {                                                      \
    T *p = dl_tensor_data(t);                            \
    for (int64_t i = 0; i < n; i++) p[i] = (T)value;     \
  }
    DL_DISPATCH(t->dtype, FILL);
#undef FILL
  }
  lt_gcstep(L);
  return 1;
}

/* confusion_add(mat, predictions, targets) */
static int l_confusion_add(lua_State *L) {
  const char *fn = "ConfusionMatrix.batchAdd";
  LT_TRY(L, optim_confusion_add(lt_checktensor(L, 1, fn), lt_checktensor(L, 2, fn),
                                lt_checktensor(L, 3, fn)));
  return 0;
}

static const luaL_Reg optim_funcs[] = {
    {"sgd", l_sgd},         {"nag_lookahead", l_nag_lookahead},
    {"nag", l_nag},         {"adam", l_adam},
    {"adamw", l_adamw},     {"adamax", l_adamax},
    {"adagrad", l_adagrad}, {"adadelta", l_adadelta},
    {"rmsprop", l_rmsprop}, {"asgd", l_asgd},
    {"rprop", l_rprop},     {"dot", l_dot},
    {"asum", l_asum},       {"axpby", l_axpby},
    {"zeros_like", l_zeros_like}, {"confusion_add", l_confusion_add},
    {NULL, NULL}};

void lt_open_optim(lua_State *L) {
  lt_register_in(L, "_optim", optim_funcs);
}
