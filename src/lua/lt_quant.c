/* Bindings of the int8 kernels (src/nn/quant.c, src/ops/qgemm.c) into torch._nn: output
   first, then buffers, the input, the weights (packed, scale, wsum, bias or nil), the
   inputs per output k, and the static activation range (scale 0: dynamic, each row or
   sample its own). Arguments are read by lt_args (lt_args.c). */
#include <string.h>

#include "../nn/quant.h"
#include "../ops/qgemm.h"
#include "lt.h"

/* quantize_weight(packed, scale, wsum, weight) */
static int quantize_weight(lua_State *L) {
  dl_tensor *p, *s, *ws, *w;
  const char *fn = lt_args(L, "quantize_weight", "tttt", (void *[]){&p, &s, &ws, &w});
  return lt_done(L, nn_quantize_weight(fn, p, s, ws, w));
}

/* dequantize_weight(out, packed, scale, k) */
static int dequantize_weight(lua_State *L) {
  dl_tensor *o, *p, *s;
  int64_t k;
  const char *fn = lt_args(L, "dequantize_weight", "ttti", (void *[]){&o, &p, &s, &k});
  return lt_done(L, nn_dequantize_weight(fn, o, p, s, k));
}

static nn_qweights weights(dl_tensor *p, dl_tensor *s, dl_tensor *ws, dl_tensor *b,
                           int64_t k, double ascale, int64_t azero) {
  nn_qweights w = {p, s, ws, b, k, ascale != 0, (float)ascale, (int32_t)azero};
  if (azero != (int32_t)azero) w.azero = -1; /* out of range: the kernel says so */
  return w;
}

/* qlinear_forward(out, qbuf, input, packed, scale, wsum, bias, k, ascale, azero [, relu]) */
static int qlinear_forward(lua_State *L) {
  dl_tensor *o, *qb, *in, *p, *s, *ws, *b;
  int64_t k, az;
  double as;
  int relu;
  const char *fn = lt_args(L, "qlinear_forward", "ttttttoinib",
                           (void *[]){&o, &qb, &in, &p, &s, &ws, &b, &k, &as, &az, &relu});
  nn_qweights w = weights(p, s, ws, b, k, as, az);
  return lt_done(L, nn_qlinear_forward(fn, o, qb, in, &w, relu));
}

/* qconv2d_forward(out, qbuf, input, packed, scale, wsum, bias, k, ascale, azero, relu,
   kW, kH, dW, dH, padW, padH [, dilW, dilH]) */
static int qconv2d_forward(lua_State *L) {
  dl_tensor *o, *qb, *in, *p, *s, *ws, *b;
  int64_t k, az;
  double as;
  int relu;
  nn_conv_geom g = {0, 0, 0, 0, 0, 0, 1, 1};
  const char *fn =
      lt_args(L, "qconv2d_forward", "ttttttoinibiiiiiiII",
              (void *[]){&o, &qb, &in, &p, &s, &ws, &b, &k, &as, &az, &relu, &g.kw, &g.kh,
                         &g.dw, &g.dh, &g.pw, &g.ph, &g.dilw, &g.dilh});
  nn_qweights w = weights(p, s, ws, b, k, as, az);
  return lt_done(L, nn_qconv2d_forward(fn, o, qb, in, &w, &g, relu));
}

/* qgemm_path([name]): the machine path int8 products take ("avx512vnni", "avxvnni",
   "avx2", "scalar"); with a name (or "auto"), forces it first. */
static int qgemm_path(lua_State *L) {
  if (!lua_isnoneornil(L, 1)) {
    const char *name = luaL_checkstring(L, 1);
    int p = 0;
    while (p < OP_QPATH_COUNT && strcmp(op_qgemm_pathname((op_qpath)p), name) != 0) p++;
    if (p == OP_QPATH_COUNT)
      lt_error(L, "qgemm_path: unknown path '%s' (auto, scalar, avx2, avxvnni, avx512vnni)", name);
    LT_TRY(L, op_qgemm_setpath((op_qpath)p));
  }
  lua_pushstring(L, op_qgemm_pathname(op_qgemm_path()));
  return 1;
}

static const luaL_Reg quant_funcs[] = {
    {"quantize_weight", quantize_weight}, {"dequantize_weight", dequantize_weight},
    {"qlinear_forward", qlinear_forward}, {"qconv2d_forward", qconv2d_forward},
    {"qgemm_path", qgemm_path},           {NULL, NULL}};

void lt_open_quant(lua_State *L) { lt_register_in(L, "_nn", quant_funcs); }
