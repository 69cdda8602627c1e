/* Bindings of the softmax kernels (src/nn/softmax.c) into torch._nn: output first, then
   the inputs, as the C kernels take them. */
#include "../nn/softmax.h"
#include "lt.h"

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
    {"spatial_softmax_forward", spatial_softmax_forward},
    {"spatial_softmax_backward", spatial_softmax_backward},
    {NULL, NULL}};

void lt_open_softmax(lua_State *L) { lt_register_in(L, "_nn", softmax_funcs); }
