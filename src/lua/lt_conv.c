/* Bindings of the convolution kernels (src/nn/conv.c) into torch._nn: output first, then
   buffers, inputs and geometry, as the C kernels take them. The kernels check everything
   and name the module that called (lt_callername), so the Lua classes pass their tensors
   straight through. Geometry arguments come in Torch7's order, width before height:
   kW, kH, dW, dH, padW, padH, dilationW, dilationH. Optional tensors are nil. Arguments
   are read by lt_args (lt_args.c). */
#include "../nn/conv.h"
#include "../nn/depthwise.h"
#include "lt.h"

/* The geometry's pointers in lt_args order (kW, kH, dW, dH, padW, padH, then the
   dilations or, for the transposed convolution, adjW and adjH into adj). */
#define CONV_GEOM(g) &(g).kw, &(g).kh, &(g).dw, &(g).dh, &(g).pw, &(g).ph
static nn_conv_geom geom0(void) {
  nn_conv_geom g = {0, 0, 0, 0, 0, 0, 1, 1};
  return g;
}

/* conv2d_forward(out, cols, obuf, input, weight, bias, kW, kH, dW, dH, padW, padH [, dilW, dilH]) */
static int conv2d_forward(lua_State *L) {
  dl_tensor *out, *cols, *obuf, *in, *w, *b;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "conv2d_forward", "tttttoiiiiiiII",
                           (void *[]){&out, &cols, &obuf, &in, &w, &b, CONV_GEOM(g), &g.dilw,
                                      &g.dilh});
  return lt_done(L, nn_conv2d_forward(fn, out, cols, obuf, in, w, b, &g));
}

/* conv2d_backward_input(gradIn, gcols, obuf, input, gradOut, weight, geometry...) */
static int conv2d_backward_input(lua_State *L) {
  dl_tensor *gi, *gcols, *obuf, *in, *go, *w;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "conv2d_backward_input", "ttttttiiiiiiII",
                           (void *[]){&gi, &gcols, &obuf, &in, &go, &w, CONV_GEOM(g), &g.dilw,
                                      &g.dilh});
  return lt_done(L, nn_conv2d_backward_input(fn, gi, gcols, obuf, in, go, w, &g));
}

/* conv2d_backward_params(gradWeight, gradBias, cols, obuf, input, gradOut, scale, geometry...) */
static int conv2d_backward_params(lua_State *L) {
  dl_tensor *gw, *gb, *cols, *obuf, *in, *go;
  double scale;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "conv2d_backward_params", "tottttniiiiiiII",
                           (void *[]){&gw, &gb, &cols, &obuf, &in, &go, &scale, CONV_GEOM(g),
                                      &g.dilw, &g.dilh});
  return lt_done(L, nn_conv2d_backward_params(fn, gw, gb, cols, obuf, in, go, scale, &g));
}

/* The transposed convolution takes kW, kH, dW, dH, padW, padH, adjW, adjH (no dilation;
   the adjustments default to 0). */

/* fullconv2d_forward(out, cols, ibuf, input, weight, bias, kW, kH, dW, dH, padW, padH,
   adjW, adjH) */
static int fullconv2d_forward(lua_State *L) {
  dl_tensor *out, *cols, *ibuf, *in, *w, *b;
  nn_conv_geom g = geom0();
  int64_t adj[2] = {0, 0};
  const char *fn = lt_args(L, "fullconv2d_forward", "tttttoiiiiiiII",
                           (void *[]){&out, &cols, &ibuf, &in, &w, &b, CONV_GEOM(g), &adj[0],
                                      &adj[1]});
  return lt_done(L, nn_fullconv2d_forward(fn, out, cols, ibuf, in, w, b, &g, adj[1], adj[0]));
}

/* fullconv2d_backward_input(gradIn, cols, ibuf, input, gradOut, weight, kW, kH, dW, dH,
   padW, padH, adjW, adjH) */
static int fullconv2d_backward_input(lua_State *L) {
  dl_tensor *gi, *cols, *ibuf, *in, *go, *w;
  nn_conv_geom g = geom0();
  int64_t adj[2] = {0, 0};
  const char *fn = lt_args(L, "fullconv2d_backward_input", "ttttttiiiiiiII",
                           (void *[]){&gi, &cols, &ibuf, &in, &go, &w, CONV_GEOM(g), &adj[0],
                                      &adj[1]});
  return lt_done(L, nn_fullconv2d_backward_input(fn, gi, cols, ibuf, in, go, w, &g, adj[1],
                                                 adj[0]));
}

/* fullconv2d_backward_params(gradWeight, gradBias, cols, ibuf, input, gradOut, scale,
   kW, kH, dW, dH, padW, padH, adjW, adjH) */
static int fullconv2d_backward_params(lua_State *L) {
  dl_tensor *gw, *gb, *cols, *ibuf, *in, *go;
  double scale;
  nn_conv_geom g = geom0();
  int64_t adj[2] = {0, 0};
  const char *fn = lt_args(L, "fullconv2d_backward_params", "tottttniiiiiiII",
                           (void *[]){&gw, &gb, &cols, &ibuf, &in, &go, &scale, CONV_GEOM(g),
                                      &adj[0], &adj[1]});
  return lt_done(L, nn_fullconv2d_backward_params(fn, gw, gb, cols, ibuf, in, go, scale, &g,
                                                  adj[1], adj[0]));
}

/* temporal_conv_forward(out, input, weight, bias, kW, dW) */
static int temporal_conv_forward(lua_State *L) {
  dl_tensor *out, *in, *w, *b;
  int64_t kw, dw;
  const char *fn = lt_args(L, "temporal_conv_forward", "tttoii",
                           (void *[]){&out, &in, &w, &b, &kw, &dw});
  return lt_done(L, nn_temporal_conv_forward(fn, out, in, w, b, kw, dw));
}

/* temporal_conv_backward_input(gradIn, buf, input, gradOut, weight, kW, dW) */
static int temporal_conv_backward_input(lua_State *L) {
  dl_tensor *gi, *buf, *in, *go, *w;
  int64_t kw, dw;
  const char *fn = lt_args(L, "temporal_conv_backward_input", "tttttii",
                           (void *[]){&gi, &buf, &in, &go, &w, &kw, &dw});
  return lt_done(L, nn_temporal_conv_backward_input(fn, gi, buf, in, go, w, kw, dw));
}

/* temporal_conv_backward_params(gradWeight, gradBias, input, gradOut, scale, kW, dW) */
static int temporal_conv_backward_params(lua_State *L) {
  dl_tensor *gw, *gb, *in, *go;
  double scale;
  int64_t kw, dw;
  const char *fn = lt_args(L, "temporal_conv_backward_params", "tottnii",
                           (void *[]){&gw, &gb, &in, &go, &scale, &kw, &dw});
  return lt_done(L, nn_temporal_conv_backward_params(fn, gw, gb, in, go, scale, kw, dw));
}

/* The connection-table convolutions take kW, kH, dW, dH (no padding, no dilation) and
   full (false: SpatialConvolutionMap, true: SpatialFullConvolutionMap). */
#define MAP_GEOM(g) &(g).kw, &(g).kh, &(g).dw, &(g).dh

/* convmap_forward(out, input, weight, bias, conn, nOutputPlane, kW, kH, dW, dH, full) */
static int convmap_forward(lua_State *L) {
  dl_tensor *out, *in, *w, *b, *conn;
  int64_t nout;
  int full;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "convmap_forward", "tttotiiiiib",
                           (void *[]){&out, &in, &w, &b, &conn, &nout, MAP_GEOM(g), &full});
  return lt_done(L, nn_convmap_forward(fn, out, in, w, b, conn, nout, &g, full));
}

/* convmap_backward_input(gradIn, input, gradOut, weight, conn, nOutputPlane, kW, kH, dW,
   dH, full) */
static int convmap_backward_input(lua_State *L) {
  dl_tensor *gi, *in, *go, *w, *conn;
  int64_t nout;
  int full;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "convmap_backward_input", "tttttiiiiib",
                           (void *[]){&gi, &in, &go, &w, &conn, &nout, MAP_GEOM(g), &full});
  return lt_done(L, nn_convmap_backward_input(fn, gi, in, go, w, conn, nout, &g, full));
}

/* convmap_backward_params(gradWeight, gradBias, input, gradOut, conn, nOutputPlane, scale,
   kW, kH, dW, dH, full) */
static int convmap_backward_params(lua_State *L) {
  dl_tensor *gw, *gb, *in, *go, *conn;
  int64_t nout;
  double scale;
  int full;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "convmap_backward_params", "totttiniiiib",
                           (void *[]){&gw, &gb, &in, &go, &conn, &nout, &scale, MAP_GEOM(g),
                                      &full});
  return lt_done(L, nn_convmap_backward_params(fn, gw, gb, in, go, conn, nout, scale, &g, full));
}

/* convlocal_forward(out, cols, input, weight, bias, kW, kH, dW, dH, padW, padH) */
static int convlocal_forward(lua_State *L) {
  dl_tensor *out, *cols, *in, *w, *b;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "convlocal_forward", "ttttoiiiiii",
                           (void *[]){&out, &cols, &in, &w, &b, CONV_GEOM(g)});
  return lt_done(L, nn_convlocal_forward(fn, out, cols, in, w, b, &g));
}

/* convlocal_backward_input(gradIn, gcols, input, gradOut, weight, kW, kH, dW, dH, padW, padH) */
static int convlocal_backward_input(lua_State *L) {
  dl_tensor *gi, *gcols, *in, *go, *w;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "convlocal_backward_input", "tttttiiiiii",
                           (void *[]){&gi, &gcols, &in, &go, &w, CONV_GEOM(g)});
  return lt_done(L, nn_convlocal_backward_input(fn, gi, gcols, in, go, w, &g));
}

/* convlocal_backward_params(gradWeight, gradBias, cols, input, gradOut, scale, kW, kH, dW,
   dH, padW, padH) */
static int convlocal_backward_params(lua_State *L) {
  dl_tensor *gw, *gb, *cols, *in, *go;
  double scale;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "convlocal_backward_params", "totttniiiiii",
                           (void *[]){&gw, &gb, &cols, &in, &go, &scale, CONV_GEOM(g)});
  return lt_done(L, nn_convlocal_backward_params(fn, gw, gb, cols, in, go, scale, &g));
}

/* conv_path('auto' | 'batch' | 'sample'): how 2D convolutions run (see conv.h). */
static int conv_path(lua_State *L) {
  static const char *const names[] = {"auto", "batch", "sample", NULL};
  nn_conv_set_path((nn_conv_path)luaL_checkoption(L, 1, NULL, names));
  return 0;
}

/* The depthwise convolution: nInputPlane and the multiplier (nOutputPlane in Torch7's
   naming), then kW, kH, dW, dH, padW, padH. */

/* depthwise_forward(out, input, weight, bias, nInputPlane, multiplier, geometry...) */
static int depthwise_forward(lua_State *L) {
  dl_tensor *out, *in, *w, *b;
  int64_t c, m;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "depthwise_forward", "tttoiiiiiiii",
                           (void *[]){&out, &in, &w, &b, &c, &m, CONV_GEOM(g)});
  return lt_done(L, nn_depthwise_forward(fn, out, in, w, b, c, m, &g));
}

/* depthwise_backward_input(gradIn, input, gradOut, weight, nInputPlane, multiplier, geometry...) */
static int depthwise_backward_input(lua_State *L) {
  dl_tensor *gi, *in, *go, *w;
  int64_t c, m;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "depthwise_backward_input", "ttttiiiiiiii",
                           (void *[]){&gi, &in, &go, &w, &c, &m, CONV_GEOM(g)});
  return lt_done(L, nn_depthwise_backward_input(fn, gi, in, go, w, c, m, &g));
}

/* depthwise_backward_params(gradWeight, gradBias, input, gradOut, scale, nInputPlane,
   multiplier, geometry...) */
static int depthwise_backward_params(lua_State *L) {
  dl_tensor *gw, *gb, *in, *go;
  double scale;
  int64_t c, m;
  nn_conv_geom g = geom0();
  const char *fn = lt_args(L, "depthwise_backward_params", "tottniiiiiiii",
                           (void *[]){&gw, &gb, &in, &go, &scale, &c, &m, CONV_GEOM(g)});
  return lt_done(L, nn_depthwise_backward_params(fn, gw, gb, in, go, scale, c, m, &g));
}

static const luaL_Reg conv_funcs[] = {
    {"depthwise_forward", depthwise_forward},
    {"depthwise_backward_input", depthwise_backward_input},
    {"depthwise_backward_params", depthwise_backward_params},
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
    {"convlocal_forward", convlocal_forward},
    {"convlocal_backward_input", convlocal_backward_input},
    {"convlocal_backward_params", convlocal_backward_params},
    {"convmap_forward", convmap_forward},
    {"convmap_backward_input", convmap_backward_input},
    {"convmap_backward_params", convmap_backward_params},
    {NULL, NULL}};

void lt_open_conv(lua_State *L) { lt_register_in(L, "_nn", conv_funcs); }
