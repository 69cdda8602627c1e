/* File helpers for the Lua side: whole-file reading through zlib, terminal detection. */
#include <stdlib.h>
#include <unistd.h>

#include "../io/file.h"
#include "lt.h"

static int push_buffer(lua_State *L) {
  lua_pushlstring(L, lua_touserdata(L, 1), (size_t)lua_tointeger(L, 2));
  return 1;
}

/* torch._io.readfile(path): the contents, gunzipped when gzip. */
static int io_readfile(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char *buf;
  size_t len;
  LT_TRY(L, io_read_all(path, (size_t)1 << 34, &buf, &len));
  /* lua_pushlstring raises when Lua is out of memory: push under lua_pcall, so that the
     buffer is freed either way */
  lua_pushcfunction(L, push_buffer);
  lua_pushlightuserdata(L, buf);
  lua_pushinteger(L, (lua_Integer)len);
  int status = lua_pcall(L, 2, 1, 0);
  free(buf);
  if (status != LUA_OK) return lua_error(L);
  return 1;
}

/* torch._io.isatty(file): whether a Lua file (default io.stdout) is a terminal. */
static int io_isatty(lua_State *L) {
  int fd = 1;
  if (!lua_isnoneornil(L, 1)) {
    luaL_Stream *s = luaL_checkudata(L, 1, LUA_FILEHANDLE);
    fd = s->f ? fileno(s->f) : -1;
  }
  lua_pushboolean(L, fd >= 0 && isatty(fd));
  return 1;
}

static const luaL_Reg funcs[] = {{"readfile", io_readfile}, {"isatty", io_isatty}, {NULL, NULL}};

void lt_open_io(lua_State *L) {
  lt_register_in(L, "_io", funcs);
}
