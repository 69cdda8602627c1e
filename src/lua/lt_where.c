/* Where an error is reported, and which module it names.

   An error a script causes is reported at the script's line, not inside dlua's own Lua
   files: nn.SpatialConvolution's forward calls a kernel binding from
   lua/nn/SpatialConvolution.lua, and the user wants "train.lua:12:", not that file's line.
   So the position is that of the first Lua frame, counting outwards from the function
   that raised, whose chunk is not one of dlua's Lua packages (the library root, which
   torch/init.lua records, followed by one of the package names below). When every frame
   is dlua's (a REPL line that errs inside a dlua function still has its own chunk), the
   innermost Lua frame is used, as luaL_error would. */
#include <stdio.h>
#include <string.h>

#include "lt.h"

static const char libroot_key = 0;
static const char *const packages[] = {"torch/", "nn/", "nngraph/", "graph/", "dl/",
                                       "optim/", "paths/", "sys/", "xlua/", "dlua/",
                                       "image/", "nnx/", "csvigo/"};

/* torch._setlibroot(source): source is torch/init.lua's chunk name, "@<root>torch/init.lua". */
static int set_libroot(lua_State *L) {
  size_t n;
  const char *src = luaL_checklstring(L, 1, &n);
  const char *tail = "torch/init.lua";
  size_t tn = strlen(tail);
  if (n < tn + 1 || src[0] != '@' || strcmp(src + n - tn, tail) != 0) return 0;
  lua_pushlstring(L, src, n - tn); /* "@<root>" */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &libroot_key);
  return 0;
}

static int is_library(lua_State *L, const lua_Debug *ar) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &libroot_key) != LUA_TSTRING) {
    lua_pop(L, 1);
    return 0;
  }
  size_t rn;
  const char *root = lua_tolstring(L, -1, &rn);
  int lib = 0;
  if (strncmp(ar->source, root, rn) == 0)
    for (size_t i = 0; i < sizeof packages / sizeof packages[0] && !lib; i++)
      lib = strncmp(ar->source + rn, packages[i], strlen(packages[i])) == 0;
  lua_pop(L, 1);
  return lib;
}

void lt_where(lua_State *L) {
  lua_Debug ar;
  int first = 0; /* the innermost Lua frame, the fallback */
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline <= 0) continue; /* a C function */
    if (!first) first = level;
    if (!is_library(L, &ar)) {
      lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
      return;
    }
  }
  if (first) {
    luaL_where(L, first);
    return;
  }
  lua_pushliteral(L, "");
}

/* True when the metatable at the top of the stack is nn.Criterion's or a descendant's (a
   class's metatable has its parent's as metatable, lua/torch/class.lua). */
static int is_criterion_class(lua_State *L) {
  int n = 0, found = 0;
  lua_pushvalue(L, -1);
  for (; !found && n < 64; n++) {
    if (lua_getfield(L, -1, "__typename") == LUA_TSTRING &&
        strcmp(lua_tostring(L, -1), "nn.Criterion") == 0)
      found = 1;
    lua_pop(L, 1);
    if (found || !lua_getmetatable(L, -1)) break;
  }
  lua_pop(L, n + 1);
  return found;
}

/* The class name of what the script called, for a kernel's error: the innermost object
   whose method is running in dlua's Lua files ("nn.SpatialConvolution" inside an
   nn.Sequential, which says which module failed), except that the modules a criterion
   runs inside are named as that criterion (nn.CrossEntropyCriterion, not the nn.LogSoftMax
   it is made of); among criteria the innermost is named (inside an nn.ParallelCriterion,
   the one that failed). An object is a method's first local (self) that is a table
   with a __typename. */
const char *lt_callername_now(lua_State *L, const char *fallback) {
  lua_Debug ar;
  const char *inner = NULL, *criterion = NULL;
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline <= 0) continue;
    if (!is_library(L, &ar)) break;
    if (!lua_getlocal(L, &ar, 1)) {
      if (inner) break;
      continue;
    }
    const char *name = NULL;
    int crit = 0;
    if (lua_type(L, -1) == LUA_TTABLE && lua_getmetatable(L, -1)) {
      if (lua_getfield(L, -1, "__typename") == LUA_TSTRING) name = lua_tostring(L, -1);
      lua_pop(L, 1); /* the name stays alive: it is interned in the class table */
      crit = name && is_criterion_class(L);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* the criterion a module runs inside calls it directly (a chain of method frames):
       past the first frame that is not a method, no criterion encloses inner */
    if (!name && inner) break;
    if (name && !inner) inner = name;
    if (crit) {
      criterion = name; /* the innermost criterion: inside a ParallelCriterion, the one
                           that failed */
      break;
    }
  }
  return criterion ? criterion : inner ? inner : fallback;
}

/* Walking the stack for the class name costs about a microsecond, as much as a small
   kernel, and is needed only when something goes wrong. So lt_callername returns a mark,
   LT_MARK followed by the fallback ("\x1flinear_forward"), that the kernel's messages
   carry where the name goes; lt_error and lt_warnings put the name in its place
   (lt_pushnamed), from the same stack, when a message is raised or shown. The marks are
   interned once per fallback in a registry table (keyed by the fallback's address: the
   bindings pass string literals), so a call costs two table reads. */
static const char marks_key = 0;

const char *lt_callername(lua_State *L, const char *fallback) {
  if (!fallback) return lt_callername_now(L, NULL);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &marks_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &marks_key);
  }
  const char *mark;
  if (lua_rawgetp(L, -1, fallback) == LUA_TSTRING) {
    mark = lua_tostring(L, -1);
  } else {
    lua_pop(L, 1);
    mark = lua_pushfstring(L, "%c%s", LT_MARK, fallback);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, fallback);
  }
  lua_pop(L, 2); /* the string stays alive in the table */
  return mark;
}

void lt_pushnamed(lua_State *L, const char *msg) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  const char *p;
  while ((p = strchr(msg, LT_MARK)) != NULL) {
    luaL_addlstring(&b, msg, (size_t)(p - msg));
    size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.");
    char fallback[64];
    snprintf(fallback, sizeof fallback, "%.*s", (int)n, p + 1);
    /* the name must be copied out before the buffer grows (it may live on the stack) */
    const char *name = lt_callername_now(L, fallback);
    char copy[128];
    snprintf(copy, sizeof copy, "%s", name);
    luaL_addstring(&b, copy);
    msg = p + 1 + n;
  }
  luaL_addstring(&b, msg);
  luaL_pushresult(&b);
}

/* The warnings already shown, keyed "file:line: message". */
static const char shown_key = 0;

void lt_warnings(lua_State *L) {
  const char *msg = dl_takewarning();
  if (!msg) return;
  lt_where(L);
  int pos = (int)lua_rawlen(L, -1);
  lt_pushnamed(L, msg);
  lua_concat(L, 2);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &shown_key) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &shown_key);
  }
  lua_pushvalue(L, -2);
  if (lua_rawget(L, -2) == LUA_TNIL) {
    lua_pushvalue(L, -3);
    lua_pushboolean(L, 1);
    lua_rawset(L, -4);
    /* "train.lua:12: warning: cmul: ..." */
    const char *line = lua_tostring(L, -3);
    fprintf(stderr, "%.*swarning: %s\n", pos, line, line + pos);
    fflush(stderr);
  }
  lua_pop(L, 3);
}

/* torch._error(message): raises message at the script's position (Module:_error). */
static int raise_here(lua_State *L) {
  const char *msg = luaL_checkstring(L, 1);
  lt_where(L);
  lua_pushstring(L, msg);
  lua_concat(L, 2);
  return lua_error(L);
}

/* torch._warn(message): shows message as a warning at the script's position, once per
   position and message (the kernels' dl_warn, for checks made in Lua). */
static int warn_here(lua_State *L) {
  dl_warn("%s", luaL_checkstring(L, 1));
  lt_warnings(L);
  return 0;
}

static const luaL_Reg where_funcs[] = {
    {"_setlibroot", set_libroot}, {"_error", raise_here}, {"_warn", warn_here}, {NULL, NULL}};

void lt_open_where(lua_State *L) { lt_register(L, NULL, where_funcs); }
