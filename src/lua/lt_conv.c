/* Bindings of the convolution and pooling kernels (src/nn/conv.c, pool.c) into torch._nn.
   The Lua classes in lua/nn (SpatialConvolution, SpatialMaxPooling, ...) call them with
   their buffers and check the sizes first, so that errors name the module; the kernels
   check again. Geometry arguments come in Torch7's order, width before height:
   kW, kH, dW, dH, padW, padH, dilationW, dilationH. Optional tensors are nil. */
#include "lt.h"
#include "../nn/conv.h"
#include "../nn/pool.h"

/* kW, kH, dW, dH, padW, padH, dilW, dilH at idx.. (the dilations default to 1). */
static nn_conv_geom checkgeom(lua_State *L, int idx, const char *fn) {
  nn_conv_geom g;
  g.kw = lt_checkint(L, idx, fn);
  g.kh = lt_checkint(L, idx + 1, fn);
  g.dw = lt_checkint(L, idx + 2, fn);
  g.dh = lt_checkint(L, idx + 3, fn);
  g.pw = lt_checkint(L, idx + 4, fn);
  g.ph = lt_checkint(L, idx + 5, fn);
  g.dilw = lt_optint(L, idx + 6, 1, fn);
  g.dilh = lt_optint(L, idx + 7, 1, fn);
  return g;
}

/* conv2d_forward(out, cols, obuf, input, weight, bias, kW, kH, dW, dH, padW, padH [, dilW, dilH]) */
static int conv2d_fwd(lua_State *L) {
  const char *fn = "conv2d_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *cols = lt_checktensor(L, 2, fn);
  dl_tensor *obuf = lt_checktensor(L, 3, fn), *in = lt_checktensor(L, 4, fn);
  dl_tensor *w = lt_checktensor(L, 5, fn), *b = lt_opttensor(L, 6, fn);
  nn_conv_geom g = checkgeom(L, 7, fn);
  LT_TRY(L, nn_conv2d_forward(out, cols, obuf, in, w, b, &g));
  lt_gcstep(L);
  return 0;
}

/* conv2d_backward_input(gradIn, gcols, obuf, input, gradOut, weight, geometry...) */
static int conv2d_bwd_input(lua_State *L) {
  const char *fn = "conv2d_backward_input";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *gcols = lt_checktensor(L, 2, fn);
  dl_tensor *obuf = lt_checktensor(L, 3, fn), *in = lt_checktensor(L, 4, fn);
  dl_tensor *go = lt_checktensor(L, 5, fn), *w = lt_checktensor(L, 6, fn);
  nn_conv_geom g = checkgeom(L, 7, fn);
  LT_TRY(L, nn_conv2d_backward_input(gi, gcols, obuf, in, go, w, &g));
  lt_gcstep(L);
  return 0;
}

/* conv2d_backward_params(gradWeight, gradBias, cols, obuf, input, gradOut, scale, geometry...) */
static int conv2d_bwd_params(lua_State *L) {
  const char *fn = "conv2d_backward_params";
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *cols = lt_checktensor(L, 3, fn), *obuf = lt_checktensor(L, 4, fn);
  dl_tensor *in = lt_checktensor(L, 5, fn), *go = lt_checktensor(L, 6, fn);
  double scale = lt_checknum(L, 7, fn);
  nn_conv_geom g = checkgeom(L, 8, fn);
  LT_TRY(L, nn_conv2d_backward_params(gw, gb, cols, obuf, in, go, scale, &g));
  lt_gcstep(L);
  return 0;
}

/* fullconv2d_forward(out, cols, ibuf, input, weight, bias, kW, kH, dW, dH, padW, padH,
   adjW, adjH) */
static int fullconv2d_fwd(lua_State *L) {
  const char *fn = "fullconv2d_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *cols = lt_checktensor(L, 2, fn);
  dl_tensor *ibuf = lt_checktensor(L, 3, fn), *in = lt_checktensor(L, 4, fn);
  dl_tensor *w = lt_checktensor(L, 5, fn), *b = lt_opttensor(L, 6, fn);
  nn_conv_geom g = checkgeom(L, 7, fn);
  g.dilw = g.dilh = 1;
  int64_t adjw = lt_optint(L, 13, 0, fn), adjh = lt_optint(L, 14, 0, fn);
  LT_TRY(L, nn_fullconv2d_forward(out, cols, ibuf, in, w, b, &g, adjh, adjw));
  lt_gcstep(L);
  return 0;
}

/* fullconv2d_backward_input(gradIn, cols, ibuf, input, gradOut, weight, kW, kH, dW, dH, padW, padH) */
static int fullconv2d_bwd_input(lua_State *L) {
  const char *fn = "fullconv2d_backward_input";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *cols = lt_checktensor(L, 2, fn);
  dl_tensor *ibuf = lt_checktensor(L, 3, fn), *in = lt_checktensor(L, 4, fn);
  dl_tensor *go = lt_checktensor(L, 5, fn), *w = lt_checktensor(L, 6, fn);
  nn_conv_geom g = checkgeom(L, 7, fn);
  g.dilw = g.dilh = 1;
  LT_TRY(L, nn_fullconv2d_backward_input(gi, cols, ibuf, in, go, w, &g));
  lt_gcstep(L);
  return 0;
}

/* fullconv2d_backward_params(gradWeight, gradBias, cols, ibuf, input, gradOut, scale,
   kW, kH, dW, dH, padW, padH) */
static int fullconv2d_bwd_params(lua_State *L) {
  const char *fn = "fullconv2d_backward_params";
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *cols = lt_checktensor(L, 3, fn), *ibuf = lt_checktensor(L, 4, fn);
  dl_tensor *in = lt_checktensor(L, 5, fn), *go = lt_checktensor(L, 6, fn);
  double scale = lt_checknum(L, 7, fn);
  nn_conv_geom g = checkgeom(L, 8, fn);
  g.dilw = g.dilh = 1;
  LT_TRY(L, nn_fullconv2d_backward_params(gw, gb, cols, ibuf, in, go, scale, &g));
  lt_gcstep(L);
  return 0;
}

/* temporal_conv_forward(out, input, weight, bias, kW, dW) */
static int tconv_fwd(lua_State *L) {
  const char *fn = "temporal_conv_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_checktensor(L, 3, fn), *b = lt_opttensor(L, 4, fn);
  int64_t kw = lt_checkint(L, 5, fn), dw = lt_checkint(L, 6, fn);
  LT_TRY(L, nn_temporal_conv_forward(out, in, w, b, kw, dw));
  lt_gcstep(L);
  return 0;
}

/* temporal_conv_backward_input(gradIn, buf, input, gradOut, weight, kW, dW) */
static int tconv_bwd_input(lua_State *L) {
  const char *fn = "temporal_conv_backward_input";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *buf = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn), *go = lt_checktensor(L, 4, fn);
  dl_tensor *w = lt_checktensor(L, 5, fn);
  int64_t kw = lt_checkint(L, 6, fn), dw = lt_checkint(L, 7, fn);
  LT_TRY(L, nn_temporal_conv_backward_input(gi, buf, in, go, w, kw, dw));
  lt_gcstep(L);
  return 0;
}

/* temporal_conv_backward_params(gradWeight, gradBias, input, gradOut, scale, kW, dW) */
static int tconv_bwd_params(lua_State *L) {
  const char *fn = "temporal_conv_backward_params";
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn), *go = lt_checktensor(L, 4, fn);
  double scale = lt_checknum(L, 5, fn);
  int64_t kw = lt_checkint(L, 6, fn), dw = lt_checkint(L, 7, fn);
  LT_TRY(L, nn_temporal_conv_backward_params(gw, gb, in, go, scale, kw, dw));
  return 0;
}

/* kW, kH, dW, dH, padW, padH, ceil at idx.. */
static nn_pool_geom checkpool(lua_State *L, int idx, const char *fn) {
  nn_pool_geom g;
  g.kw = lt_checkint(L, idx, fn);
  g.kh = lt_checkint(L, idx + 1, fn);
  g.dw = lt_checkint(L, idx + 2, fn);
  g.dh = lt_checkint(L, idx + 3, fn);
  g.pw = lt_checkint(L, idx + 4, fn);
  g.ph = lt_checkint(L, idx + 5, fn);
  g.ceil = lua_toboolean(L, idx + 6);
  return g;
}

/* maxpool2d_forward(out, indices, input, kW, kH, dW, dH, padW, padH, ceil) */
static int maxpool_fwd(lua_State *L) {
  const char *fn = "maxpool2d_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *ix = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  nn_pool_geom g = checkpool(L, 4, fn);
  LT_TRY(L, nn_maxpool2d_forward(out, ix, in, &g));
  lt_gcstep(L);
  return 0;
}

/* maxpool2d_backward(gradIn, input, gradOut, indices) */
static int maxpool_bwd(lua_State *L) {
  const char *fn = "maxpool2d_backward";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *ix = lt_checktensor(L, 4, fn);
  LT_TRY(L, nn_maxpool2d_backward(gi, in, go, ix));
  lt_gcstep(L);
  return 0;
}

/* avgpool2d_forward(out, input, kW, kH, dW, dH, padW, padH, ceil, count_include_pad) */
static int avgpool_fwd(lua_State *L) {
  const char *fn = "avgpool2d_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  nn_pool_geom g = checkpool(L, 3, fn);
  LT_TRY(L, nn_avgpool2d_forward(out, in, &g, lua_toboolean(L, 10)));
  lt_gcstep(L);
  return 0;
}

/* avgpool2d_backward(gradIn, input, gradOut, kW, kH, dW, dH, padW, padH, ceil, count_include_pad) */
static int avgpool_bwd(lua_State *L) {
  const char *fn = "avgpool2d_backward";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn);
  nn_pool_geom g = checkpool(L, 4, fn);
  LT_TRY(L, nn_avgpool2d_backward(gi, in, go, &g, lua_toboolean(L, 11)));
  lt_gcstep(L);
  return 0;
}

/* adaptive_pool2d_forward(out, indices or nil, input, oW, oH) */
static int adaptive_fwd(lua_State *L) {
  const char *fn = "adaptive_pool2d_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *ix = lt_opttensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  int64_t ow = lt_checkint(L, 4, fn), oh = lt_checkint(L, 5, fn);
  LT_TRY(L, nn_adaptive_pool2d_forward(out, ix, in, oh, ow));
  lt_gcstep(L);
  return 0;
}

/* adaptive_pool2d_backward(gradIn, input, gradOut, indices or nil) */
static int adaptive_bwd(lua_State *L) {
  const char *fn = "adaptive_pool2d_backward";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *ix = lt_opttensor(L, 4, fn);
  LT_TRY(L, nn_adaptive_pool2d_backward(gi, in, go, ix));
  lt_gcstep(L);
  return 0;
}

/* temporal_maxpool_forward(out, indices, input, kW, dW) */
static int tmax_fwd(lua_State *L) {
  const char *fn = "temporal_maxpool_forward";
  dl_tensor *out = lt_checktensor(L, 1, fn), *ix = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn);
  int64_t kw = lt_checkint(L, 4, fn), dw = lt_checkint(L, 5, fn);
  LT_TRY(L, nn_temporal_maxpool_forward(out, ix, in, kw, dw));
  lt_gcstep(L);
  return 0;
}

/* temporal_maxpool_backward(gradIn, input, gradOut, indices, kW, dW) */
static int tmax_bwd(lua_State *L) {
  const char *fn = "temporal_maxpool_backward";
  dl_tensor *gi = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *go = lt_checktensor(L, 3, fn), *ix = lt_checktensor(L, 4, fn);
  int64_t kw = lt_checkint(L, 5, fn), dw = lt_checkint(L, 6, fn);
  LT_TRY(L, nn_temporal_maxpool_backward(gi, in, go, ix, kw, dw));
  lt_gcstep(L);
  return 0;
}

/* conv_path('auto' | 'batch' | 'sample'): how 2D convolutions run (see conv.h). */
static int conv_path(lua_State *L) {
  static const char *const names[] = {"auto", "batch", "sample", NULL};
  nn_conv_set_path((nn_conv_path)luaL_checkoption(L, 1, NULL, names));
  return 0;
}

static const luaL_Reg conv_funcs[] = {
    {"conv_path", conv_path},
    {"conv2d_forward", conv2d_fwd},
    {"conv2d_backward_input", conv2d_bwd_input},
    {"conv2d_backward_params", conv2d_bwd_params},
    {"fullconv2d_forward", fullconv2d_fwd},
    {"fullconv2d_backward_input", fullconv2d_bwd_input},
    {"fullconv2d_backward_params", fullconv2d_bwd_params},
    {"temporal_conv_forward", tconv_fwd},
    {"temporal_conv_backward_input", tconv_bwd_input},
    {"temporal_conv_backward_params", tconv_bwd_params},
    {"maxpool2d_forward", maxpool_fwd},
    {"maxpool2d_backward", maxpool_bwd},
    {"avgpool2d_forward", avgpool_fwd},
    {"avgpool2d_backward", avgpool_bwd},
    {"adaptive_pool2d_forward", adaptive_fwd},
    {"adaptive_pool2d_backward", adaptive_bwd},
    {"temporal_maxpool_forward", tmax_fwd},
    {"temporal_maxpool_backward", tmax_bwd},
    {NULL, NULL}};

void lt_open_conv(lua_State *L) {
  lt_register_in(L, "_nn", conv_funcs);
}
