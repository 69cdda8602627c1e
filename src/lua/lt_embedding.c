/* Bindings of the lookup-table kernels (src/nn/embedding.c) into torch._nn. Indices are
   1-based in Lua. */
#include "../nn/embedding.h"
#include "lt.h"

/* lookup_forward(out, weight, indices) */
static int lookup_forward(lua_State *L) {
  const char *fn = lt_callername(L, "lookup_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *w = lt_checktensor(L, 2, fn);
  dl_tensor *idx = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_lookup_forward(fn, out, w, idx, 1));
  lt_gcstep(L);
  return 0;
}

/* lookup_backward(gradWeight, indices, gradOut, scale [, paddingValue]) */
static int lookup_backward(lua_State *L) {
  const char *fn = lt_callername(L, "lookup_backward");
  dl_tensor *gw = lt_checktensor(L, 1, fn), *idx = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn);
  double scale = lt_checknum(L, 4, fn);
  int64_t padding = lt_optint(L, 5, 0, fn);
  LT_TRY(L, nn_lookup_backward(fn, gw, idx, go, scale, 1, padding));
  return 0;
}

static const luaL_Reg embedding_funcs[] = {
    {"lookup_forward", lookup_forward}, {"lookup_backward", lookup_backward}, {NULL, NULL}};

void lt_open_embedding(lua_State *L) { lt_register_in(L, "_nn", embedding_funcs); }
