/* Bindings of the elementwise layers (src/nn/activation.c) into torch._nn: output first,
   then the inputs, then the kind and the parameters, as the C kernels take them. Errors
   name the nn class whose method called (lt_callername). */
#include "../nn/activation.h"
#include "lt.h"

static nn_act checkkind(lua_State *L, int idx, const char *fn) {
  const char *name = luaL_checkstring(L, idx);
  int k = nn_act_lookup(name);
  if (k < 0) lt_error(L, "%s: unknown elementwise kind '%s'", fn, name);
  return (nn_act)k;
}

/* activation_forward(out, input, kind [, a, b]), kind the class name: "Tanh", "ReLU"... */
static int activation_forward(lua_State *L) {
  const char *fn = lt_callername(L, "activation_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  nn_act k = checkkind(L, 3, fn);
  double a = lt_optnum(L, 4, 0, fn), b = lt_optnum(L, 5, 0, fn);
  LT_TRY(L, nn_act_forward(fn, out, in, k, a, b));
  lt_gcstep(L);
  return 0;
}

/* activation_backward(gradIn, gradOut, input, output, kind [, a, b]) */
static int activation_backward(lua_State *L) {
  const char *fn = lt_callername(L, "activation_backward");
  dl_tensor *gin = lt_checktensor(L, 1, fn), *gout = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn), *out = lt_checktensor(L, 4, fn);
  nn_act k = checkkind(L, 5, fn);
  double a = lt_optnum(L, 6, 0, fn), b = lt_optnum(L, 7, 0, fn);
  LT_TRY(L, nn_act_backward(fn, gin, gout, in, out, k, a, b));
  lt_gcstep(L);
  return 0;
}

/* prelu_forward(out, input, weight, nplane) */
static int prelu_forward(lua_State *L) {
  const char *fn = lt_callername(L, "prelu_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_prelu_forward(fn, out, in, w, lt_checkint(L, 4, fn)));
  lt_gcstep(L);
  return 0;
}

/* prelu_backward(gradIn, gradOut, input, weight, nplane) */
static int prelu_backward(lua_State *L) {
  const char *fn = lt_callername(L, "prelu_backward");
  dl_tensor *gin = lt_checktensor(L, 1, fn), *gout = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn), *w = lt_checktensor(L, 4, fn);
  LT_TRY(L, nn_prelu_backward(fn, gin, gout, in, w, lt_checkint(L, 5, fn)));
  lt_gcstep(L);
  return 0;
}

/* prelu_accgrad(gradWeight, gradOut, input, nplane [, scale]) */
static int prelu_accgrad(lua_State *L) {
  const char *fn = lt_callername(L, "prelu_accgrad");
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gout = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_prelu_accgrad(fn, gw, gout, in, lt_checkint(L, 4, fn), lt_optnum(L, 5, 1, fn)));
  return 0;
}

/* mask_scale(out, input, mask, scale) */
static int mask_scale(lua_State *L) {
  const char *fn = lt_callername(L, "mask_scale");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *mask = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_mask_scale(fn, out, in, mask, lt_checknum(L, 4, fn)));
  lt_gcstep(L);
  return 0;
}

static const luaL_Reg activation_funcs[] = {
    {"activation_forward", activation_forward},
    {"activation_backward", activation_backward},
    {"prelu_forward", prelu_forward},
    {"prelu_backward", prelu_backward},
    {"prelu_accgrad", prelu_accgrad},
    {"mask_scale", mask_scale},
    {NULL, NULL}};

void lt_open_activation(lua_State *L) { lt_register_in(L, "_nn", activation_funcs); }
