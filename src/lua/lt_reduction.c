/* Reductions, scans and sorting in Torch7's forms: x:sum() is a number, x:sum(dim) and
   torch.sum([res,] x, dim) a tensor keeping dim with size 1; x:max(dim) and
   torch.max([vals, inds,] x, dim) give values and 1-based LongTensor indices. */
#include <math.h>

#include "../ops/reduction.h"
#include "../ops/sorting.h"
#include "lt.h"

static void push_num(lua_State *L, const op_red_num *r) {
  if (r->isint) lua_pushinteger(L, (lua_Integer)r->i);
  else lua_pushnumber(L, r->f);
}

/* Reads the leading tensors: [res,] x, or [vals, inds,] x when two results are possible.
   Returns the stack index of x (the first tensor is x when the next argument is not one). */
static int leading(lua_State *L, const char *fn, int nres) {
  lt_checktensor(L, 1, fn);
  int i = 1;
  while (i <= nres && lt_totensor(L, i + 1)) i++;
  return i;
}

/* An optional dimension at idx (nil or absent gives def, already 0-based). */
static int optdim(lua_State *L, int idx, const dl_tensor *x, int def, const char *fn) {
  if (lua_isnoneornil(L, idx)) return def;
  return lt_checkdim(L, idx, x->ndim, fn);
}

static int lastdim(const dl_tensor *x) { return x->ndim > 0 ? x->ndim - 1 : 0; }

/* A result tensor given at idx (when xi > idx) or a new one of type dt, pushed. */
static dl_tensor *result(lua_State *L, int idx, int xi, dl_dtype dt) {
  if (idx < xi) {
    lua_pushvalue(L, idx);
    return lt_totensor(L, idx);
  }
  return lt_newtensor(L, dt);
}

/* ---- sum, prod, mean: a number, or a tensor along dim ------------------------------- */

typedef int (*dim_fn)(dl_tensor *, const dl_tensor *, int);
typedef int (*all_fn)(const dl_tensor *, op_red_num *);

static int reduce(lua_State *L, const char *fn, all_fn all, dim_fn along) {
  int xi = leading(L, fn, 1);
  dl_tensor *x = lt_totensor(L, xi);
  if (lua_isnoneornil(L, xi + 1)) {
    op_red_num r;
    LT_TRY(L, all(x, &r));
    push_num(L, &r);
    return 1;
  }
  int dim = lt_checkdim(L, xi + 1, x->ndim, fn);
  dl_tensor *res = result(L, 1, xi, x->dtype);
  LT_TRY(L, along(res, x, dim));
  lt_gcstep(L);
  return 1;
}

static int meanall(const dl_tensor *x, op_red_num *r) {
  r->isint = 0;
  return op_red_meanall(x, &r->f);
}

static int l_sum(lua_State *L) { return reduce(L, "sum", op_red_sumall, op_red_sum); }
static int l_prod(lua_State *L) { return reduce(L, "prod", op_red_prodall, op_red_prod); }
static int l_mean(lua_State *L) { return reduce(L, "mean", meanall, op_red_mean); }

/* ---- std, var: [res,] x [, dim] [, flag] ------------------------------------------- */

static int spread(lua_State *L, const char *fn, int isstd) {
  int xi = leading(L, fn, 1);
  dl_tensor *x = lt_totensor(L, xi);
  int i = xi + 1;
  int dim = -1;
  if (lua_type(L, i) == LUA_TNUMBER) dim = lt_checkdim(L, i++, x->ndim, fn);
  else if (lua_isnil(L, i)) i++;
  int biased = lua_toboolean(L, i);
  if (dim < 0) {
    double r;
    LT_TRY(L, isstd ? op_red_stdall(x, biased, &r) : op_red_varall(x, biased, &r));
    lua_pushnumber(L, r);
    return 1;
  }
  dl_tensor *res = result(L, 1, xi, x->dtype);
  LT_TRY(L, isstd ? op_red_std(res, x, dim, biased) : op_red_var(res, x, dim, biased));
  lt_gcstep(L);
  return 1;
}

static int l_std(lua_State *L) { return spread(L, "std", 1); }
static int l_var(lua_State *L) { return spread(L, "var", 0); }

/* ---- norm: [res,] x [, p] [, dim] ---------------------------------------------------- */

static int l_norm(lua_State *L) {
  int xi = leading(L, "norm", 1);
  dl_tensor *x = lt_totensor(L, xi);
  double p = lua_isnoneornil(L, xi + 1) ? 2 : lt_checknum(L, xi + 1, "norm");
  if (lua_isnoneornil(L, xi + 2)) {
    double r;
    LT_TRY(L, op_red_normall(x, p, &r));
    lua_pushnumber(L, r);
    return 1;
  }
  int dim = lt_checkdim(L, xi + 2, x->ndim, "norm");
  dl_tensor *res = result(L, 1, xi, x->dtype);
  LT_TRY(L, op_red_norm(res, x, p, dim));
  lt_gcstep(L);
  return 1;
}

/* ---- max, min: a number, or values and indices along dim ---------------------------- */

typedef int (*pair_fn)(dl_tensor *, dl_tensor *, const dl_tensor *, int);

/* Pushes the two results: given tensors (vals, inds before x) or new ones. */
static void pair_results(lua_State *L, int xi, const dl_tensor *x, dl_tensor **v,
                         dl_tensor **ix) {
  if (xi == 3) {
    *v = result(L, 1, xi, x->dtype);
    *ix = result(L, 2, xi, DL_LONG);
  } else {
    *v = lt_newtensor(L, x->dtype);
    *ix = lt_newtensor(L, DL_LONG);
  }
}

static int extreme(lua_State *L, const char *fn, all_fn all, pair_fn along) {
  int xi = leading(L, fn, 2);
  dl_tensor *x = lt_totensor(L, xi);
  if (xi == 2) lt_error(L, "%s: expected [values, indices,] x [, dim]", fn);
  if (lua_isnoneornil(L, xi + 1)) {
    op_red_num r;
    LT_TRY(L, all(x, &r));
    push_num(L, &r);
    return 1;
  }
  int dim = lt_checkdim(L, xi + 1, x->ndim, fn);
  dl_tensor *v, *ix;
  pair_results(L, xi, x, &v, &ix);
  LT_TRY(L, along(v, ix, x, dim));
  lt_gcstep(L);
  return 2;
}

static int l_max(lua_State *L) { return extreme(L, "max", op_red_maxall, op_red_max); }
static int l_min(lua_State *L) { return extreme(L, "min", op_red_minall, op_red_min); }

/* ---- cumsum, cumprod: [res,] x [, dim = 1] ------------------------------------------- */

static int scan(lua_State *L, const char *fn, dim_fn along) {
  int xi = leading(L, fn, 1);
  dl_tensor *x = lt_totensor(L, xi);
  int dim = optdim(L, xi + 1, x, 0, fn);
  dl_tensor *res = result(L, 1, xi, x->dtype);
  LT_TRY(L, along(res, x, dim));
  lt_gcstep(L);
  return 1;
}

static int l_cumsum(lua_State *L) { return scan(L, "cumsum", op_red_cumsum); }
static int l_cumprod(lua_State *L) { return scan(L, "cumprod", op_red_cumprod); }

/* ---- numbers and booleans ----------------------------------------------------------- */

static int l_dist(lua_State *L) {
  dl_tensor *a = lt_checktensor(L, 1, "dist"), *b = lt_checktensor(L, 2, "dist");
  double p = lua_isnoneornil(L, 3) ? 2 : lt_checknum(L, 3, "dist"), r;
  LT_TRY(L, op_red_dist(a, b, p, &r));
  lua_pushnumber(L, r);
  return 1;
}

static int l_trace(lua_State *L) {
  op_red_num r;
  LT_TRY(L, op_red_trace(lt_checktensor(L, 1, "trace"), &r));
  push_num(L, &r);
  return 1;
}

static int l_all(lua_State *L) {
  int r;
  LT_TRY(L, op_red_all(lt_checktensor(L, 1, "all"), &r));
  lua_pushboolean(L, r);
  return 1;
}

static int l_any(lua_State *L) {
  int r;
  LT_TRY(L, op_red_any(lt_checktensor(L, 1, "any"), &r));
  lua_pushboolean(L, r);
  return 1;
}

static int l_equal(lua_State *L) {
  dl_tensor *a = lt_checktensor(L, 1, "equal"), *b = lt_checktensor(L, 2, "equal");
  int r = op_red_equal(a, b);
  if (r < 0) lt_fail(L);
  lua_pushboolean(L, r);
  return 1;
}

/* ---- sorting --------------------------------------------------------------------------- */

/* sort([vals, inds,] x [, dim] [, descending]) */
static int l_sort(lua_State *L) {
  int xi = leading(L, "sort", 2);
  dl_tensor *x = lt_totensor(L, xi);
  if (xi == 2) lt_error(L, "sort: expected [values, indices,] x [, dim] [, descending]");
  int i = xi + 1, dim = lastdim(x);
  if (lua_type(L, i) == LUA_TNUMBER) dim = lt_checkdim(L, i++, x->ndim, "sort");
  else if (lua_isnil(L, i)) i++;
  if (!lua_isnoneornil(L, i) && !lua_isboolean(L, i))
    lt_error(L, "sort: argument %d: expected a dimension or a boolean, got %s", i,
             luaL_typename(L, i));
  int desc = lua_toboolean(L, i);
  dl_tensor *v, *ix;
  pair_results(L, xi, x, &v, &ix);
  LT_TRY(L, op_sorting_sort(v, ix, x, dim, desc));
  lt_gcstep(L);
  return 2;
}

/* topk([vals, inds,] x, k [, dim] [, dir] [, sort]): the k smallest, or largest when dir. */
static int l_topk(lua_State *L) {
  int xi = leading(L, "topk", 2);
  dl_tensor *x = lt_totensor(L, xi);
  if (xi == 2) lt_error(L, "topk: expected [values, indices,] x, k [, dim] [, dir] [, sort]");
  int64_t k = lt_checkint(L, xi + 1, "topk");
  int dim = optdim(L, xi + 2, x, lastdim(x), "topk");
  int largest = lua_toboolean(L, xi + 3);
  dl_tensor *v, *ix;
  pair_results(L, xi, x, &v, &ix);
  LT_TRY(L, op_sorting_topk(v, ix, x, k, dim, largest));
  lt_gcstep(L);
  return 2;
}

/* kthvalue([vals, inds,] x, k [, dim]) */
static int l_kthvalue(lua_State *L) {
  int xi = leading(L, "kthvalue", 2);
  dl_tensor *x = lt_totensor(L, xi);
  if (xi == 2) lt_error(L, "kthvalue: expected [values, indices,] x, k [, dim]");
  int64_t k = lt_checkint(L, xi + 1, "kthvalue");
  int dim = optdim(L, xi + 2, x, lastdim(x), "kthvalue");
  dl_tensor *v, *ix;
  pair_results(L, xi, x, &v, &ix);
  LT_TRY(L, op_sorting_kthvalue(v, ix, x, k, dim));
  lt_gcstep(L);
  return 2;
}

/* median([vals, inds,] x [, dim = last]): tensors along the last dimension without dim,
   as Torch7 (whose median had no all-elements form, unlike max); torch.medianall(x) is
   the number. */
static int l_median(lua_State *L) {
  int xi = leading(L, "median", 2);
  dl_tensor *x = lt_totensor(L, xi);
  if (xi == 2) lt_error(L, "median: expected [values, indices,] x [, dim]");
  int dim = optdim(L, xi + 1, x, lastdim(x), "median");
  dl_tensor *v, *ix;
  pair_results(L, xi, x, &v, &ix);
  LT_TRY(L, op_sorting_median(v, ix, x, dim));
  lt_gcstep(L);
  return 2;
}

/* medianall(x): the lower median of all elements, a number. */
static int l_medianall(lua_State *L) {
  dl_tensor *x = lt_checktensor(L, 1, "medianall");
  op_red_num r;
  LT_TRY(L, op_sorting_medianall(x, &r));
  push_num(L, &r);
  return 1;
}

/* mode([vals, inds,] x [, dim = last]) */
static int l_mode(lua_State *L) {
  int xi = leading(L, "mode", 2);
  dl_tensor *x = lt_totensor(L, xi);
  if (xi == 2) lt_error(L, "mode: expected [values, indices,] x [, dim]");
  int dim = optdim(L, xi + 1, x, lastdim(x), "mode");
  dl_tensor *v, *ix;
  pair_results(L, xi, x, &v, &ix);
  LT_TRY(L, op_sorting_mode(v, ix, x, dim));
  lt_gcstep(L);
  return 2;
}

/* Both forms share these functions: the method's self is the torch.f form's x. */
#define COMMON                                                                     \
  {"sum", l_sum}, {"prod", l_prod}, {"mean", l_mean}, {"std", l_std}, {"var", l_var}, \
  {"norm", l_norm}, {"max", l_max}, {"min", l_min}, {"cumsum", l_cumsum},          \
  {"cumprod", l_cumprod}, {"dist", l_dist}, {"trace", l_trace}, {"all", l_all},    \
  {"any", l_any}, {"equal", l_equal}, {"sort", l_sort}, {"topk", l_topk},          \
  {"kthvalue", l_kthvalue}, {"median", l_median}, {"medianall", l_medianall}, {"mode", l_mode}

static const luaL_Reg methods[] = {COMMON, {NULL, NULL}};
static const luaL_Reg funcs[] = {COMMON, {NULL, NULL}};

void lt_open_reduction(lua_State *L) { lt_register(L, methods, funcs); }
