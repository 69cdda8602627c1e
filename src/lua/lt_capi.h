/* The Lua state behind the C API (include/dlua.h, docs/c_api.md): one runtime is one
   lua_State with dlua's packages, compiled into the library, and one model deserialized
   from a .t7 file's bytes. src/capi/dlua.c holds the public handles and calls these; this
   header names no Lua type, so that src/capi never includes lua.h.

   Every function returns 0, or -1 with a message in err (errlen bytes, always
   terminated). None raises, aborts or exits: each Lua call runs under lua_pcall. */
#ifndef LT_CAPI_H
#define LT_CAPI_H

#include <stddef.h>
#include <stdint.h>

/* One Lua file of lua/, compiled in by scripts/embed_lua.lua ($(BUILD)/gen/lua_files.c):
   the module name require takes, the path under lua/ and the bytes. The table ends with
   a row of NULLs. */
typedef struct {
  const char *name, *path, *source;
  size_t len;
} lt_embedded;
extern const lt_embedded lt_embedded_lua[];

typedef struct lt_runtime lt_runtime;

/* A new state holding the model the n bytes encode (format: "binary", "ascii" or "b32";
   NULL is binary), an nn.Module, switched to evaluate(). threads: the OpenMP threads a
   forward may use (>= 1). */
int lt_runtime_open(lt_runtime **out, const void *bytes, size_t n, const char *format,
                    int threads, char *err, size_t errlen);

/* The module's class name ("nn.Sequential"), valid while rt lives. */
const char *lt_runtime_class(const lt_runtime *rt);

/* Runs model:forward on a Float tensor of the given sizes holding a copy of `input`
   (converted to the model's parameter type), and keeps the output, a contiguous Float
   tensor, until the next forward or close: *out points to its elements, *ndim and *size
   (at most 16 sizes) describe it. */
int lt_runtime_forward(lt_runtime *rt, const float *input, int ndim, const int64_t *size,
                       const float **out, int *out_ndim, const int64_t **out_size, char *err,
                       size_t errlen);

void lt_runtime_close(lt_runtime *rt);

#endif
