/* Placeholder runner until the real one lands: runs a script with torch loaded. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

int luaopen_torch_core(lua_State *L);

int main(int argc, char **argv) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_torch_core);
  lua_setfield(L, -2, "torch.core");
  lua_pop(L, 1);
  int rc = argc > 1 ? luaL_dofile(L, argv[1]) : 0;
  if (rc) lua_writestringerror("%s\n", lua_tostring(L, -1));
  lua_close(L);
  return rc ? 1 : 0;
}
