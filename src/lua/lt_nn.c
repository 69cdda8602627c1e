/* torch._nn's helpers that belong to no kernel file. */
#include <stdint.h>

#include "lt.h"

/* storageid(tensor): an integer naming the storage under a tensor (nil when it has none),
   so that Lua code can tell which tensors share memory. */
static int storageid(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "storageid");
  if (!t->storage) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushinteger(L, (lua_Integer)(intptr_t)t->storage);
  return 1;
}

static const luaL_Reg nn_funcs[] = {{"storageid", storageid}, {NULL, NULL}};

void lt_open_nn(lua_State *L) { lt_register_in(L, "_nn", nn_funcs); }
