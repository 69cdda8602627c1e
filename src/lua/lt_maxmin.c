/* Bindings of the max/min kernels (src/nn/maxmin.c) into torch._nn. Dimensions and
   indices are 1-based in Lua. */
#include "../nn/maxmin.h"
#include "lt.h"

/* maxmin_forward(out, indices, input, dim, ismax) */
static int maxmin_forward(lua_State *L) {
  const char *fn = lt_callername(L, "maxmin_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *ix = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  int dim = lt_checkdim(L, 4, in->ndim, fn);
  LT_TRY(L, nn_maxmin_forward(fn, out, ix, in, dim, lua_toboolean(L, 5), 1));
  lt_gcstep(L);
  return 0;
}

/* maxmin_backward(gradIn, input, gradOut, indices, dim) */
static int maxmin_backward(lua_State *L) {
  const char *fn = lt_callername(L, "maxmin_backward");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *ix = lt_checktensor(L, 4, fn);
  int dim = lt_checkdim(L, 5, in->ndim, fn);
  LT_TRY(L, nn_maxmin_backward(fn, gi, in, go, ix, dim, 1));
  lt_gcstep(L);
  return 0;
}

static const luaL_Reg maxmin_funcs[] = {
    {"maxmin_forward", maxmin_forward}, {"maxmin_backward", maxmin_backward}, {NULL, NULL}};

void lt_open_maxmin(lua_State *L) { lt_register_in(L, "_nn", maxmin_funcs); }
