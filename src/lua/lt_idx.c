/* IDX (MNIST format) reading: torch._io.readIDX and torch._io.parseIDX. */
#include <string.h>
#include <strings.h>

#include "../io/idx.h"
#include "lt.h"

/* The optional type argument: "byte", "long", "float", "double" or a full tensor type
   name such as "torch.FloatTensor"; -1 (the file's own type) when absent. */
static int check_want(lua_State *L, int idx, const char *fn) {
  if (lua_isnoneornil(L, idx)) return -1;
  const char *s = luaL_checkstring(L, idx);
  for (int t = 0; t <= DL_BYTE; t++) { /* the four types IDX data is read into */
    const char *name = dl_dtype_name((dl_dtype)t);
    if (strcmp(s, lt_typename((dl_dtype)t)) == 0) return t;
    if (strlen(s) == strlen(name) && strncasecmp(s, name, strlen(name)) == 0) return t;
  }
  return lt_error(L, "%s: argument %d: unknown tensor type '%s' (expected byte, long, "
                  "float or double)", fn, idx, s);
}

static double check_scale(lua_State *L, int idx, const char *fn) {
  return lua_isnoneornil(L, idx) ? 1.0 : lt_checknum(L, idx, fn);
}

/* torch._io.readIDX(path [, type [, scale]]): the tensor stored in an IDX file, gzip or
   plain, of the file's own type or of `type`, each element multiplied by scale. */
static int idx_read(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int want = check_want(L, 2, "readIDX");
  double scale = check_scale(L, 3, "readIDX");
  if (want < 0) want = io_idx_peek_file(path);
  if (want < 0) return lt_fail(L);
  dl_tensor *t = lt_newtensor(L, (dl_dtype)want);
  LT_TRY(L, io_idx_read(path, want, scale, t));
  lt_gcstep(L);
  return 1;
}

/* torch._io.parseIDX(bytes [, type [, scale [, name]]]): the same from a string. */
static int idx_parse(lua_State *L) {
  size_t len;
  const unsigned char *buf = (const unsigned char *)luaL_checklstring(L, 1, &len);
  int want = check_want(L, 2, "parseIDX");
  double scale = check_scale(L, 3, "parseIDX");
  const char *name = luaL_optstring(L, 4, "string");
  if (want < 0) want = io_idx_peek(buf, len, name);
  if (want < 0) return lt_fail(L);
  dl_tensor *t = lt_newtensor(L, (dl_dtype)want);
  LT_TRY(L, io_idx_parse(buf, len, name, want, scale, t));
  lt_gcstep(L);
  return 1;
}

static const luaL_Reg funcs[] = {{"readIDX", idx_read}, {"parseIDX", idx_parse}, {NULL, NULL}};

void lt_open_idx(lua_State *L) {
  lt_register_in(L, "_io", funcs);
}
