/* Bindings of the fused recurrent kernels (src/nn/rnn.c), float and int8, into torch._nn: output first,
   then the inputs, as the C kernels take them; optional tensors are nil. Messages name
   the module class whose method called (lt_callername), at the script's line. */
#include "../nn/rnn.h"
#include "lt.h"

/* lstm_forward(out, cell, gates, input, h0, c0, weight, bias, mask) */
static int lstm_forward(lua_State *L) {
  const char *fn = lt_callername(L, "lstm_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *cell = lt_checktensor(L, 2, fn);
  dl_tensor *gates = lt_checktensor(L, 3, fn), *x = lt_checktensor(L, 4, fn);
  dl_tensor *h0 = lt_opttensor(L, 5, fn), *c0 = lt_opttensor(L, 6, fn);
  dl_tensor *w = lt_checktensor(L, 7, fn), *b = lt_opttensor(L, 8, fn);
  dl_tensor *mask = lt_opttensor(L, 9, fn);
  LT_TRY(L, nn_lstm_forward(fn, out, cell, gates, x, h0, c0, w, b, mask));
  lt_gcstep(L);
  return 0;
}

/* lstm_backward(gradInput, gradH0, gradC0, dgates, input, h0, c0, weight, cell, gates,
   gradOutput, gradHT, gradCT, mask) */
static int lstm_backward(lua_State *L) {
  const char *fn = lt_callername(L, "lstm_backward");
  dl_tensor *gx = lt_checktensor(L, 1, fn), *gh0 = lt_checktensor(L, 2, fn);
  dl_tensor *gc0 = lt_checktensor(L, 3, fn), *dg = lt_checktensor(L, 4, fn);
  dl_tensor *x = lt_checktensor(L, 5, fn), *h0 = lt_opttensor(L, 6, fn);
  dl_tensor *c0 = lt_opttensor(L, 7, fn), *w = lt_checktensor(L, 8, fn);
  dl_tensor *cell = lt_checktensor(L, 9, fn), *gates = lt_checktensor(L, 10, fn);
  dl_tensor *go = lt_checktensor(L, 11, fn), *ght = lt_opttensor(L, 12, fn);
  dl_tensor *gct = lt_opttensor(L, 13, fn), *mask = lt_opttensor(L, 14, fn);
  LT_TRY(L, nn_lstm_backward(fn, gx, gh0, gc0, dg, x, h0, c0, w, cell, gates, go, ght, gct,
                             mask));
  lt_gcstep(L);
  return 0;
}

typedef int (*params_kernel)(const char *, dl_tensor *, dl_tensor *, const dl_tensor *,
                             const dl_tensor *, const dl_tensor *, const dl_tensor *, double);

/* lstm_backward_params and gru_backward_params(gradWeight, gradBias, input, h0, output,
   dgates, scale) */
static int backward_params(lua_State *L, const char *name, params_kernel kernel) {
  const char *fn = lt_callername(L, name);
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *x = lt_checktensor(L, 3, fn), *h0 = lt_opttensor(L, 4, fn);
  dl_tensor *out = lt_checktensor(L, 5, fn), *dg = lt_checktensor(L, 6, fn);
  double scale = lt_checknum(L, 7, fn);
  LT_TRY(L, kernel(fn, gw, gb, x, h0, out, dg, scale));
  return 0;
}

static int lstm_backward_params(lua_State *L) {
  return backward_params(L, "lstm_backward_params", nn_lstm_backward_params);
}

static int gru_backward_params(lua_State *L) {
  return backward_params(L, "gru_backward_params", nn_gru_backward_params);
}

/* gru_forward(out, gates, work, input, h0, weight, bias, mask) */
static int gru_forward(lua_State *L) {
  const char *fn = lt_callername(L, "gru_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *gates = lt_checktensor(L, 2, fn);
  dl_tensor *work = lt_checktensor(L, 3, fn), *x = lt_checktensor(L, 4, fn);
  dl_tensor *h0 = lt_opttensor(L, 5, fn), *w = lt_checktensor(L, 6, fn);
  dl_tensor *b = lt_opttensor(L, 7, fn), *mask = lt_opttensor(L, 8, fn);
  LT_TRY(L, nn_gru_forward(fn, out, gates, work, x, h0, w, b, mask));
  lt_gcstep(L);
  return 0;
}

/* gru_backward(gradInput, gradH0, dgates, input, h0, weight, output, gates, gradOutput,
   gradHT, mask) */
static int gru_backward(lua_State *L) {
  const char *fn = lt_callername(L, "gru_backward");
  dl_tensor *gx = lt_checktensor(L, 1, fn), *gh0 = lt_checktensor(L, 2, fn);
  dl_tensor *dg = lt_checktensor(L, 3, fn), *x = lt_checktensor(L, 4, fn);
  dl_tensor *h0 = lt_opttensor(L, 5, fn), *w = lt_checktensor(L, 6, fn);
  dl_tensor *out = lt_checktensor(L, 7, fn), *gates = lt_checktensor(L, 8, fn);
  dl_tensor *go = lt_checktensor(L, 9, fn), *ght = lt_opttensor(L, 10, fn);
  dl_tensor *mask = lt_opttensor(L, 11, fn);
  LT_TRY(L, nn_gru_backward(fn, gx, gh0, dg, x, h0, w, out, gates, go, ght, mask));
  lt_gcstep(L);
  return 0;
}

/* The two halves of a quantized cell's weights from six arguments at i: packed, scale and
   wsum of the input weights, then of the recurrent ones (no bias: the cell adds its own);
   inputSize and H are the halves' inputs per output. */
static void qhalves(lua_State *L, int i, const char *fn, int64_t D, int64_t H, nn_qweights *wx,
                    nn_qweights *wh) {
  nn_qweights *w[2] = {wx, wh};
  for (int h = 0; h < 2; h++, i += 3) {
    nn_qweights q = {lt_checktensor(L, i, fn), lt_checktensor(L, i + 1, fn),
                     lt_checktensor(L, i + 2, fn), NULL, h ? H : D, 0, 0, 0};
    *w[h] = q;
  }
}

/* qlstm_forward(out, cell, gates, work, qbuf, input, h0, c0, <input weights: packed, scale,
   wsum>, <recurrent weights: packed, scale, wsum>, bias, mask, inputSize, outputSize) */
static int qlstm_forward(lua_State *L) {
  const char *fn = lt_callername(L, "qlstm_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *cell = lt_checktensor(L, 2, fn);
  dl_tensor *gates = lt_checktensor(L, 3, fn), *work = lt_checktensor(L, 4, fn);
  dl_tensor *qbuf = lt_checktensor(L, 5, fn), *x = lt_checktensor(L, 6, fn);
  dl_tensor *h0 = lt_opttensor(L, 7, fn), *c0 = lt_opttensor(L, 8, fn);
  dl_tensor *b = lt_opttensor(L, 15, fn), *mask = lt_opttensor(L, 16, fn);
  nn_qweights wx, wh;
  qhalves(L, 9, fn, lt_checkint(L, 17, fn), lt_checkint(L, 18, fn), &wx, &wh);
  LT_TRY(L, nn_qlstm_forward(fn, out, cell, gates, work, qbuf, x, h0, c0, &wx, &wh, b, mask));
  lt_gcstep(L);
  return 0;
}

/* qgru_forward(out, gates, work, qbuf, input, h0, <input weights: packed, scale, wsum>,
   <recurrent weights>, bias, mask, inputSize, outputSize) */
static int qgru_forward(lua_State *L) {
  const char *fn = lt_callername(L, "qgru_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *gates = lt_checktensor(L, 2, fn);
  dl_tensor *work = lt_checktensor(L, 3, fn), *qbuf = lt_checktensor(L, 4, fn);
  dl_tensor *x = lt_checktensor(L, 5, fn), *h0 = lt_opttensor(L, 6, fn);
  dl_tensor *b = lt_opttensor(L, 13, fn), *mask = lt_opttensor(L, 14, fn);
  nn_qweights wx, wh;
  qhalves(L, 7, fn, lt_checkint(L, 15, fn), lt_checkint(L, 16, fn), &wx, &wh);
  LT_TRY(L, nn_qgru_forward(fn, out, gates, work, qbuf, x, h0, &wx, &wh, b, mask));
  lt_gcstep(L);
  return 0;
}

static const luaL_Reg rnn_funcs[] = {
    {"lstm_forward", lstm_forward}, {"lstm_backward", lstm_backward},
    {"lstm_backward_params", lstm_backward_params}, {"gru_forward", gru_forward},
    {"gru_backward", gru_backward}, {"gru_backward_params", gru_backward_params},
    {"qlstm_forward", qlstm_forward}, {"qgru_forward", qgru_forward},
    {NULL, NULL}};

void lt_open_rnn(lua_State *L) { lt_register_in(L, "_nn", rnn_funcs); }
