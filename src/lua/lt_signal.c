/* Convolution bindings in Torch7's forms (kernels: src/ops/signal.c):
     torch.conv2([res,] x, k [, 'V' | 'F'])   x:conv2(k [, mode])   res:conv2(x, k [, mode])
   and likewise xcorr2, conv3, xcorr3. Three tensors in a row are res, x, k; two are x, k
   and give a new tensor. The mode is valid ('V', the default) or full ('F'). */
#include <string.h>

#include "../ops/signal.h"
#include "lt.h"

static int sigcall(lua_State *L, const char *fn, int nsp, int flip) {
  int isres = lt_totensor(L, 1) && lt_totensor(L, 2) && lt_totensor(L, 3);
  int xi = isres ? 2 : 1;
  dl_tensor *x = lt_checktensor(L, xi, fn), *k = lt_checktensor(L, xi + 1, fn);
  int full = 0, mi = xi + 2;
  if (!lua_isnoneornil(L, mi)) {
    const char *m = lua_type(L, mi) == LUA_TSTRING ? lua_tostring(L, mi) : NULL;
    if (!m || (strcmp(m, "V") && strcmp(m, "F")))
      return lt_error(L, "%s: argument %d: expected 'V' (valid) or 'F' (full), got %s", fn, mi,
                      m ? m : luaL_typename(L, mi));
    full = m[0] == 'F';
  }
  if (lua_gettop(L) > mi)
    return lt_error(L, "%s: expected ([res,] input, kernel [, 'V' or 'F']), got %d arguments",
                    fn, lua_gettop(L));
  dl_tensor *res = isres ? (lua_pushvalue(L, 1), lt_totensor(L, 1)) : lt_newtensor(L, x->dtype);
  LT_TRY(L, op_sig_conv(fn, res, x, k, nsp, full, flip));
  lt_gcstep(L);
  return 1;
}

static int l_conv2(lua_State *L) { return sigcall(L, "conv2", 2, 1); }
static int l_xcorr2(lua_State *L) { return sigcall(L, "xcorr2", 2, 0); }
static int l_conv3(lua_State *L) { return sigcall(L, "conv3", 3, 1); }
static int l_xcorr3(lua_State *L) { return sigcall(L, "xcorr3", 3, 0); }

static const luaL_Reg funcs[] = {{"conv2", l_conv2}, {"xcorr2", l_xcorr2}, {"conv3", l_conv3},
                                 {"xcorr3", l_xcorr3}, {NULL, NULL}};

void lt_open_signal(lua_State *L) { lt_register(L, funcs, funcs); }
