/* The module entry point and the helpers every binding file uses. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lt.h"

static const char *tnames[DL_NTYPES] = {"torch.FloatTensor", "torch.DoubleTensor",
                                        "torch.LongTensor",  "torch.ByteTensor",
                                        "torch.CharTensor",  "torch.ShortTensor",
                                        "torch.IntTensor",   "torch.HalfTensor"};
static const char *snames[DL_NTYPES] = {"torch.FloatStorage", "torch.DoubleStorage",
                                        "torch.LongStorage",  "torch.ByteStorage",
                                        "torch.CharStorage",  "torch.ShortStorage",
                                        "torch.IntStorage",   "torch.HalfStorage"};

const char *lt_typename(dl_dtype t) { return tnames[t]; }
const char *lt_storagename(dl_dtype t) { return snames[t]; }

int lt_error(lua_State *L, const char *fmt, ...) {
  char buf[512];
  int top = lua_gettop(L);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  /* a tensor function that fails inside an nn module's method (a view in nn.Reshape)
     names the module first: the script called the module, not the function */
  const char *cls = lt_callername(L, NULL);
  size_t cn = cls ? strlen(cls) : 0;
  lt_where(L);
  lt_pushnamed(L, buf); /* the marks of lt_callername become names */
  const char *msg = lua_tostring(L, -1);
  if (cls && !(strncmp(msg, cls, cn) == 0 && msg[cn] == ':')) {
    lua_pushstring(L, cls);
    lua_pushliteral(L, ": ");
    lua_rotate(L, -3, 2); /* before the message */
  }
  lua_concat(L, lua_gettop(L) - top);
  return lua_error(L);
}

int lt_fail(lua_State *L) { return lt_error(L, "%s", dl_errmsg()); }

/* Tensor bytes reach the collector as debt, which drives its minor collections (and
   the incremental cycle). In generational mode that is not enough: a tensor that lives
   through a few minor collections becomes old, and old garbage goes only at a major
   collection, which Lua starts from the growth of its own heap, not from tensor bytes.
   So, as Lua's genmajormul rule does for its heap, a full collection runs once the
   tensor bytes allocated since the last one exceed the bytes that were live after it
   (and a floor, so that small programs do not collect over and over). */
#define GC_MAJOR_FLOOR (16 * 1024 * 1024)

void lt_gcstep(lua_State *L) {
  /* per thread: each thread of the C API runs a state of its own */
  static _Thread_local int64_t seen, major_at, live_after_major;
  int64_t now = dl_storage_allocated(), kb = (now - seen) / 1024;
  if (kb <= 0) return;
  seen = now;
  int64_t grown = now - major_at;
  if (grown > GC_MAJOR_FLOOR && grown > live_after_major) {
    lua_gc(L, LUA_GCCOLLECT);
    major_at = dl_storage_allocated();
    live_after_major = dl_storage_live();
    return;
  }
  /* a basic step that accounts for kb kilobytes, as if Lua had allocated them */
  while (kb > 0) {
    int step = kb > (1 << 30) ? (1 << 30) : (int)kb;
    lua_gc(L, LUA_GCSTEP, step);
    kb -= step;
  }
}

/* Which of dlua's userdata kinds the metatables are: registry[&kinds][mt] = kind. A
   userdata is a tensor only if its metatable is one of the registered ones, never
   because of a field a script can set on any metatable (io.stdout's, say). Scripts
   cannot give a userdata a metatable, so a registered metatable proves the layout. */
static const char kinds = 0;

void lt_setkind(lua_State *L, int mt, int kind) {
  mt = lua_absindex(L, mt);
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kinds) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kinds);
  }
  lua_pushvalue(L, mt);
  lua_pushinteger(L, kind);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

int lt_kind(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA || !lua_getmetatable(L, idx)) return 0;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kinds);
  lua_pushvalue(L, -2);
  int kind = lua_istable(L, -2) ? (int)lua_tointeger(L, (lua_rawget(L, -2), -1)) : 0;
  lua_pop(L, 3);
  return kind;
}

dl_tensor *lt_totensor(lua_State *L, int idx) {
  if (lt_kind(L, idx) != LT_KIND_TENSOR || lua_rawlen(L, idx) != sizeof(dl_tensor)) return NULL;
  return lua_touserdata(L, idx);
}

static const char *argtype(lua_State *L, int idx) {
  if (luaL_getmetafield(L, idx, "__typename") == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1);
    return s; /* interned in the metatable, which stays alive */
  }
  return luaL_typename(L, idx);
}

dl_tensor *lt_checktensor(lua_State *L, int idx, const char *fn) {
  dl_tensor *t = lt_checkanytensor(L, idx, fn);
  if (!dl_dtype_ismath(t->dtype))
    lt_error(L, "%s: argument %d: torch.HalfTensor has no math (as in Torch7, it holds data: "
             "convert it with :float() or :double() first)", fn, idx);
  return t;
}

dl_tensor *lt_checkanytensor(lua_State *L, int idx, const char *fn) {
  dl_tensor *t = lt_totensor(L, idx);
  if (!t) {
    /* inside an nn module's method the position is the binding's, not the script's: the
       module's name and what was passed say it (nn.ReLU: expected a tensor, got nil) */
    if (fn[0] == LT_MARK) fn = lt_callername_now(L, fn + 1); /* the name, now it is needed */
    if (strncmp(fn, "nn.", 3) == 0)
      lt_error(L, "%s: expected a tensor, got %s", fn, argtype(L, idx));
    lt_error(L, "%s: argument %d: expected a tensor, got %s", fn, idx, argtype(L, idx));
  }
  return t;
}

dl_tensor *lt_checktype(lua_State *L, int idx, dl_dtype dt, const char *fn) {
  dl_tensor *t = lt_checktensor(L, idx, fn);
  if (t->dtype != dt)
    lt_error(L, "%s: argument %d: expected a %s, got a %s", fn, idx, tnames[dt],
               tnames[t->dtype]);
  return t;
}

dl_tensor *lt_newtensor(lua_State *L, dl_dtype dt) {
  dl_tensor *t = lua_newuserdatauv(L, sizeof(dl_tensor), 0);
  dl_tensor_init(t, dt);
  luaL_setmetatable(L, tnames[dt]);
  lt_gcstep(L);
  return t;
}

dl_tensor *lt_pushview(lua_State *L, const dl_tensor *src) {
  dl_tensor *t = lt_newtensor(L, src->dtype);
  dl_tensor_set(t, src);
  return t;
}

dl_dtype lt_defaulttype(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "dlua.defaulttype");
  dl_dtype t = lua_isinteger(L, -1) ? (dl_dtype)lua_tointeger(L, -1) : DL_DOUBLE;
  lua_pop(L, 1);
  return t;
}

dl_storage *lt_tostorage(lua_State *L, int idx) {
  if (lt_kind(L, idx) != LT_KIND_STORAGE || lua_rawlen(L, idx) != sizeof(dl_storage *))
    return NULL;
  /* NULL once finalized: a resurrected storage userdata is no storage any more */
  return *(dl_storage **)lua_touserdata(L, idx);
}

dl_storage *lt_checkstorage(lua_State *L, int idx, const char *fn) {
  dl_storage *s = lt_tostorage(L, idx);
  if (!s)
    lt_error(L, "%s: argument %d: expected a storage, got %s%s", fn, idx, argtype(L, idx),
             lt_kind(L, idx) == LT_KIND_STORAGE ? " (finalized)" : "");
  return s;
}

void lt_pushstorage(lua_State *L, dl_storage *s) {
  /* The reference is taken before allocating: the allocation can run finalizers, and one
     that re-points the tensor s came from (t:set(other)) would free s under us. */
  dl_storage_retain(s);
  dl_storage **u = lua_newuserdatauv(L, sizeof(dl_storage *), 0);
  *u = s;
  luaL_setmetatable(L, snames[s->dtype]);
  lt_gcstep(L);
}

void lt_pushsizes(lua_State *L, int n, const int64_t *v) {
  dl_storage *s = dl_storage_new(DL_LONG, n);
  if (!s) lt_fail(L);
  if (n > 0) memcpy(s->data, v, sizeof(int64_t) * n);
  lt_pushstorage(L, s);
  dl_storage_release(s);
}

int64_t lt_checkint(lua_State *L, int idx, const char *fn) {
  int isnum;
  lua_Integer v = lua_tointegerx(L, idx, &isnum);
  if (!isnum) {
    if (lua_type(L, idx) == LUA_TNUMBER)
      lt_error(L, "%s: argument %d: number %s has no integer representation", fn, idx,
                 lua_tostring(L, idx));
    lt_error(L, "%s: argument %d: expected an integer, got %s", fn, idx, argtype(L, idx));
  }
  return v;
}

int64_t lt_optint(lua_State *L, int idx, int64_t def, const char *fn) {
  return lua_isnoneornil(L, idx) ? def : lt_checkint(L, idx, fn);
}

double lt_checknum(lua_State *L, int idx, const char *fn) {
  int isnum;
  lua_Number v = lua_tonumberx(L, idx, &isnum);
  if (!isnum || lua_type(L, idx) != LUA_TNUMBER)
    lt_error(L, "%s: argument %d: expected a number, got %s", fn, idx, argtype(L, idx));
  return v;
}

int lt_tablenumber(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TNUMBER) return 1;
  if (lua_type(L, idx) != LUA_TSTRING) return 0;
  /* Torch7 read table elements with lua_tonumber, so {"1", "2.5"} made a tensor (csvigo
     gives strings); the slot is replaced by the number so later reads see it */
  if (lua_stringtonumber(L, lua_tostring(L, idx)) == 0) return 0;
  lua_replace(L, idx);
  return 1;
}

double lt_optnum(lua_State *L, int idx, double def, const char *fn) {
  return lua_isnoneornil(L, idx) ? def : lt_checknum(L, idx, fn);
}

int lt_optbool(lua_State *L, int idx, int def) {
  return lua_isnoneornil(L, idx) ? def : lua_toboolean(L, idx);
}

dl_tensor *lt_opttensor(lua_State *L, int idx, const char *fn) {
  return lua_isnoneornil(L, idx) ? NULL : lt_checktensor(L, idx, fn);
}

int lt_checkdim(lua_State *L, int idx, int ndim, const char *fn) {
  int64_t d = lt_checkint(L, idx, fn);
  int64_t z = d < 0 ? d + ndim : d - 1;
  if (d == 0 || z < 0 || z >= ndim)
    lt_error(L, "%s: dimension %lld out of range for a %dD tensor", fn, (long long)d, ndim);
  return (int)z;
}

int lt_checksizes(lua_State *L, int idx, int64_t *size, const char *fn) {
  int top = lua_gettop(L), n = 0;
  dl_storage *s;
  if (idx > top) return 0;
  if ((s = lt_tostorage(L, idx)) != NULL) {
    if (s->dtype != DL_LONG)
      lt_error(L, "%s: argument %d: sizes must be a torch.LongStorage", fn, idx);
    if (s->size > DL_MAXDIM)
      lt_error(L, "%s: %lld dimensions (at most %d)", fn, (long long)s->size, DL_MAXDIM);
    memcpy(size, s->data, sizeof(int64_t) * s->size);
    n = (int)s->size;
  } else if (lua_istable(L, idx) && !lt_totensor(L, idx)) {
    /* read raw: sizes are plain tables, and no metamethod should run mid-binding */
    lua_Unsigned len = lua_rawlen(L, idx);
    if (len > DL_MAXDIM)
      lt_error(L, "%s: %llu dimensions (at most %d)", fn, (unsigned long long)len, DL_MAXDIM);
    n = (int)len;
    for (int i = 0; i < n; i++) {
      lua_rawgeti(L, idx, i + 1);
      int isnum;
      size[i] = lua_tointegerx(L, -1, &isnum);
      if (!isnum) lt_error(L, "%s: argument %d: size %d is not an integer", fn, idx, i + 1);
      lua_pop(L, 1);
    }
  } else {
    for (int i = idx; i <= top && lua_type(L, i) == LUA_TNUMBER; i++) {
      if (n >= DL_MAXDIM) lt_error(L, "%s: more than %d dimensions", fn, DL_MAXDIM);
      size[n++] = lt_checkint(L, i, fn);
    }
  }
  for (int i = 0; i < n; i++)
    if (size[i] < 0 && size[i] != -1)
      lt_error(L, "%s: negative size %lld in dimension %d", fn, (long long)size[i], i + 1);
  return n;
}

/* ---- registration ----------------------------------------------------------------------

   Binding files share tables (torch, the tensor metatables, torch._nn, torch._io), and a
   name registered twice silently takes the later function. With DLUA_REGCHECK set in the
   environment when the module loads, every registration is recorded in the list
   torch._registrations as {table =, name =, func =, by = the lt_open_* function,
   replaced = the table held the name already}, for spec/registration_spec.lua to find
   such clashes. Otherwise recording costs one test of `regcheck` per call. */

static _Thread_local int regcheck; /* per thread: the C API opens states on several */
static _Thread_local const char *regby; /* the lt_open_* function running, for the records */

/* Records the names of reg, about to be set in the table at the top of the stack. */
static void record(lua_State *L, const char *label, const luaL_Reg *reg) {
  int t = lua_gettop(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "dlua.registrations");
  for (; reg->name; reg++) {
    lua_createtable(L, 0, 4);
    lua_pushstring(L, label);
    lua_setfield(L, -2, "table");
    lua_pushstring(L, reg->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, regby ? regby : "?");
    lua_setfield(L, -2, "by");
    lua_pushcfunction(L, reg->func);
    lua_setfield(L, -2, "func");
    lua_pushstring(L, reg->name);
    lua_pushboolean(L, lua_rawget(L, t) != LUA_TNIL);
    lua_remove(L, -2);
    lua_setfield(L, -2, "replaced");
    lua_seti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
  }
  lua_settop(L, t);
}

void lt_register(lua_State *L, const luaL_Reg *methods, const luaL_Reg *funcs) {
  int torch = lua_gettop(L);
  if (methods)
    for (int t = 0; t < DL_NTYPES; t++) {
      luaL_getmetatable(L, tnames[t]);
      /* the types always get the same methods: one record serves them all */
      if (regcheck && t == 0) record(L, "tensor methods", methods);
      luaL_setfuncs(L, methods, 0);
      lua_pop(L, 1);
    }
  if (funcs) {
    lua_pushvalue(L, torch);
    if (regcheck) record(L, "torch", funcs);
    luaL_setfuncs(L, funcs, 0);
    lua_pop(L, 1);
  }
}

void lt_register_in(lua_State *L, const char *name, const luaL_Reg *funcs) {
  lt_subtable(L, name);
  if (regcheck) {
    char label[64];
    snprintf(label, sizeof label, "torch.%s", name);
    record(L, label, funcs);
  }
  luaL_setfuncs(L, funcs, 0);
  lua_pop(L, 1);
}

void lt_subtable(lua_State *L, const char *name) {
  lua_getfield(L, LUA_REGISTRYINDEX, "dlua.torch");
  luaL_getsubtable(L, -1, name);
  lua_remove(L, -2);
}

#define OPEN(f) {#f, f}
static const struct {
  const char *name;
  void (*open)(lua_State *L);
} opens[] = {
    OPEN(lt_open_storage),   OPEN(lt_open_tensor),    OPEN(lt_open_blas),
    OPEN(lt_open_random),    OPEN(lt_open_sys),       OPEN(lt_open_pointwise),
    OPEN(lt_open_reduction), OPEN(lt_open_indexing),  OPEN(lt_open_file),
    OPEN(lt_open_nn),        OPEN(lt_open_activation), OPEN(lt_open_conv),
    OPEN(lt_open_optim),     OPEN(lt_open_io),        OPEN(lt_open_idx),
    OPEN(lt_open_where),     OPEN(lt_open_loss),      OPEN(lt_open_softmax),
    OPEN(lt_open_linear),    OPEN(lt_open_normalization), OPEN(lt_open_embedding),
    OPEN(lt_open_maxmin),
    OPEN(lt_open_rnn),
    OPEN(lt_open_pool),
    OPEN(lt_open_volumetric),
    OPEN(lt_open_bitwise), OPEN(lt_open_signal), OPEN(lt_open_histogram), OPEN(lt_open_dimwise),
    OPEN(lt_open_attention),
    OPEN(lt_open_image),
    OPEN(lt_open_monitor),
    OPEN(lt_open_quant),
};

int luaopen_torch_core(lua_State *L) {
  regcheck = getenv("DLUA_REGCHECK") != NULL;
  if (regcheck) {
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, "dlua.registrations");
  }
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "dlua.torch");
  for (size_t i = 0; i < sizeof opens / sizeof opens[0]; i++) {
    regby = opens[i].name;
    opens[i].open(L);
  }
  regby = NULL;
  if (regcheck) {
    lua_getfield(L, LUA_REGISTRYINDEX, "dlua.registrations");
    lua_setfield(L, -2, "_registrations");
  }
  return 1;
}

int lt_aliases(const dl_tensor *r, const dl_tensor *a) {
  return a && (r == a || (r->storage && r->storage == a->storage));
}
