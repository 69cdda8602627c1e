/* dl.mpi: the bindings of the collectives (src/dist/comm.c), a Lua module of its own,
   build/lua/dl/mpi.so, linked against libmpi and loaded only by require 'dl.distributed',
   so that torch/core.so and ./dlua never depend on Open MPI.

   The tensor helpers (lt_totensor, lt_error, dl_tensor_data, ...) are the ones of the
   torch core already loaded, found at run time rather than linked: a second copy would
   not recognise the core's tensors (lt_kind keys its registry table by the address of a
   static of lt_core.c) and would keep its own error and allocation state. ./dlua exports
   them (-Wl,-E), so the global scope has them; under lua5.4, torch/core.so was loaded
   with RTLD_LOCAL, so they are looked up in the file that holds the C functions of the
   tensor metatable (dladdr), which is the core in use. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "../dist/comm.h"
#include "lt.h"

static struct {
  dl_tensor *(*totensor)(lua_State *L, int idx);
  int (*error)(lua_State *L, const char *fmt, ...);
  void *(*data)(const dl_tensor *t);
  int64_t (*numel)(const dl_tensor *t);
  int (*iscontiguous)(const dl_tensor *t);
  void (*retain)(dl_storage *s);
  void (*release)(dl_storage *s);
} core;

static const char *const core_names[] = {"lt_totensor", "lt_error", "dl_tensor_data",
                                         "dl_tensor_numel", "dl_tensor_iscontiguous",
                                         "dl_storage_retain", "dl_storage_release"};

/* Fills core from handle; 0 when every symbol is there. */
static int bind_core(void *handle) {
  void **slot = (void **)&core;
  for (size_t i = 0; i < sizeof core_names / sizeof core_names[0]; i++)
    if (!(slot[i] = dlsym(handle, core_names[i]))) return -1;
  return 0;
}

/* Finds the torch core: the global scope (./dlua), else the file holding torch.FloatTensor's
   C methods. Raises a plain Lua error when neither works (no tensor helpers to format it). */
static void find_core(lua_State *L) {
  if (bind_core(RTLD_DEFAULT) == 0) return;
  lua_getfield(L, LUA_REGISTRYINDEX, "torch.FloatTensor");
  lua_CFunction f = NULL;
  if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "size");
    f = lua_tocfunction(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  Dl_info info;
  void *h = NULL;
  if (f && dladdr((void *)f, &info) && info.dli_fname)
    h = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  if (!h || bind_core(h) != 0)
    luaL_error(L, "dl.mpi: cannot find the torch core's tensor functions (require 'torch' first)");
}

#define FAIL(L) core.error(L, "%s", ds_errmsg())

static const char *const opnames[] = {"sum", "mean", "max", "min", NULL};

static ds_op checkop(lua_State *L, int idx, const char *fn) {
  const char *s = luaL_optstring(L, idx, "sum");
  for (int i = 0; opnames[i]; i++)
    if (strcmp(s, opnames[i]) == 0) return (ds_op)i;
  core.error(L, "%s: unknown operation '%s' (sum, mean, max or min)", fn, s);
  return DS_SUM;
}

/* The contiguous tensor at idx: its data, count and type. */
static dl_tensor *checkbuf(lua_State *L, int idx, const char *fn) {
  dl_tensor *t = core.totensor(L, idx); /* of any type: Half tensors are sent as they are */
  if (!t) core.error(L, "%s: argument %d: expected a tensor, got %s", fn, idx, luaL_typename(L, idx));
  if (!core.iscontiguous(t)) core.error(L, "%s: argument %d must be a contiguous tensor", fn, idx);
  return t;
}

static int checkroot(lua_State *L, int idx, const char *fn) {
  lua_Integer r = 0;
  if (!lua_isnoneornil(L, idx)) {
    int ok = 0;
    r = lua_tointegerx(L, idx, &ok);
    if (!ok) core.error(L, "%s: root must be an integer rank, got %s", fn, luaL_typename(L, idx));
  }
  return (int)r;
}

/* init() -> rank, size */
static int l_init(lua_State *L) {
  int rank = 0, size = 1;
  if (ds_init("dl.distributed.init", &rank, &size) < 0) FAIL(L);
  lua_pushinteger(L, rank);
  lua_pushinteger(L, size);
  return 2;
}

static int l_initialized(lua_State *L) {
  lua_pushboolean(L, ds_initialized());
  return 1;
}

static int l_barrier(lua_State *L) {
  if (ds_barrier("dl.distributed.barrier") < 0) FAIL(L);
  return 0;
}

/* abort(msg, code): never returns. */
static int l_abort(lua_State *L) {
  ds_abort(luaL_optstring(L, 1, NULL), (int)luaL_optinteger(L, 2, 1));
  return 0;
}

static int l_hostname(lua_State *L) {
  char buf[256];
  if (ds_hostname("dl.distributed.hostname", buf, sizeof buf) < 0) FAIL(L);
  lua_pushstring(L, buf);
  return 1;
}

static int l_wtime(lua_State *L) {
  lua_pushnumber(L, ds_wtime());
  return 1;
}

/* allreduce(t, op) */
static int l_allreduce(lua_State *L) {
  const char *fn = "dl.distributed.allreduce";
  dl_tensor *t = checkbuf(L, 1, fn);
  ds_op op = checkop(L, 2, fn);
  if (ds_allreduce(fn, core.data(t), core.numel(t), t->dtype, op) < 0) FAIL(L);
  return 0;
}

/* broadcast(t, root) */
static int l_broadcast(lua_State *L) {
  const char *fn = "dl.distributed.broadcast";
  dl_tensor *t = checkbuf(L, 1, fn);
  if (ds_broadcast(fn, core.data(t), core.numel(t), t->dtype, checkroot(L, 2, fn)) < 0) FAIL(L);
  return 0;
}

/* reduce(t, op, root) */
static int l_reduce(lua_State *L) {
  const char *fn = "dl.distributed.reduce";
  dl_tensor *t = checkbuf(L, 1, fn);
  ds_op op = checkop(L, 2, fn);
  if (ds_reduce(fn, core.data(t), core.numel(t), t->dtype, op, checkroot(L, 3, fn)) < 0) FAIL(L);
  return 0;
}

/* The checks of allgather(out, in): out holds size x in's elements, of in's type. */
static void checkgather(lua_State *L, const char *fn, dl_tensor **out, dl_tensor **in) {
  *out = checkbuf(L, 1, fn);
  *in = checkbuf(L, 2, fn);
  if ((*out)->dtype != (*in)->dtype) core.error(L, "%s: the result and the input differ in type", fn);
  int rank = 0, size = 1;
  if (ds_initialized()) ds_init(fn, &rank, &size);
  if (core.numel(*out) != size * core.numel(*in))
    core.error(L, "%s: the result has %lld elements, not %d x %lld", fn,
               (long long)core.numel(*out), size, (long long)core.numel(*in));
}

/* allgather(out, in) */
static int l_allgather(lua_State *L) {
  const char *fn = "dl.distributed.allgather";
  dl_tensor *out, *in;
  checkgather(L, fn, &out, &in);
  if (ds_allgather(fn, core.data(out), core.data(in), core.numel(in), in->dtype) < 0) FAIL(L);
  return 0;
}

/* bench_allreduce(count, iters) -> seconds per raw MPI_Allreduce of count floats */
static int l_bench_allreduce(lua_State *L) {
  double s = 0;
  if (ds_bench_allreduce("dl.distributed.bench_allreduce", luaL_checkinteger(L, 1),
                         (int)luaL_checkinteger(L, 2), &s) < 0)
    FAIL(L);
  lua_pushnumber(L, s);
  return 1;
}

/* ---- requests: the handles of the non-blocking forms ---- */

#define REQUEST "dl.mpi.request"

/* A request userdata; its user values 1 and 2 keep the tensors it reads and writes alive. */
typedef struct {
  ds_request r;
} request;

static request *newrequest(lua_State *L, int t1, int t2) {
  request *q = lua_newuserdatauv(L, sizeof *q, 2);
  memset(q, 0, sizeof *q);
  luaL_setmetatable(L, REQUEST);
  lua_pushvalue(L, t1);
  lua_setiuservalue(L, -2, 1);
  lua_pushvalue(L, t2);
  lua_setiuservalue(L, -2, 2);
  return q;
}

/* What an orphaned request keeps alive until it completes: its tensors' storages. */
typedef struct {
  dl_storage *s[2];
} kept;

static void drop_kept(void *arg) {
  kept *k = arg;
  for (int i = 0; i < 2; i++)
    if (k->s[i]) core.release(k->s[i]);
  free(k);
}

static int req_gc(lua_State *L) {
  request *q = luaL_checkudata(L, 1, REQUEST);
  kept *k = NULL;
  if (q->r.active && (k = calloc(1, sizeof *k))) {
    for (int i = 0; i < 2; i++) {
      lua_getiuservalue(L, 1, i + 1);
      dl_tensor *t = lua_isuserdata(L, -1) ? lua_touserdata(L, -1) : NULL;
      if (t && t->storage) core.retain(k->s[i] = t->storage);
      lua_pop(L, 1);
    }
  }
  ds_release(&q->r, k ? drop_kept : NULL, k);
  return 0;
}

/* handle:wait() -> the result tensor */
static int req_wait(lua_State *L) {
  request *q = luaL_checkudata(L, 1, REQUEST);
  if (ds_wait("dl.distributed: wait", &q->r) < 0) FAIL(L);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

/* handle:test() -> true once done */
static int req_test(lua_State *L) {
  request *q = luaL_checkudata(L, 1, REQUEST);
  int done = 0;
  if (ds_test("dl.distributed: test", &q->r, &done) < 0) FAIL(L);
  lua_pushboolean(L, done);
  return 1;
}

/* iallreduce(t, op[, scale]) -> handle */
static int l_iallreduce(lua_State *L) {
  const char *fn = "dl.distributed.iallreduce";
  dl_tensor *t = checkbuf(L, 1, fn);
  ds_op op = checkop(L, 2, fn);
  double k = luaL_optnumber(L, 3, 1);
  request *q = newrequest(L, 1, 1);
  if (ds_iallreduce(fn, &q->r, core.data(t), core.numel(t), t->dtype, op, k) < 0) FAIL(L);
  return 1;
}

/* ibroadcast(t, root) -> handle */
static int l_ibroadcast(lua_State *L) {
  const char *fn = "dl.distributed.ibroadcast";
  dl_tensor *t = checkbuf(L, 1, fn);
  int root = checkroot(L, 2, fn);
  request *q = newrequest(L, 1, 1);
  if (ds_ibroadcast(fn, &q->r, core.data(t), core.numel(t), t->dtype, root) < 0) FAIL(L);
  return 1;
}

/* ireduce(t, op, root) -> handle */
static int l_ireduce(lua_State *L) {
  const char *fn = "dl.distributed.ireduce";
  dl_tensor *t = checkbuf(L, 1, fn);
  ds_op op = checkop(L, 2, fn);
  int root = checkroot(L, 3, fn);
  request *q = newrequest(L, 1, 1);
  if (ds_ireduce(fn, &q->r, core.data(t), core.numel(t), t->dtype, op, root) < 0) FAIL(L);
  return 1;
}

/* iallgather(out, in) -> handle */
static int l_iallgather(lua_State *L) {
  const char *fn = "dl.distributed.iallgather";
  dl_tensor *out, *in;
  checkgather(L, fn, &out, &in);
  request *q = newrequest(L, 1, 2);
  if (ds_iallgather(fn, &q->r, core.data(out), core.data(in), core.numel(in), in->dtype) < 0)
    FAIL(L);
  return 1;
}

static const luaL_Reg funcs[] = {
    {"init", l_init},           {"initialized", l_initialized}, {"barrier", l_barrier},
    {"abort", l_abort},         {"hostname", l_hostname},       {"wtime", l_wtime},
    {"allreduce", l_allreduce}, {"broadcast", l_broadcast},     {"reduce", l_reduce},
    {"allgather", l_allgather}, {"iallreduce", l_iallreduce},   {"ibroadcast", l_ibroadcast},
    {"ireduce", l_ireduce},     {"iallgather", l_iallgather},
    {"bench_allreduce", l_bench_allreduce},
    {NULL, NULL}};

static const luaL_Reg request_methods[] = {
    {"wait", req_wait}, {"test", req_test}, {"__gc", req_gc}, {NULL, NULL}};

int luaopen_dl_mpi(lua_State *L) {
  find_core(L);
  if (luaL_newmetatable(L, REQUEST)) {
    luaL_setfuncs(L, request_methods, 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "dl.distributed.Request");
    lua_setfield(L, -2, "__name");
  }
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  return 1;
}
