/* File helpers for the Lua side: whole-file reading through zlib, terminal detection. */
#include <stdlib.h>
#include <unistd.h>

#include "../io/file.h"
#include "lt.h"

/* torch._io.readfile(path): the contents, gunzipped when gzip. */
static int io_readfile(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char *buf;
  size_t len;
  LT_TRY(L, io_read_all(path, (size_t)1 << 34, &buf, &len));
  lua_pushlstring(L, buf, len); /* raises only when out of memory */
  free(buf);
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
