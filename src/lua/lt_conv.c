/* Bindings of the convolution kernels (src/nn/conv.c) into torch._nn: output first, then
   buffers, inputs and geometry, as the C kernels take them. The kernels check everything
   and name the module that called (lt_callername), so the Lua classes pass their tensors
   straight through. Geometry arguments come in Torch7's order, width before height:
   kW, kH, dW, dH, padW, padH, dilationW, dilationH. Optional tensors are nil. */
#include "../nn/conv.h"
#include "lt.h"

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
static int conv2d_forward(lua_State *L) {
  const char *fn = lt_callername(L, "conv2d_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *cols = lt_checktensor(L, 2, fn);
  dl_tensor *obuf = lt_checktensor(L, 3, fn), *in = lt_checktensor(L, 4, fn);
  dl_tensor *w = lt_checktensor(L, 5, fn), *b = lt_opttensor(L, 6, fn);
  nn_conv_geom g = checkgeom(L, 7, fn);
  LT_TRY(L, nn_conv2d_forward(fn, out, cols, obuf, in, w, b, &g));
  lt_gcstep(L);
  return 0;
}

/* conv2d_backward_input(gradIn, gcols, obuf, input, gradOut, weight, geometry...) */
static int conv2d_backward_input(lua_State *L) {
  const char *fn = lt_callername(L, "conv2d_backward_input");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *gcols = lt_checktensor(L, 2, fn);
  dl_tensor *obuf = lt_checktensor(L, 3, fn), *in = lt_checktensor(L, 4, fn);
  dl_tensor *go = lt_checktensor(L, 5, fn), *w = lt_checktensor(L, 6, fn);
  nn_conv_geom g = checkgeom(L, 7, fn);
  LT_TRY(L, nn_conv2d_backward_input(fn, gi, gcols, obuf, in, go, w, &g));
  lt_gcstep(L);
  return 0;
}

/* conv2d_backward_params(gradWeight, gradBias, cols, obuf, input, gradOut, scale, geometry...) */
static int conv2d_backward_params(lua_State *L) {
  const char *fn = lt_callername(L, "conv2d_backward_params");
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *cols = lt_checktensor(L, 3, fn), *obuf = lt_checktensor(L, 4, fn);
  dl_tensor *in = lt_checktensor(L, 5, fn), *go = lt_checktensor(L, 6, fn);
  double scale = lt_checknum(L, 7, fn);
  nn_conv_geom g = checkgeom(L, 8, fn);
  LT_TRY(L, nn_conv2d_backward_params(fn, gw, gb, cols, obuf, in, go, scale, &g));
  lt_gcstep(L);
  return 0;
}

/* The transposed convolution's geometry at idx: kW, kH, dW, dH, padW, padH, adjW, adjH
   (no dilation; the adjustments default to 0). */
static nn_conv_geom checkfull(lua_State *L, int idx, const char *fn, int64_t *adjw,
                              int64_t *adjh) {
  nn_conv_geom g = checkgeom(L, idx, fn);
  g.dilw = g.dilh = 1;
  *adjw = lt_optint(L, idx + 6, 0, fn);
  *adjh = lt_optint(L, idx + 7, 0, fn);
  return g;
}

/* fullconv2d_forward(out, cols, ibuf, input, weight, bias, kW, kH, dW, dH, padW, padH,
   adjW, adjH) */
static int fullconv2d_forward(lua_State *L) {
  const char *fn = lt_callername(L, "fullconv2d_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *cols = lt_checktensor(L, 2, fn);
  dl_tensor *ibuf = lt_checktensor(L, 3, fn), *in = lt_checktensor(L, 4, fn);
  dl_tensor *w = lt_checktensor(L, 5, fn), *b = lt_opttensor(L, 6, fn);
  int64_t adjw, adjh;
  nn_conv_geom g = checkfull(L, 7, fn, &adjw, &adjh);
  LT_TRY(L, nn_fullconv2d_forward(fn, out, cols, ibuf, in, w, b, &g, adjh, adjw));
  lt_gcstep(L);
  return 0;
}

/* fullconv2d_backward_input(gradIn, cols, ibuf, input, gradOut, weight, kW, kH, dW, dH,
   padW, padH, adjW, adjH) */
static int fullconv2d_backward_input(lua_State *L) {
  const char *fn = lt_callername(L, "fullconv2d_backward_input");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *cols = lt_checktensor(L, 2, fn);
  dl_tensor *ibuf = lt_checktensor(L, 3, fn), *in = lt_checktensor(L, 4, fn);
  dl_tensor *go = lt_checktensor(L, 5, fn), *w = lt_checktensor(L, 6, fn);
  int64_t adjw, adjh;
  nn_conv_geom g = checkfull(L, 7, fn, &adjw, &adjh);
  LT_TRY(L, nn_fullconv2d_backward_input(fn, gi, cols, ibuf, in, go, w, &g, adjh, adjw));
  lt_gcstep(L);
  return 0;
}

/* fullconv2d_backward_params(gradWeight, gradBias, cols, ibuf, input, gradOut, scale,
   kW, kH, dW, dH, padW, padH, adjW, adjH) */
static int fullconv2d_backward_params(lua_State *L) {
  const char *fn = lt_callername(L, "fullconv2d_backward_params");
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *cols = lt_checktensor(L, 3, fn), *ibuf = lt_checktensor(L, 4, fn);
  dl_tensor *in = lt_checktensor(L, 5, fn), *go = lt_checktensor(L, 6, fn);
  double scale = lt_checknum(L, 7, fn);
  int64_t adjw, adjh;
  nn_conv_geom g = checkfull(L, 8, fn, &adjw, &adjh);
  LT_TRY(L, nn_fullconv2d_backward_params(fn, gw, gb, cols, ibuf, in, go, scale, &g, adjh,
                                          adjw));
  lt_gcstep(L);
  return 0;
}

/* temporal_conv_forward(out, input, weight, bias, kW, dW) */
static int temporal_conv_forward(lua_State *L) {
  const char *fn = lt_callername(L, "temporal_conv_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_checktensor(L, 3, fn), *b = lt_opttensor(L, 4, fn);
  int64_t kw = lt_checkint(L, 5, fn), dw = lt_checkint(L, 6, fn);
  LT_TRY(L, nn_temporal_conv_forward(fn, out, in, w, b, kw, dw));
  lt_gcstep(L);
  return 0;
}

/* temporal_conv_backward_input(gradIn, buf, input, gradOut, weight, kW, dW) */
static int temporal_conv_backward_input(lua_State *L) {
  const char *fn = lt_callername(L, "temporal_conv_backward_input");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *buf = lt_checktensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn), *go = lt_checktensor(L, 4, fn);
  dl_tensor *w = lt_checktensor(L, 5, fn);
  int64_t kw = lt_checkint(L, 6, fn), dw = lt_checkint(L, 7, fn);
  LT_TRY(L, nn_temporal_conv_backward_input(fn, gi, buf, in, go, w, kw, dw));
  lt_gcstep(L);
  return 0;
}

/* temporal_conv_backward_params(gradWeight, gradBias, input, gradOut, scale, kW, dW) */
static int temporal_conv_backward_params(lua_State *L) {
  const char *fn = lt_callername(L, "temporal_conv_backward_params");
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn), *go = lt_checktensor(L, 4, fn);
  double scale = lt_checknum(L, 5, fn);
  int64_t kw = lt_checkint(L, 6, fn), dw = lt_checkint(L, 7, fn);
  LT_TRY(L, nn_temporal_conv_backward_params(fn, gw, gb, in, go, scale, kw, dw));
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
    {"conv2d_forward", conv2d_forward},
    {"conv2d_backward_input", conv2d_backward_input},
    {"conv2d_backward_params", conv2d_backward_params},
    {"fullconv2d_forward", fullconv2d_forward},
    {"fullconv2d_backward_input", fullconv2d_backward_input},
    {"fullconv2d_backward_params", fullconv2d_backward_params},
    {"temporal_conv_forward", temporal_conv_forward},
    {"temporal_conv_backward_input", temporal_conv_backward_input},
    {"temporal_conv_backward_params", temporal_conv_backward_params},
    {NULL, NULL}};

void lt_open_conv(lua_State *L) { lt_register_in(L, "_nn", conv_funcs); }
