/* Bindings of the pooling kernels (src/nn/pool.c) into torch._nn: output first, then
   indices, inputs and geometry, as the C kernels take them. The kernels check everything
   and name the module that called (lt_callername). Geometry comes in Torch7's order,
   width before height: kW, kH, dW, dH, padW, padH, ceil. Optional tensors are nil. */
#include "../nn/pool.h"
#include "../nn/prelude.h"
#include "lt.h"

/* kW, kH, dW, dH, padW, padH, ceil at idx.. */
static nn_pool_geom checkpool(lua_State *L, int idx, const char *fn) {
  nn_pool_geom g;
  g.kw = lt_checkint(L, idx, fn);
  g.kh = lt_checkint(L, idx + 1, fn);
  g.dw = lt_checkint(L, idx + 2, fn);
  g.dh = lt_checkint(L, idx + 3, fn);
  g.pw = lt_checkint(L, idx + 4, fn);
  g.ph = lt_checkint(L, idx + 5, fn);
  g.ceil = lt_optbool(L, idx + 6, 0);
  return g;
}

/* maxpool2d_forward(out, indices, input, kW, kH, dW, dH, padW, padH, ceil) */
static int maxpool2d_forward(lua_State *L) {
  const char *fn = lt_callername(L, "maxpool2d_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *ix = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  nn_pool_geom g = checkpool(L, 4, fn);
  LT_TRY(L, nn_maxpool2d_forward(fn, out, ix, in, &g));
  lt_gcstep(L);
  return 0;
}

/* maxpool2d_backward(gradIn, input, gradOut, indices) */
static int maxpool2d_backward(lua_State *L) {
  const char *fn = lt_callername(L, "maxpool2d_backward");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *ix = lt_checktensor(L, 4, fn);
  LT_TRY(L, nn_maxpool2d_backward(fn, gi, in, go, ix));
  lt_gcstep(L);
  return 0;
}

/* avgpool2d_forward(out, input, kW, kH, dW, dH, padW, padH, ceil, count_include_pad) */
static int avgpool2d_forward(lua_State *L) {
  const char *fn = lt_callername(L, "avgpool2d_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  nn_pool_geom g = checkpool(L, 3, fn);
  LT_TRY(L, nn_avgpool2d_forward(fn, out, in, &g, lt_optbool(L, 10, 0)));
  lt_gcstep(L);
  return 0;
}

/* avgpool2d_backward(gradIn, input, gradOut, kW, kH, dW, dH, padW, padH, ceil,
   count_include_pad) */
static int avgpool2d_backward(lua_State *L) {
  const char *fn = lt_callername(L, "avgpool2d_backward");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn);
  nn_pool_geom g = checkpool(L, 4, fn);
  LT_TRY(L, nn_avgpool2d_backward(fn, gi, in, go, &g, lt_optbool(L, 11, 0)));
  lt_gcstep(L);
  return 0;
}

/* adaptive_pool2d_forward(out, indices or nil, input, oW, oH) */
static int adaptive_pool2d_forward(lua_State *L) {
  const char *fn = lt_callername(L, "adaptive_pool2d_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *ix = lt_opttensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  int64_t ow = lt_checkint(L, 4, fn), oh = lt_checkint(L, 5, fn);
  LT_TRY(L, nn_adaptive_pool2d_forward(fn, out, ix, in, oh, ow));
  lt_gcstep(L);
  return 0;
}

/* adaptive_pool2d_backward(gradIn, input, gradOut, indices or nil, oW, oH) */
static int adaptive_pool2d_backward(lua_State *L) {
  const char *fn = lt_callername(L, "adaptive_pool2d_backward");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *ix = lt_opttensor(L, 4, fn);
  int64_t ow = lt_checkint(L, 5, fn), oh = lt_checkint(L, 6, fn);
  LT_TRY(L, nn_adaptive_pool2d_backward(fn, gi, in, go, ix, oh, ow));
  lt_gcstep(L);
  return 0;
}

/* temporal_maxpool_forward(out, indices, input, kW, dW) */
static int temporal_maxpool_forward(lua_State *L) {
  const char *fn = lt_callername(L, "temporal_maxpool_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *ix = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  int64_t kw = lt_checkint(L, 4, fn), dw = lt_checkint(L, 5, fn);
  LT_TRY(L, nn_temporal_maxpool_forward(fn, out, ix, in, kw, dw));
  lt_gcstep(L);
  return 0;
}

/* temporal_maxpool_backward(gradIn, input, gradOut, indices, kW, dW) */
static int temporal_maxpool_backward(lua_State *L) {
  const char *fn = lt_callername(L, "temporal_maxpool_backward");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *ix = lt_checktensor(L, 4, fn);
  int64_t kw = lt_checkint(L, 5, fn), dw = lt_checkint(L, 6, fn);
  LT_TRY(L, nn_temporal_maxpool_backward(fn, gi, in, go, ix, kw, dw));
  lt_gcstep(L);
  return 0;
}

/* image_check(input, planes, output [, gradOutput]): the kernels' image checks for the
   spatial modules written in Lua (padding, upsampling, normalization): input a Float or
   Double C x H x W or N x C x H x W image of planes planes (0: any), of output's type;
   gradOutput of output's type and size. */
static int image_check(lua_State *L) {
  const char *fn = lt_callername(L, "image_check");
  dl_tensor *in = lt_checktensor(L, 1, fn);
  int64_t planes = lt_optint(L, 2, 0, fn);
  dl_tensor *out = lt_opttensor(L, 3, fn), *go = lt_opttensor(L, 4, fn);
  LT_TRY(L, nn_check_image(fn, "input", in, planes));
  if (out) LT_TRY(L, nn_check_type(fn, "output", out, in->dtype));
  if (go) LT_TRY(L, nn_check_type(fn, "gradOutput", go, in->dtype));
  if (go && out) LT_TRY(L, nn_check_samesize(fn, "gradOutput", go, out));
  return 0;
}

static const luaL_Reg pool_funcs[] = {
    {"maxpool2d_forward", maxpool2d_forward},
    {"maxpool2d_backward", maxpool2d_backward},
    {"avgpool2d_forward", avgpool2d_forward},
    {"avgpool2d_backward", avgpool2d_backward},
    {"adaptive_pool2d_forward", adaptive_pool2d_forward},
    {"adaptive_pool2d_backward", adaptive_pool2d_backward},
    {"temporal_maxpool_forward", temporal_maxpool_forward},
    {"temporal_maxpool_backward", temporal_maxpool_backward},
    {"image_check", image_check},
    {NULL, NULL}};

void lt_open_pool(lua_State *L) { lt_register_in(L, "_nn", pool_funcs); }
