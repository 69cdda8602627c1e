/* Bindings of the linear layer kernels (src/nn/linear.c) into torch._nn: output first,
   as the C kernels take them; optional tensors are nil. */
#include "../nn/linear.h"
#include "lt.h"

/* linear_forward(out, input, weight [, bias]) */
static int linear_forward(lua_State *L) {
  const char *fn = lt_callername(L, "linear_forward");
  dl_tensor *out = lt_checktensor(L, 1, fn), *in = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_checktensor(L, 3, fn), *b = lt_opttensor(L, 4, fn);
  LT_TRY(L, nn_linear_forward(fn, out, in, w, b));
  lt_gcstep(L);
  return 0;
}

/* linear_backward_input(gradIn, gradOut, weight) */
static int linear_backward_input(lua_State *L) {
  const char *fn = lt_callername(L, "linear_backward_input");
  dl_tensor *gi = lt_checktensor(L, 1, fn), *go = lt_checktensor(L, 2, fn);
  dl_tensor *w = lt_checktensor(L, 3, fn);
  LT_TRY(L, nn_linear_backward_input(fn, gi, go, w));
  lt_gcstep(L);
  return 0;
}

/* linear_backward_params(gradWeight, gradBias or nil, input, gradOut [, scale]) */
static int linear_backward_params(lua_State *L) {
  const char *fn = lt_callername(L, "linear_backward_params");
  dl_tensor *gw = lt_checktensor(L, 1, fn), *gb = lt_opttensor(L, 2, fn);
  dl_tensor *in = lt_checktensor(L, 3, fn), *go = lt_checktensor(L, 4, fn);
  LT_TRY(L, nn_linear_backward_params(fn, gw, gb, in, go, lt_optnum(L, 5, 1.0, fn)));
  return 0;
}

static const luaL_Reg linear_funcs[] = {
    {"linear_forward", linear_forward},
    {"linear_backward_input", linear_backward_input},
    {"linear_backward_params", linear_backward_params},
    {NULL, NULL}};

void lt_open_linear(lua_State *L) { lt_register_in(L, "_nn", linear_funcs); }
