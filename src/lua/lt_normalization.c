/* Bindings of the normalization kernels (src/nn/normalization.c) into torch._nn: outputs
   first, as the C kernels take them; optional tensors are nil. */
#include "../nn/normalization.h"
#include "lt.h"

/* batchnorm_forward(out, input, weight, bias, running_mean, running_var, save_mean,
   save_invstd, train, momentum, eps) */
static int batchnorm_forward(lua_State *L) {
  const char *fn = lt_callername(L, "batchnorm_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_opttensor(L, 3, fn), *b = lt_opttensor(L, 4, fn);
  dl_tensor *rm = lt_checktensor(L, 5, fn), *rv = lt_checktensor(L, 6, fn);
  dl_tensor *sm = lt_checktensor(L, 7, fn), *si = lt_checktensor(L, 8, fn);
  int train = lua_toboolean(L, 9);
  double momentum = lt_checknum(L, 10, fn), eps = lt_checknum(L, 11, fn);
  LT_TRY(L, nn_batchnorm_forward(fn, out, in, w, b, rm, rv, sm, si, train, momentum, eps));
  lt_gcstep(L);
  return 0;
}

/* batchnorm_backward(gradIn, gradWeight, gradBias, input, gradOut, weight, running_mean,
   running_var, save_mean, save_invstd, train, scale, eps) */
static int batchnorm_backward(lua_State *L) {
  const char *fn = lt_callername(L, "batchnorm_backward");
  dl_tensor *gi = lt_opttensor(L, 1, fn), *gw = lt_opttensor(L, 2, fn);
  dl_tensor *gb = lt_opttensor(L, 3, fn);
  dl_tensor *in = lt_checktensor(L, 4, fn), *go = lt_checktensor(L, 5, fn);
  dl_tensor *w = lt_opttensor(L, 6, fn);
  dl_tensor *rm = lt_checktensor(L, 7, fn), *rv = lt_checktensor(L, 8, fn);
  dl_tensor *sm = lt_checktensor(L, 9, fn), *si = lt_checktensor(L, 10, fn);
  int train = lua_toboolean(L, 11);
  double scale = lt_checknum(L, 12, fn), eps = lt_checknum(L, 13, fn);
  LT_TRY(L, nn_batchnorm_backward(fn, gi, gw, gb, in, go, w, rm, rv, sm, si, train, scale, eps));
  lt_gcstep(L);
  return 0;
}

/* layernorm_forward(out, input, weight, bias, save_mean, save_rstd, eps) */
static int layernorm_forward(lua_State *L) {
  const char *fn = lt_callername(L, "layernorm_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_opttensor(L, 3, fn), *b = lt_opttensor(L, 4, fn);
  dl_tensor *sm = lt_checktensor(L, 5, fn), *sr = lt_checktensor(L, 6, fn);
  LT_TRY(L, nn_layernorm_forward(fn, out, in, w, b, sm, sr, lt_checknum(L, 7, fn)));
  lt_gcstep(L);
  return 0;
}

/* layernorm_backward(gradIn, gradWeight, gradBias, input, gradOut, weight, save_mean,
   save_rstd, scale) */
static int layernorm_backward(lua_State *L) {
  const char *fn = lt_callername(L, "layernorm_backward");
  dl_tensor *gi = lt_opttensor(L, 1, fn), *gw = lt_opttensor(L, 2, fn);
  dl_tensor *gb = lt_opttensor(L, 3, fn);
  dl_tensor *in = lt_checktensor(L, 4, fn), *go = lt_checktensor(L, 5, fn);
  dl_tensor *w = lt_opttensor(L, 6, fn);
  dl_tensor *sm = lt_checktensor(L, 7, fn), *sr = lt_checktensor(L, 8, fn);
  LT_TRY(L, nn_layernorm_backward(fn, gi, gw, gb, in, go, w, sm, sr, lt_checknum(L, 9, fn)));
  lt_gcstep(L);
  return 0;
}

/* normalize_forward(out, norm, input, p, eps) */
static int normalize_forward(lua_State *L) {
  const char *fn = lt_callername(L, "normalize_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *norm = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  double p = lt_checknum(L, 4, fn), eps = lt_checknum(L, 5, fn);
  LT_TRY(L, nn_normalize_forward(fn, out, norm, in, p, eps));
  lt_gcstep(L);
  return 0;
}

/* normalize_backward(gradIn, input, gradOut, norm, p) */
static int normalize_backward(lua_State *L) {
  const char *fn = lt_callername(L, "normalize_backward");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *norm = lt_checktensor(L, 4, fn);
  LT_TRY(L, nn_normalize_backward(fn, gi, in, go, norm, lt_checknum(L, 5, fn)));
  lt_gcstep(L);
  return 0;
}

static const luaL_Reg normalization_funcs[] = {
    {"batchnorm_forward", batchnorm_forward},
    {"batchnorm_backward", batchnorm_backward},
    {"layernorm_forward", layernorm_forward},
    {"layernorm_backward", layernorm_backward},
    {"normalize_forward", normalize_forward},
    {"normalize_backward", normalize_backward},
    {NULL, NULL}};

void lt_open_normalization(lua_State *L) { lt_register_in(L, "_nn", normalization_funcs); }
