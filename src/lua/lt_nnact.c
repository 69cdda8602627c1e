/* Bindings of the activation kernels (src/nn/activation.h) into
   torch._nn, in THNN's style: the Lua classes in lua/nn pass their buffers. Each function
   checks its arguments and calls one kernel; names in messages are the nn classes'. */
#include "../nn/activation.h"
#include "lt.h"





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
  LT_TRY(L, nn_act_forward(k, out, in, lt_optnum(L, 4, 0, fn), lt_optnum(L, 5, 0, fn)));
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
  LT_TRY(L, nn_act_backward(k, gin, gout, in, out, lt_optnum(L, 6, 0, fn), lt_optnum(L, 7, 0, fn)));
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
  LT_TRY(L, nn_prelu_accgrad(gw, gout, in, lt_checkint(L, 4, fn), lt_optnum(L, 5, 1, fn)));
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

static const luaL_Reg funcs[] = {
    {"Activation_updateOutput", act_forward},
    {"Activation_updateGradInput", act_backward},
    {"PReLU_updateOutput", prelu_forward},
    {"PReLU_updateGradInput", prelu_backward},
    {"PReLU_accGradParameters", prelu_accgrad},
    {"SoftMax_updateOutput", softmax_forward},
    {"SoftMax_updateGradInput", softmax_backward},
    {NULL, NULL}};

void lt_open_nnact(lua_State *L) {
  lt_register_in(L, "_nn", funcs);
}
