/* Bindings of the loss kernels (src/nn/loss.h) into torch._nn, in THNN's style: the Lua
   criterion classes in lua/nn pass their buffers. Each function checks its arguments and
   calls one kernel; names in messages are the nn classes'. */
#include "../nn/loss.h"
#include "lt.h"

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

/* "nn.<name>" for messages. The string is left on the stack above the nargs arguments
   (missing ones become nil, so that optional arguments still read as absent). */
static const char *clsname(lua_State *L, int nargs, const char *name) {
  lua_settop(L, nargs);
  return lua_pushfstring(L, "nn.%s", name);
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
  o.size_average = lt_optbool(L, idx, 1);
  o.margin = lt_optnum(L, idx + 1, 1, fn);
  o.weights = lt_opttensor(L, idx + 2, fn);
  o.posweight = lt_opttensor(L, idx + 3, fn);
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
  const dl_tensor *w = lt_opttensor(L, 3, fn);
  int sa = lt_optbool(L, 4, 1);
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
  const dl_tensor *w = lt_opttensor(L, 4, fn);
  int sa = lt_optbool(L, 5, 1);
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
  const dl_tensor *w = lt_opttensor(L, 4, fn);
  double margin = lt_optnum(L, 5, 1, fn);
  int sa = lt_optbool(L, 6, 1);
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
  const dl_tensor *w = lt_opttensor(L, 5, fn);
  double margin = lt_optnum(L, 6, 1, fn);
  int sa = lt_optbool(L, 7, 1);
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
  double margin = lt_optnum(L, 4, 0, fn);
  int sa = lt_optbool(L, 5, 1);
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
  double margin = lt_optnum(L, 6, 0, fn);
  int sa = lt_optbool(L, 7, 1);
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

void lt_open_loss(lua_State *L) {
  lt_register_in(L, "_nn", funcs);
}
