/* Bindings of the nn layer kernels (src/nn/linear.c, layers.c) into torch._nn. The Lua
   classes in lua/nn call them with their buffers; these functions check the argument
   kinds and leave size checks to the kernels. Optional tensors are passed as nil. */
#include <stdint.h>

#include "lt.h"
#include "../nn/layers.h"
#include "../nn/linear.h"

/* storageid(tensor): an integer naming the storage under a tensor (nil when it has none),
   so that Lua code can tell which tensors share memory. */
static int nn_storageid(lua_State *L) {
  dl_tensor *t = lt_checktensor(L, 1, "storageid");
  if (!t->storage) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)(intptr_t)t->storage);
  return 1;
}

static int nn_linear_fwd(lua_State *L) {
  const char *fn = "linear_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_checktensor(L, 3, fn), *b = lt_opttensor(L, 4, fn);
  LT_TRY(L, nn_linear_forward(out, in, w, b));
  lt_gcstep(L);
  return 0;
}

static int nn_linear_bwd_input(lua_State *L) {
  const char *fn = "linear_backward_input";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *go = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_linear_backward_input(gi, go, w));
  lt_gcstep(L);
  return 0;
}

static int nn_linear_bwd_params(lua_State *L) {
  const char *fn = "linear_backward_params";
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn), *go = lt_checktensor(L, 4, fn);
  double scale = luaL_optnumber(L, 5, 1.0);
  LT_TRY(L, nn_linear_backward_params(gw, gb, in, go, scale));
  return 0;
}

static int nn_bn_fwd(lua_State *L) {
  const char *fn = "batchnorm_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_opttensor(L, 3, fn), *b = lt_opttensor(L, 4, fn);
  dl_tensor *rm = lt_checktensor(L, 5, fn), *rv = lt_checktensor(L, 6, fn);
  dl_tensor *sm = lt_checktensor(L, 7, fn), *si = lt_checktensor(L, 8, fn);
  int train = lua_toboolean(L, 9);
  double momentum = lt_checknum(L, 10, fn), eps = lt_checknum(L, 11, fn);
  LT_TRY(L, nn_batchnorm_forward(out, in, w, b, rm, rv, sm, si, train, momentum, eps));
  lt_gcstep(L);
  return 0;
}

static int nn_bn_bwd(lua_State *L) {
  const char *fn = "batchnorm_backward";
  dl_tensor *gi = lt_opttensor(L, 1, fn), *gw = lt_opttensor(L, 2, fn), *gb = lt_opttensor(L, 3, fn);
  dl_tensor *in = lt_checktensor(L, 4, fn), *go = lt_checktensor(L, 5, fn);
  dl_tensor *w = lt_opttensor(L, 6, fn);
  dl_tensor *rm = lt_checktensor(L, 7, fn), *rv = lt_checktensor(L, 8, fn);
  dl_tensor *sm = lt_checktensor(L, 9, fn), *si = lt_checktensor(L, 10, fn);
  int train = lua_toboolean(L, 11);
  double scale = lt_checknum(L, 12, fn), eps = lt_checknum(L, 13, fn);
  LT_TRY(L, nn_batchnorm_backward(gi, gw, gb, in, go, w, rm, rv, sm, si, train, scale, eps));
  lt_gcstep(L);
  return 0;
}

static int nn_ln_fwd(lua_State *L) {
  const char *fn = "layernorm_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_opttensor(L, 3, fn), *b = lt_opttensor(L, 4, fn);
  dl_tensor *sm = lt_checktensor(L, 5, fn), *sr = lt_checktensor(L, 6, fn);
  double eps = lt_checknum(L, 7, fn);
  LT_TRY(L, nn_layernorm_forward(out, in, w, b, sm, sr, eps));
  lt_gcstep(L);
  return 0;
}

static int nn_ln_bwd(lua_State *L) {
  const char *fn = "layernorm_backward";
  dl_tensor *gi = lt_opttensor(L, 1, fn), *gw = lt_opttensor(L, 2, fn), *gb = lt_opttensor(L, 3, fn);
  dl_tensor *in = lt_checktensor(L, 4, fn), *go = lt_checktensor(L, 5, fn);
  dl_tensor *w = lt_opttensor(L, 6, fn);
  dl_tensor *sm = lt_checktensor(L, 7, fn), *sr = lt_checktensor(L, 8, fn);
  double scale = lt_checknum(L, 9, fn);
  LT_TRY(L, nn_layernorm_backward(gi, gw, gb, in, go, w, sm, sr, scale));
  lt_gcstep(L);
  return 0;
}

static int nn_mask_scale_(lua_State *L) {
  const char *fn = "mask_scale";
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *mask = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_mask_scale(out, in, mask, lt_checknum(L, 4, fn)));
  lt_gcstep(L);
  return 0;
}

/* Indices are 1-based in Lua. */
static int nn_lookup_fwd(lua_State *L) {
  const char *fn = "lookup_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *w = lt_checktensor(L, 2, fn);
  dl_tensor *idx = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_lookup_forward(out, w, idx, 1));
  lt_gcstep(L);
  return 0;
}

static int nn_lookup_bwd(lua_State *L) {
  const char *fn = "lookup_backward";
  dl_tensor *gw = lt_checktensor(L, 1, fn), *idx = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn);
  double scale = lt_checknum(L, 4, fn);
  int64_t padding = lt_optint(L, 5, 0, fn);
  LT_TRY(L, nn_lookup_backward(gw, idx, go, scale, 1, padding));
  return 0;
}

static const char *const pw_names[] = {"abs",   "exp",  "log",  "pow", "square",
                                       "sqrt",  "clamp", "mulc", "addc", NULL};

static int nn_pw_fwd(lua_State *L) {
  const char *fn = "pointwise_forward";
  int k = luaL_checkoption(L, 1, NULL, pw_names);
  dl_tensor *out = lt_checktensor(L, 2, fn), *in = lt_checktensor(L, 3, fn);
  double a = luaL_optnumber(L, 4, 0), b = luaL_optnumber(L, 5, 0);
  LT_TRY(L, nn_pointwise_forward((nn_pointwise)k, out, in, a, b));
  lt_gcstep(L);
  return 0;
}

static int nn_pw_bwd(lua_State *L) {
  const char *fn = "pointwise_backward";
  int k = luaL_checkoption(L, 1, NULL, pw_names);
  dl_tensor *gi = lt_checktensor(L, 2, fn), *go = lt_checktensor(L, 3, fn);
  dl_tensor *in = lt_checktensor(L, 4, fn), *out = lt_checktensor(L, 5, fn);
  double a = luaL_optnumber(L, 6, 0), b = luaL_optnumber(L, 7, 0);
  LT_TRY(L, nn_pointwise_backward((nn_pointwise)k, gi, go, in, out, a, b));
  lt_gcstep(L);
  return 0;
}

/* maxmin_forward(out, indices, in, dim, ismax): dim 1-based; indices 1-based. */
static int nn_maxmin_fwd(lua_State *L) {
  const char *fn = "maxmin_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *ix = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  int dim = lt_checkdim(L, 4, in->ndim, fn);
  LT_TRY(L, nn_maxmin_forward(out, ix, in, dim, lua_toboolean(L, 5), 1));
  lt_gcstep(L);
  return 0;
}

static int nn_maxmin_bwd(lua_State *L) {
  const char *fn = "maxmin_backward";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *ix = lt_checktensor(L, 4, fn);
  int dim = lt_checkdim(L, 5, in->ndim, fn);
  LT_TRY(L, nn_maxmin_backward(gi, in, go, ix, dim, 1));
  lt_gcstep(L);
  return 0;
}

static int nn_normalize_fwd(lua_State *L) {
  const char *fn = "normalize_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *norm = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_normalize_forward(out, norm, in, lt_checknum(L, 4, fn), lt_checknum(L, 5, fn)));
  lt_gcstep(L);
  return 0;
}

static int nn_normalize_bwd(lua_State *L) {
  const char *fn = "normalize_backward";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *norm = lt_checktensor(L, 4, fn);
  LT_TRY(L, nn_normalize_backward(gi, in, go, norm, lt_checknum(L, 5, fn)));
  lt_gcstep(L);
  return 0;
}

static const luaL_Reg nn_funcs[] = {
    {"maxmin_forward", nn_maxmin_fwd},
    {"maxmin_backward", nn_maxmin_bwd},
    {"normalize_forward", nn_normalize_fwd},
    {"normalize_backward", nn_normalize_bwd},
    {"storageid", nn_storageid},
    {"linear_forward", nn_linear_fwd},
    {"linear_backward_input", nn_linear_bwd_input},
    {"linear_backward_params", nn_linear_bwd_params},
    {"batchnorm_forward", nn_bn_fwd},
    {"batchnorm_backward", nn_bn_bwd},
    {"layernorm_forward", nn_ln_fwd},
    {"layernorm_backward", nn_ln_bwd},
    {"mask_scale", nn_mask_scale_},
    {"lookup_forward", nn_lookup_fwd},
    {"lookup_backward", nn_lookup_bwd},
    {"pointwise_forward", nn_pw_fwd},
    {"pointwise_backward", nn_pw_bwd},
    {NULL, NULL}};

void lt_open_nn(lua_State *L) {
  lt_register_in(L, "_nn", nn_funcs);
}
