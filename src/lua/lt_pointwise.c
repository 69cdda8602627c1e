/* Elementwise math bindings: x:add(y), torch.add([res,] x, y), the comparisons and the
   operators + - * / and unary minus. The functions for the unary ops are generated from
   the op lists in ops/pointwise.h. Method forms write into self and return it (except the
   comparisons a:lt(b), which return a new ByteTensor, as Torch7); torch.* forms allocate
   unless a result tensor comes first. */
#include "../ops/pointwise.h"
#include "lt.h"

static int isnum(lua_State *L, int i) { return lua_type(L, i) == LUA_TNUMBER; }

/* The result: self for methods, else the given res or a new tensor of type dt; left on
   the top of the stack. */
static dl_tensor *result(lua_State *L, int res, dl_dtype dt) {
  if (res) {
    lua_pushvalue(L, res);
    return lt_totensor(L, res);
  }
  return lt_newtensor(L, dt);
}

/* ---- unary ops: self:f([x]) and torch.f([res,] x) ---------------------------------- */

static int unary_method(lua_State *L, const char *fn, op_pw_unop op) {
  dl_tensor *self = lt_checktensor(L, 1, fn);
  dl_tensor *x = lua_gettop(L) >= 2 ? lt_checktensor(L, 2, fn) : self;
  LT_TRY(L, op_pw_unary(fn, self, x, op, 0, 0));
  lua_settop(L, 1);
  return 1;
}

/* torch.f(number) is the number f(x), as Torch7's math functions took numbers too:
   computed by the op's own loop on a one-element tensor, so both forms agree. An integer
   stays an integer for abs, neg and sign. */
static int unary_number(lua_State *L, const char *fn, op_pw_unop op) {
  int isint = lua_isinteger(L, 1) && (op == OP_U_abs || op == OP_U_neg || op == OP_U_sign);
  int64_t one = 1;
  dl_tensor *t = lt_newtensor(L, isint ? DL_LONG : DL_DOUBLE);
  LT_TRY(L, dl_tensor_resize(t, 1, &one));
  if (isint) *(int64_t *)dl_tensor_data(t) = lua_tointeger(L, 1);
  else *(double *)dl_tensor_data(t) = lua_tonumber(L, 1);
  LT_TRY(L, op_pw_unary(fn, t, t, op, 0, 0));
  if (isint) lua_pushinteger(L, *(int64_t *)dl_tensor_data(t));
  else lua_pushnumber(L, *(double *)dl_tensor_data(t));
  return 1;
}

static int unary_function(lua_State *L, const char *fn, op_pw_unop op) {
  if (lua_gettop(L) == 1 && isnum(L, 1)) return unary_number(L, fn, op);
  int given = lua_gettop(L) >= 2 && lt_totensor(L, 1) && lt_totensor(L, 2);
  dl_tensor *x = lt_checktensor(L, given ? 2 : 1, fn);
  dl_tensor *res = result(L, given ? 1 : 0, x->dtype);
  LT_TRY(L, op_pw_unary(fn, res, x, op, 0, 0));
  lt_gcstep(L);
  return 1;
}

#define UNARY_PAIR(name, e)                                                                \
  static int m_##name(lua_State *L) { return unary_method(L, #name, OP_U_##name); }         \
  static int f_##name(lua_State *L) { return unary_function(L, #name, OP_U_##name); }
#define UNARY_ALL_PLAIN(X) X(neg, 0) X(abs, 0) X(sign, 0)
UNARY_ALL_PLAIN(UNARY_PAIR)
OP_UNARY_FLOAT(UNARY_PAIR)

/* ---- [res,] [t1,] tail: the argument forms of add, mul, clamp, cmul... ------------- */

typedef struct {
  int res, t1, t2; /* stack indices, 0 when absent */
  int nnum;        /* numbers read (the scalar form, or add's value) */
  double num[2];
} args;

enum { TAIL_SCALAR = 1, TAIL_TENSOR = 2, TAIL_VALUE = 4 };

/* Reads the arguments backwards from the top: either nscal numbers (TAIL_SCALAR), or a
   tensor t2 (TAIL_TENSOR) with an optional number before it (TAIL_VALUE); then t1 and,
   for functions, res. Methods: t1 defaults to self, which is res. */
static void parse(lua_State *L, const char *fn, int method, int tail, int nscal, args *p,
                  const char *usage) {
  int i = lua_gettop(L), base = method ? 2 : 1;
  p->res = p->t1 = p->t2 = p->nnum = 0;
  p->num[0] = p->num[1] = 0;
  if (method) lt_checktensor(L, 1, fn);
  if ((tail & TAIL_SCALAR) && i >= base && isnum(L, i)) {
    for (int k = nscal - 1; k >= 0; k--, i--) {
      if (i < base || !isnum(L, i)) goto bad;
      p->num[k] = lua_tonumber(L, i);
    }
    p->nnum = nscal;
  } else if ((tail & TAIL_TENSOR) && i >= base && lt_totensor(L, i)) {
    p->t2 = i--;
    if ((tail & TAIL_VALUE) && i >= base && isnum(L, i)) {
      p->num[0] = lua_tonumber(L, i--);
      p->nnum = 1;
    }
  } else {
    goto bad;
  }
  if (i >= base && lt_totensor(L, i)) p->t1 = i--;
  if (method) {
    if (i != 1) goto bad;
    p->res = 1;
    if (!p->t1) p->t1 = 1;
    return;
  }
  if (!p->t1 || i > 1 || (i == 1 && !lt_totensor(L, 1))) goto bad;
  p->res = i;
  return;
bad:
  lt_error(L, "%s: bad arguments, expected %s%s", fn, method ? "self:" : "torch.", usage);
}

#define T(i) lt_totensor(L, i)

/* add and csub: x + value * y, or x + value (csub: minus). */
static int addsub(lua_State *L, const char *fn, int method, op_pw_binop op, double sign) {
  args p;
  parse(L, fn, method, TAIL_SCALAR | TAIL_TENSOR | TAIL_VALUE, 1, &p,
        "add([res,] [x,] number) or ([res,] [x,] [value,] y)");
  dl_tensor *res = result(L, p.res, T(p.t1)->dtype);
  if (p.t2)
    LT_TRY(L, op_pw_binary(fn, res, T(p.t1), T(p.t2), op, p.nnum ? p.num[0] : 1));
  else
    LT_TRY(L, op_pw_unary(fn, res, T(p.t1), OP_U_adds, sign * p.num[0], 0));
  lt_gcstep(L);
  return 1;
}
static int m_add(lua_State *L) { return addsub(L, "add", 1, OP_B_add, 1); }
static int f_add(lua_State *L) { return addsub(L, "add", 0, OP_B_add, 1); }
static int m_csub(lua_State *L) { return addsub(L, "csub", 1, OP_B_csub, -1); }
static int f_csub(lua_State *L) { return addsub(L, "csub", 0, OP_B_csub, -1); }

/* Ops with a scalar form (uop) and a tensor form (bop); either may be absent (-1). */
static int scalar_or_tensor(lua_State *L, const char *fn, int method, int uop, int bop,
                            int nscal, const char *usage) {
  args p;
  int tail = (uop >= 0 ? TAIL_SCALAR : 0) | (bop >= 0 ? TAIL_TENSOR : 0);
  parse(L, fn, method, tail, nscal, &p, usage);
  dl_tensor *res = result(L, p.res, T(p.t1)->dtype);
  if (p.t2)
    LT_TRY(L, op_pw_binary(fn, res, T(p.t1), T(p.t2), (op_pw_binop)bop, 1));
  else
    LT_TRY(L, op_pw_unary(fn, res, T(p.t1), (op_pw_unop)uop, p.num[0], p.num[1]));
  lt_gcstep(L);
  return 1;
}

#define ST_PAIR(name, uop, bop, nscal, usage)                                                 \
  static int m_##name(lua_State *L) { return scalar_or_tensor(L, #name, 1, uop, bop, nscal, usage); } \
  static int f_##name(lua_State *L) { return scalar_or_tensor(L, #name, 0, uop, bop, nscal, usage); }
ST_PAIR(mul, OP_U_muls, -1, 1, "mul([res,] [x,] number)")
ST_PAIR(div, OP_U_divs, OP_B_cdiv, 1, "div([res,] [x,] number)")
ST_PAIR(fmod, OP_U_fmods, OP_B_cfmod, 1, "fmod([res,] [x,] number or tensor)")
ST_PAIR(remainder, OP_U_remainders, OP_B_cremainder, 1,
        "remainder([res,] [x,] number or tensor)")
ST_PAIR(clamp, OP_U_clamp, -1, 2, "clamp([res,] [x,] min, max)")
ST_PAIR(cmul, -1, OP_B_cmul, 1, "cmul([res,] [x,] y)")
ST_PAIR(cdiv, -1, OP_B_cdiv, 1, "cdiv([res,] [x,] y)")
ST_PAIR(cpow, -1, OP_B_cpow, 1, "cpow([res,] [x,] y)")
ST_PAIR(cfmod, -1, OP_B_cfmod, 1, "cfmod([res,] [x,] y)")
ST_PAIR(cremainder, -1, OP_B_cremainder, 1, "cremainder([res,] [x,] y)")
/* cmax and cmin propagate NaN, as max and min do (and PyTorch's maximum). */
ST_PAIR(cmax, OP_U_cmaxs, OP_B_cmax, 1, "cmax([res,] [x,] number or tensor)")
ST_PAIR(cmin, OP_U_cmins, OP_B_cmin, 1, "cmin([res,] [x,] number or tensor)")
ST_PAIR(atan2, -1, OP_B_atan2, 1, "atan2([res,] [y,] x)")

/* pow: x ^ number, number ^ x (torch.pow(2, x) or res:pow(2, x)), x ^ y elementwise. */
static int pow_common(lua_State *L, int method) {
  int top = lua_gettop(L), base = method ? 2 : 1;
  if (top >= base + 1 && lt_totensor(L, top) && isnum(L, top - 1)) {
    int res = method ? 1 : (top - 2 >= 1 ? top - 2 : 0);
    if ((method && top != 3) || (!method && top > 3) || (res && !lt_totensor(L, res)))
      lt_error(L, "pow: bad arguments, expected torch.pow([res,] number, tensor)");
    dl_tensor *x = lt_totensor(L, top);
    dl_tensor *r = result(L, res, x->dtype);
    LT_TRY(L, op_pw_unary("pow", r, x, OP_U_tpow, lua_tonumber(L, top - 1), 0));
    lt_gcstep(L);
    return 1;
  }
  return scalar_or_tensor(L, "pow", method, OP_U_pows, OP_B_cpow, 1,
                          "pow([res,] [x,] number) or ([res,] number, x)");
}
static int m_pow(lua_State *L) { return pow_common(L, 1); }
static int f_pow(lua_State *L) { return pow_common(L, 0); }

/* ---- addcmul, addcdiv: [res,] [x,] [value,] t1, t2; lerp: [res,] [a,] b, weight -------- */

static int addc(lua_State *L, const char *fn, int method, op_pw_terop op) {
  int i = lua_gettop(L), base = method ? 2 : 1, x = 0;
  double value = 1;
  if (method) lt_checktensor(L, 1, fn);
  if (i < base + 1 || !T(i) || !T(i - 1)) goto bad;
  int t2 = i--, t1 = i--;
  if (i >= base && isnum(L, i)) value = lua_tonumber(L, i--);
  if (i >= base && T(i)) x = i--;
  if (method ? i != 1 : (!x || i > 1 || (i == 1 && !T(1)))) goto bad;
  if (method && !x) x = 1;
  dl_tensor *res = result(L, method ? 1 : i, T(x)->dtype);
  LT_TRY(L, op_pw_ternary(fn, res, T(x), T(t1), T(t2), op, value));
  lt_gcstep(L);
  return 1;
bad:
  return lt_error(L, "%s: bad arguments, expected %s%s([res,] x, [value,] t1, t2)", fn,
                  method ? "self:" : "torch.", fn);
}
static int m_addcmul(lua_State *L) { return addc(L, "addcmul", 1, OP_T_addcmul); }
static int f_addcmul(lua_State *L) { return addc(L, "addcmul", 0, OP_T_addcmul); }
static int m_addcdiv(lua_State *L) { return addc(L, "addcdiv", 1, OP_T_addcdiv); }
static int f_addcdiv(lua_State *L) { return addc(L, "addcdiv", 0, OP_T_addcdiv); }

static int lerp(lua_State *L, int method) {
  args p;
  int top = lua_gettop(L);
  if (!method && top == 3 && isnum(L, 1) && isnum(L, 2) && isnum(L, 3)) {
    /* torch.lerp(a, b, weight) of numbers is the number a + weight * (b - a) (Torch7) */
    double a = lua_tonumber(L, 1), b = lua_tonumber(L, 2), w = lua_tonumber(L, 3);
    lua_pushnumber(L, a + w * (b - a));
    return 1;
  }
  if (top < 2 || !isnum(L, top)) lt_error(L, "lerp: bad arguments, expected ([res,] a, b, weight)");
  double w = lua_tonumber(L, top);
  lua_settop(L, top - 1); /* the rest is [res,] [a,] b */
  parse(L, "lerp", method, TAIL_TENSOR, 1, &p, "lerp([res,] [a,] b, weight)");
  dl_tensor *res = result(L, p.res, T(p.t1)->dtype);
  LT_TRY(L, op_pw_ternary("lerp", res, T(p.t1), T(p.t2), NULL, OP_T_lerp, w));
  lt_gcstep(L);
  return 1;
}
static int m_lerp(lua_State *L) { return lerp(L, 1); }
static int f_lerp(lua_State *L) { return lerp(L, 0); }

/* ---- comparisons: a:lt(b) and torch.lt(a, b) give a new ByteTensor; res:lt(a, b) and
   torch.lt(res, a, b) write into res ------------------------------------------------- */

static int compare(lua_State *L, const char *fn, int method, op_pw_unop uop, op_pw_binop bop) {
  args p;
  parse(L, fn, method, TAIL_SCALAR | TAIL_TENSOR, 1, &p, "lt([res,] a, b), b a tensor or number");
  int res = p.res;
  if (method && lua_gettop(L) == 2) res = 0; /* a:lt(b): self is the operand */
  dl_tensor *r = result(L, res, DL_BYTE);
  if (p.t2)
    LT_TRY(L, op_pw_binary(fn, r, T(p.t1), T(p.t2), bop, 0));
  else
    LT_TRY(L, op_pw_unary(fn, r, T(p.t1), uop, p.num[0], 0));
  lt_gcstep(L);
  return 1;
}
#define CMP_PAIR(name, e)                                                                   \
  static int m_##name(lua_State *L) { return compare(L, #name, 1, OP_U_##name, OP_B_##name); } \
  static int f_##name(lua_State *L) { return compare(L, #name, 0, OP_U_##name, OP_B_##name); }
OP_BINARY_CMP(CMP_PAIR)

/* ---- operators ----------------------------------------------------------------------- */

/* a OP b with numbers on either side; the result is always a new tensor. */
static int arith(lua_State *L, const char *fn, op_pw_binop tt, op_pw_unop tn, double tsign,
                 op_pw_unop nt) {
  dl_tensor *a = T(1), *b = T(2);
  if (a && b) {
    dl_tensor *r = lt_newtensor(L, a->dtype);
    LT_TRY(L, op_pw_binary(fn, r, a, b, tt, 1));
  } else if (a) {
    double v = lt_checknum(L, 2, fn);
    dl_tensor *r = lt_newtensor(L, a->dtype);
    LT_TRY(L, op_pw_unary(fn, r, a, tn, tsign < 0 ? -v : v, 0));
  } else {
    double v = lt_checknum(L, 1, fn);
    b = lt_checktensor(L, 2, fn);
    dl_tensor *r = lt_newtensor(L, b->dtype);
    LT_TRY(L, op_pw_unary(fn, r, b, nt, v, 0));
  }
  lt_gcstep(L);
  return 1;
}
static int o_add(lua_State *L) { return arith(L, "__add", OP_B_add, OP_U_adds, 1, OP_U_adds); }
static int o_sub(lua_State *L) { return arith(L, "__sub", OP_B_csub, OP_U_adds, -1, OP_U_rsubs); }
static int o_div(lua_State *L) { return arith(L, "__div", OP_B_cdiv, OP_U_divs, 1, OP_U_rdivs); }

static int o_unm(lua_State *L) {
  dl_tensor *x = lt_checktensor(L, 1, "__unm");
  dl_tensor *r = lt_newtensor(L, x->dtype);
  LT_TRY(L, op_pw_unary("__unm", r, x, OP_U_neg, 0, 0));
  lt_gcstep(L);
  return 1;
}

/* Calls the method `name` of a's type (dot, mv, mm from lt_blas.c) on a, b. */
static int call_method(lua_State *L, dl_tensor *a, const char *name) {
  luaL_getmetatable(L, lt_typename(a->dtype));
  lua_getfield(L, -1, name);
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_call(L, 2, 1);
  return 1;
}

/* number * tensor scales; tensor * tensor is dot, mv or mm by the dimensions, as Torch7. */
static int o_mul(lua_State *L) {
  dl_tensor *a = T(1), *b = T(2);
  if (!a || !b) return arith(L, "__mul", OP_B_cmul, OP_U_muls, 1, OP_U_muls);
  if (a->ndim == 1 && b->ndim == 1) return call_method(L, a, "dot");
  if (a->ndim == 2 && b->ndim == 1) return call_method(L, a, "mv");
  if (a->ndim == 2 && b->ndim == 2) return call_method(L, a, "mm");
  return lt_error(L, "__mul: tensor * tensor needs 1D*1D (dot), 2D*1D (mv) or 2D*2D (mm), "
                     "got %dD*%dD",
                  a->ndim, b->ndim);
}

#define REG(name, e) {#name, m_##name},
#define REGF(name, e) {#name, f_##name},
#define BOTH(X)                                                                             \
  X(add, 0) X(csub, 0) X(mul, 0) X(div, 0) X(fmod, 0) X(remainder, 0) X(clamp, 0) X(cmul, 0) \
  X(cdiv, 0) X(cpow, 0) X(cfmod, 0) X(cremainder, 0) X(atan2, 0) X(cmax, 0) X(cmin, 0)                            \
  X(pow, 0) X(addcmul, 0) X(addcdiv, 0) X(lerp, 0)

void lt_open_pointwise(lua_State *L) {
  static const luaL_Reg methods[] = {
      UNARY_ALL_PLAIN(REG) OP_UNARY_FLOAT(REG) OP_BINARY_CMP(REG) BOTH(REG)
      {"__add", o_add}, {"__sub", o_sub}, {"__mul", o_mul}, {"__div", o_div},
      {"__unm", o_unm}, {NULL, NULL}};
  static const luaL_Reg funcs[] = {
      UNARY_ALL_PLAIN(REGF) OP_UNARY_FLOAT(REGF) OP_BINARY_CMP(REGF) BOTH(REGF) {NULL, NULL}};
  lt_register(L, methods, funcs);
}
