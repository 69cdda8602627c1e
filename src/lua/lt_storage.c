/* Storages: torch.FloatStorage, ..., torch.LongStorage (which also carries sizes), the
   Char, Short, Int and Half storages. */
#include <string.h>

#include "../ops/copy.h"
#include "lt.h"

static dl_storage *check_self(lua_State *L, const char *fn) {
  return lt_checkstorage(L, 1, fn);
}

static int64_t check_elem(lua_State *L, dl_storage *s, int idx, const char *fn) {
  int64_t i = lt_checkint(L, idx, fn);
  if (i < 1 || i > s->size)
    lt_error(L, "%s: index %lld out of range for a storage of size %lld", fn, (long long)i,
               (long long)s->size);
  return i - 1;
}

/* A one-dimensional tensor over the whole storage, to reuse the tensor kernels. */
static dl_tensor flat(dl_storage *s) {
  dl_tensor t;
  dl_tensor_init(&t, s->dtype);
  t.storage = s; /* borrowed: never freed through t */
  t.ndim = s->size > 0;
  t.size[0] = s->size;
  t.stride[0] = 1;
  return t;
}

static void push_elem(lua_State *L, dl_storage *s, int64_t i) {
  dl_tensor t = flat(s);
  if (dl_dtype_isfloat(s->dtype) || s->dtype == DL_HALF)
    lua_pushnumber(L, op_get(&t, i));
  else
    lua_pushinteger(L, op_get_long(&t, i));
}

static void set_elem(lua_State *L, dl_storage *s, int64_t i, int vidx, const char *fn) {
  dl_tensor t = flat(s);
  if (s->dtype == DL_LONG)
    ((int64_t *)s->data)[i] = lt_checkint(L, vidx, fn);
  else
    op_set(&t, i, lt_checknum(L, vidx, fn));
}

static void fill_from_table(lua_State *L, dl_storage *s, int idx, const char *fn) {
  for (int64_t i = 0; i < s->size; i++) {
    lua_geti(L, idx, i + 1);
    if (!lt_tablenumber(L, lua_gettop(L)))
      lt_error(L, "%s: element %lld of the table is %s, not a number", fn, (long long)i + 1,
                 luaL_typename(L, -1));
    set_elem(L, s, i, lua_gettop(L), fn);
    lua_pop(L, 1);
  }
}

/* torch.XStorage(storage [, offset = 1 [, size]]): a view of size elements of storage
   from offset (1-based), as Torch7's newWithStorage; size defaults to the rest. */
static int storage_view(lua_State *L, dl_dtype dt, dl_storage *base) {
  const char *fn = lt_storagename(dt);
  if (base->dtype != dt)
    return lt_error(L, "%s: argument 1: expected a %s to view, got a %s", fn, fn,
                    lt_storagename(base->dtype));
  int64_t offset = lt_optint(L, 2, 1, fn);
  int64_t n = lt_optint(L, 3, base->size - offset + 1, fn);
  dl_storage *s = dl_storage_view(base, offset - 1, n);
  if (!s) return lt_error(L, "%s: %s", fn, dl_errmsg());
  lt_pushstorage(L, s);
  dl_storage_release(s);
  return 1;
}

/* torch.XStorage([n | table | storage, offset, size]) */
static int storage_new(lua_State *L, dl_dtype dt) {
  const char *fn = lt_storagename(dt);
  int64_t n = 0;
  dl_storage *base = lt_tostorage(L, 1);
  if (base) return storage_view(L, dt, base);
  int fromtable = lua_istable(L, 1) && !lt_tostorage(L, 1);
  if (fromtable)
    n = (int64_t)luaL_len(L, 1);
  else if (!lua_isnoneornil(L, 1))
    n = lt_checkint(L, 1, fn);
  dl_storage *s = dl_storage_new(dt, n);
  if (!s) return lt_error(L, "%s: %s", fn, dl_errmsg()); /* the core's message has no name */
  lt_pushstorage(L, s);
  dl_storage_release(s); /* the userdata holds the only reference now */
  if (fromtable) fill_from_table(L, s, 1, fn);
  else if (n > 0) memset(s->data, 0, (size_t)n * dl_dtype_size(dt));
  return 1;
}

static int s_float(lua_State *L) { return storage_new(L, DL_FLOAT); }
static int s_double(lua_State *L) { return storage_new(L, DL_DOUBLE); }
static int s_long(lua_State *L) { return storage_new(L, DL_LONG); }
static int s_byte(lua_State *L) { return storage_new(L, DL_BYTE); }
static int s_char(lua_State *L) { return storage_new(L, DL_CHAR); }
static int s_short(lua_State *L) { return storage_new(L, DL_SHORT); }
static int s_int(lua_State *L) { return storage_new(L, DL_INT); }
static int s_half(lua_State *L) { return storage_new(L, DL_HALF); }
static const lua_CFunction ctors[DL_NTYPES] = {s_float, s_double, s_long,  s_byte,
                                               s_char,  s_short,  s_int,   s_half};

static int s_call(lua_State *L) {
  /* called as T(...): drop the class table and dispatch by its type */
  /* __dtype is a plain field a script can overwrite: range-check it before indexing */
  lua_Integer dt = -1;
  if (lua_type(L, 1) == LUA_TTABLE) {
    lua_getfield(L, 1, "__dtype");
    dt = lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  if (dt < 0 || dt >= DL_NTYPES) return lt_error(L, "storage constructor: argument 1 is not a storage class");
  lua_remove(L, 1);
  return ctors[dt](L);
}

static int s_gc(lua_State *L) {
  if (lua_type(L, 1) == LUA_TTABLE) return 0; /* a table with a storage's metatable */
  if (lt_kind(L, 1) != LT_KIND_STORAGE || lua_rawlen(L, 1) != sizeof(dl_storage *))
    return lt_error(L, "__gc: argument 1: expected a storage, got %s", luaL_typename(L, 1));
  dl_storage **u = lua_touserdata(L, 1);
  dl_storage_release(*u); /* NULL when already finalized: release ignores it */
  *u = NULL;
  return 0;
}

static int s_size(lua_State *L) {
  lua_pushinteger(L, check_self(L, "size")->size);
  return 1;
}

static int s_index(lua_State *L) {
  if (lua_type(L, 2) == LUA_TNUMBER) {
    dl_storage *s = check_self(L, "index");
    push_elem(L, s, check_elem(L, s, 2, "index"));
    return 1;
  }
  /* __index can be called by hand on anything: answer only for our own kind */
  if (lt_kind(L, 1) != LT_KIND_STORAGE)
    return lt_error(L, "index: argument 1: expected a storage, got %s", luaL_typename(L, 1));
  lua_getmetatable(L, 1);
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  return 1;
}

static int s_newindex(lua_State *L) {
  dl_storage *s = check_self(L, "newindex");
  if (lua_type(L, 2) != LUA_TNUMBER) return lt_error(L, "storage: cannot set field %s", luaL_tolstring(L, 2, NULL));
  set_elem(L, s, check_elem(L, s, 2, "newindex"), 3, "newindex");
  return 0;
}

static int s_fill(lua_State *L) {
  dl_storage *s = check_self(L, "fill");
  dl_tensor t = flat(s);
  op_fill(&t, lt_checknum(L, 2, "fill"));
  lua_settop(L, 1);
  return 1;
}

static int s_resize(lua_State *L) {
  dl_storage *s = check_self(L, "resize");
  int64_t n = lt_checkint(L, 2, "resize");
  /* the core's messages (out of memory, shrinking under a view) do not name the call */
  if (dl_storage_resize(s, n) < 0) return lt_error(L, "resize: %s", dl_errmsg());
  lt_gcstep(L);
  lua_settop(L, 1);
  return 1;
}

static int s_copy(lua_State *L) {
  dl_storage *s = check_self(L, "copy");
  dl_storage *src = lt_tostorage(L, 2);
  if (src) {
    if (src->size != s->size)
      return lt_error(L, "copy: storage sizes %lld and %lld differ", (long long)s->size,
                        (long long)src->size);
    dl_tensor a = flat(s), b = flat(src);
    LT_TRY(L, op_copy(&a, &b));
  } else if (lua_istable(L, 2)) {
    if ((int64_t)luaL_len(L, 2) != s->size)
      return lt_error(L, "copy: table of %lld elements into a storage of size %lld",
                        (long long)luaL_len(L, 2), (long long)s->size);
    fill_from_table(L, s, 2, "copy");
  } else {
    return lt_error(L, "copy: argument 2: expected a storage or a table");
  }
  lua_settop(L, 1);
  return 1;
}

static int s_totable(lua_State *L) {
  dl_storage *s = check_self(L, "totable");
  lua_createtable(L, (int)s->size, 0);
  for (int64_t i = 0; i < s->size; i++) {
    push_elem(L, s, i);
    lua_seti(L, -2, i + 1);
  }
  return 1;
}

static int s_len(lua_State *L) { return s_size(L); }

/* s:string(): the bytes of a Char or Byte storage as a Lua string; s:string(str): the
   storage resized to hold str's bytes (Torch7's, which File.lua used for class names). */
static int s_string(lua_State *L) {
  dl_storage *s = check_self(L, "string");
  if (s->dtype != DL_CHAR && s->dtype != DL_BYTE)
    return lt_error(L, "string: a %s holds no bytes (Char and Byte storages do)",
                    lt_storagename(s->dtype));
  if (lua_isnoneornil(L, 2)) {
    lua_pushlstring(L, (const char *)s->data, (size_t)s->size);
    return 1;
  }
  size_t n;
  const char *str = luaL_checklstring(L, 2, &n);
  if (dl_storage_resize(s, (int64_t)n) < 0) return lt_error(L, "string: %s", dl_errmsg());
  if (n) memcpy(s->data, str, n);
  lt_gcstep(L);
  lua_settop(L, 1);
  return 1;
}

/* s:elementSize(): the bytes of one element */
static int s_elementsize(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)dl_dtype_size(check_self(L, "elementSize")->dtype));
  return 1;
}

static int s_type(lua_State *L) {
  lua_pushstring(L, lt_storagename(check_self(L, "type")->dtype));
  return 1;
}

static int s_eq(lua_State *L) {
  /* identity, as in Torch7: two :storage() of one tensor are equal, two storages of the
     same values are not (char-rnn and the rnn package group parameters this way; sizes
     compare with isSize or isSameSizeAs) */
  dl_storage *a = lt_tostorage(L, 1), *b = lt_tostorage(L, 2);
  lua_pushboolean(L, a && a == b);
  return 1;
}

/* s:data(): the address of the first element, as a light userdata: a key that is the
   same for every :storage() of one storage (Torch7 gave a pointer; Lua cannot index one). */
static int s_data(lua_State *L) {
  dl_storage *s = check_self(L, "data");
  lua_pushlightuserdata(L, s->data);
  return 1;
}

/* torch._pointerof(obj): the integer torch.pointer gives a tensor (its dl_tensor), a
   storage (the dl_storage every :storage() view of it shares) or a light userdata; nil
   for other values, which torch.pointer identifies by their Lua address. */
static int pointerof(lua_State *L) {
  dl_storage *s = lt_tostorage(L, 1);
  dl_tensor *t = lt_totensor(L, 1);
  const void *p = s ? (const void *)s : t ? (const void *)t
                  : lua_islightuserdata(L, 1) ? lua_touserdata(L, 1) : NULL;
  if (!p) return 0;
  lua_pushinteger(L, (lua_Integer)(intptr_t)p);
  return 1;
}

static const luaL_Reg methods[] = {
    {"data", s_data},   {"elementSize", s_elementsize}, {"string", s_string},
    {"size", s_size},   {"fill", s_fill},       {"resize", s_resize}, {"copy", s_copy},
    {"totable", s_totable}, {"type", s_type},  {"__gc", s_gc},       {"__index", s_index},
    {"__newindex", s_newindex}, {"__len", s_len}, {"__eq", s_eq},     {NULL, NULL}};

static const luaL_Reg funcs[] = {{"_pointerof", pointerof}, {NULL, NULL}};

void lt_open_storage(lua_State *L) {
  lt_register(L, NULL, funcs);
  for (int t = 0; t < DL_NTYPES; t++) {
    const char *name = lt_storagename((dl_dtype)t);
    luaL_newmetatable(L, name); /* sets __name */
    lt_setkind(L, -1, LT_KIND_STORAGE);
    luaL_setfuncs(L, methods, 0);
    lua_pushinteger(L, 2);
    lua_setfield(L, -2, "__dltype");
    lua_pushinteger(L, t);
    lua_setfield(L, -2, "__dtype");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__typename");
    lua_newtable(L);
    lua_pushcfunction(L, s_call);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, name + 6); /* torch.FloatStorage */
  }
}
