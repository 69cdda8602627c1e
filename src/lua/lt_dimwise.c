/* Bindings for the dimension-wise kernels (src/ops/dimwise.c), in Torch7's forms:
     torch.cross([res,] a, b [, dim])   a:cross(b [, dim]) (a new tensor)   res:cross(a, b [, dim])
     torch.renorm([res,] x, p, dim, maxnorm)   x:renorm(p, dim, maxnorm) (in place)
                                               res:renorm(x, p, dim, maxnorm)
   cross without dim takes the first dimension of size 3. */
#include "../ops/dimwise.h"
#include "lt.h"

static int l_cross(lua_State *L) {
  int isres = lt_totensor(L, 1) && lt_totensor(L, 2) && lt_totensor(L, 3);
  int ai = isres ? 2 : 1;
  dl_tensor *a = lt_checktensor(L, ai, "cross"), *b = lt_checktensor(L, ai + 1, "cross");
  int dim = lua_isnoneornil(L, ai + 2) ? -1 : lt_checkdim(L, ai + 2, a->ndim, "cross");
  dl_tensor *res = isres ? (lua_pushvalue(L, 1), lt_totensor(L, 1)) : lt_newtensor(L, a->dtype);
  LT_TRY(L, op_dim_cross("cross", res, a, b, dim));
  lt_gcstep(L);
  return 1;
}

/* method: self is the result and, without a second tensor, the input too */
static int renorm(lua_State *L, int method) {
  int two = lt_totensor(L, 1) && lt_totensor(L, 2);
  int xi = two ? 2 : 1;
  dl_tensor *x = lt_checktensor(L, xi, "renorm");
  double p = lt_checknum(L, xi + 1, "renorm");
  int dim = lt_checkdim(L, xi + 2, x->ndim > 0 ? x->ndim : 1, "renorm");
  double maxnorm = lt_checknum(L, xi + 3, "renorm");
  dl_tensor *res = two || method ? (lua_pushvalue(L, 1), lt_totensor(L, 1))
                                  : lt_newtensor(L, x->dtype);
  LT_TRY(L, op_dim_renorm("renorm", res, x, p, dim, maxnorm));
  lt_gcstep(L);
  return 1;
}

static int m_renorm(lua_State *L) { return renorm(L, 1); }
static int f_renorm(lua_State *L) { return renorm(L, 0); }

static const luaL_Reg methods[] = {{"cross", l_cross}, {"renorm", m_renorm}, {NULL, NULL}};
static const luaL_Reg funcs[] = {{"cross", l_cross}, {"renorm", f_renorm}, {NULL, NULL}};

void lt_open_dimwise(lua_State *L) { lt_register(L, methods, funcs); }
