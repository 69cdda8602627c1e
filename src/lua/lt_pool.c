/* Bindings of the pooling kernels (src/nn/pool.c) into torch._nn: output first, then
   indices, inputs and geometry, as the C kernels take them. The kernels check everything
   and name the module that called (lt_callername). Geometry comes in Torch7's order,
   width before height: kW, kH, dW, dH, padW, padH, ceil. Optional tensors are nil.
   Arguments are read by lt_args (lt_args.c). */
#include "../nn/pool.h"
#include "../nn/prelude.h"
#include "lt.h"

/* The geometry's pointers in lt_args order: kW, kH, dW, dH, padW, padH, ceil ("iiiiiib"). */
#define POOL_GEOM(g) &(g).kw, &(g).kh, &(g).dw, &(g).dh, &(g).pw, &(g).ph, &(g).ceil
static nn_pool_geom geom0(void) {
  nn_pool_geom g = {0, 0, 0, 0, 0, 0, 0, 1, 1};
  return g;
}

/* maxpool2d_forward(out, indices, input, kW, kH, dW, dH, padW, padH, ceil [, dilationW,
   dilationH]) */
static int maxpool2d_forward(lua_State *L) {
  dl_tensor *out, *ix, *in;
  nn_pool_geom g = geom0();
  const char *fn = lt_args(L, "maxpool2d_forward", "tttiiiiiibII",
                           (void *[]){&out, &ix, &in, POOL_GEOM(g), &g.dilw, &g.dilh});
  return lt_done(L, nn_maxpool2d_forward(fn, out, ix, in, &g));
}

/* maxpool2d_backward(gradIn, input, gradOut, indices) */
static int maxpool2d_backward(lua_State *L) {
  dl_tensor *gi, *in, *go, *ix;
  const char *fn = lt_args(L, "maxpool2d_backward", "tttt", (void *[]){&gi, &in, &go, &ix});
  return lt_done(L, nn_maxpool2d_backward(fn, gi, in, go, ix));
}

/* avgpool2d_forward(out, input, kW, kH, dW, dH, padW, padH, ceil, count_include_pad) */
static int avgpool2d_forward(lua_State *L) {
  dl_tensor *out, *in;
  int cip;
  nn_pool_geom g = geom0();
  const char *fn = lt_args(L, "avgpool2d_forward", "ttiiiiiibb",
                           (void *[]){&out, &in, POOL_GEOM(g), &cip});
  return lt_done(L, nn_avgpool2d_forward(fn, out, in, &g, cip));
}

/* avgpool2d_backward(gradIn, input, gradOut, kW, kH, dW, dH, padW, padH, ceil,
   count_include_pad) */
static int avgpool2d_backward(lua_State *L) {
  dl_tensor *gi, *in, *go;
  int cip;
  nn_pool_geom g = geom0();
  const char *fn = lt_args(L, "avgpool2d_backward", "tttiiiiiibb",
                           (void *[]){&gi, &in, &go, POOL_GEOM(g), &cip});
  return lt_done(L, nn_avgpool2d_backward(fn, gi, in, go, &g, cip));
}

/* adaptive_pool2d_forward(out, indices or nil, input, oW, oH) */
static int adaptive_pool2d_forward(lua_State *L) {
  dl_tensor *out, *ix, *in;
  int64_t ow, oh;
  const char *fn = lt_args(L, "adaptive_pool2d_forward", "totii",
                           (void *[]){&out, &ix, &in, &ow, &oh});
  return lt_done(L, nn_adaptive_pool2d_forward(fn, out, ix, in, oh, ow));
}

/* adaptive_pool2d_backward(gradIn, input, gradOut, indices or nil, oW, oH) */
static int adaptive_pool2d_backward(lua_State *L) {
  dl_tensor *gi, *in, *go, *ix;
  int64_t ow, oh;
  const char *fn = lt_args(L, "adaptive_pool2d_backward", "tttoii",
                           (void *[]){&gi, &in, &go, &ix, &ow, &oh});
  return lt_done(L, nn_adaptive_pool2d_backward(fn, gi, in, go, ix, oh, ow));
}

/* temporal_maxpool_forward(out, indices, input, kW, dW) */
static int temporal_maxpool_forward(lua_State *L) {
  dl_tensor *out, *ix, *in;
  int64_t kw, dw;
  const char *fn = lt_args(L, "temporal_maxpool_forward", "tttii",
                           (void *[]){&out, &ix, &in, &kw, &dw});
  return lt_done(L, nn_temporal_maxpool_forward(fn, out, ix, in, kw, dw));
}

/* temporal_maxpool_backward(gradIn, input, gradOut, indices, kW, dW) */
static int temporal_maxpool_backward(lua_State *L) {
  dl_tensor *gi, *in, *go, *ix;
  int64_t kw, dw;
  const char *fn = lt_args(L, "temporal_maxpool_backward", "ttttii",
                           (void *[]){&gi, &in, &go, &ix, &kw, &dw});
  return lt_done(L, nn_temporal_maxpool_backward(fn, gi, in, go, ix, kw, dw));
}

/* feature_lppool_forward(out, input, width, stride, power, batch_mode) */
static int feature_lppool_forward(lua_State *L) {
  dl_tensor *out, *in;
  int64_t width, stride;
  double power;
  int batch;
  const char *fn = lt_args(L, "feature_lppool_forward", "ttiinb",
                           (void *[]){&out, &in, &width, &stride, &power, &batch});
  return lt_done(L, nn_feature_lppool_forward(fn, out, in, width, stride, power, batch));
}

/* feature_lppool_backward(gradIn, input, output, gradOut, width, stride, power, batch_mode) */
static int feature_lppool_backward(lua_State *L) {
  dl_tensor *gi, *in, *out, *go;
  int64_t width, stride;
  double power;
  int batch;
  const char *fn = lt_args(L, "feature_lppool_backward", "ttttiinb",
                           (void *[]){&gi, &in, &out, &go, &width, &stride, &power, &batch});
  return lt_done(L, nn_feature_lppool_backward(fn, gi, in, out, go, width, stride, power, batch));
}

/* fracmaxpool_forward(out, indices, input, samples, poolW, poolH, outW, outH) and, with
   poolT and outT after them, the volumetric one */
static int fracmaxpool_forward(lua_State *L) {
  dl_tensor *out, *ix, *in, *u;
  int64_t pool[3] = {1, 1, 1}, osize[3] = {1, 1, 1};
  int nsp = lua_gettop(L) >= 10 ? 3 : 2;
  const char *fn = lt_args(L, "fracmaxpool_forward", nsp == 3 ? "ttttiiiiii" : "ttttiiii",
                           (void *[]){&out, &ix, &in, &u, &pool[0], &pool[1], &osize[0],
                                      &osize[1], &pool[2], &osize[2]});
  return lt_done(L, nn_fracmaxpool_forward(fn, out, ix, in, u, nsp, pool, osize));
}

/* fracmaxpool_backward(gradIn, input, gradOut, indices, nsp) */
static int fracmaxpool_backward(lua_State *L) {
  dl_tensor *gi, *in, *go, *ix;
  int64_t nsp;
  const char *fn = lt_args(L, "fracmaxpool_backward", "tttti",
                           (void *[]){&gi, &in, &go, &ix, &nsp});
  return lt_done(L, nn_fracmaxpool_backward(fn, gi, in, go, ix, nsp == 3 ? 3 : 2));
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
    {"feature_lppool_forward", feature_lppool_forward},
    {"feature_lppool_backward", feature_lppool_backward},
    {"fracmaxpool_forward", fracmaxpool_forward},
    {"fracmaxpool_backward", fracmaxpool_backward},
    {"image_check", image_check},
    {NULL, NULL}};

void lt_open_pool(lua_State *L) { lt_register_in(L, "_nn", pool_funcs); }
