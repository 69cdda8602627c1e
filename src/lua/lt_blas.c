/* BLAS and LAPACK bindings: torch.mm, x:addmm, torch.gesv, ... in Torch7's forms. */
#include <string.h>

#include "../ops/blas.h"
#include "../ops/copy.h"
#include "../ops/gemm.h"
#include "../ops/lapack.h"
#include "lt.h"

/* ---- dot and the plain products: [res,] a, b ----------------------------------------- */

static int l_dot(lua_State *L) {
  dl_tensor *x = lt_checktensor(L, 1, "dot"), *y = lt_checktensor(L, 2, "dot");
  double r;
  LT_TRY(L, op_dot(x, y, &r));
  if (dl_dtype_isfloat(x->dtype)) lua_pushnumber(L, r);
  else lua_pushinteger(L, (lua_Integer)r);
  return 1;
}

typedef int (*product_fn)(dl_tensor *, const dl_tensor *, const dl_tensor *);

/* torch.mm(a, b), torch.mm(res, a, b) and res:mm(a, b). */
static int product(lua_State *L, const char *fn, product_fn op) {
  int first = lua_gettop(L) >= 3 ? 2 : 1;
  dl_tensor *a = lt_checktensor(L, first, fn), *b = lt_checktensor(L, first + 1, fn);
  dl_tensor *res;
  if (first == 2) {
    res = lt_checktensor(L, 1, fn);
    lua_pushvalue(L, 1);
  } else {
    res = lt_newtensor(L, a->dtype);
  }
  LT_TRY(L, op(res, a, b));
  lt_gcstep(L);
  return 1;
}

static int l_mm(lua_State *L) { return product(L, "mm", op_mm); }
static int l_mv(lua_State *L) { return product(L, "mv", op_mv); }
static int l_bmm(lua_State *L) { return product(L, "bmm", op_bmm); }
static int l_ger(lua_State *L) { return product(L, "ger", op_ger); }

/* ---- the add* family: [res,] [v1,] M, [v2,] a, b ---------------------------------------- */

typedef int (*add_fn)(dl_tensor *, double, const dl_tensor *, double, const dl_tensor *,
                      const dl_tensor *);

typedef struct {
  double beta, alpha; /* Torch7's v1 and v2 */
  int m;              /* stack index of M, 0 if absent */
  dl_tensor *a, *b;
} add_args;

/* Reads [v1,] [M,] [v2,] a, b backwards from the top, down to idx; returns the index of
   the last argument left unread (idx - 1 when all were used). */
static int parse_add(lua_State *L, int idx, const char *fn, add_args *p) {
  int i = lua_gettop(L);
  if (i - idx + 1 < 2) lt_error(L, "%s: expected at least two tensors", fn);
  p->b = lt_checktensor(L, i--, fn);
  p->a = lt_checktensor(L, i--, fn);
  p->alpha = p->beta = 1;
  p->m = 0;
  if (i >= idx && lua_type(L, i) == LUA_TNUMBER) p->alpha = lua_tonumber(L, i--);
  if (i >= idx && lt_totensor(L, i)) p->m = i--;
  if (i >= idx && lua_type(L, i) == LUA_TNUMBER) p->beta = lua_tonumber(L, i--);
  return i;
}

/* Method form: self is the result; M defaults to self (M:addmm(a, b) adds in place). */
static int add_method(lua_State *L, const char *fn, add_fn op) {
  dl_tensor *self = lt_checktensor(L, 1, fn);
  add_args p;
  if (parse_add(L, 2, fn, &p) != 1)
    lt_error(L, "%s: bad arguments, expected self:%s([v1,] [M,] [v2,] a, b)", fn, fn);
  const dl_tensor *M = p.m ? lt_totensor(L, p.m) : NULL;
  LT_TRY(L, op(self, p.beta, M, p.alpha, p.a, p.b));
  lua_settop(L, 1);
  lt_gcstep(L);
  return 1;
}

/* Function form: M is required; a tensor before everything else is the result. */
static int add_function(lua_State *L, const char *fn, add_fn op) {
  add_args p;
  int left = parse_add(L, 1, fn, &p);
  if (!p.m || left > 1 || (left == 1 && !lt_totensor(L, 1)))
    lt_error(L, "%s: bad arguments, expected torch.%s([res,] [v1,] M, [v2,] a, b)", fn, fn);
  const dl_tensor *M = lt_totensor(L, p.m);
  dl_tensor *res;
  if (left == 1) {
    res = lt_totensor(L, 1);
    lua_pushvalue(L, 1);
  } else {
    res = lt_newtensor(L, M->dtype);
  }
  LT_TRY(L, op(res, p.beta, M, p.alpha, p.a, p.b));
  lt_gcstep(L);
  return 1;
}

#define ADD_PAIR(name)                                                        \
  static int m_##name(lua_State *L) { return add_method(L, #name, op_##name); } \
  static int f_##name(lua_State *L) { return add_function(L, #name, op_##name); }
ADD_PAIR(addmm)
ADD_PAIR(addmv)
ADD_PAIR(addr)
ADD_PAIR(addbmm)
ADD_PAIR(baddbmm)
#undef ADD_PAIR

/* ---- LAPACK: [results...,] inputs... [, options] -------------------------------------- */

/* The tensors at the start of the arguments: exactly nin of them means new results,
   nres + nin means the first nres are the results (written into, as Torch7 does).
   Returns the index of the first input; *given tells which case it is. */
static int lapack_inputs(lua_State *L, const char *fn, int nres, int nin, int *given) {
  int n = 0;
  while (lt_totensor(L, n + 1)) n++;
  if (n != nin && n != nres + nin)
    lt_error(L, "%s: expected %d input tensor%s, or %d result tensor%s then the inputs; got %d tensors",
             fn, nin, nin > 1 ? "s" : "", nres, nres > 1 ? "s" : "", n);
  *given = n == nres + nin;
  return *given ? nres + 1 : 1;
}

/* Pushes the nres results (the given ones, or new ones of the input's type; types[i],
   when types is not NULL, is the type of a new result i) in order. Call it after
   reading the options: it moves the top of the stack. */
static void lapack_results(lua_State *L, int given, int nres, int in, dl_tensor **res,
                           const dl_dtype *types) {
  dl_dtype dt = lt_totensor(L, in)->dtype;
  for (int i = 0; i < nres; i++) {
    if (given) {
      res[i] = lt_totensor(L, i + 1);
      lua_pushvalue(L, i + 1);
    } else {
      res[i] = lt_newtensor(L, types ? types[i] : dt);
    }
  }
}

/* An optional one-letter option among `allowed` at idx (as 'V', 'U', 'S'). */
static char lapack_option(lua_State *L, int idx, const char *fn, const char *allowed, char def) {
  if (lua_isnoneornil(L, idx)) return def;
  const char *s = lua_tostring(L, idx);
  if (!s || lua_type(L, idx) != LUA_TSTRING || strlen(s) != 1 || !strchr(allowed, s[0]))
    lt_error(L, "%s: argument %d must be one of the letters '%s'", fn, idx, allowed);
  return s[0];
}

/* The core call, then the collector learns about the results' bytes (new results get
   their storage from LAPACK's buffers, after lt_newtensor's own step). */
#define LAPACK_CALL(L, call) \
  do {                       \
    LT_TRY(L, call);         \
    lt_gcstep(L);            \
  } while (0)

static int l_gesv(lua_State *L) {
  dl_tensor *r[2];
  int given, in = lapack_inputs(L, "gesv", 2, 2, &given);
  lapack_results(L, given, 2, in, r, NULL);
  LAPACK_CALL(L, op_gesv(r[0], r[1], lt_totensor(L, in), lt_totensor(L, in + 1)));
  return 2;
}

static int l_trtrs(lua_State *L) {
  dl_tensor *r[2];
  int given, in = lapack_inputs(L, "trtrs", 2, 2, &given);
  char uplo = lapack_option(L, in + 2, "trtrs", "UL", 'U');
  char trans = lapack_option(L, in + 3, "trtrs", "NT", 'N');
  char diag = lapack_option(L, in + 4, "trtrs", "NU", 'N');
  lapack_results(L, given, 2, in, r, NULL);
  LAPACK_CALL(L, op_trtrs(r[0], r[1], lt_totensor(L, in), lt_totensor(L, in + 1), uplo, trans, diag));
  return 2;
}

static int l_gels(lua_State *L) {
  dl_tensor *r[2];
  int given, in = lapack_inputs(L, "gels", 2, 2, &given);
  lapack_results(L, given, 2, in, r, NULL);
  LAPACK_CALL(L, op_gels(r[0], r[1], lt_totensor(L, in), lt_totensor(L, in + 1)));
  return 2;
}

static int l_inverse(lua_State *L) {
  dl_tensor *r[1];
  int given, in = lapack_inputs(L, "inverse", 1, 1, &given);
  lapack_results(L, given, 1, in, r, NULL);
  LAPACK_CALL(L, op_inverse(r[0], lt_totensor(L, in)));
  return 1;
}

static int l_symeig(lua_State *L) {
  dl_tensor *r[2];
  int given, in = lapack_inputs(L, "symeig", 2, 1, &given);
  char jobz = lapack_option(L, in + 1, "symeig", "NV", 'N');
  char uplo = lapack_option(L, in + 2, "symeig", "UL", 'U');
  lapack_results(L, given, 2, in, r, NULL);
  LAPACK_CALL(L, op_symeig(r[0], r[1], lt_totensor(L, in), jobz == 'V', uplo));
  if (jobz == 'V') return 2; /* the two results sit on top, e first */
  lua_pop(L, 1);
  return 1;
}

static int l_eig(lua_State *L) {
  dl_tensor *r[2];
  int given, in = lapack_inputs(L, "eig", 2, 1, &given);
  char jobvr = lapack_option(L, in + 1, "eig", "NV", 'N');
  lapack_results(L, given, 2, in, r, NULL);
  LAPACK_CALL(L, op_eig(r[0], r[1], lt_totensor(L, in), jobvr == 'V'));
  if (jobvr == 'V') return 2;
  lua_pop(L, 1);
  return 1;
}

static int l_svd(lua_State *L) {
  dl_tensor *r[3];
  int given, in = lapack_inputs(L, "svd", 3, 1, &given);
  char job = lapack_option(L, in + 1, "svd", "SA", 'S');
  lapack_results(L, given, 3, in, r, NULL);
  LAPACK_CALL(L, op_svd(r[0], r[1], r[2], lt_totensor(L, in), job));
  return 3;
}

static int l_potrf(lua_State *L) {
  dl_tensor *r[1];
  int given, in = lapack_inputs(L, "potrf", 1, 1, &given);
  char uplo = lapack_option(L, in + 1, "potrf", "UL", 'U');
  lapack_results(L, given, 1, in, r, NULL);
  LAPACK_CALL(L, op_potrf(r[0], lt_totensor(L, in), uplo));
  return 1;
}

static int l_potrs(lua_State *L) {
  dl_tensor *r[1];
  int given, in = lapack_inputs(L, "potrs", 1, 2, &given);
  char uplo = lapack_option(L, in + 2, "potrs", "UL", 'U');
  lapack_results(L, given, 1, in, r, NULL);
  LAPACK_CALL(L, op_potrs(r[0], lt_totensor(L, in), lt_totensor(L, in + 1), uplo));
  return 1;
}

static int l_potri(lua_State *L) {
  dl_tensor *r[1];
  int given, in = lapack_inputs(L, "potri", 1, 1, &given);
  char uplo = lapack_option(L, in + 1, "potri", "UL", 'U');
  lapack_results(L, given, 1, in, r, NULL);
  LAPACK_CALL(L, op_potri(r[0], lt_totensor(L, in), uplo));
  return 1;
}

/* New pivots are a LongTensor (dlua's index type); given ones may be Torch7's
   IntTensor too, filled through a LongTensor. */
static int l_pstrf(lua_State *L) {
  dl_tensor *r[2];
  int given, in = lapack_inputs(L, "pstrf", 2, 1, &given);
  char uplo = lapack_option(L, in + 1, "pstrf", "UL", 'U');
  dl_dtype types[2] = {lt_totensor(L, in)->dtype, DL_LONG};
  lapack_results(L, given, 2, in, r, types);
  dl_tensor *piv = r[1];
  if (piv->dtype == DL_INT) piv = lt_newtensor(L, DL_LONG); /* above the results: popped */
  LAPACK_CALL(L, op_pstrf(r[0], piv, lt_totensor(L, in), uplo, -1));
  if (piv != r[1]) {
    LT_TRY(L, dl_tensor_resize(r[1], piv->ndim, piv->size));
    LT_TRY(L, op_copy(r[1], piv));
    lua_pop(L, 1);
  }
  return 2;
}

static int l_qr(lua_State *L) {
  dl_tensor *r[2];
  int given, in = lapack_inputs(L, "qr", 2, 1, &given);
  lapack_results(L, given, 2, in, r, NULL);
  LAPACK_CALL(L, op_qr(r[0], r[1], lt_totensor(L, in)));
  return 2;
}

static int l_geqrf(lua_State *L) {
  dl_tensor *r[2];
  int given, in = lapack_inputs(L, "geqrf", 2, 1, &given);
  lapack_results(L, given, 2, in, r, NULL);
  LAPACK_CALL(L, op_geqrf(r[0], r[1], lt_totensor(L, in)));
  return 2;
}

static int l_orgqr(lua_State *L) {
  dl_tensor *r[1];
  int given, in = lapack_inputs(L, "orgqr", 1, 2, &given);
  lapack_results(L, given, 1, in, r, NULL);
  LAPACK_CALL(L, op_orgqr(r[0], lt_totensor(L, in), lt_totensor(L, in + 1)));
  return 1;
}

static int l_ormqr(lua_State *L) {
  dl_tensor *r[1];
  int given, in = lapack_inputs(L, "ormqr", 1, 3, &given);
  char side = lapack_option(L, in + 3, "ormqr", "LR", 'L');
  char trans = lapack_option(L, in + 4, "ormqr", "NT", 'N');
  lapack_results(L, given, 1, in, r, NULL);
  LAPACK_CALL(L, op_ormqr(r[0], lt_totensor(L, in), lt_totensor(L, in + 1), lt_totensor(L, in + 2),
                          side, trans));
  return 1;
}

/* ---- which GEMM: torch.setgemm(name), torch.getgemm() -------------------------------- */

/* torch.setgemm('auto' | 'dlua' | 'openblas'): the float products' implementation. */
static int l_setgemm(lua_State *L) {
  if (lua_type(L, 1) != LUA_TSTRING)
    return lt_error(L, "setgemm: expected 'auto', 'dlua' or 'openblas', got %s",
                    luaL_typename(L, 1));
  LT_TRY(L, op_gemm_setmode("setgemm", lua_tostring(L, 1)));
  return 0;
}

/* torch.getgemm() -> the setting, the micro-kernel ('avx512', 'avx2' or 'none') */
static int l_getgemm(lua_State *L) {
  lua_pushstring(L, op_gemm_getmode());
  lua_pushstring(L, op_gemm_kernel());
  return 2;
}

void lt_open_blas(lua_State *L) {
#define LAPACK_FUNCS                                                          \
  {"gesv", l_gesv}, {"trtrs", l_trtrs}, {"gels", l_gels}, {"inverse", l_inverse}, \
      {"symeig", l_symeig}, {"eig", l_eig}, {"svd", l_svd}, {"potrf", l_potrf},   \
      {"potrs", l_potrs}, {"potri", l_potri}, {"pstrf", l_pstrf}, {"qr", l_qr},   \
      {"geqrf", l_geqrf}, {"orgqr", l_orgqr}, {"ormqr", l_ormqr}
  static const luaL_Reg methods[] = {
      {"dot", l_dot},         {"mm", l_mm},           {"mv", l_mv},
      {"bmm", l_bmm},         {"ger", l_ger},         {"addmm", m_addmm},
      {"addmv", m_addmv},     {"addr", m_addr},       {"addbmm", m_addbmm},
      {"baddbmm", m_baddbmm}, LAPACK_FUNCS,           {NULL, NULL}};
  static const luaL_Reg funcs[] = {
      {"dot", l_dot},         {"mm", l_mm},           {"mv", l_mv},
      {"bmm", l_bmm},         {"ger", l_ger},         {"addmm", f_addmm},
      {"addmv", f_addmv},     {"addr", f_addr},       {"addbmm", f_addbmm},
      {"baddbmm", f_baddbmm}, {"setgemm", l_setgemm},  {"getgemm", l_getgemm},
      LAPACK_FUNCS,           {NULL, NULL}};
#undef LAPACK_FUNCS
  lt_register(L, methods, funcs);
}
