/* The prologue and epilogue every kernel binding shares (lt_conv.c, lt_pool.c,
   lt_volumetric.c): lt_args reads the positional arguments by a one-letter spec, lt_done
   raises the kernel's error or warning and tells the collector about new tensor bytes. */
#include "lt.h"

const char *lt_args(lua_State *L, const char *name, const char *spec, void *const *out) {
  const char *fn = lt_callername(L, name);
  for (int i = 0; spec[i]; i++) {
    int idx = i + 1;
    switch (spec[i]) {
    case 't': *(dl_tensor **)out[i] = lt_checktensor(L, idx, fn); break;
    case 'o': *(dl_tensor **)out[i] = lt_opttensor(L, idx, fn); break;
    case 'i': *(int64_t *)out[i] = lt_checkint(L, idx, fn); break;
    case 'I': *(int64_t *)out[i] = lt_optint(L, idx, *(int64_t *)out[i], fn); break;
    case 'n': *(double *)out[i] = lt_checknum(L, idx, fn); break;
    case 'b': *(int *)out[i] = lua_toboolean(L, idx); break;
    default: lt_error(L, "%s: bad argument spec '%c'", name, spec[i]);
    }
  }
  return fn;
}

int lt_done(lua_State *L, int rc) {
  LT_TRY(L, rc);
  lt_gcstep(L);
  return 0;
}
