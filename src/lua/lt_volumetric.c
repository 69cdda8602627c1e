/* Bindings of the volumetric kernels (src/nn/volumetric.c) into torch._nn: output first,
   then buffers, inputs and geometry, as the C kernels take them. The kernels check
   everything and name the module that called (lt_callername). Geometry comes in Torch7's
   order, time first and width before height: kT, kW, kH, dT, dW, dH, padT, padW, padH,
   then dilationT, dilationW, dilationH (default 1) or, for the transposed convolution,
   adjT, adjW, adjH (default 0). Optional tensors are nil. Arguments are read by lt_args
   (lt_args.c). */
#include "../nn/volumetric.h"
#include "lt.h"

/* The geometry's pointers in lt_args order ("iiiiiiiii"), then its dilations ("III"). */
#define VOL_GEOM(g) \
  &(g).kt, &(g).kw, &(g).kh, &(g).dt, &(g).dw, &(g).dh, &(g).pt, &(g).pw, &(g).ph
#define VOL_DIL(g) &(g).dilt, &(g).dilw, &(g).dilh
static nn_vol_geom geom0(void) {
  nn_vol_geom g = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
  return g;
}

/* vol_conv_forward(out, cols, input, weight, bias, geometry and dilations) */
static int vol_conv_forward(lua_State *L) {
  dl_tensor *out, *cols, *in, *w, *b;
  nn_vol_geom g = geom0();
  const char *fn = lt_args(L, "vol_conv_forward", "ttttoiiiiiiiiiIII",
                           (void *[]){&out, &cols, &in, &w, &b, VOL_GEOM(g), VOL_DIL(g)});
  return lt_done(L, nn_vol_conv_forward(fn, out, cols, in, w, b, &g));
}

/* vol_conv_backward_input(gradIn, cols, input, gradOut, weight, geometry and dilations) */
static int vol_conv_backward_input(lua_State *L) {
  dl_tensor *gi, *cols, *in, *go, *w;
  nn_vol_geom g = geom0();
  const char *fn = lt_args(L, "vol_conv_backward_input", "tttttiiiiiiiiiIII",
                           (void *[]){&gi, &cols, &in, &go, &w, VOL_GEOM(g), VOL_DIL(g)});
  return lt_done(L, nn_vol_conv_backward_input(fn, gi, cols, in, go, w, &g));
}

/* vol_conv_backward_params(gradWeight, gradBias, cols, input, gradOut, scale, geometry
   and dilations) */
static int vol_conv_backward_params(lua_State *L) {
  dl_tensor *gw, *gb, *cols, *in, *go;
  double scale;
  nn_vol_geom g = geom0();
  const char *fn = lt_args(L, "vol_conv_backward_params", "totttniiiiiiiiiIII",
                           (void *[]){&gw, &gb, &cols, &in, &go, &scale, VOL_GEOM(g),
                                      VOL_DIL(g)});
  return lt_done(L, nn_vol_conv_backward_params(fn, gw, gb, cols, in, go, scale, &g));
}

/* The adjustments adjT, adjW, adjH are read into a[0..2] and passed as {T, H, W}. */

/* vol_fullconv_forward(out, cols, input, weight, bias, geometry, adjT, adjW, adjH) */
static int vol_fullconv_forward(lua_State *L) {
  dl_tensor *out, *cols, *in, *w, *b;
  nn_vol_geom g = geom0();
  int64_t a[3] = {0, 0, 0};
  const char *fn = lt_args(L, "vol_fullconv_forward", "ttttoiiiiiiiiiIII",
                           (void *[]){&out, &cols, &in, &w, &b, VOL_GEOM(g), &a[0], &a[1], &a[2]});
  int64_t adj[3] = {a[0], a[2], a[1]};
  return lt_done(L, nn_vol_fullconv_forward(fn, out, cols, in, w, b, &g, adj));
}

/* vol_fullconv_backward_input(gradIn, cols, input, gradOut, weight, geometry,
   adjustments) */
static int vol_fullconv_backward_input(lua_State *L) {
  dl_tensor *gi, *cols, *in, *go, *w;
  nn_vol_geom g = geom0();
  int64_t a[3] = {0, 0, 0};
  const char *fn = lt_args(L, "vol_fullconv_backward_input", "tttttiiiiiiiiiIII",
                           (void *[]){&gi, &cols, &in, &go, &w, VOL_GEOM(g), &a[0], &a[1], &a[2]});
  int64_t adj[3] = {a[0], a[2], a[1]};
  return lt_done(L, nn_vol_fullconv_backward_input(fn, gi, cols, in, go, w, &g, adj));
}

/* vol_fullconv_backward_params(gradWeight, gradBias, cols, input, gradOut, scale,
   geometry, adjustments) */
static int vol_fullconv_backward_params(lua_State *L) {
  dl_tensor *gw, *gb, *cols, *in, *go;
  double scale;
  nn_vol_geom g = geom0();
  int64_t a[3] = {0, 0, 0};
  const char *fn = lt_args(L, "vol_fullconv_backward_params", "totttniiiiiiiiiIII",
                           (void *[]){&gw, &gb, &cols, &in, &go, &scale, VOL_GEOM(g), &a[0],
                                      &a[1], &a[2]});
  int64_t adj[3] = {a[0], a[2], a[1]};
  return lt_done(L, nn_vol_fullconv_backward_params(fn, gw, gb, cols, in, go, scale, &g, adj));
}

/* vol_maxpool_forward(out, indices, input, geometry, dilT, dilW, dilH, ceil) */
static int vol_maxpool_forward(lua_State *L) {
  dl_tensor *out, *ix, *in;
  nn_vol_geom g = geom0();
  int ceil;
  const char *fn = lt_args(L, "vol_maxpool_forward", "tttiiiiiiiiiIIIb",
                           (void *[]){&out, &ix, &in, VOL_GEOM(g), VOL_DIL(g), &ceil});
  return lt_done(L, nn_vol_maxpool_forward(fn, out, ix, in, &g, ceil));
}

/* vol_maxpool_backward(gradIn, input, gradOut, indices) */
static int vol_maxpool_backward(lua_State *L) {
  dl_tensor *gi, *in, *go, *ix;
  const char *fn = lt_args(L, "vol_maxpool_backward", "tttt", (void *[]){&gi, &in, &go, &ix});
  return lt_done(L, nn_vol_maxpool_backward(fn, gi, in, go, ix));
}

/* vol_avgpool_forward(out, input, geometry, ceil, count_include_pad) */
static int vol_avgpool_forward(lua_State *L) {
  dl_tensor *out, *in;
  nn_vol_geom g = geom0();
  int ceil, cip;
  const char *fn = lt_args(L, "vol_avgpool_forward", "ttiiiiiiiiibb",
                           (void *[]){&out, &in, VOL_GEOM(g), &ceil, &cip});
  return lt_done(L, nn_vol_avgpool_forward(fn, out, in, &g, ceil, cip));
}

/* vol_avgpool_backward(gradIn, input, gradOut, geometry, ceil, count_include_pad) */
static int vol_avgpool_backward(lua_State *L) {
  dl_tensor *gi, *in, *go;
  nn_vol_geom g = geom0();
  int ceil, cip;
  const char *fn = lt_args(L, "vol_avgpool_backward", "tttiiiiiiiiibb",
                           (void *[]){&gi, &in, &go, VOL_GEOM(g), &ceil, &cip});
  return lt_done(L, nn_vol_avgpool_backward(fn, gi, in, go, &g, ceil, cip));
}

/* vol_replpad_forward(out, input, pleft, pright, ptop, pbottom, pfront, pback) */
static int vol_replpad_forward(lua_State *L) {
  dl_tensor *out, *in;
  int64_t p[6];
  const char *fn = lt_args(L, "vol_replpad_forward", "ttiiiiii",
                           (void *[]){&out, &in, &p[0], &p[1], &p[2], &p[3], &p[4], &p[5]});
  return lt_done(L, nn_vol_replpad_forward(fn, out, in, p));
}

/* vol_replpad_backward(gradIn, input, gradOut, paddings as above) */
static int vol_replpad_backward(lua_State *L) {
  dl_tensor *gi, *in, *go;
  int64_t p[6];
  const char *fn = lt_args(L, "vol_replpad_backward", "tttiiiiii",
                           (void *[]){&gi, &in, &go, &p[0], &p[1], &p[2], &p[3], &p[4], &p[5]});
  return lt_done(L, nn_vol_replpad_backward(fn, gi, in, go, p));
}

/* upsample_forward(out, input, linear, oT, oH, oW) */
static int upsample_forward(lua_State *L) {
  dl_tensor *out, *in;
  int linear;
  int64_t o[3];
  const char *fn = lt_args(L, "upsample_forward", "ttbiii",
                           (void *[]){&out, &in, &linear, &o[0], &o[1], &o[2]});
  return lt_done(L, nn_upsample_forward(fn, out, in, linear, o));
}

/* upsample_backward(gradIn, input, gradOut, linear, oT, oH, oW) */
static int upsample_backward(lua_State *L) {
  dl_tensor *gi, *in, *go;
  int linear;
  int64_t o[3];
  const char *fn = lt_args(L, "upsample_backward", "tttbiii",
                           (void *[]){&gi, &in, &go, &linear, &o[0], &o[1], &o[2]});
  return lt_done(L, nn_upsample_backward(fn, gi, in, go, linear, o));
}

static const luaL_Reg volumetric_funcs[] = {
    {"vol_conv_forward", vol_conv_forward},
    {"vol_conv_backward_input", vol_conv_backward_input},
    {"vol_conv_backward_params", vol_conv_backward_params},
    {"vol_fullconv_forward", vol_fullconv_forward},
    {"vol_fullconv_backward_input", vol_fullconv_backward_input},
    {"vol_fullconv_backward_params", vol_fullconv_backward_params},
    {"vol_maxpool_forward", vol_maxpool_forward},
    {"vol_maxpool_backward", vol_maxpool_backward},
    {"vol_avgpool_forward", vol_avgpool_forward},
    {"vol_avgpool_backward", vol_avgpool_backward},
    {"vol_replpad_forward", vol_replpad_forward},
    {"vol_replpad_backward", vol_replpad_backward},
    {"upsample_forward", upsample_forward},
    {"upsample_backward", upsample_backward},
    {NULL, NULL}};

void lt_open_volumetric(lua_State *L) { lt_register_in(L, "_nn", volumetric_funcs); }
