/* What dl's training monitors need from C (lua/dl/tensorboard.lua, lua/dl/profile.lua):
     torch._monitor.crc32c(s [, crc])   CRC-32C of the string s, continuing from crc
     torch._monitor.masked_crc32c(s)    TensorBoard's masked CRC-32C of s
     torch._monitor.now()               seconds of CLOCK_MONOTONIC, one number and no
                                        getrusage (torch._clock's cost), for the profiler
     torch._monitor.walltime()          seconds since the Epoch with the clock's
                                        resolution (os.time has whole seconds), for the
                                        wall_time of TensorBoard events */
#include <time.h>

#include "../io/crc32c.h"
#include "lt.h"

static int mon_crc32c(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_Integer start = luaL_optinteger(L, 2, 0);
  if (start < 0 || start > 0xffffffffLL)
    return lt_error(L, "crc32c: argument 2: expected a checksum in [0, 2^32), got %lld",
                    (long long)start);
  lua_pushinteger(L, io_crc32c((uint32_t)start, s, n));
  return 1;
}

static int mon_masked_crc32c(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_pushinteger(L, io_crc32c_mask(io_crc32c(0, s, n)));
  return 1;
}

static int mon_now(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  lua_pushnumber(L, ts.tv_sec + ts.tv_nsec * 1e-9);
  return 1;
}

static int mon_walltime(lua_State *L) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  lua_pushnumber(L, ts.tv_sec + ts.tv_nsec * 1e-9);
  return 1;
}

static const luaL_Reg funcs[] = {
    {"crc32c", mon_crc32c}, {"masked_crc32c", mon_masked_crc32c}, {"now", mon_now},
    {"walltime", mon_walltime}, {NULL, NULL}};

void lt_open_monitor(lua_State *L) { lt_register_in(L, "_monitor", funcs); }
