/* Bindings for indexing (index, gather, masks...) and the constructors that build new
   tensors (zeros, range, eye, diag, cat, ...). Kernels: src/ops/indexing.c, build.c.

   Result conventions, as Torch7's: torch.f([res,] x, ...) and x:f(...) return a new
   tensor; res:f(x, ...) (a tensor result before the tensor argument) fills res. The
   in-place methods (indexCopy, maskedFill, ...) return self. */
#include <string.h>

#include "../ops/build.h"
#include "../ops/copy.h"
#include "../ops/indexing.h"
#include "lt.h"

/* The argument index of the source tensor: 2 when argument 1 is a result tensor (told by
   `ntensors` tensors in a row at the start), else 1. */
static int res_form(lua_State *L, int ntensors) {
  for (int i = 1; i <= ntensors; i++)
    if (!lt_totensor(L, i)) return 0;
  return 1;
}

/* Pushes the result: argument 1 when res_form, else a new tensor of type dt. */
static dl_tensor *push_result(lua_State *L, int isres, dl_dtype dt) {
  if (isres) {
    lua_pushvalue(L, 1);
    return lt_totensor(L, 1);
  }
  return lt_newtensor(L, dt);
}

/* When the result shares storage with an argument (torch.index(x, x, ...)), the kernel
   writes into a new temporary, pushed above the result, that finish copies back. */
static dl_tensor *out_for(lua_State *L, dl_tensor *r, const dl_tensor *a, const dl_tensor *b) {
  if (lt_aliases(r, a) || lt_aliases(r, b))
    return lt_newtensor(L, r->dtype);
  return r;
}

static int finish(lua_State *L, dl_tensor *r, dl_tensor *out) {
  if (out != r) {
    LT_TRY(L, dl_tensor_resize_as(r, out));
    LT_TRY(L, op_copy(r, out));
    lua_pop(L, 1);
  }
  lt_gcstep(L);
  return 1;
}

static int return_self(lua_State *L) {
  lua_settop(L, 1);
  return 1;
}

/* ---- constructors ---- */

/* A trailing type name ("torch.DoubleTensor") after the arguments: removes it and
   returns its type; else the default type. */
static dl_dtype trailing_type(lua_State *L, const char *fn) {
  int top = lua_gettop(L);
  if (top == 0 || lua_type(L, top) != LUA_TSTRING) return lt_defaulttype(L);
  const char *name = lua_tostring(L, top);
  for (int t = 0; t < DL_NTYPES; t++)
    if (strcmp(name, lt_typename((dl_dtype)t)) == 0) {
      lua_settop(L, top - 1);
      return (dl_dtype)t;
    }
  return (dl_dtype)lt_error(L, "%s: unknown tensor type '%s'", fn, name);
}

/* Sizes for zeros/ones/reshape: numbers, a LongStorage or a table; never negative. */
static int check_sizes(lua_State *L, int idx, int64_t *size, const char *fn) {
  int n = lt_checksizes(L, idx, size, fn);
  for (int d = 0; d < n; d++)
    if (size[d] < 0)
      lt_error(L, "%s: negative size %lld in dimension %d", fn, (long long)size[d], d + 1);
  return n;
}

/* torch.zeros([res,] sizes) and x:zeros(sizes): resize and fill. */
static int filled(lua_State *L, double v, const char *fn) {
  dl_dtype dt = trailing_type(L, fn);
  int isres = lt_totensor(L, 1) != NULL;
  int64_t size[DL_MAXDIM];
  int n = check_sizes(L, isres ? 2 : 1, size, fn);
  dl_tensor *r = push_result(L, isres, dt);
  if (n == 0) return 1; /* no sizes: an empty tensor, as Torch7 */
  LT_TRY(L, dl_tensor_resize(r, n, size));
  op_fill(r, v);
  lt_gcstep(L);
  return 1;
}

static int f_zeros(lua_State *L) { return filled(L, 0, "zeros"); }
static int f_ones(lua_State *L) { return filled(L, 1, "ones"); }

/* torch.range([res,] a, b [, step]) */
static int f_range(lua_State *L) {
  dl_dtype dt = trailing_type(L, "range");
  int isres = lt_totensor(L, 1) != NULL, a = isres + 1;
  double x = lt_checknum(L, a, "range"), y = lt_checknum(L, a + 1, "range");
  double step = lua_isnoneornil(L, a + 2) ? 1 : lt_checknum(L, a + 2, "range");
  dl_tensor *r = push_result(L, isres, dt);
  LT_TRY(L, op_build_range(r, x, y, step));
  lt_gcstep(L);
  return 1;
}

static int spaced(lua_State *L, int logscale) {
  const char *fn = logscale ? "logspace" : "linspace";
  dl_dtype dt = trailing_type(L, fn);
  int isres = lt_totensor(L, 1) != NULL, a = isres + 1;
  double x = lt_checknum(L, a, fn), y = lt_checknum(L, a + 1, fn);
  int64_t n = lt_optint(L, a + 2, 100, fn);
  dl_tensor *r = push_result(L, isres, dt);
  LT_TRY(L, logscale ? op_build_logspace(r, x, y, n) : op_build_linspace(r, x, y, n));
  lt_gcstep(L);
  return 1;
}

static int f_linspace(lua_State *L) { return spaced(L, 0); }
static int f_logspace(lua_State *L) { return spaced(L, 1); }

/* torch.eye([res,] n [, m]) */
static int f_eye(lua_State *L) {
  dl_dtype dt = trailing_type(L, "eye");
  int isres = lt_totensor(L, 1) != NULL, a = isres + 1;
  int64_t n = lt_checkint(L, a, "eye"), m = lt_optint(L, a + 1, n, "eye");
  dl_tensor *r = push_result(L, isres, dt);
  LT_TRY(L, op_build_eye(r, n, m));
  lt_gcstep(L);
  return 1;
}

/* torch.diag([res,] x [, k]), x:diag([k]), res:diag(x [, k]) */
static int f_diag(lua_State *L) {
  int isres = res_form(L, 2), a = isres + 1;
  dl_tensor *x = lt_checktensor(L, a, "diag");
  int64_t k = lt_optint(L, a + 1, 0, "diag");
  dl_tensor *r = push_result(L, isres, x->dtype), *o = out_for(L, r, x, NULL);
  LT_TRY(L, op_build_diag(o, x, k));
  return finish(L, r, o);
}

static int triangle(lua_State *L, int lower) {
  const char *fn = lower ? "tril" : "triu";
  int isres = res_form(L, 2), a = isres + 1;
  dl_tensor *x = lt_checktensor(L, a, fn);
  int64_t k = lt_optint(L, a + 1, 0, fn);
  dl_tensor *r = push_result(L, isres, x->dtype), *o = r;
  if (r != x) o = out_for(L, r, x, NULL); /* the same tensor is done in place */
  LT_TRY(L, lower ? op_build_tril(o, x, k) : op_build_triu(o, x, k));
  return finish(L, r, o);
}

static int f_tril(lua_State *L) { return triangle(L, 1); }
static int f_triu(lua_State *L) { return triangle(L, 0); }

/* torch.cat([res,] a, b [, dim]) and torch.cat([res,] {a, b, ...} [, dim]); the default
   dimension is the last one of the first non-empty tensor. */
static int f_cat(lua_State *L) {
  int istable = 0, isres = 0, first;
  if (lt_totensor(L, 1) && lua_istable(L, 2) && !lt_totensor(L, 2)) {
    isres = istable = 1;
  } else if (lua_istable(L, 1) && !lt_totensor(L, 1)) {
    istable = 1;
  } else {
    isres = res_form(L, 3);
  }
  first = isres + 1;
  int n = istable ? (int)luaL_len(L, first) : 2, dimarg = first + (istable ? 1 : 2);
  if (n < 1) return lt_error(L, "cat: no tensors to join");
  lua_settop(L, dimarg); /* so that the pointer array below does not pose as the dim */
  /* the pointer array lives in Lua memory, so that errors below do not leak it; the
     table's elements are anchored in a table of our own, since reading a user table can
     run Lua (__index, the collector) that drops them from it */
  const dl_tensor **ts = lua_newuserdatauv(L, sizeof(dl_tensor *) * (size_t)n, 0);
  int arr = lua_gettop(L);
  lua_createtable(L, istable ? n : 0, 0);
  int anchor = lua_gettop(L);
  for (int i = 0; i < n; i++) {
    if (istable) {
      lua_geti(L, first, i + 1);
      if (!lt_totensor(L, -1)) return lt_error(L, "cat: element %d of the table is not a tensor", i + 1);
      lua_rawseti(L, anchor, i + 1);
    } else {
      lt_checktensor(L, first + i, "cat");
    }
  }
  for (int i = 0; i < n; i++) {
    if (istable) lua_rawgeti(L, anchor, i + 1); else lua_pushvalue(L, first + i);
    ts[i] = lt_totensor(L, -1);
    lua_pop(L, 1); /* still anchored */
  }
  const dl_tensor *ref = ts[0];
  for (int i = 0; i < n && ref->ndim == 0; i++) ref = ts[i];
  int dim = ref->ndim - 1;
  if (!lua_isnoneornil(L, dimarg)) {
    int64_t d = lt_checkint(L, dimarg, "cat");
    /* all empty: the result is empty, whatever the dimension (Torch7) */
    if (d < 1 || (d > ref->ndim && ref->ndim > 0))
      return lt_error(L, "cat: dimension %lld out of range for a %dD tensor", (long long)d,
                      ref->ndim);
    dim = ref->ndim > 0 ? (int)d - 1 : 0;
  }
  dl_tensor *r = push_result(L, isres, ts[0]->dtype), *o = r;
  for (int i = 0; i < n && o == r; i++) o = out_for(L, r, ts[i], NULL);
  LT_TRY(L, op_build_cat(o, ts, n, dim < 0 ? 0 : dim));
  finish(L, r, o);
  lua_replace(L, arr); /* the result, where the pointer array was */
  lua_settop(L, arr);
  return 1;
}

/* torch.reshape([res,] x, sizes...): a contiguous copy with the new sizes. */
static int f_reshape(lua_State *L) {
  int isres = res_form(L, 2), a = isres + 1;
  dl_tensor *x = lt_checktensor(L, a, "reshape");
  int64_t size[DL_MAXDIM];
  char b1[256], b2[256];
  int n = lt_checksizes(L, a + 1, size, "reshape"), infer = -1;
  int64_t count = 1;
  for (int d = 0; d < n; d++) {
    if (size[d] != -1)
      count *= size[d];
    else if (infer >= 0)
      return lt_error(L, "reshape: only one size may be -1");
    else
      infer = d;
  }
  if (infer >= 0 && count > 0 && dl_tensor_numel(x) % count == 0) {
    size[infer] = dl_tensor_numel(x) / count;
    count *= size[infer];
  }
  if (n == 0 || count != dl_tensor_numel(x))
    return lt_error(L, "reshape: cannot reshape size %s (%lld elements) to %s",
                    dl_sizestr(b1, sizeof b1, x->ndim, x->size), (long long)dl_tensor_numel(x),
                    dl_sizestr(b2, sizeof b2, n, size));
  dl_tensor *r = push_result(L, isres, x->dtype), *o = out_for(L, r, x, NULL);
  LT_TRY(L, dl_tensor_resize(o, n, size));
  LT_TRY(L, op_copy(o, x));
  return finish(L, r, o);
}

/* x:repeatTensor(sizes...), torch.repeatTensor([res,] x, sizes...) */
static int f_repeat(lua_State *L) {
  int isres = res_form(L, 2), a = isres + 1;
  dl_tensor *x = lt_checkanytensor(L, a, "repeatTensor"); /* copies only: Half too */
  int64_t reps[DL_MAXDIM];
  int n = lt_checksizes(L, a + 1, reps, "repeatTensor");
  dl_tensor *r = push_result(L, isres, x->dtype), *o = out_for(L, r, x, NULL);
  LT_TRY(L, op_build_repeat(o, x, n, reps));
  return finish(L, r, o);
}

/* ---- indexing ---- */

/* torch.index([res,] src, dim, idx), src:index(dim, idx), res:index(src, dim, idx) */
static int f_index(lua_State *L) {
  int isres = res_form(L, 2), a = isres + 1;
  dl_tensor *src = lt_checktensor(L, a, "index");
  int dim = lt_checkdim(L, a + 1, src->ndim, "index");
  dl_tensor *idx = lt_checktensor(L, a + 2, "index");
  dl_tensor *r = push_result(L, isres, src->dtype), *o = out_for(L, r, src, idx);
  LT_TRY(L, op_ix_index(o, src, dim, idx));
  return finish(L, r, o);
}

/* x itself, or a copy of it when it shares t's storage: the kernels read x while
   writing t, and an overlap would let them read values they already wrote. */
static dl_tensor *unaliased(lua_State *L, const dl_tensor *t, dl_tensor *x) {
  if (!x->storage || x->storage != t->storage) return x;
  dl_tensor *c = lt_newtensor(L, x->dtype);
  LT_TRY(L, op_clone(c, x, x->dtype));
  return c;
}

/* t:indexCopy(dim, idx, src), t:indexAdd(dim, idx, src), t:indexFill(dim, idx, v) */
static int m_indexcopy(lua_State *L) {
  dl_tensor *t = lt_checktensor(L, 1, "indexCopy");
  int dim = lt_checkdim(L, 2, t->ndim, "indexCopy");
  dl_tensor *idx = lt_checktensor(L, 3, "indexCopy"), *src = lt_checktensor(L, 4, "indexCopy");
  idx = unaliased(L, t, idx);
  src = unaliased(L, t, src);
  LT_TRY(L, op_ix_index_copy(t, dim, idx, src));
  return return_self(L);
}

static int m_indexadd(lua_State *L) {
  dl_tensor *t = lt_checktensor(L, 1, "indexAdd");
  int dim = lt_checkdim(L, 2, t->ndim, "indexAdd");
  dl_tensor *idx = lt_checktensor(L, 3, "indexAdd"), *src = lt_checktensor(L, 4, "indexAdd");
  idx = unaliased(L, t, idx);
  src = unaliased(L, t, src);
  LT_TRY(L, op_ix_index_add(t, dim, idx, src));
  return return_self(L);
}

static int m_indexfill(lua_State *L) {
  dl_tensor *t = lt_checktensor(L, 1, "indexFill");
  int dim = lt_checkdim(L, 2, t->ndim, "indexFill");
  dl_tensor *idx = unaliased(L, t, lt_checktensor(L, 3, "indexFill"));
  LT_TRY(L, op_ix_index_fill(t, dim, idx, lt_checknum(L, 4, "indexFill")));
  return return_self(L);
}

/* torch.gather([res,] src, dim, idx), src:gather(dim, idx), res:gather(src, dim, idx) */
static int f_gather(lua_State *L) {
  int isres = res_form(L, 2), a = isres + 1;
  dl_tensor *src = lt_checktensor(L, a, "gather");
  int dim = lt_checkdim(L, a + 1, src->ndim, "gather");
  dl_tensor *idx = lt_checktensor(L, a + 2, "gather");
  dl_tensor *r = push_result(L, isres, src->dtype), *o = out_for(L, r, src, idx);
  LT_TRY(L, op_ix_gather(o, src, dim, idx));
  return finish(L, r, o);
}

/* t:scatter(dim, idx, src | value) */
static int m_scatter(lua_State *L) {
  dl_tensor *t = lt_checktensor(L, 1, "scatter");
  int dim = lt_checkdim(L, 2, t->ndim, "scatter");
  dl_tensor *idx = unaliased(L, t, lt_checktensor(L, 3, "scatter")), *src = lt_totensor(L, 4);
  if (src) src = unaliased(L, t, src);
  if (src)
    LT_TRY(L, op_ix_scatter(t, dim, idx, src));
  else
    LT_TRY(L, op_ix_scatter_fill(t, dim, idx, lt_checknum(L, 4, "scatter")));
  return return_self(L);
}

/* torch.maskedSelect([res,] src, mask), src:maskedSelect(mask), res:maskedSelect(src, mask) */
static int f_maskedselect(lua_State *L) {
  int isres = res_form(L, 3), a = isres + 1;
  dl_tensor *src = lt_checktensor(L, a, "maskedSelect");
  dl_tensor *mask = lt_checktensor(L, a + 1, "maskedSelect");
  dl_tensor *r = push_result(L, isres, src->dtype), *o = out_for(L, r, src, mask);
  LT_TRY(L, op_ix_masked_select(o, src, mask));
  return finish(L, r, o);
}

static int m_maskedcopy(lua_State *L) {
  dl_tensor *t = lt_checktensor(L, 1, "maskedCopy");
  dl_tensor *mask = lt_checktensor(L, 2, "maskedCopy"), *src = lt_checktensor(L, 3, "maskedCopy");
  mask = unaliased(L, t, mask);
  src = unaliased(L, t, src);
  LT_TRY(L, op_ix_masked_copy(t, mask, src));
  return return_self(L);
}

static int m_maskedfill(lua_State *L) {
  dl_tensor *t = lt_checktensor(L, 1, "maskedFill");
  dl_tensor *mask = unaliased(L, t, lt_checktensor(L, 2, "maskedFill"));
  LT_TRY(L, op_ix_masked_fill(t, mask, lt_checknum(L, 3, "maskedFill")));
  return return_self(L);
}

/* torch.nonzero([res,] x), x:nonzero() */
static int f_nonzero(lua_State *L) {
  int isres = res_form(L, 2), a = isres + 1;
  dl_tensor *x = lt_checktensor(L, a, "nonzero");
  dl_tensor *r = push_result(L, isres, DL_LONG), *o = out_for(L, r, x, NULL);
  LT_TRY(L, op_ix_nonzero(o, x));
  return finish(L, r, o);
}

/* Every function serves as a method and as torch.f: each tells the forms apart itself. */
static const luaL_Reg funcs[] = {
    {"zeros", f_zeros},
    {"ones", f_ones},
    {"range", f_range},
    {"linspace", f_linspace},
    {"logspace", f_logspace},
    {"eye", f_eye},
    {"diag", f_diag},
    {"tril", f_tril},
    {"triu", f_triu},
    {"cat", f_cat},
    {"reshape", f_reshape},
    {"repeatTensor", f_repeat},
    {"index", f_index},
    {"indexCopy", m_indexcopy},
    {"indexAdd", m_indexadd},
    {"indexFill", m_indexfill},
    {"gather", f_gather},
    {"scatter", m_scatter},
    {"maskedSelect", f_maskedselect},
    {"maskedCopy", m_maskedcopy},
    {"maskedFill", m_maskedfill},
    {"nonzero", f_nonzero},
    {NULL, NULL}};

void lt_open_indexing(lua_State *L) { lt_register(L, funcs, funcs); }
