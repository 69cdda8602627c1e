/* Histogram bindings in Torch7's forms (kernels: src/ops/histogram.c):
     torch.histc([res,] x [, nbins = 100 [, min = 0, max = 0]])   x:histc(...)   res:histc(x, ...)
   and likewise bhistc. x:histc gives a new tensor, as in Torch7; min = max takes the
   range from the data. */
#include "../ops/histogram.h"
#include "lt.h"

typedef int (*hist_fn)(const char *, dl_tensor *, const dl_tensor *, int64_t, double, double);

static int histcall(lua_State *L, const char *fn, hist_fn kernel) {
  int isres = lt_totensor(L, 1) && lt_totensor(L, 2);
  int xi = isres ? 2 : 1;
  dl_tensor *x = lt_checktensor(L, xi, fn);
  int64_t nbins = lt_optint(L, xi + 1, 100, fn);
  double lo = lt_optnum(L, xi + 2, 0, fn), hi = lt_optnum(L, xi + 3, 0, fn);
  if (lua_isnoneornil(L, xi + 2) != lua_isnoneornil(L, xi + 3))
    return lt_error(L, "%s: give both min and max, or neither", fn);
  dl_tensor *res = isres ? (lua_pushvalue(L, 1), lt_totensor(L, 1)) : lt_newtensor(L, x->dtype);
  LT_TRY(L, kernel(fn, res, x, nbins, lo, hi));
  lt_gcstep(L);
  return 1;
}

static int l_histc(lua_State *L) { return histcall(L, "histc", op_hist_histc); }
static int l_bhistc(lua_State *L) { return histcall(L, "bhistc", op_hist_bhistc); }

static const luaL_Reg funcs[] = {{"histc", l_histc}, {"bhistc", l_bhistc}, {NULL, NULL}};

void lt_open_histogram(lua_State *L) { lt_register(L, funcs, funcs); }
