/* torch.DiskFile and torch.MemoryFile: the C half. The file handle is a userdata holding
   an io_t7 cursor; lua/torch/File.lua makes the classes (torch.File and its two children)
   and adds readObject/writeObject. The functions here go into torch._file:
     disk(path, mode, quiet), memory([string], mode), savetemp(target), scan(string),
     methods = { readInt, writeInt, ..., _writeTensor, _readTensor, ... }
   Errors: a failed read raises, naming what was read and the byte offset, unless the
   file is quiet(), in which case hasError() becomes true and the read returns 0 or nil. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io/atomic.h"
#include "../io/t7.h"
#include "../io/t7_check.h"
#include "lt.h"

typedef struct {
  io_t7 c;
  int quiet, err;
  int expanded; /* readTensor accepts views far larger than their storage */
  int kind; /* 'd' disk, 'm' memory */
  char *target, *temp; /* savetemp: rename temp over target on commit */
} lt_file;

static lt_file *tofile(lua_State *L, int idx) {
  if (lt_kind(L, idx) != LT_KIND_FILE || lua_rawlen(L, idx) != sizeof(lt_file)) return NULL;
  return lua_touserdata(L, idx);
}

static lt_file *checkfile(lua_State *L, const char *fn) {
  lt_file *f = tofile(L, 1);
  if (!f) lt_error(L, "%s: argument 1: expected a torch.File, got %s", fn, luaL_typename(L, 1));
  return f;
}

/* After a failed core call: raise, or in quiet mode remember it. Returns 0 for quiet. */
static int failed(lua_State *L, lt_file *f) {
  f->err = 1;
  if (!f->quiet) lt_fail(L);
  return 0;
}

static lt_file *newfile(lua_State *L, const char *cls, int kind) {
  lt_file *f = lua_newuserdatauv(L, sizeof(lt_file), 1);
  memset(f, 0, sizeof *f);
  f->c.closed = 1; /* until opened: __gc must not free garbage */
  f->kind = kind;
  if (luaL_getmetatable(L, cls) != LUA_TTABLE) lt_error(L, "%s: the class is not loaded (require 'torch')", cls);
  lt_setkind(L, -1, LT_KIND_FILE);
  lua_setmetatable(L, -2);
  return f;
}

/* torch._file.sweep(target): removes the temporaries that killed saves of target left
   (io_atomic_sweep); returns how many. torch.load calls it. */
static int f_sweep(lua_State *L) {
  lua_pushinteger(L, io_atomic_sweep(luaL_checkstring(L, 1)));
  return 1;
}

/* torch.DiskFile(path [, mode [, quiet]]) */
static int f_disk(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *mode = luaL_optstring(L, 2, "r");
  int quiet = lua_toboolean(L, 3);
  lt_file *f = newfile(L, "torch.DiskFile", 'd');
  f->quiet = quiet;
  if (io_t7_open_file(&f->c, path, mode) < 0) {
    f->c.closed = 1;
    if (f->quiet) return 0; /* Torch7: a quiet DiskFile that cannot open is nil */
    lt_fail(L);
  }
  return 1;
}

/* torch.MemoryFile([string,] [mode]) */
static int f_memory(lua_State *L) {
  size_t len = 0;
  const char *data = NULL;
  int arg = 1;
  if (lua_type(L, 1) == LUA_TSTRING && lua_type(L, 2) == LUA_TSTRING) {
    data = lua_tolstring(L, 1, &len);
    arg = 2;
  } else if (lua_type(L, 1) == LUA_TSTRING && strcmp(lua_tostring(L, 1), "r") &&
             strcmp(lua_tostring(L, 1), "w") && strcmp(lua_tostring(L, 1), "rw")) {
    data = lua_tolstring(L, 1, &len);
    arg = 2;
  } else if (lt_tostorage(L, 1)) {
    dl_storage *s = lt_tostorage(L, 1);
    if (s->dtype != DL_BYTE) lt_error(L, "MemoryFile: argument 1: expected a torch.ByteStorage");
    data = s->data;
    len = (size_t)s->size;
    arg = 2;
  }
  const char *mode = luaL_optstring(L, arg, "rw");
  int r = strchr(mode, 'r') != NULL, w = strchr(mode, 'w') != NULL;
  if (!r && !w) lt_error(L, "MemoryFile: invalid mode '%s' (expected 'r', 'w' or 'rw')", mode);
  lt_file *f = newfile(L, "torch.MemoryFile", 'm');
  if (io_t7_open_mem(&f->c, data, (int64_t)len, r, w) < 0) lt_fail(L);
  return 1;
}

/* savetemp(target): a DiskFile writing to a fresh temporary file next to target; commit()
   flushes it to disk and renames it over target, so that the old target survives any
   crash before that moment. */
static int f_savetemp(lua_State *L) {
  size_t n;
  const char *target = luaL_checklstring(L, 1, &n);
  lt_file *f = newfile(L, "torch.DiskFile", 'd');
  f->target = malloc(n + 1);
  if (!f->target) lt_error(L, "save: out of memory");
  memcpy(f->target, target, n + 1);
  int fd = io_atomic_begin(target, &f->temp);
  if (fd < 0) lt_fail(L);
  close(fd);
  if (io_t7_open_file(&f->c, f->temp, "w") < 0) {
    remove(f->temp);
    f->temp[0] = 0;
    lt_fail(L);
  }
  return 1;
}

static void dropfile(lt_file *f, int remove_temp) {
  io_t7_close(&f->c);
  if (remove_temp && f->temp && f->temp[0]) remove(f->temp);
  free(f->target);
  free(f->temp);
  f->target = f->temp = NULL;
}

/* file:_commit(): sync, close and rename over the target; then sync the folder. */
static int m_commit(lua_State *L) {
  lt_file *f = checkfile(L, "commit");
  if (!f->temp || !f->temp[0]) lt_error(L, "commit: not a file made by savetemp");
  if (io_t7_sync(&f->c) < 0 || io_t7_close(&f->c) < 0) {
    dropfile(f, 1);
    lt_fail(L);
  }
  if (io_atomic_commit(f->temp, f->target) < 0) {
    dropfile(f, 1);
    lt_fail(L);
  }
  dropfile(f, 0);
  return 0;
}

static int m_close(lua_State *L) {
  lt_file *f = checkfile(L, "close");
  dropfile(f, 1); /* a temp file never committed is an abandoned save */
  return 0;
}

static int m_gc(lua_State *L) {
  if (lua_type(L, 1) == LUA_TTABLE) return 0; /* a table with a file's metatable */
  dropfile(checkfile(L, "__gc"), 1);
  return 0;
}

/* torch._file.key(obj): what identifies obj for shared references. A storage is pushed
   as a new userdata each time a tensor hands it out, so it is identified by the
   dl_storage it holds; anything else by itself. */
static int f_key(lua_State *L) {
  dl_storage *s = lt_tostorage(L, 1);
  if (s) lua_pushlightuserdata(L, s);
  else lua_settop(L, 1);
  return 1;
}

/* ---- flags ---- */

static int pushself(lua_State *L) {
  lua_settop(L, 1);
  return 1;
}

#define FLAG_SETTER(NAME, STMT)              \
  static int m_##NAME(lua_State *L) {        \
    lt_file *f = checkfile(L, #NAME);        \
    STMT;                                    \
    return pushself(L);                      \
  }
FLAG_SETTER(quiet, f->quiet = 1)
FLAG_SETTER(pedantic, f->quiet = 0)
FLAG_SETTER(clearError, f->err = 0)
FLAG_SETTER(binary, f->c.ascii = 0)
FLAG_SETTER(ascii, f->c.ascii = 1)
FLAG_SETTER(autoSpacing, f->c.autospacing = 1)
FLAG_SETTER(noAutoSpacing, f->c.autospacing = 0)

#define FLAG_GETTER(NAME, EXPR)              \
  static int m_##NAME(lua_State *L) {        \
    lt_file *f = checkfile(L, #NAME);        \
    lua_pushboolean(L, EXPR);                \
    return 1;                                \
  }
FLAG_GETTER(isQuiet, f->quiet)
FLAG_GETTER(hasError, f->err)
FLAG_GETTER(isBinary, !f->c.ascii)
FLAG_GETTER(isAutoSpacing, f->c.autospacing)
FLAG_GETTER(isReadable, f->c.canread && !f->c.closed)
FLAG_GETTER(isWritable, f->c.canwrite && !f->c.closed)
FLAG_GETTER(isClosed, f->c.closed)

static int m_longSize(lua_State *L) {
  lt_file *f = checkfile(L, "longSize");
  int64_t n = lt_checkint(L, 2, "longSize");
  if (n != 4 && n != 8 && n != 0) lt_error(L, "longSize: argument 2: expected 4 or 8, got %lld", (long long)n);
  f->c.longsize = n == 0 ? 8 : (int)n;
  return pushself(L);
}

static int m_seek(lua_State *L) {
  lt_file *f = checkfile(L, "seek");
  int64_t pos = lt_checkint(L, 2, "seek");
  /* 1-based: pos - 1 would wrap for math.mininteger */
  if (pos < 1 ? dl_error("seek: position %lld is outside the file (%lld bytes)", (long long)pos,
                         (long long)f->c.size)
              : io_t7_seek(&f->c, pos - 1) < 0)
    failed(L, f);
  return pushself(L);
}

static int m_seekEnd(lua_State *L) {
  lt_file *f = checkfile(L, "seekEnd");
  if (io_t7_seek_end(&f->c) < 0) failed(L, f);
  return pushself(L);
}

static int m_position(lua_State *L) {
  lt_file *f = checkfile(L, "position");
  lua_pushinteger(L, f->c.pos + 1);
  return 1;
}

static int m_size(lua_State *L) { /* bytes in the file, a dlua addition */
  lt_file *f = checkfile(L, "size");
  lua_pushinteger(L, f->c.size);
  return 1;
}

static int m_synchronize(lua_State *L) {
  lt_file *f = checkfile(L, "synchronize");
  if (io_t7_sync(&f->c) < 0) failed(L, f);
  return pushself(L);
}

/* ---- numbers: readT() -> number, readT(n) -> storage, readT(storage) -> count;
        writeT(number) or writeT(storage) ---- */

typedef struct {
  io_t7_kind kind;
  dl_dtype dtype; /* the storage type of readT(n) */
  const char *rname, *wname;
} numtype;

static const numtype NT_INT = {IO_T7_INT, DL_LONG, "readInt", "writeInt"};
static const numtype NT_LONG = {IO_T7_LONG, DL_LONG, "readLong", "writeLong"};
static const numtype NT_FLOAT = {IO_T7_FLOAT, DL_FLOAT, "readFloat", "writeFloat"};
static const numtype NT_DOUBLE = {IO_T7_DOUBLE, DL_DOUBLE, "readDouble", "writeDouble"};
static const numtype NT_BYTE = {IO_T7_BYTE, DL_BYTE, "readByte", "writeByte"};
static const numtype NT_SHORT = {IO_T7_SHORT, DL_SHORT, "readShort", "writeShort"};
/* readInt(n) keeps giving a LongStorage (what dlua gave before it had IntStorage);
   readInt(storage) and writeInt(storage) take an IntStorage too, Torch7's type */
static const numtype NT_INTSTORAGE = {IO_T7_INT, DL_INT, "readInt", "writeInt"};

/* Reads n elements into storage s (of the numtype's dtype). Ints arrive through the
   storage's own memory: read as int32 into its tail, then widened in place backwards. */
static int read_into(lt_file *f, const numtype *t, dl_storage *s, int64_t n) {
  if (t != &NT_INT) return io_t7_read(&f->c, t->kind, s->data, n, t->rname);
  int64_t *out = s->data;
  int32_t *in = (int32_t *)(out + n) - n;
  if (io_t7_read(&f->c, IO_T7_INT, in, n, t->rname) < 0) return -1;
  for (int64_t i = 0; i < n; i++) out[i] = in[i];
  return 0;
}

static int read_num(lua_State *L, const numtype *t) {
  lt_file *f = checkfile(L, t->rname);
  if (lua_isnoneornil(L, 2) || lua_type(L, 2) == LUA_TSTRING) {
    /* a string argument names the value for error messages (used by readObject) */
    const char *what = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : t->rname;
    union { int32_t i; int64_t l; float f; double d; uint8_t b; int16_t s; } v = {0};
    if (io_t7_read(&f->c, t->kind, &v, 1, what) < 0) return failed(L, f), lua_pushinteger(L, 0), 1;
    switch (t->kind) {
    case IO_T7_INT: lua_pushinteger(L, v.i); break;
    case IO_T7_SHORT: lua_pushinteger(L, v.s); break;
    case IO_T7_LONG: lua_pushinteger(L, v.l); break;
    case IO_T7_FLOAT: lua_pushnumber(L, v.f); break;
    case IO_T7_DOUBLE: lua_pushnumber(L, v.d); break;
    default: lua_pushinteger(L, v.b); break;
    }
    return 1;
  }
  dl_storage *s = lt_tostorage(L, 2);
  int64_t n;
  if (s && t == &NT_INT && s->dtype == DL_INT) t = &NT_INTSTORAGE;
  if (s) {
    if (s->dtype != t->dtype)
      lt_error(L, "%s: argument 2: expected a %s, got a %s", t->rname, lt_storagename(t->dtype),
               lt_storagename(s->dtype));
    n = s->size;
    lua_settop(L, 2);
  } else {
    n = lt_checkint(L, 2, t->rname);
    if (io_t7_check_count(&f->c, t->kind, n, t->rname) < 0) return failed(L, f), lua_pushnil(L), 1;
    s = dl_storage_new(t->dtype, n);
    if (!s) lt_fail(L);
    lt_pushstorage(L, s);
    dl_storage_release(s);
  }
  if (read_into(f, t, s, n) < 0) {
    failed(L, f);
    lua_pushinteger(L, 0);
    return 1;
  }
  if (lt_tostorage(L, 2)) lua_pushinteger(L, n);
  return 1;
}

static int write_num(lua_State *L, const numtype *t) {
  lt_file *f = checkfile(L, t->wname);
  dl_storage *s = lt_tostorage(L, 2);
  int r;
  if (s && t == &NT_INT && s->dtype == DL_INT) t = &NT_INTSTORAGE;
  if (s) {
    if (s->dtype != t->dtype)
      lt_error(L, "%s: argument 2: expected a %s, got a %s", t->wname, lt_storagename(t->dtype),
               lt_storagename(s->dtype));
    if (t == &NT_INT) { /* int64 storage to 4-byte ints, one at a time */
      r = 0;
      for (int64_t i = 0; r == 0 && i < s->size; i++) {
        int64_t v = ((int64_t *)s->data)[i];
        if (v < INT32_MIN || v > INT32_MAX) lt_error(L, "writeInt: %lld does not fit in an int", (long long)v);
        int32_t w = (int32_t)v;
        /* one array in ascii: spacing only between elements */
        int sp = f->c.autospacing;
        f->c.autospacing = 0;
        r = io_t7_write(&f->c, IO_T7_INT, &w, 1);
        f->c.autospacing = sp;
        if (r == 0 && sp && f->c.ascii) r = io_t7_write_raw(&f->c, i < s->size - 1 ? " " : "\n", 1);
      }
    } else {
      r = io_t7_write(&f->c, t->kind, s->data, s->size);
    }
    if (r < 0) failed(L, f);
    lua_pushinteger(L, s->size);
    return 1;
  }
  union { int32_t i; int64_t l; float f; double d; uint8_t b; int16_t s; } v;
  switch (t->kind) {
  case IO_T7_SHORT: {
    int64_t x = lt_checkint(L, 2, t->wname);
    if (x < INT16_MIN || x > INT16_MAX) lt_error(L, "writeShort: %lld does not fit in a short", (long long)x);
    v.s = (int16_t)x;
    break;
  }
  case IO_T7_INT: {
    int64_t x = lt_checkint(L, 2, t->wname);
    if (x < INT32_MIN || x > INT32_MAX) lt_error(L, "writeInt: %lld does not fit in an int", (long long)x);
    v.i = (int32_t)x;
    break;
  }
  case IO_T7_LONG: v.l = lt_checkint(L, 2, t->wname); break;
  case IO_T7_FLOAT: v.f = (float)lt_checknum(L, 2, t->wname); break;
  case IO_T7_DOUBLE: v.d = lt_checknum(L, 2, t->wname); break;
  default: {
    int64_t x = lt_checkint(L, 2, t->wname);
    if (x < 0 || x > 255) lt_error(L, "writeByte: %lld is not a byte (0..255)", (long long)x);
    v.b = (uint8_t)x;
  }
  }
  if (io_t7_write(&f->c, t->kind, &v, 1) < 0) failed(L, f);
  lua_pushinteger(L, 1);
  return 1;
}

static int m_readInt(lua_State *L) { return read_num(L, &NT_INT); }
static int m_readLong(lua_State *L) { return read_num(L, &NT_LONG); }
static int m_readFloat(lua_State *L) { return read_num(L, &NT_FLOAT); }
static int m_readDouble(lua_State *L) { return read_num(L, &NT_DOUBLE); }
static int m_readByte(lua_State *L) { return read_num(L, &NT_BYTE); }
static int m_writeInt(lua_State *L) { return write_num(L, &NT_INT); }
static int m_writeLong(lua_State *L) { return write_num(L, &NT_LONG); }
static int m_writeFloat(lua_State *L) { return write_num(L, &NT_FLOAT); }
static int m_writeDouble(lua_State *L) { return write_num(L, &NT_DOUBLE); }
static int m_writeByte(lua_State *L) { return write_num(L, &NT_BYTE); }
static int m_readShort(lua_State *L) { return read_num(L, &NT_SHORT); }
static int m_writeShort(lua_State *L) { return write_num(L, &NT_SHORT); }

static int m_readBool(lua_State *L) {
  lt_file *f = checkfile(L, "readBool");
  int32_t v = 0;
  if (io_t7_read_int(&f->c, &v, "a boolean") < 0) failed(L, f);
  lua_pushboolean(L, v == 1);
  return 1;
}

static int m_writeBool(lua_State *L) {
  lt_file *f = checkfile(L, "writeBool");
  if (io_t7_write_int(&f->c, lua_toboolean(L, 2) ? 1 : 0) < 0) failed(L, f);
  return 0;
}

/* readChar() -> number; readChar(n) -> a string of n chars (Torch7 gave a CharStorage). */
static int m_readChar(lua_State *L) {
  lt_file *f = checkfile(L, "readChar");
  if (lua_isnoneornil(L, 2)) {
    char ch = 0;
    if (io_t7_read(&f->c, IO_T7_CHAR, &ch, 1, "a char") < 0) failed(L, f);
    lua_pushinteger(L, (unsigned char)ch);
    return 1;
  }
  int64_t n = lt_checkint(L, 2, "readChar");
  const char *what = lua_isstring(L, 3) ? lua_tostring(L, 3) : "chars";
  if (io_t7_check_count(&f->c, IO_T7_CHAR, n, what) < 0) return failed(L, f), lua_pushnil(L), 1;
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, (size_t)n);
  if (io_t7_read(&f->c, IO_T7_CHAR, p, n, what) < 0) return failed(L, f), lua_pushnil(L), 1;
  luaL_pushresultsize(&b, (size_t)n);
  return 1;
}

static int m_writeChar(lua_State *L) {
  lt_file *f = checkfile(L, "writeChar");
  size_t n;
  char ch;
  const char *s;
  if (lua_type(L, 2) == LUA_TNUMBER) {
    ch = (char)lt_checkint(L, 2, "writeChar");
    s = &ch, n = 1;
  } else {
    s = luaL_checklstring(L, 2, &n);
  }
  if (io_t7_write(&f->c, IO_T7_CHAR, s, (int64_t)n) < 0) failed(L, f);
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* readString('*a') reads to the end, readString('*l') one line (Torch7's formats). */
static int m_readString(lua_State *L) {
  lt_file *f = checkfile(L, "readString");
  const char *fmt = luaL_optstring(L, 2, "*a");
  if (!strcmp(fmt, "*a") || !strcmp(fmt, "a")) {
    int64_t n = io_t7_remaining(&f->c);
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, (size_t)n);
    if (io_t7_read_raw(&f->c, p, n, "readString") < 0) return failed(L, f), lua_pushstring(L, ""), 1;
    luaL_pushresultsize(&b, (size_t)n);
    return 1;
  }
  if (strcmp(fmt, "*l") && strcmp(fmt, "l")) lt_error(L, "readString: format '%s' (expected '*a' or '*l')", fmt);
  char *s;
  int64_t n;
  if (io_t7_read_line(&f->c, &s, &n) < 0) return failed(L, f), lua_pushstring(L, ""), 1;
  lua_pushlstring(L, s, (size_t)n); /* may raise on out-of-memory; s is lost then */
  free(s);
  return 1;
}

static int m_writeString(lua_State *L) {
  lt_file *f = checkfile(L, "writeString");
  size_t n;
  const char *s = luaL_checklstring(L, 2, &n);
  if (io_t7_write_raw(&f->c, s, (int64_t)n) < 0) failed(L, f);
  lua_pushinteger(L, (lua_Integer)n);
  return 1;
}

/* MemoryFile:string() -> everything written so far (a dlua addition; Torch7 used
   storage():string()). */
static int m_string(lua_State *L) {
  lt_file *f = checkfile(L, "string");
  if (f->c.closed) lt_error(L, "string: the file is closed");
  if (f->kind != 'm') lt_error(L, "string: only a MemoryFile holds its bytes");
  lua_pushlstring(L, (const char *)f->c.buf, (size_t)f->c.size);
  return 1;
}

static int m_storage(lua_State *L) {
  lt_file *f = checkfile(L, "storage");
  if (f->c.closed) lt_error(L, "storage: the file is closed");
  if (f->kind != 'm') lt_error(L, "storage: only a MemoryFile holds its bytes");
  dl_storage *s = dl_storage_new(DL_BYTE, f->c.size);
  if (!s) lt_fail(L);
  if (f->c.size) memcpy(s->data, f->c.buf, (size_t)f->c.size);
  lt_pushstorage(L, s);
  dl_storage_release(s);
  return 1;
}

/* ---- tensors and storages, Torch7's write/read protocol; every check made on what is
        read is in src/io/t7_check.c, shared with the C walker and the fuzz target ---- */

/* file:_writeStorage(storage): size, then the raw elements. */
static int m_writeStorage(lua_State *L) {
  lt_file *f = checkfile(L, "writeStorage");
  dl_storage *s = lt_checkstorage(L, 2, "writeStorage");
  if (io_t7_write_long(&f->c, s->size) < 0 ||
      io_t7_write(&f->c, io_t7_dtype_kind(s->dtype), s->data, s->size) < 0)
    lt_fail(L);
  return 0;
}

/* file:_readStorage(storage): reads size and elements into storage (resized). */
static int m_readStorage(lua_State *L) {
  lt_file *f = checkfile(L, "readStorage");
  dl_storage *s = lt_checkstorage(L, 2, "readStorage");
  if (io_t7_read_storage(&f->c, s) < 0) lt_fail(L);
  lt_gcstep(L);
  return 0;
}

/* file:_writeTensor(tensor): nDimension, sizes, strides, storageOffset (1-based), then
   file:writeObject(storage or nil). */
static int m_writeTensor(lua_State *L) {
  lt_file *f = checkfile(L, "writeTensor");
  dl_tensor *t = lt_checkanytensor(L, 2, "writeTensor");
  if (io_t7_write_int(&f->c, t->ndim) < 0 || io_t7_write(&f->c, IO_T7_LONG, t->size, t->ndim) < 0 ||
      io_t7_write(&f->c, IO_T7_LONG, t->stride, t->ndim) < 0 ||
      io_t7_write_long(&f->c, t->offset + 1) < 0)
    lt_fail(L);
  lua_getfield(L, 1, "writeObject");
  lua_pushvalue(L, 1);
  if (t->storage) lt_pushstorage(L, t->storage);
  else lua_pushnil(L);
  lua_call(L, 2, 0);
  return 0;
}

/* file:_readTensor(tensor): the header, then the storage as an object (readObject, so
   that views of one storage share it), then io_t7_set_tensor's checks. The tensor stays
   on the stack, anchored, while readObject runs Lua. */
static int m_readTensor(lua_State *L) {
  lt_file *f = checkfile(L, "readTensor");
  dl_tensor *t = lt_checkanytensor(L, 2, "readTensor");
  io_t7_tensor_header h;
  if (io_t7_read_tensor_header(&f->c, t->dtype, &h) < 0) lt_fail(L);
  int64_t at = f->c.pos;
  lua_getfield(L, 1, "readObject");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  dl_storage *s = lt_tostorage(L, -1);
  if (!s && !lua_isnil(L, -1))
    lt_error(L, "t7: corrupt file: the storage of a %s at byte offset %lld is a %s",
             lt_typename(t->dtype), (long long)at, luaL_typename(L, -1));
  if (io_t7_set_tensor(t, &h, s, at, f->expanded) < 0) lt_fail(L);
  return 0;
}

/* file:allowExpanded([on]): whether readTensor accepts views far larger than their
   storage (see io_t7_set_tensor); returns the file. */
static int m_allowExpanded(lua_State *L) {
  lt_file *f = checkfile(L, "allowExpanded");
  f->expanded = lua_isnone(L, 2) || lua_toboolean(L, 2);
  lua_settop(L, 1);
  return 1;
}

/* torch._file.scan(string [, format]): the C walker (io_t7_scan) over a whole serialized
   object, for tests that hold it to the Lua reader; classes other than tensors and
   storages are refused. */
static int f_scan(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  const char *fmt = luaL_optstring(L, 2, "binary");
  io_t7 c;
  if (io_t7_open_mem(&c, s, (int64_t)n, 1, 0) < 0) lt_fail(L);
  c.ascii = !strcmp(fmt, "ascii");
  if (!strcmp(fmt, "b32")) c.longsize = 4;
  int r = io_t7_scan(&c, NULL);
  io_t7_close(&c);
  if (r < 0) {
    lua_pushnil(L);
    lua_pushstring(L, dl_errmsg());
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

static const luaL_Reg methods[] = {
    {"quiet", m_quiet}, {"pedantic", m_pedantic}, {"clearError", m_clearError},
    {"binary", m_binary}, {"ascii", m_ascii}, {"autoSpacing", m_autoSpacing},
    {"noAutoSpacing", m_noAutoSpacing}, {"isQuiet", m_isQuiet}, {"hasError", m_hasError},
    {"isBinary", m_isBinary}, {"isAutoSpacing", m_isAutoSpacing}, {"isReadable", m_isReadable},
    {"isWritable", m_isWritable}, {"isClosed", m_isClosed}, {"longSize", m_longSize},
    {"seek", m_seek}, {"seekEnd", m_seekEnd}, {"position", m_position}, {"size", m_size},
    {"synchronize", m_synchronize}, {"close", m_close},
    {"readInt", m_readInt}, {"readLong", m_readLong}, {"readFloat", m_readFloat},
    {"readDouble", m_readDouble}, {"readByte", m_readByte}, {"readBool", m_readBool},
    {"readChar", m_readChar}, {"readString", m_readString}, {"readShort", m_readShort},
    {"writeInt", m_writeInt}, {"writeLong", m_writeLong}, {"writeFloat", m_writeFloat},
    {"writeDouble", m_writeDouble}, {"writeByte", m_writeByte}, {"writeBool", m_writeBool},
    {"writeChar", m_writeChar}, {"writeString", m_writeString}, {"writeShort", m_writeShort},
    {"string", m_string}, {"storage", m_storage},
    {"_writeStorage", m_writeStorage}, {"_readStorage", m_readStorage},
    {"_writeTensor", m_writeTensor}, {"_readTensor", m_readTensor}, {"_commit", m_commit},
    {"allowExpanded", m_allowExpanded},
    {"__gc", m_gc}, {"__close", m_gc},
    {NULL, NULL}};

static const luaL_Reg funcs[] = {
    {"disk", f_disk}, {"memory", f_memory}, {"savetemp", f_savetemp}, {"scan", f_scan}, {"key", f_key},
    {"sweep", f_sweep}, {NULL, NULL}};

void lt_open_file(lua_State *L) {
  lt_subtable(L, "_file");
  luaL_setfuncs(L, funcs, 0);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, "__t7file");
  lua_setfield(L, -2, "methods");
  lua_pop(L, 1);
}
