/* Bindings of the activation and loss kernels (src/nn/activation.h, loss.h) into
   torch._nn, in THNN's style: the Lua classes in lua/nn pass their buffers. Each function
   checks its arguments and calls one kernel; names in messages are the nn classes'. */
#include "../nn/activation.h"
#include "../nn/loss.h"
#include "lt.h"

/* A tensor argument that may be nil (optional weights). */
static const dl_tensor *opttensor(lua_State *L, int idx, const char *fn) {
  return lua_isnoneornil(L, idx) ? NULL : lt_checktensor(L, idx, fn);
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
  return lt_checktensor(L, idx, fn);
}

static int optbool(lua_State *L, int idx, int def) {
  return lua_isnoneornil(L, idx) ? def : lua_toboolean(L, idx);
}

static double optnum(lua_State *L, int idx, double def, const char *fn) {
  return lua_isnoneornil(L, idx) ? def : lt_checknum(L, idx, fn);
}

/* "nn.<name>" for messages. The string is left on the stack above the nargs arguments
   (missing ones become nil, so that optional arguments still read as absent). */
static const char *clsname(lua_State *L, int nargs, const char *name) {
  lua_settop(L, nargs);
  return lua_pushfstring(L, "nn.%s", name);
}

static nn_act checkact(lua_State *L, int idx) {
  const char *name = luaL_checkstring(L, idx);
  int k = nn_act_lookup(name);
  if (k < 0) lt_error(L, "torch._nn: unknown activation '%s'", name);
  return (nn_act)k;
}

/* Activation_updateOutput(kind, input, output [, a, b]) */
static int act_forward(lua_State *L) {
  nn_act k = checkact(L, 1);
  const char *fn = clsname(L, 5, nn_act_name(k));
  dl_tensor *in = lt_checktensor(L, 2, fn), *out = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_act_forward(k, out, in, optnum(L, 4, 0, fn), optnum(L, 5, 0, fn)));
  lt_gcstep(L);
  lua_settop(L, 3);
  return 1;
}

/* Activation_updateGradInput(kind, input, gradOutput, gradInput, output [, a, b]) */
static int act_backward(lua_State *L) {
  nn_act k = checkact(L, 1);
  const char *fn = clsname(L, 7, nn_act_name(k));
  dl_tensor *in = lt_checktensor(L, 2, fn), *gout = lt_checktensor(L, 3, fn);
  dl_tensor *gin = lt_checktensor(L, 4, fn), *out = lt_checktensor(L, 5, fn);
  LT_TRY(L, nn_act_backward(k, gin, gout, in, out, optnum(L, 6, 0, fn), optnum(L, 7, 0, fn)));
  lt_gcstep(L);
  lua_settop(L, 4);
  return 1;
}

/* PReLU_updateOutput(input, output, weight, nplane) */
static int prelu_forward(lua_State *L) {
  const char *fn = "nn.PReLU";
  dl_tensor *in = lt_checktensor(L, 1, fn), *out = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_prelu_forward(out, in, w, lt_checkint(L, 4, fn)));
  lt_gcstep(L);
  lua_settop(L, 2);
  return 1;
}

/* PReLU_updateGradInput(input, gradOutput, gradInput, weight, nplane) */
static int prelu_backward(lua_State *L) {
  const char *fn = "nn.PReLU";
  dl_tensor *in = lt_checktensor(L, 1, fn), *gout = lt_checktensor(L, 2, fn);
  dl_tensor *gin = lt_checktensor(L, 3, fn), *w = lt_checktensor(L, 4, fn);
  LT_TRY(L, nn_prelu_backward(gin, gout, in, w, lt_checkint(L, 5, fn)));
  lt_gcstep(L);
  lua_settop(L, 3);
  return 1;
}

/* PReLU_accGradParameters(input, gradOutput, gradWeight, nplane, scale) */
static int prelu_accgrad(lua_State *L) {
  const char *fn = "nn.PReLU";
  dl_tensor *in = lt_checktensor(L, 1, fn), *gout = lt_checktensor(L, 2, fn);
  dl_tensor *gw = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_prelu_accgrad(gw, gout, in, lt_checkint(L, 4, fn), optnum(L, 5, 1, fn)));
  return 0;
}

static nn_softmax_kind checksoftmax(lua_State *L, int idx) {
  static const char *const names[] = {"SoftMax", "LogSoftMax", "SoftMin", NULL};
  return (nn_softmax_kind)luaL_checkoption(L, idx, NULL, names);
}

/* SoftMax_updateOutput(kind, input, output), kind "SoftMax", "LogSoftMax" or "SoftMin" */
static int softmax_forward(lua_State *L) {
  nn_softmax_kind k = checksoftmax(L, 1);
  const char *fn = clsname(L, 3, lua_tostring(L, 1));
  dl_tensor *in = lt_checktensor(L, 2, fn), *out = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_softmax_forward(k, out, in));
  lt_gcstep(L);
  lua_settop(L, 3);
  return 1;
}

/* SoftMax_updateGradInput(kind, gradOutput, gradInput, output) */
static int softmax_backward(lua_State *L) {
  nn_softmax_kind k = checksoftmax(L, 1);
  const char *fn = clsname(L, 4, lua_tostring(L, 1));
  dl_tensor *gout = lt_checktensor(L, 2, fn), *gin = lt_checktensor(L, 3, fn);
  dl_tensor *out = lt_checktensor(L, 4, fn);
  LT_TRY(L, nn_softmax_backward(k, gin, gout, out));
  lt_gcstep(L);
  lua_settop(L, 3);
  return 1;
}

static nn_loss checkloss(lua_State *L, int idx) {
  const char *name = luaL_checkstring(L, idx);
  int k = nn_loss_lookup(name);
  if (k < 0) lt_error(L, "torch._nn: unknown criterion '%s'", name);
  return (nn_loss)k;
}

/* The options of a pointwise criterion at idx..idx+3: sizeAverage, margin, weights,
   posWeight. */
static nn_loss_opts checkopts(lua_State *L, int idx, const char *fn) {
  nn_loss_opts o;
  o.size_average = optbool(L, idx, 1);
  o.margin = optnum(L, idx + 1, 1, fn);
  o.weights = opttensor(L, idx + 2, fn);
  o.posweight = opttensor(L, idx + 3, fn);
  return o;
}

/* Criterion_updateOutput(kind, input, target, sizeAverage, margin, weights, posWeight)
   returns the loss */
static int loss_forward(lua_State *L) {
  nn_loss k = checkloss(L, 1);
  const char *fn = clsname(L, 7, nn_loss_name(k));
  dl_tensor *in = lt_checktensor(L, 2, fn);
  nn_loss_opts o = checkopts(L, 4, fn);
  const dl_tensor *tgt = checktarget(L, 3, fn);
  double loss;
  LT_TRY(L, nn_loss_forward(k, &loss, in, tgt, &o));
  lua_pushnumber(L, loss);
  return 1;
}

/* Criterion_updateGradInput(kind, input, target, gradInput, sizeAverage, margin, weights,
   posWeight) */
static int loss_backward(lua_State *L) {
  nn_loss k = checkloss(L, 1);
  const char *fn = clsname(L, 8, nn_loss_name(k));
  dl_tensor *in = lt_checktensor(L, 2, fn), *gin = lt_checktensor(L, 4, fn);
  nn_loss_opts o = checkopts(L, 5, fn);
  const dl_tensor *tgt = checktarget(L, 3, fn);
  LT_TRY(L, nn_loss_backward(k, gin, in, tgt, &o));
  lt_gcstep(L);
  lua_pushvalue(L, 4);
  return 1;
}

/* ClassNLLCriterion_updateOutput(input, target, weights, sizeAverage, ignoreIndex)
   returns the loss and the total weight */
static int classnll_forward(lua_State *L) {
  const char *fn = "nn.ClassNLLCriterion";
  dl_tensor *in = lt_checktensor(L, 1, fn);
  const dl_tensor *w = opttensor(L, 3, fn);
  int sa = optbool(L, 4, 1);
  int64_t ignore = lt_optint(L, 5, -100, fn);
  const dl_tensor *tgt = checktarget(L, 2, fn);
  double loss, total;
  LT_TRY(L, nn_classnll_forward(&loss, &total, in, tgt, w, sa, ignore));
  lua_pushnumber(L, loss);
  lua_pushnumber(L, total);
  return 2;
}

/* ClassNLLCriterion_updateGradInput(input, target, gradInput, weights, sizeAverage,
   ignoreIndex) */
static int classnll_backward(lua_State *L) {
  const char *fn = "nn.ClassNLLCriterion";
  dl_tensor *in = lt_checktensor(L, 1, fn), *gin = lt_checktensor(L, 3, fn);
  const dl_tensor *w = opttensor(L, 4, fn);
  int sa = optbool(L, 5, 1);
  int64_t ignore = lt_optint(L, 6, -100, fn);
  const dl_tensor *tgt = checktarget(L, 2, fn);
  LT_TRY(L, nn_classnll_backward(gin, in, tgt, w, sa, ignore));
  lt_gcstep(L);
  lua_pushvalue(L, 3);
  return 1;
}

/* MultiMarginCriterion_updateOutput(input, target, p, weights, margin, sizeAverage) */
static int multimargin_forward(lua_State *L) {
  const char *fn = "nn.MultiMarginCriterion";
  dl_tensor *in = lt_checktensor(L, 1, fn);
  int p = (int)lt_optint(L, 3, 1, fn);
  const dl_tensor *w = opttensor(L, 4, fn);
  double margin = optnum(L, 5, 1, fn);
  int sa = optbool(L, 6, 1);
  const dl_tensor *tgt = checktarget(L, 2, fn);
  double loss;
  LT_TRY(L, nn_multimargin_forward(&loss, in, tgt, p, w, margin, sa));
  lua_pushnumber(L, loss);
  return 1;
}

/* MultiMarginCriterion_updateGradInput(input, target, gradInput, p, weights, margin,
   sizeAverage) */
static int multimargin_backward(lua_State *L) {
  const char *fn = "nn.MultiMarginCriterion";
  dl_tensor *in = lt_checktensor(L, 1, fn), *gin = lt_checktensor(L, 3, fn);
  int p = (int)lt_optint(L, 4, 1, fn);
  const dl_tensor *w = opttensor(L, 5, fn);
  double margin = optnum(L, 6, 1, fn);
  int sa = optbool(L, 7, 1);
  const dl_tensor *tgt = checktarget(L, 2, fn);
  LT_TRY(L, nn_multimargin_backward(gin, in, tgt, p, w, margin, sa));
  lt_gcstep(L);
  lua_pushvalue(L, 3);
  return 1;
}

typedef int (*pair_fwd)(double *, const dl_tensor *, const dl_tensor *, const dl_tensor *,
                        double, int);
typedef int (*pair_bwd)(dl_tensor *, dl_tensor *, const dl_tensor *, const dl_tensor *,
                        const dl_tensor *, double, int);

/* (x1, x2, y, margin, sizeAverage) returns the loss */
static int pair_forward(lua_State *L, const char *fn, pair_fwd f) {
  dl_tensor *x1 = lt_checktensor(L, 1, fn), *x2 = lt_checktensor(L, 2, fn);
  double margin = optnum(L, 4, 0, fn);
  int sa = optbool(L, 5, 1);
  const dl_tensor *y = checktarget(L, 3, fn);
  double loss;
  LT_TRY(L, f(&loss, x1, x2, y, margin, sa));
  lua_pushnumber(L, loss);
  return 1;
}

/* (x1, x2, y, gradInput1, gradInput2, margin, sizeAverage) */
static int pair_backward(lua_State *L, const char *fn, pair_bwd f) {
  dl_tensor *x1 = lt_checktensor(L, 1, fn), *x2 = lt_checktensor(L, 2, fn);
  dl_tensor *g1 = lt_checktensor(L, 4, fn), *g2 = lt_checktensor(L, 5, fn);
  double margin = optnum(L, 6, 0, fn);
  int sa = optbool(L, 7, 1);
  const dl_tensor *y = checktarget(L, 3, fn);
  LT_TRY(L, f(g1, g2, x1, x2, y, margin, sa));
  lt_gcstep(L);
  return 0;
}

static int marginranking_forward(lua_State *L) {
  return pair_forward(L, "nn.MarginRankingCriterion", nn_marginranking_forward);
}
static int marginranking_backward(lua_State *L) {
  return pair_backward(L, "nn.MarginRankingCriterion", nn_marginranking_backward);
}
static int cosine_forward(lua_State *L) {
  return pair_forward(L, "nn.CosineEmbeddingCriterion", nn_cosineembedding_forward);
}
static int cosine_backward(lua_State *L) {
  return pair_backward(L, "nn.CosineEmbeddingCriterion", nn_cosineembedding_backward);
}

static const luaL_Reg funcs[] = {
    {"Activation_updateOutput", act_forward},
    {"Activation_updateGradInput", act_backward},
    {"PReLU_updateOutput", prelu_forward},
    {"PReLU_updateGradInput", prelu_backward},
    {"PReLU_accGradParameters", prelu_accgrad},
    {"SoftMax_updateOutput", softmax_forward},
    {"SoftMax_updateGradInput", softmax_backward},
    {"Criterion_updateOutput", loss_forward},
    {"Criterion_updateGradInput", loss_backward},
    {"ClassNLLCriterion_updateOutput", classnll_forward},
    {"ClassNLLCriterion_updateGradInput", classnll_backward},
    {"MultiMarginCriterion_updateOutput", multimargin_forward},
    {"MultiMarginCriterion_updateGradInput", multimargin_backward},
    {"MarginRankingCriterion_updateOutput", marginranking_forward},
    {"MarginRankingCriterion_updateGradInput", marginranking_backward},
    {"CosineEmbeddingCriterion_updateOutput", cosine_forward},
    {"CosineEmbeddingCriterion_updateGradInput", cosine_backward},
    {NULL, NULL}};

void lt_open_nnact(lua_State *L) {
  lt_register_in(L, "_nn", funcs);
}
