/* The runtime behind the C API (lt_capi.h, docs/c_api.md): a lua_State of its own per
   session, opened with Lua's standard libraries, the torch bindings linked in
   (package.preload["torch.core"]) and dlua's Lua files compiled into the library
   (lt_embedded_lua), found by a searcher of their own: package.path and cpath are empty,
   so a deployed program reads no Lua file from disk and runs the Lua files of the library
   it linked, whatever LUA_PATH says.

   The session's Lua side is the chunk DRIVER below: it deserializes the model with
   torch.deserialize (every check torch.load makes), refuses what is not an nn.Module,
   calls evaluate(), and returns the Float input buffer and a forward function. Each C
   call runs under lua_pcall, so an error of the file or of the model comes back as a
   message and never reaches Lua's panic handler (which aborts). */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lt.h"
#include "lt_capi.h"

int luaopen_torch_core(lua_State *L);

struct lt_runtime {
  lua_State *L;
  int threads;
  char cls[128];
};

/* registry keys of the session's input tensor, forward function and last output */
static const char input_key = 0, forward_key = 0, output_key = 0;

/* The chunk name: errors that kernels raise are reported at the first frame outside
   dlua's packages, which is this chunk ("dlua_session:12: nn.Linear: ..."); message()
   takes that prefix off, since a C caller has no line to look at. */
#define DRIVER_NAME "dlua_session"
static const char DRIVER[] =
    "local torch, bytes, format = ...\n"
    "local model = torch.deserialize(bytes, format)\n"
    "if not torch.isTypeOf(model, 'nn.Module') then\n"
    "  error(('the file holds a %s, not an nn module'):format(torch.typename(model) or type(model)), 0)\n"
    "end\n"
    "model:evaluate()\n"
    /* the input is copied into the type of the first floating parameter (Float when
       there is none, or it is an integer tensor as in a quantized layer) */
    "local ptype = 'torch.FloatTensor'\n"
    "local params = model:parameters()\n"
    "for _, p in ipairs(params or {}) do\n"
    "  local t = p:type()\n"
    "  if t == 'torch.FloatTensor' or t == 'torch.DoubleTensor' then ptype = t break end\n"
    "end\n"
    "local input, result = torch.FloatTensor(), torch.FloatTensor()\n"
    "local cast = ptype == 'torch.DoubleTensor' and torch.DoubleTensor() or nil\n"
    "local function forward()\n"
    "  local x = input\n"
    "  if cast then cast:resize(input:size()):copy(input) x = cast end\n"
    "  local y = model:forward(x)\n"
    "  if not torch.isTensor(y) then\n"
    "    error(('the model returned a %s, not a tensor'):format(torch.typename(y) or type(y)), 0)\n"
    "  end\n"
    "  if torch.typename(y) ~= 'torch.FloatTensor' or not y:isContiguous() then\n"
    "    result:resize(y:size()):copy(y) y = result\n"
    "  end\n"
    "  return y\n"
    "end\n"
    "return input, forward, torch.typename(model)\n";

/* Copies the message on top of the stack into err (without the driver's "file:line: ")
   and pops it; returns -1. */
static int message(lua_State *L, int status, char *err, size_t errlen) {
  /* lua_tostring would convert a number in place, allocating outside a protected call */
  const char *m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error object is not a string";
  if (status == LUA_ERRMEM) m = "out of memory";
  /* every "dlua_session:2: " goes: "dlua_session:2: deserialize: dlua_session:2: t7:
     ..." reads "deserialize: t7: ..." */
  size_t pn = strlen(DRIVER_NAME ":"), len = 0;
  err[0] = 0;
  for (const char *at; (at = strstr(m, DRIVER_NAME ":")) != NULL;) {
    const char *p = at + pn;
    while (*p >= '0' && *p <= '9') p++;
    int cut = p > at + pn && p[0] == ':' && p[1] == ' ';
    const char *keep_to = cut ? at : p;
    if (len < errlen) len += (size_t)snprintf(err + len, errlen - len, "%.*s", (int)(keep_to - m), m);
    m = cut ? p + 2 : p;
  }
  if (len < errlen) snprintf(err + len, errlen - len, "%s", m);
  lua_pop(L, 1);
  return -1;
}

/* package.searchers[2]: the embedded files. */
static int embedded_searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  for (const lt_embedded *e = lt_embedded_lua; e->name; e++) {
    if (strcmp(e->name, name) != 0) continue;
    lua_pushfstring(L, "@dlua:%s", e->path); /* lt_where's library root is "@dlua:" */
    const char *chunk = lua_tostring(L, -1);
    if (luaL_loadbufferx(L, e->source, e->len, chunk, "t") != LUA_OK) return lua_error(L);
    lua_pushstring(L, chunk + 1);
    return 2;
  }
  lua_pushfstring(L, "\n\tno module '%s' among the library's Lua files", name);
  return 1;
}

/* setup(bytes, n, format), the pointers as light userdata: the libraries, the searchers,
   torch and nn, then DRIVER. */
static int setup(lua_State *L) {
  const char *bytes = lua_touserdata(L, 1);
  size_t n = (size_t)lua_tointeger(L, 2);
  lua_pushstring(L, lua_touserdata(L, 3));
  lua_replace(L, 3);
  luaL_openlibs(L);
  lua_getglobal(L, "package");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "path");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_getfield(L, -1, "searchers"); /* keep [1], package.preload; replace the rest */
  for (lua_Integer i = luaL_len(L, -1); i >= 2; i--) {
    lua_pushnil(L);
    lua_rawseti(L, -2, i);
  }
  lua_pushcfunction(L, embedded_searcher);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 2);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_torch_core);
  lua_setfield(L, -2, "torch.core");
  lua_pop(L, 1);

  static const char *const packages[] = {"torch", "nn"};
  for (size_t i = 0; i < sizeof packages / sizeof packages[0]; i++) {
    lua_getglobal(L, "require");
    lua_pushstring(L, packages[i]);
    lua_call(L, 1, 0);
  }
  if (luaL_loadbufferx(L, DRIVER, sizeof DRIVER - 1, "=" DRIVER_NAME, "t") != LUA_OK)
    return lua_error(L);
  lua_getglobal(L, "torch");
  lua_pushlstring(L, bytes, n);
  lua_pushvalue(L, 3);
  lua_call(L, 3, 3);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &output_key); /* the class name, until a forward */
  lua_rawsetp(L, LUA_REGISTRYINDEX, &forward_key);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &input_key);
  return 0;
}

int lt_runtime_open(lt_runtime **out, const void *bytes, size_t n, const char *format,
                    int threads, char *err, size_t errlen) {
  *out = NULL;
  lt_runtime *rt = calloc(1, sizeof *rt);
  lua_State *L = rt ? luaL_newstate() : NULL;
  if (!L) {
    free(rt);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  rt->L = L;
  rt->threads = threads;
  omp_set_num_threads(threads);
  lua_pushcfunction(L, setup);
  lua_pushlightuserdata(L, (void *)bytes);
  lua_pushinteger(L, (lua_Integer)n);
  lua_pushlightuserdata(L, (void *)(format ? format : "binary")); /* nothing allocates
                                                                     outside the pcall */
  int status = lua_pcall(L, 3, 0, 0);
  if (status != LUA_OK) {
    message(L, status, err, errlen);
    lt_runtime_close(rt);
    return -1;
  }
  lua_rawgetp(L, LUA_REGISTRYINDEX, &output_key);
  snprintf(rt->cls, sizeof rt->cls, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "?");
  lua_pop(L, 1);
  *out = rt;
  return 0;
}

const char *lt_runtime_class(const lt_runtime *rt) { return rt->cls; }

typedef struct {
  const float *input;
  int ndim;
  const int64_t *size;
} forward_args;

/* run(args): the input copied into the session's tensor, then forward(); the output is
   kept in the registry. */
static int run(lua_State *L) {
  const forward_args *a = lua_touserdata(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &input_key);
  dl_tensor *t = lt_totensor(L, -1);
  if (!t || dl_tensor_resize_contig("dlua_session_run", t, a->ndim, a->size) < 0)
    return luaL_error(L, "%s", t ? dl_errmsg() : "the session's input buffer is gone");
  memcpy(dl_tensor_data(t), a->input, (size_t)dl_tensor_numel(t) * sizeof(float));
  lua_rawgetp(L, LUA_REGISTRYINDEX, &forward_key);
  lua_call(L, 0, 1);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &output_key);
  return 0;
}

int lt_runtime_forward(lt_runtime *rt, const float *input, int ndim, const int64_t *size,
                       const float **out, int *out_ndim, const int64_t **out_size, char *err,
                       size_t errlen) {
  lua_State *L = rt->L;
  forward_args a = {input, ndim, size};
  omp_set_num_threads(rt->threads); /* this thread's count: the caller's thread may change */
  lua_pushcfunction(L, run);
  lua_pushlightuserdata(L, &a);
  int status = lua_pcall(L, 1, 0, 0);
  if (status != LUA_OK) return message(L, status, err, errlen);
  /* the output stays referenced from the registry, so its storage lives until the next
     forward: the pointers handed out stay valid until then */
  lua_rawgetp(L, LUA_REGISTRYINDEX, &output_key);
  dl_tensor *y = lt_totensor(L, -1);
  lua_pop(L, 1);
  if (!y) {
    snprintf(err, errlen, "the model's output is not a tensor");
    return -1;
  }
  *out = dl_tensor_data(y);
  *out_ndim = y->ndim;
  *out_size = y->size;
  return 0;
}

void lt_runtime_close(lt_runtime *rt) {
  if (!rt) return;
  if (rt->L) lua_close(rt->L);
  free(rt);
}
