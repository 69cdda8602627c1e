/* Bindings of the loss kernels (src/nn/loss.h) into torch._nn: the Lua criterion classes in
   lua/nn pass their buffers, output first (gradInput; a forward returns the loss). The
   kernels check the operands, under the name of the criterion whose method called them
   (lt_callername), or of the binding when a script calls it directly. */
#include "../nn/loss.h"
#include "lt.h"

/* An operand the script passed to forward or backward, named as it knows it ("input"):
   the binding's argument number would not be the script's. */
static dl_tensor *checkoperand(lua_State *L, int idx, const char *fn, const char *what) {
  dl_tensor *t = lt_totensor(L, idx);
  if (!t) lt_error(L, "%s: %s must be a tensor, got %s", fn, what, luaL_typename(L, idx));
  return t;
}

/* A target given as a tensor or as a plain number (then a 1-element DoubleTensor, left
   on the stack so that Lua owns it). */
static const dl_tensor *checktarget(lua_State *L, int idx, const char *fn) {
  if (lua_type(L, idx) == LUA_TNUMBER) {
    double v = lua_tonumber(L, idx);
    int64_t one = 1;
    dl_tensor *t = lt_newtensor(L, DL_DOUBLE);
    if (dl_tensor_resize(t, 1, &one)) lt_fail(L);
    *(double *)dl_tensor_data(t) = v;
    return t;
  }
  dl_tensor *t = lt_totensor(L, idx);
  if (!t) lt_error(L, "%s: target must be a tensor or a number, got %s", fn, luaL_typename(L, idx));
  return t;
}

/* The options of a pointwise criterion at idx..idx+3: sizeAverage, margin, weights,
   posWeight. */
static nn_loss_opts checkopts(lua_State *L, int idx, const char *fn) {
  nn_loss_opts o;
  o.size_average = lt_optbool(L, idx, 1);
  o.margin = lt_optnum(L, idx + 1, 1, fn);
  o.weights = lt_opttensor(L, idx + 2, fn);
  o.posweight = lt_opttensor(L, idx + 3, fn);
  return o;
}

/* <kind>_forward(input, target, sizeAverage, margin, weights, posWeight) returns the loss.
   The target (maybe a number) is read last: it may push a tensor above the arguments. */
static int pw_forward(lua_State *L, nn_loss k, const char *binding) {
  const char *fn = lt_callername(L, binding);
  lua_settop(L, 6);
  dl_tensor *in = checkoperand(L, 1, fn, "input");
  nn_loss_opts o = checkopts(L, 3, fn);
  const dl_tensor *tgt = checktarget(L, 2, fn);
  double loss;
  LT_TRY(L, nn_loss_forward(fn, k, &loss, in, tgt, &o));
  lua_pushnumber(L, loss);
  return 1;
}

/* <kind>_backward(gradInput, input, target, sizeAverage, margin, weights, posWeight) */
static int pw_backward(lua_State *L, nn_loss k, const char *binding) {
  const char *fn = lt_callername(L, binding);
  lua_settop(L, 7);
  dl_tensor *gin = lt_checktensor(L, 1, fn), *in = checkoperand(L, 2, fn, "input");
  nn_loss_opts o = checkopts(L, 4, fn);
  const dl_tensor *tgt = checktarget(L, 3, fn);
  LT_TRY(L, nn_loss_backward(fn, k, gin, in, tgt, &o));
  lt_gcstep(L);
  lua_pushvalue(L, 1);
  return 1;
}

/* One pair of bindings a pointwise criterion (a function-defining macro: the kind is the
   only difference, and torch._nn's entries must be plain C functions). */
#define PW_BINDINGS(key, kind)                                                          \
  static int key##_fwd(lua_State *L) { return pw_forward(L, kind, #key "_forward"); }   \
  static int key##_bwd(lua_State *L) { return pw_backward(L, kind, #key "_backward"); }
PW_BINDINGS(mse, NN_LOSS_MSE)
PW_BINDINGS(abs, NN_LOSS_ABS)
PW_BINDINGS(smoothl1, NN_LOSS_SMOOTHL1)
PW_BINDINGS(bce, NN_LOSS_BCE)
PW_BINDINGS(bcelogits, NN_LOSS_BCELOGITS)
PW_BINDINGS(multilabelsoftmargin, NN_LOSS_MULTILABELSOFTMARGIN)
PW_BINDINGS(distkldiv, NN_LOSS_DISTKLDIV)
PW_BINDINGS(margin, NN_LOSS_MARGIN)
PW_BINDINGS(softmargin, NN_LOSS_SOFTMARGIN)
PW_BINDINGS(hingeembedding, NN_LOSS_HINGE)

/* classnll_forward(input, target, weights, sizeAverage, ignoreIndex) returns the loss and
   the total weight */
static int classnll_fwd(lua_State *L) {
  const char *fn = lt_callername(L, "classnll_forward");
  lua_settop(L, 5);
  dl_tensor *in = checkoperand(L, 1, fn, "input");
  const dl_tensor *w = lt_opttensor(L, 3, fn);
  int sa = lt_optbool(L, 4, 1);
  int64_t ignore = lt_optint(L, 5, -100, fn);
  const dl_tensor *tgt = checktarget(L, 2, fn);
  double loss, total;
  LT_TRY(L, nn_classnll_forward(fn, &loss, &total, in, tgt, w, sa, ignore));
  lua_pushnumber(L, loss);
  lua_pushnumber(L, total);
  return 2;
}

/* classnll_backward(gradInput, input, target, weights, sizeAverage, ignoreIndex) */
static int classnll_bwd(lua_State *L) {
  const char *fn = lt_callername(L, "classnll_backward");
  lua_settop(L, 6);
  dl_tensor *gin = lt_checktensor(L, 1, fn), *in = checkoperand(L, 2, fn, "input");
  const dl_tensor *w = lt_opttensor(L, 4, fn);
  int sa = lt_optbool(L, 5, 1);
  int64_t ignore = lt_optint(L, 6, -100, fn);
  const dl_tensor *tgt = checktarget(L, 3, fn);
  LT_TRY(L, nn_classnll_backward(fn, gin, in, tgt, w, sa, ignore));
  lt_gcstep(L);
  lua_pushvalue(L, 1);
  return 1;
}

/* multimargin_forward(input, target, p, weights, margin, sizeAverage) returns the loss */
static int multimargin_fwd(lua_State *L) {
  const char *fn = lt_callername(L, "multimargin_forward");
  lua_settop(L, 6);
  dl_tensor *in = checkoperand(L, 1, fn, "input");
  int64_t p = lt_optint(L, 3, 1, fn);
  const dl_tensor *w = lt_opttensor(L, 4, fn);
  double margin = lt_optnum(L, 5, 1, fn);
  int sa = lt_optbool(L, 6, 1);
  const dl_tensor *tgt = checktarget(L, 2, fn);
  double loss;
  LT_TRY(L, nn_multimargin_forward(fn, &loss, in, tgt, p, w, margin, sa));
  lua_pushnumber(L, loss);
  return 1;
}

/* multimargin_backward(gradInput, input, target, p, weights, margin, sizeAverage) */
static int multimargin_bwd(lua_State *L) {
  const char *fn = lt_callername(L, "multimargin_backward");
  lua_settop(L, 7);
  dl_tensor *gin = lt_checktensor(L, 1, fn), *in = checkoperand(L, 2, fn, "input");
  int64_t p = lt_optint(L, 4, 1, fn);
  const dl_tensor *w = lt_opttensor(L, 5, fn);
  double margin = lt_optnum(L, 6, 1, fn);
  int sa = lt_optbool(L, 7, 1);
  const dl_tensor *tgt = checktarget(L, 3, fn);
  LT_TRY(L, nn_multimargin_backward(fn, gin, in, tgt, p, w, margin, sa));
  lt_gcstep(L);
  lua_pushvalue(L, 1);
  return 1;
}

typedef int (*pair_fwd)(const char *, double *, const dl_tensor *, const dl_tensor *,
                        const dl_tensor *, double, int);
typedef int (*pair_bwd)(const char *, dl_tensor *, dl_tensor *, const dl_tensor *,
                        const dl_tensor *, const dl_tensor *, double, int);

/* (x1, x2, y, margin, sizeAverage) returns the loss */
static int pair_forward(lua_State *L, const char *binding, pair_fwd f) {
  const char *fn = lt_callername(L, binding);
  lua_settop(L, 5);
  dl_tensor *x1 = checkoperand(L, 1, fn, "input[1]");
  dl_tensor *x2 = checkoperand(L, 2, fn, "input[2]");
  double margin = lt_optnum(L, 4, 0, fn);
  int sa = lt_optbool(L, 5, 1);
  const dl_tensor *y = checktarget(L, 3, fn);
  double loss;
  LT_TRY(L, f(fn, &loss, x1, x2, y, margin, sa));
  lua_pushnumber(L, loss);
  return 1;
}

/* (gradInput1, gradInput2, x1, x2, y, margin, sizeAverage) */
static int pair_backward(lua_State *L, const char *binding, pair_bwd f) {
  const char *fn = lt_callername(L, binding);
  lua_settop(L, 7);
  dl_tensor *g1 = lt_checktensor(L, 1, fn), *g2 = lt_checktensor(L, 2, fn);
  dl_tensor *x1 = checkoperand(L, 3, fn, "input[1]");
  dl_tensor *x2 = checkoperand(L, 4, fn, "input[2]");
  double margin = lt_optnum(L, 6, 0, fn);
  int sa = lt_optbool(L, 7, 1);
  const dl_tensor *y = checktarget(L, 5, fn);
  LT_TRY(L, f(fn, g1, g2, x1, x2, y, margin, sa));
  lt_gcstep(L);
  return 0;
}

static int marginranking_fwd(lua_State *L) {
  return pair_forward(L, "marginranking_forward", nn_marginranking_forward);
}
static int marginranking_bwd(lua_State *L) {
  return pair_backward(L, "marginranking_backward", nn_marginranking_backward);
}
static int cosineembedding_fwd(lua_State *L) {
  return pair_forward(L, "cosineembedding_forward", nn_cosineembedding_forward);
}
static int cosineembedding_bwd(lua_State *L) {
  return pair_backward(L, "cosineembedding_backward", nn_cosineembedding_backward);
}

static const luaL_Reg funcs[] = {
    {"mse_forward", mse_fwd},
    {"mse_backward", mse_bwd},
    {"abs_forward", abs_fwd},
    {"abs_backward", abs_bwd},
    {"smoothl1_forward", smoothl1_fwd},
    {"smoothl1_backward", smoothl1_bwd},
    {"bce_forward", bce_fwd},
    {"bce_backward", bce_bwd},
    {"bcelogits_forward", bcelogits_fwd},
    {"bcelogits_backward", bcelogits_bwd},
    {"multilabelsoftmargin_forward", multilabelsoftmargin_fwd},
    {"multilabelsoftmargin_backward", multilabelsoftmargin_bwd},
    {"distkldiv_forward", distkldiv_fwd},
    {"distkldiv_backward", distkldiv_bwd},
    {"margin_forward", margin_fwd},
    {"margin_backward", margin_bwd},
    {"softmargin_forward", softmargin_fwd},
    {"softmargin_backward", softmargin_bwd},
    {"hingeembedding_forward", hingeembedding_fwd},
    {"hingeembedding_backward", hingeembedding_bwd},
    {"classnll_forward", classnll_fwd},
    {"classnll_backward", classnll_bwd},
    {"multimargin_forward", multimargin_fwd},
    {"multimargin_backward", multimargin_bwd},
    {"marginranking_forward", marginranking_fwd},
    {"marginranking_backward", marginranking_bwd},
    {"cosineembedding_forward", cosineembedding_fwd},
    {"cosineembedding_backward", cosineembedding_bwd},
    {NULL, NULL}};

void lt_open_loss(lua_State *L) { lt_register_in(L, "_nn", funcs); }
