/* Bindings of the softmax kernels (src/nn/softmax.c) into torch._nn: output first, then
   the inputs, as the C kernels take them. */
#include "../nn/softmax.h"
#include "lt.h"

static nn_softmax_kind checkkind(lua_State *L, int idx) {
  static const char *const names[] = {"SoftMax", "LogSoftMax", "SoftMin", NULL};
  return (nn_softmax_kind)luaL_checkoption(L, idx, NULL, names);
}

/* softmax_forward(out, input, kind), kind "SoftMax", "LogSoftMax" or "SoftMin" */
static int softmax_forward(lua_State *L) {
  const char *fn = lt_callername(L, "softmax_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  LT_TRY(L, nn_softmax_forward(fn, out, in, checkkind(L, 3)));
  lt_gcstep(L);
  return 0;
}

/* softmax_backward(gradIn, gradOut, output, kind) */
static int softmax_backward(lua_State *L) {
  const char *fn = lt_callername(L, "softmax_backward");
  dl_tensor *gin = lt_checktensor(L, 1, fn), *gout = lt_checktensor(L, 2, fn);
  dl_tensor *out = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_softmax_backward(fn, gin, gout, out, checkkind(L, 4)));
  lt_gcstep(L);
  return 0;
}

/* spatial_softmax_forward(out, input) */
static int spatial_softmax_forward(lua_State *L) {
  const char *fn = lt_callername(L, "spatial_softmax_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  LT_TRY(L, nn_spatial_softmax_forward(fn, out, in));
  lt_gcstep(L);
  return 0;
}

/* spatial_softmax_backward(gradIn, gradOut, output) */
static int spatial_softmax_backward(lua_State *L) {
  const char *fn = lt_callername(L, "spatial_softmax_backward");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *go = lt_checktensor(L, 2, fn);
  dl_tensor *out = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_spatial_softmax_backward(fn, gi, go, out));
  lt_gcstep(L);
  return 0;
}

static const luaL_Reg softmax_funcs[] = {
    {"softmax_forward", softmax_forward},
    {"softmax_backward", softmax_backward},
    {"spatial_softmax_forward", spatial_softmax_forward},
    {"spatial_softmax_backward", spatial_softmax_backward},
    {NULL, NULL}};

void lt_open_softmax(lua_State *L) { lt_register_in(L, "_nn", softmax_funcs); }
