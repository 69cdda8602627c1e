/* Bitwise bindings in Torch7's forms (kernels: src/ops/bitwise.c):
     torch.bitand([res,] x, value)   x:bitand(value)   res:bitand(x, value)
     torch.cbitand([res,] x, y)      x:cbitand(y)      res:cbitand(x, y)
   and likewise bitor, bitxor, lshift, rshift, cbitor, cbitxor, clshift, crshift. The
   functions allocate unless a result comes first; the methods write into self. */
#include "../ops/bitwise.h"
#include "lt.h"

/* The operand after the leading tensors is the last argument: a number (withnum) or a
   tensor. Two leading tensors are res and x; one is x, and the result is self for a
   method, a new tensor for a function. */
static int bitcall(lua_State *L, const char *fn, op_bit_op op, int withnum, int method) {
  int top = lua_gettop(L), lead = 0;
  while (lead < top - 1 && lead < 2 && lt_totensor(L, lead + 1)) lead++;
  int ok = lead >= 1 && lead == top - 1 &&
           (withnum ? lua_type(L, top) == LUA_TNUMBER : lt_totensor(L, top) != NULL);
  if (!ok) {
    if (lead >= 1 && lead == top - 1)
      return lt_error(L, "%s: argument %d: expected a %s, got %s", fn, top,
                      withnum ? "number" : "tensor", luaL_typename(L, top));
    return lt_error(L, withnum ? "%s: expected ([res,] tensor, number)"
                               : "%s: expected ([res,] tensor, tensor)", fn);
  }
  dl_tensor *x = lt_totensor(L, lead);
  dl_tensor *res;
  if (lead == 2 || method) {
    res = lt_totensor(L, 1);
    lua_pushvalue(L, 1);
  } else {
    res = lt_newtensor(L, x->dtype);
  }
  if (!withnum) {
    LT_TRY(L, op_bit_tensor(fn, res, x, lt_totensor(L, top), op));
  } else if (lua_isinteger(L, top)) {
    LT_TRY(L, op_bit_scalar_int(fn, res, x, op, (int64_t)lua_tointeger(L, top)));
  } else {
    LT_TRY(L, op_bit_scalar(fn, res, x, op, lua_tonumber(L, top)));
  }
  lt_gcstep(L);
  return 1;
}

#define BIT_OPS(X)                                                                        \
  X(bitand, OP_BIT_AND, 1) X(bitor, OP_BIT_OR, 1) X(bitxor, OP_BIT_XOR, 1)               \
  X(lshift, OP_BIT_LSHIFT, 1) X(rshift, OP_BIT_RSHIFT, 1)                                \
  X(cbitand, OP_BIT_AND, 0) X(cbitor, OP_BIT_OR, 0) X(cbitxor, OP_BIT_XOR, 0)            \
  X(clshift, OP_BIT_LSHIFT, 0) X(crshift, OP_BIT_RSHIFT, 0)

#define BIT_FUNCS(name, op, num)                                                          \
  static int m_##name(lua_State *L) { return bitcall(L, #name, op, num, 1); }             \
  static int f_##name(lua_State *L) { return bitcall(L, #name, op, num, 0); }
BIT_OPS(BIT_FUNCS)

#define M_ROW(name, op, num) {#name, m_##name},
#define F_ROW(name, op, num) {#name, f_##name},
static const luaL_Reg methods[] = {BIT_OPS(M_ROW){NULL, NULL}};
static const luaL_Reg funcs[] = {BIT_OPS(F_ROW){NULL, NULL}};

void lt_open_bitwise(lua_State *L) { lt_register(L, methods, funcs); }
