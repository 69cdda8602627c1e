/* Tensor types, constructors, queries, views, element indexing, copies and
   conversions. The other binding files add math, reductions, BLAS, ... */
#include <string.h>

#include "../ops/copy.h"
#include "lt.h"

/* ---- helpers ---- */

/* __dtype is a plain field a script can overwrite: range-checked before it indexes anything */
static dl_dtype dtype_of_class(lua_State *L, int idx) {
  lua_Integer dt = -1;
  if (lua_type(L, idx) == LUA_TTABLE) {
    lua_getfield(L, idx, "__dtype");
    dt = lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  if (dt < 0 || dt >= DL_NTYPES) lt_error(L, "tensor constructor: argument %d is not a tensor class", idx);
  return (dl_dtype)dt;
}

static void push_elem(lua_State *L, const dl_tensor *t, int64_t elem) {
  if (dl_dtype_isfloat(t->dtype) || t->dtype == DL_HALF)
    lua_pushnumber(L, op_get(t, elem));
  else
    lua_pushinteger(L, op_get_long(t, elem));
}

static void set_elem(lua_State *L, const dl_tensor *t, int64_t elem, int vidx, const char *fn) {
  if (t->dtype == DL_LONG)
    ((int64_t *)t->storage->data)[elem] = lt_checkint(L, vidx, fn);
  else
    op_set(t, elem, lt_checknum(L, vidx, fn));
}

/* A 1-based index argument (negative counts from the end) checked against size. */
static int64_t check_index(lua_State *L, int idx, int64_t size, int dim, const char *fn) {
  int64_t i = lt_checkint(L, idx, fn);
  int64_t z = i < 0 ? i + size : i - 1;
  if (i == 0 || z < 0 || z >= size)
    lt_error(L, "%s: index %lld out of range for dimension %d (size %lld)", fn, (long long)i,
               dim + 1, (long long)size);
  return z;
}

static int return_self(lua_State *L) {
  lua_settop(L, 1);
  return 1;
}

/* ---- construction ---- */

/* Sizes of a nested table {{1,2},{3,4}}: follows first elements down. */
static int table_shape(lua_State *L, int idx, int64_t *size) {
  int n = 0;
  lua_pushvalue(L, idx);
  while (lua_istable(L, -1)) {
    if (n >= DL_MAXDIM) lt_error(L, "tensor: nested table deeper than %d", DL_MAXDIM);
    size[n++] = (int64_t)luaL_len(L, -1);
    if (size[n - 1] == 0) break;
    lua_geti(L, -1, 1);
    lua_remove(L, -2);
  }
  lua_pop(L, 1);
  return n;
}

/* Copies a nested table into t (contiguous) in row-major order; checks its shape. */
static void table_fill(lua_State *L, int tidx, const dl_tensor *t, int dim, int64_t *pos) {
  int64_t n = (int64_t)luaL_len(L, tidx);
  if (n != t->size[dim])
    lt_error(L, "tensor: table has %lld elements in dimension %d where %lld were expected",
               (long long)n, dim + 1, (long long)t->size[dim]);
  for (int64_t i = 1; i <= n; i++) {
    lua_geti(L, tidx, i);
    int top = lua_gettop(L);
    if (dim == t->ndim - 1) {
      if (!lt_tablenumber(L, top))
        lt_error(L, "tensor: element %lld of dimension %d is %s, not a number", (long long)i,
                   dim + 1, luaL_typename(L, top));
      set_elem(L, t, t->offset + (*pos)++, top, "tensor");
    } else {
      if (!lua_istable(L, top))
        lt_error(L, "tensor: element %lld of dimension %d is %s, not a table", (long long)i,
                   dim + 1, luaL_typename(L, top));
      table_fill(L, top, t, dim + 1, pos);
    }
    lua_pop(L, 1);
  }
}

/* torch.XTensor(...): the argument forms of Torch7's constructor, from argument 1. */
static int tensor_new(lua_State *L, dl_dtype dt) {
  const char *fn = lt_typename(dt);
  int nargs = lua_gettop(L);
  int64_t size[DL_MAXDIM], stride[DL_MAXDIM];
  dl_tensor *src = nargs >= 1 ? lt_totensor(L, 1) : NULL;
  dl_storage *st = nargs >= 1 ? lt_tostorage(L, 1) : NULL;
  if (src) { /* a new reference to the same view */
    if (src->dtype != dt)
      return lt_error(L, "%s: argument 1: a %s cannot share the storage of a %s", fn, fn,
                        lt_typename(src->dtype));
    lt_pushview(L, src);
    return 1;
  }
  if (st && st->dtype == dt && !(dt == DL_LONG && nargs == 1)) {
    /* (storage [, offset [, sizes [, strides]]]) */
    int64_t offset = lt_optint(L, 2, 1, fn) - 1;
    int n;
    dl_storage *sz = nargs >= 3 ? lt_tostorage(L, 3) : NULL;
    if (nargs < 3) {
      n = 1;
      size[0] = st->size - offset;
    } else {
      n = lt_checksizes(L, 3, size, fn);
    }
    dl_tensor *t = lt_newtensor(L, dt);
    dl_storage *sstr = sz && nargs >= 4 ? lt_tostorage(L, 4) : NULL;
    if (sstr) {
      if (sstr->size != n) return lt_error(L, "%s: %d sizes but %lld strides", fn, n, (long long)sstr->size);
      memcpy(stride, sstr->data, sizeof(int64_t) * n);
    }
    LT_TRY(L, dl_tensor_set_storage(t, st, offset, n, size, sstr ? stride : NULL));
    return 1;
  }
  if (nargs >= 1 && lua_istable(L, 1) && !st) { /* nested table of numbers */
    int n = table_shape(L, 1, size);
    dl_tensor *t = lt_newtensor(L, dt);
    if (n == 0 || size[0] == 0) return 1;
    LT_TRY(L, dl_tensor_resize(t, n, size));
    lt_gcstep(L);
    int64_t pos = 0;
    table_fill(L, 1, t, 0, &pos);
    return 1;
  }
  /* sizes: numbers or a LongStorage, with optional strides storage */
  int n = lt_checksizes(L, 1, size, fn);
  if (n == 0 && nargs >= 1 && !st)
    return lt_error(L, "%s: argument 1: expected sizes, a table, a tensor or a storage, got %s",
                      fn, luaL_typename(L, 1));
  for (int d = 0; d < n; d++)
    if (size[d] < 0) return lt_error(L, "%s: negative size %lld in dimension %d", fn, (long long)size[d], d + 1);
  dl_tensor *t = lt_newtensor(L, dt);
  if (n > 0) LT_TRY(L, dl_tensor_resize(t, n, size));
  dl_storage *sstr = st && nargs >= 2 ? lt_tostorage(L, 2) : NULL;
  if (sstr) { /* explicit strides: a view on a storage large enough for them */
    if (sstr->size != n) return lt_error(L, "%s: %d sizes but %lld strides", fn, n, (long long)sstr->size);
    memcpy(stride, sstr->data, sizeof(int64_t) * n);
    int64_t need = 1;
    for (int d = 0; d < n; d++) need += (size[d] - 1) * (stride[d] > 0 ? stride[d] : 0);
    dl_storage *s = dl_storage_new(dt, need);
    if (!s) lt_fail(L);
    int rc = dl_tensor_set_storage(t, s, 0, n, size, stride);
    dl_storage_release(s);
    LT_TRY(L, rc);
  }
  lt_gcstep(L);
  return 1;
}

static int t_call(lua_State *L) {
  dl_dtype dt = dtype_of_class(L, 1);
  lua_remove(L, 1);
  return tensor_new(L, dt);
}

static int t_gc(lua_State *L) {
  /* a table given a tensor's metatable reaches here from the collector: nothing to free */
  if (lua_type(L, 1) == LUA_TTABLE) return 0;
  dl_tensor_free(lt_checkanytensor(L, 1, "__gc"));
  return 0;
}

/* ---- queries ---- */

static int t_dim(lua_State *L) {
  lua_pushinteger(L, lt_checkanytensor(L, 1, "dim")->ndim);
  return 1;
}

static int t_size(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "size");
  if (lua_isnoneornil(L, 2)) {
    lt_pushsizes(L, t->ndim, t->size);
  } else {
    int d = lt_checkdim(L, 2, t->ndim, "size");
    lua_pushinteger(L, t->size[d]);
  }
  return 1;
}

static int t_stride(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "stride");
  if (lua_isnoneornil(L, 2)) {
    lt_pushsizes(L, t->ndim, t->stride);
  } else {
    int d = lt_checkdim(L, 2, t->ndim, "stride");
    lua_pushinteger(L, t->stride[d]);
  }
  return 1;
}

static int t_nelement(lua_State *L) {
  lua_pushinteger(L, dl_tensor_numel(lt_checkanytensor(L, 1, "nElement")));
  return 1;
}

static int t_storage(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "storage");
  if (!t->storage) {
    dl_storage *s = dl_storage_new(t->dtype, 0);
    if (!s) lt_fail(L);
    t->storage = s; /* an empty tensor gets an empty storage of its own */
  }
  lt_pushstorage(L, t->storage);
  return 1;
}

static int t_storageoffset(lua_State *L) {
  lua_pushinteger(L, lt_checkanytensor(L, 1, "storageOffset")->offset + 1);
  return 1;
}

static int t_iscontiguous(lua_State *L) {
  lua_pushboolean(L, dl_tensor_iscontiguous(lt_checkanytensor(L, 1, "isContiguous")));
  return 1;
}

static int t_issamesizeas(lua_State *L) {
  dl_tensor *a = lt_checkanytensor(L, 1, "isSameSizeAs"), *b = lt_checkanytensor(L, 2, "isSameSizeAs");
  lua_pushboolean(L, dl_tensor_samesize(a, b));
  return 1;
}

static int t_issize(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "isSize");
  int64_t size[DL_MAXDIM];
  int n = lt_checksizes(L, 2, size, "isSize");
  int same = n == t->ndim;
  for (int d = 0; same && d < n; d++) same = size[d] == t->size[d];
  lua_pushboolean(L, same);
  return 1;
}

/* ---- views: each returns a new tensor sharing the storage ---- */

static int t_narrow(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "narrow");
  int d = lt_checkdim(L, 2, t->ndim, "narrow");
  int64_t start = lt_checkint(L, 3, "narrow"), len = lt_checkint(L, 4, "narrow");
  if (start < 0) start += t->size[d] + 1; /* negative counts from the end */
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_narrow(v, d, start - 1, len));
  return 1;
}

static int t_select(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "select");
  /* a vector's select reads element i whatever the dimension given, as Torch7's (whose
     own tests select(dim, j) on the rows of a matrix for either dim) */
  int d = t->ndim == 1 ? (lt_checkint(L, 2, "select"), 0) : lt_checkdim(L, 2, t->ndim, "select");
  int64_t i = check_index(L, 3, t->size[d], d, "select");
  if (t->ndim == 1) {
    push_elem(L, t, t->offset + i * t->stride[0]);
    return 1;
  }
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_select(v, d, i));
  return 1;
}

/* sub(d1start, d1end [, d2start, d2end ...]): inclusive ranges, negative from the end */
static int t_sub(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "sub");
  int nargs = lua_gettop(L) - 1;
  if (nargs % 2 || nargs / 2 > t->ndim)
    return lt_error(L, "sub: expected pairs of indices for at most %d dimensions", t->ndim);
  dl_tensor *v = lt_pushview(L, t);
  for (int d = 0; d < nargs / 2; d++) {
    int64_t a = lt_checkint(L, 2 + 2 * d, "sub"), b = lt_checkint(L, 3 + 2 * d, "sub");
    if (a < 0) a += t->size[d] + 1;
    if (b < 0) b += t->size[d] + 1;
    if (a < 1 || a > t->size[d] || b < a || b > t->size[d])
      return lt_error(L, "sub: range %lld to %lld out of bounds for dimension %d (size %lld)",
                        (long long)a, (long long)b, d + 1, (long long)t->size[d]);
    LT_TRY(L, dl_tensor_narrow(v, d, a - 1, b - a + 1));
  }
  return 1;
}

static int t_transpose(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "transpose");
  int a = lt_checkdim(L, 2, t->ndim, "transpose"), b = lt_checkdim(L, 3, t->ndim, "transpose");
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_transpose(v, a, b));
  return 1;
}

static int t_t(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "t");
  if (t->ndim != 2) return lt_error(L, "t: expected a 2D tensor, got %dD", t->ndim);
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_transpose(v, 0, 1));
  return 1;
}

static int t_permute(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "permute");
  int64_t p[DL_MAXDIM];
  int perm[DL_MAXDIM];
  int n = lt_checksizes(L, 2, p, "permute");
  if (n != t->ndim) return lt_error(L, "permute: %d dimensions given for a %dD tensor", n, t->ndim);
  for (int d = 0; d < n; d++) perm[d] = (int)p[d] - 1;
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_permute(v, n, perm));
  return 1;
}

/* Torch7's result-first forms, dst:view(src, ...), dst:expandAs(src, like), ...: when
   argument `last` is a tensor (2 for view and expand, 3 for viewAs and expandAs, whose
   plain forms already take two tensors), f makes the view of argument 2 from the
   arguments after dst, and dst becomes that view (of the same type: a tensor's type is
   its layout) and is returned. Returns 0 for the plain form. */
static int into_first(lua_State *L, lua_CFunction f, int last, const char *fn) {
  dl_tensor *src = lt_totensor(L, 2);
  if (!src || !lt_totensor(L, last)) return 0;
  dl_tensor *dst = lt_checkanytensor(L, 1, fn);
  if (dst->dtype != src->dtype)
    return lt_error(L, "%s: result is a %s, source a %s", fn, lt_typename(dst->dtype),
                    lt_typename(src->dtype));
  int top = lua_gettop(L);
  lua_pushcfunction(L, f);
  for (int i = 2; i <= top; i++) lua_pushvalue(L, i);
  lua_call(L, top - 1, 1);
  dl_tensor_set(lt_checkanytensor(L, 1, fn), lt_checkanytensor(L, -1, fn));
  lua_settop(L, 1);
  return 1;
}

/* t:data(): the address of t's first element, a light userdata (nil without storage). */
static int t_data(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "data");
  if (!t->storage) return 0;
  lua_pushlightuserdata(L, (char *)t->storage->data + t->offset * dl_dtype_size(t->dtype));
  return 1;
}

static int t_view(lua_State *L) {
  if (into_first(L, t_view, 2, "view")) return 1;
  dl_tensor *t = lt_checkanytensor(L, 1, "view");
  int64_t size[DL_MAXDIM];
  int n = lt_checksizes(L, 2, size, "view");
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_view(v, n, size));
  return 1;
}

static int t_viewas(lua_State *L) {
  if (into_first(L, t_viewas, 3, "viewAs")) return 1;
  dl_tensor *t = lt_checkanytensor(L, 1, "viewAs"), *like = lt_checkanytensor(L, 2, "viewAs");
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_view(v, like->ndim, like->size));
  return 1;
}

static int t_unfold(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "unfold");
  int d = lt_checkdim(L, 2, t->ndim, "unfold");
  int64_t size = lt_checkint(L, 3, "unfold"), step = lt_checkint(L, 4, "unfold");
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_unfold(v, d, size, step));
  return 1;
}

static int t_expand(lua_State *L) {
  if (into_first(L, t_expand, 2, "expand")) return 1;
  dl_tensor *t = lt_checkanytensor(L, 1, "expand");
  int64_t size[DL_MAXDIM];
  int n = lt_checksizes(L, 2, size, "expand");
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_expand(v, n, size));
  return 1;
}

static int t_expandas(lua_State *L) {
  if (into_first(L, t_expandas, 3, "expandAs")) return 1;
  dl_tensor *t = lt_checkanytensor(L, 1, "expandAs"), *like = lt_checkanytensor(L, 2, "expandAs");
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_expand(v, like->ndim, like->size));
  return 1;
}

/* squeeze([dim]): a view without the dimensions of size 1 (or only dim). As Torch7, a
   result of one element is that number: from squeeze(), or from squeeze(dim) of a
   vector (torch.randn(1):squeeze() is a number, which Torch7 programs pass as one). */
static int t_squeeze(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "squeeze");
  int d = lua_isnoneornil(L, 2) ? -1 : lt_checkdim(L, 2, t->ndim, "squeeze");
  int vector = t->ndim == 1;
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, d < 0 ? dl_tensor_squeeze(v) : dl_tensor_squeeze_dim(v, d));
  if (v->ndim == 1 && v->size[0] == 1 && (d < 0 || vector)) push_elem(L, v, v->offset);
  return 1;
}

static int t_unsqueeze(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "unsqueeze");
  int d = lt_checkdim(L, 2, t->ndim + 1, "unsqueeze");
  dl_tensor *v = lt_pushview(L, t);
  LT_TRY(L, dl_tensor_unsqueeze(v, d));
  return 1;
}

/* split(size [, dim]) and chunk(n [, dim]): tables of narrowed views */
/* More pieces than this is a mistake (an empty tensor with a 2^31-long dimension split
   by 1 would build 2^31 views, ~600 GB of userdata, for hours) rather than a program. */
#define SPLIT_MAX_PIECES ((int64_t)1 << 24)

/* The pieces go into a new table, or into the table `into` (a stack index, 0 for none:
   Torch7's torch.split(result, x, ...)), whose other entries are cleared. */
static int split_views(lua_State *L, dl_tensor *t, int d, int64_t size, const char *fn,
                       int into) {
  int64_t total = t->size[d], pieces = total / size + (total % size != 0);
  if (pieces > SPLIT_MAX_PIECES)
    return lt_error(L, "%s: %lld pieces of dimension %d (size %lld): at most %lld", fn,
                    (long long)pieces, d + 1, (long long)total, (long long)SPLIT_MAX_PIECES);
  if (into) {
    lua_pushvalue(L, into);
    for (lua_Integer i = (lua_Integer)luaL_len(L, -1); i > pieces; i--) {
      lua_pushnil(L);
      lua_seti(L, -2, i);
    }
  } else {
    lua_createtable(L, (int)pieces, 0);
  }
  int k = 1;
  for (int64_t start = 0; start < total; start += size) {
    int64_t len = total - start < size ? total - start : size;
    dl_tensor *v = lt_pushview(L, t);
    LT_TRY(L, dl_tensor_narrow(v, d, start, len));
    lua_seti(L, -2, k++);
  }
  return 1;
}

/* Torch7's torch.split(result, x, size [, dim]) and chunk's: the table result moves to
   index 4, after x, size and dim; returns that index, or 0 without a result table. */
static int result_table(lua_State *L) {
  if (!lua_istable(L, 1) || lt_totensor(L, 1)) return 0;
  lua_settop(L, 4);
  lua_rotate(L, 1, -1);
  return 4;
}

static int t_split(lua_State *L) {
  int into = result_table(L);
  dl_tensor *t = lt_checkanytensor(L, 1, "split");
  int64_t size = lt_checkint(L, 2, "split");
  int d = lua_isnoneornil(L, 3) ? 0 : lt_checkdim(L, 3, t->ndim, "split");
  if (t->ndim == 0) return lt_error(L, "split: empty tensor");
  if (size < 1) return lt_error(L, "split: size %lld must be positive", (long long)size);
  return split_views(L, t, d, size, "split", into);
}

static int t_chunk(lua_State *L) {
  int into = result_table(L);
  dl_tensor *t = lt_checkanytensor(L, 1, "chunk");
  int64_t n = lt_checkint(L, 2, "chunk");
  int d = lua_isnoneornil(L, 3) ? 0 : lt_checkdim(L, 3, t->ndim, "chunk");
  if (t->ndim == 0) return lt_error(L, "chunk: empty tensor");
  if (n < 1) return lt_error(L, "chunk: number of chunks %lld must be positive", (long long)n);
  int64_t size = t->size[d] / n + (t->size[d] % n != 0); /* cannot wrap, unlike (s+n-1)/n */
  return split_views(L, t, d, size > 0 ? size : 1, "chunk", into);
}

/* set(): empty; set(tensor); set(storage [, offset [, sizes [, strides]]]). In place. */
static int t_set(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "set");
  dl_tensor *src = lt_totensor(L, 2);
  dl_storage *st = lt_tostorage(L, 2);
  int64_t size[DL_MAXDIM], stride[DL_MAXDIM];
  if (lua_isnoneornil(L, 2)) {
    dl_tensor_free(t);
  } else if (src) {
    if (src->dtype != t->dtype)
      return lt_error(L, "set: a %s cannot share the storage of a %s", lt_typename(t->dtype),
                        lt_typename(src->dtype));
    dl_tensor_set(t, src);
  } else if (st) {
    int64_t offset = lt_optint(L, 3, 1, "set") - 1;
    int n = 1;
    size[0] = st->size - offset;
    if (!lua_isnoneornil(L, 4)) n = lt_checksizes(L, 4, size, "set");
    dl_storage *sstr = lua_gettop(L) >= 5 ? lt_tostorage(L, 5) : NULL;
    if (sstr) {
      if (sstr->size != n) return lt_error(L, "set: %d sizes but %lld strides", n, (long long)sstr->size);
      memcpy(stride, sstr->data, sizeof(int64_t) * n);
    }
    LT_TRY(L, dl_tensor_set_storage(t, st, offset, n, size, sstr ? stride : NULL));
  } else {
    return lt_error(L, "set: argument 2: expected a tensor or a storage, got %s", luaL_typename(L, 2));
  }
  return return_self(L);
}

/* ---- element indexing: t[i], t[{i, {a,b}, {}}], t[mask], t[longindices] ---- */

/* Applies an index table to a view v; returns 1 and sets *elem when it names one element
   (an offset into v's storage: the caller reads it through v, which holds that storage
   even if Lua code run meanwhile gave the indexed tensor another one). The index tables
   are read raw, so that no metamethod runs while v is being narrowed. */
static int apply_index_table(lua_State *L, int kidx, dl_tensor *v, int64_t *elem) {
  int n = (int)lua_rawlen(L, kidx);
  if (n > v->ndim) return lt_error(L, "index: %d indices for a %dD tensor", n, v->ndim);
  /* d walks the view's dimensions; i - 1 is the dimension the script named */
  int d = 0;
  for (int i = 1; i <= n; i++) {
    int ty = lua_rawgeti(L, kidx, i);
    int top = lua_gettop(L);
    if (ty == LUA_TNUMBER) {
      int64_t z = check_index(L, top, v->size[d], i - 1, "index");
      if (v->ndim == 1) {
        *elem = v->offset + z * v->stride[0];
        lua_pop(L, 1);
        return 1;
      }
      LT_TRY(L, dl_tensor_select(v, d, z));
    } else if (ty == LUA_TTABLE) {
      int64_t m = (int64_t)lua_rawlen(L, top), a = 1, b = v->size[d];
      if (m >= 1) {
        lua_rawgeti(L, top, 1);
        a = b = lt_checkint(L, -1, "index");
        lua_pop(L, 1);
      }
      if (m >= 2) {
        lua_rawgeti(L, top, 2);
        b = lt_checkint(L, -1, "index");
        lua_pop(L, 1);
      }
      if (a < 0) a += v->size[d] + 1;
      if (b < 0) b += v->size[d] + 1;
      if (a < 1 || a > v->size[d] || b < a - 1 || b > v->size[d])
        return lt_error(L, "index: range %lld to %lld out of bounds for dimension %d (size %lld)",
                        (long long)a, (long long)b, i, (long long)v->size[d]);
      LT_TRY(L, dl_tensor_narrow(v, d, a - 1, b - a + 1));
      d++;
    } else {
      return lt_error(L, "index: element %d of the index is %s, expected a number or a table", i,
                      luaL_typename(L, top));
    }
    lua_pop(L, 1);
  }
  return 0;
}

/* The element a LongStorage of one index per dimension names (Torch7's t[#t] reads the
   last element of t through the LongStorage #t gives), as an offset into t's storage. */
static int64_t storage_index(lua_State *L, const dl_tensor *t, const dl_storage *k,
                             const char *fn) {
  if (k->dtype != DL_LONG || k->size != t->ndim || t->ndim == 0)
    return lt_error(L, "%s: a %s of size %lld as the index of a %dD tensor (expected a "
                    "torch.LongStorage of %d indices)", fn, lt_storagename(k->dtype),
                    (long long)k->size, t->ndim, t->ndim);
  const int64_t *ix = k->data;
  int64_t elem = t->offset;
  for (int d = 0; d < t->ndim; d++) {
    int64_t i = ix[d], z = i < 0 ? i + t->size[d] : i - 1;
    if (i == 0 || z < 0 || z >= t->size[d])
      return lt_error(L, "%s: index %lld out of range for dimension %d (size %lld)", fn,
                      (long long)i, d + 1, (long long)t->size[d]);
    elem += z * t->stride[d];
  }
  return elem;
}

/* Calls the method `name` of tensor 1 with the given stack arguments. */
static int call_method(lua_State *L, const char *name, int nargs_from, int nret) {
  int top = lua_gettop(L);
  if (luaL_getmetafield(L, 1, name) == LUA_TNIL)
    return lt_error(L, "index: %s is not available", name);
  lua_pushvalue(L, 1);
  for (int i = nargs_from; i <= top; i++) lua_pushvalue(L, i);
  lua_call(L, top - nargs_from + 2, nret);
  return nret;
}

static int t_index(lua_State *L) {
  int kt = lua_type(L, 2);
  if (kt == LUA_TSTRING) {
    /* __index can be called by hand on anything: answer only for our own kind */
    if (lt_kind(L, 1) != LT_KIND_TENSOR)
      return lt_error(L, "index: argument 1: expected a tensor, got %s", luaL_typename(L, 1));
    lua_getmetatable(L, 1);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
  }
  dl_tensor *t = lt_checkanytensor(L, 1, "index");
  if (kt == LUA_TNUMBER) {
    if (t->ndim == 0) return lt_error(L, "index: cannot index an empty tensor");
    int64_t z = check_index(L, 2, t->size[0], 0, "index");
    if (t->ndim == 1) {
      push_elem(L, t, t->offset + z * t->stride[0]);
      return 1;
    }
    dl_tensor *v = lt_pushview(L, t);
    LT_TRY(L, dl_tensor_select(v, 0, z));
    return 1;
  }
  if (kt == LUA_TTABLE && !lt_totensor(L, 2)) {
    dl_tensor *v = lt_pushview(L, t);
    int64_t elem;
    if (apply_index_table(L, 2, v, &elem)) push_elem(L, v, elem);
    return 1;
  }
  dl_storage *ks = lt_tostorage(L, 2);
  if (ks) {
    push_elem(L, t, storage_index(L, t, ks, "index"));
    return 1;
  }
  dl_tensor *k = lt_totensor(L, 2);
  if (k && k->dtype == DL_BYTE) return call_method(L, "maskedSelect", 2, 1);
  if (k && k->dtype == DL_LONG) {
    lua_settop(L, 2);
    lua_pushinteger(L, 1);
    lua_insert(L, 2); /* t:index(1, k) */
    return call_method(L, "index", 2, 1);
  }
  lua_pushnil(L);
  return 1;
}

static void assign_view(lua_State *L, dl_tensor *v, int vidx) {
  dl_tensor *src = lt_totensor(L, vidx);
  if (src)
    LT_TRY(L, op_copy(v, src));
  else
    op_fill(v, lt_checknum(L, vidx, "newindex"));
}

static int t_newindex(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "newindex");
  int kt = lua_type(L, 2);
  if (kt == LUA_TNUMBER) {
    if (t->ndim == 0) return lt_error(L, "newindex: cannot index an empty tensor");
    int64_t z = check_index(L, 2, t->size[0], 0, "newindex");
    if (t->ndim == 1 && !lt_totensor(L, 3)) {
      set_elem(L, t, t->offset + z * t->stride[0], 3, "newindex");
      return 0;
    }
    dl_tensor *v = lt_pushview(L, t);
    if (t->ndim == 1)
      LT_TRY(L, dl_tensor_narrow(v, 0, z, 1));
    else
      LT_TRY(L, dl_tensor_select(v, 0, z));
    assign_view(L, v, 3);
    return 0;
  }
  if (kt == LUA_TTABLE && !lt_totensor(L, 2)) {
    dl_tensor *v = lt_pushview(L, t);
    int64_t elem;
    if (apply_index_table(L, 2, v, &elem)) {
      if (lt_totensor(L, 3)) return lt_error(L, "newindex: cannot assign a tensor to an element");
      set_elem(L, v, elem, 3, "newindex");
    } else {
      assign_view(L, v, 3);
    }
    return 0;
  }
  dl_storage *ks = lt_tostorage(L, 2);
  if (ks) {
    set_elem(L, t, storage_index(L, t, ks, "newindex"), 3, "newindex");
    return 0;
  }
  dl_tensor *k = lt_totensor(L, 2);
  int istensor = lt_totensor(L, 3) != NULL;
  if (k && k->dtype == DL_BYTE) {
    call_method(L, istensor ? "maskedCopy" : "maskedFill", 2, 0);
    return 0;
  }
  if (k && k->dtype == DL_LONG) {
    lua_settop(L, 3);
    lua_pushinteger(L, 1);
    lua_insert(L, 2); /* t:indexCopy(1, k, v) */
    call_method(L, istensor ? "indexCopy" : "indexFill", 2, 0);
    return 0;
  }
  return lt_error(L, "newindex: cannot set field %s of a tensor", luaL_tolstring(L, 2, NULL));
}

static int t_len(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "size");
  lt_pushsizes(L, t->ndim, t->size);
  return 1;
}

/* ---- copies and in-place changes ---- */

static int t_copy(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "copy"), *src = lt_checkanytensor(L, 2, "copy");
  LT_TRY(L, op_copy(t, src));
  return return_self(L);
}

static int t_clone(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "clone");
  dl_tensor *r = lt_newtensor(L, t->dtype);
  if (t->ndim > 0) LT_TRY(L, op_clone(r, t, t->dtype));
  lt_gcstep(L);
  return 1;
}

static int t_contiguous(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "contiguous");
  if (dl_tensor_iscontiguous(t)) return return_self(L);
  dl_tensor *r = lt_newtensor(L, t->dtype);
  LT_TRY(L, op_clone(r, t, t->dtype));
  lt_gcstep(L);
  return 1;
}

static int t_resize(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "resize");
  int64_t size[DL_MAXDIM];
  int n = lt_checksizes(L, 2, size, "resize");
  for (int d = 0; d < n; d++)
    if (size[d] < 0) return lt_error(L, "resize: negative size %lld in dimension %d", (long long)size[d], d + 1);
  LT_TRY(L, dl_tensor_resize(t, n, size));
  lt_gcstep(L);
  return return_self(L);
}

static int t_resizeas(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "resizeAs"), *like = lt_checkanytensor(L, 2, "resizeAs");
  LT_TRY(L, dl_tensor_resize_as(t, like));
  lt_gcstep(L);
  return return_self(L);
}

static int t_fill(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "fill");
  op_fill(t, lt_checknum(L, 2, "fill"));
  return return_self(L);
}

static int t_zero(lua_State *L) {
  op_fill(lt_checkanytensor(L, 1, "zero"), 0);
  return return_self(L);
}

/* ---- types ---- */

static int parse_typename(lua_State *L, int idx, const char *fn) {
  const char *name = luaL_checkstring(L, idx);
  for (int t = 0; t < DL_NTYPES; t++)
    if (strcmp(name, lt_typename((dl_dtype)t)) == 0) return t;
  return lt_error(L, "%s: unknown tensor type '%s'", fn, name);
}

/* A copy of t converted to dt, or t itself when it already is of that type. */
static int convert(lua_State *L, dl_dtype dt) {
  dl_tensor *t = lt_checkanytensor(L, 1, "type");
  if (t->dtype == dt) return return_self(L);
  dl_tensor *r = lt_newtensor(L, dt);
  if (t->ndim > 0) LT_TRY(L, op_clone(r, t, dt));
  lt_gcstep(L);
  return 1;
}

static int t_type(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "type");
  if (lua_isnoneornil(L, 2)) {
    lua_pushstring(L, lt_typename(t->dtype));
    return 1;
  }
  return convert(L, (dl_dtype)parse_typename(L, 2, "type"));
}

static int t_typeas(lua_State *L) {
  dl_tensor *like = lt_checkanytensor(L, 2, "typeAs");
  return convert(L, like->dtype);
}

static int t_float(lua_State *L) { return convert(L, DL_FLOAT); }
static int t_double(lua_State *L) { return convert(L, DL_DOUBLE); }
static int t_long(lua_State *L) { return convert(L, DL_LONG); }
static int t_byte(lua_State *L) { return convert(L, DL_BYTE); }
static int t_char(lua_State *L) { return convert(L, DL_CHAR); }
static int t_short(lua_State *L) { return convert(L, DL_SHORT); }
static int t_int(lua_State *L) { return convert(L, DL_INT); }
static int t_half(lua_State *L) { return convert(L, DL_HALF); }

/* x:elementSize(): the bytes of one element (1, 2, 4 or 8) */
static int t_elementsize(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)dl_dtype_size(lt_checkanytensor(L, 1, "elementSize")->dtype));
  return 1;
}

static void totable_dim(lua_State *L, const dl_tensor *t, int d, int64_t off) {
  lua_createtable(L, (int)t->size[d], 0);
  for (int64_t i = 0; i < t->size[d]; i++) {
    if (d == t->ndim - 1)
      push_elem(L, t, off + i * t->stride[d]);
    else
      totable_dim(L, t, d + 1, off + i * t->stride[d]);
    lua_seti(L, -2, i + 1);
  }
}

static int t_totable(lua_State *L) {
  dl_tensor *t = lt_checkanytensor(L, 1, "totable");
  if (t->ndim == 0) {
    lua_newtable(L);
    return 1;
  }
  luaL_checkstack(L, t->ndim + 4, "totable");
  totable_dim(L, t, 0, t->offset);
  return 1;
}

static int f_setdefaulttensortype(lua_State *L) {
  int t = parse_typename(L, 1, "setdefaulttensortype");
  if (t != DL_FLOAT && t != DL_DOUBLE)
    return lt_error(L, "setdefaulttensortype: the default type must be a floating type, not %s",
                      lt_typename((dl_dtype)t));
  lua_pushinteger(L, t);
  lua_setfield(L, LUA_REGISTRYINDEX, "dlua.defaulttype");
  /* torch.Tensor and torch.Storage follow the default */
  lua_getfield(L, LUA_REGISTRYINDEX, "dlua.torch");
  if (lua_istable(L, -1)) {
    luaL_getmetatable(L, lt_typename((dl_dtype)t));
    lua_setfield(L, -2, "Tensor");
    luaL_getmetatable(L, lt_storagename((dl_dtype)t));
    lua_setfield(L, -2, "Storage");
  }
  return 0;
}

static int f_getdefaulttensortype(lua_State *L) {
  lua_pushstring(L, lt_typename(lt_defaulttype(L)));
  return 1;
}

static const luaL_Reg methods[] = {
    {"dim", t_dim},
    {"nDimension", t_dim},
    {"size", t_size},
    {"stride", t_stride},
    {"nElement", t_nelement},
    {"numel", t_nelement},
    {"storage", t_storage},
    {"data", t_data},
    {"storageOffset", t_storageoffset},
    {"isContiguous", t_iscontiguous},
    {"isSameSizeAs", t_issamesizeas},
    {"isSize", t_issize},
    {"narrow", t_narrow},
    {"select", t_select},
    {"sub", t_sub},
    {"transpose", t_transpose},
    {"t", t_t},
    {"permute", t_permute},
    {"view", t_view},
    {"viewAs", t_viewas},
    {"unfold", t_unfold},
    {"expand", t_expand},
    {"expandAs", t_expandas},
    {"squeeze", t_squeeze},
    {"unsqueeze", t_unsqueeze},
    {"split", t_split},
    {"chunk", t_chunk},
    {"set", t_set},
    {"copy", t_copy},
    {"clone", t_clone},
    {"contiguous", t_contiguous},
    {"resize", t_resize},
    {"resizeAs", t_resizeas},
    {"fill", t_fill},
    {"zero", t_zero},
    {"type", t_type},
    {"typeAs", t_typeas},
    {"float", t_float},
    {"double", t_double},
    {"long", t_long},
    {"byte", t_byte},
    {"char", t_char},
    {"short", t_short},
    {"int", t_int},
    {"half", t_half},
    {"elementSize", t_elementsize},
    {"totable", t_totable},
    {"__index", t_index},
    {"__newindex", t_newindex},
    {"__len", t_len},
    {"__gc", t_gc},
    {NULL, NULL}};

/* torch.* forms of the views and queries: the same functions, tensor first. */
static const luaL_Reg funcs[] = {
    {"narrow", t_narrow},       {"select", t_select},       {"transpose", t_transpose},
    {"t", t_t},                 {"permute", t_permute},     {"view", t_view},
    {"viewAs", t_viewas},       {"unfold", t_unfold},       {"expand", t_expand},
    {"expandAs", t_expandas},   {"squeeze", t_squeeze},     {"unsqueeze", t_unsqueeze},
    {"split", t_split},         {"chunk", t_chunk},         {"clone", t_clone},
    {"nElement", t_nelement},   {"numel", t_nelement},      {"isSameSizeAs", t_issamesizeas},
    {"setdefaulttensortype", f_setdefaulttensortype},
    {"getdefaulttensortype", f_getdefaulttensortype},
    {NULL, NULL}};

void lt_open_tensor(lua_State *L) {
  for (int t = 0; t < DL_NTYPES; t++) {
    const char *name = lt_typename((dl_dtype)t);
    luaL_newmetatable(L, name);
    lt_setkind(L, -1, LT_KIND_TENSOR);
    lua_pushinteger(L, 1);
    lua_setfield(L, -2, "__dltype");
    lua_pushinteger(L, t);
    lua_setfield(L, -2, "__dtype");
    lua_pushstring(L, name);
    lua_setfield(L, -2, "__typename");
    lua_pushinteger(L, 1);
    lua_setfield(L, -2, "__version");
    lua_newtable(L); /* the class table is callable: torch.FloatTensor(2, 3) */
    lua_pushcfunction(L, t_call);
    lua_setfield(L, -2, "__call");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, name + 6); /* torch.FloatTensor */
  }
  lt_register(L, methods, funcs);
  /* Double by default, as Torch7: its programs mix torch.Tensor with :double(), and
     their gradient checks need float64 (scripts choose float for speed) */
  lua_pushcfunction(L, f_setdefaulttensortype);
  lua_pushstring(L, "torch.DoubleTensor");
  lua_call(L, 1, 0);
}
