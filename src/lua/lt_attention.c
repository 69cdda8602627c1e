/* Bindings of the fused attention kernels (src/nn/attention.c) into torch._nn: outputs
   first, as the C kernels take them; optional tensors are nil. Messages name the module
   class whose method called (lt_callername), at the script's line. */
#include "../nn/attention.h"
#include "lt.h"

/* attention_forward(out, probs, query, key, value, mask, keyPaddingMask, dropMask, causal,
   scale) */
static int attention_forward(lua_State *L) {
  const char *fn = lt_callername(L, "attention_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *probs = lt_checktensor(L, 2, fn);
  dl_tensor *q = lt_checktensor(L, 3, fn), *k = lt_checktensor(L, 4, fn);
  dl_tensor *v = lt_checktensor(L, 5, fn), *mask = lt_opttensor(L, 6, fn);
  dl_tensor *pad = lt_opttensor(L, 7, fn), *drop = lt_opttensor(L, 8, fn);
  int causal = lua_toboolean(L, 9);
  double scale = lua_isnoneornil(L, 10) ? 0 : lt_checknum(L, 10, fn);
  LT_TRY(L, nn_attention_forward(fn, out, probs, q, k, v, mask, pad, drop, causal, scale));
  lt_gcstep(L);
  return 0;
}

/* attention_backward(gradQuery, gradKey, gradValue, query, key, value, probs, dropMask,
   gradOutput, scale) */
static int attention_backward(lua_State *L) {
  const char *fn = lt_callername(L, "attention_backward");
  dl_tensor *gq = lt_checktensor(L, 1, fn), *gk = lt_checktensor(L, 2, fn);
  dl_tensor *gv = lt_checktensor(L, 3, fn), *q = lt_checktensor(L, 4, fn);
  dl_tensor *k = lt_checktensor(L, 5, fn), *v = lt_checktensor(L, 6, fn);
  dl_tensor *probs = lt_checktensor(L, 7, fn), *drop = lt_opttensor(L, 8, fn);
  dl_tensor *go = lt_checktensor(L, 9, fn);
  double scale = lua_isnoneornil(L, 10) ? 0 : lt_checknum(L, 10, fn);
  LT_TRY(L, nn_attention_backward(fn, gq, gk, gv, q, k, v, probs, drop, go, scale));
  lt_gcstep(L);
  return 0;
}

static const luaL_Reg attention_funcs[] = {
    {"attention_forward", attention_forward},
    {"attention_backward", attention_backward},
    {NULL, NULL}};

void lt_open_attention(lua_State *L) { lt_register_in(L, "_nn", attention_funcs); }
