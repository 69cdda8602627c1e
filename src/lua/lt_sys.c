/* What Lua cannot do by itself: process clocks for torch.Timer, and the thread counts
   of OpenMP and OpenBLAS for torch.setnumthreads. Everything else of Timer is Lua
   (lua/torch/Timer.lua). */
#include <omp.h>
#include <sys/resource.h>
#include <time.h>

#include "lt.h"

/* Declared here rather than through cblas.h, so that this file does not depend on which
   OpenBLAS build's headers are on the include path. */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);

static double tv_seconds(struct timeval tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

/* torch._clock() -> real, user, sys: seconds since an arbitrary origin. Real time is
   CLOCK_MONOTONIC, so that a Timer never runs backwards when the wall clock is set;
   user and system times are the whole process's (all threads), as Torch7 reported. */
static int sys_clock(lua_State *L) {
  struct timespec ts;
  struct rusage ru;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  getrusage(RUSAGE_SELF, &ru);
  lua_pushnumber(L, ts.tv_sec + ts.tv_nsec / 1e9);
  lua_pushnumber(L, tv_seconds(ru.ru_utime));
  lua_pushnumber(L, tv_seconds(ru.ru_stime));
  return 3;
}

/* torch.setnumthreads(n): one count for both pools, at most the processors. OpenMP runs our own loops and
   OpenBLAS its GEMMs; with the OpenMP build of OpenBLAS they share one pool, with the
   pthread build they would otherwise fight over the cores. */
static int sys_setnumthreads(lua_State *L) {
  int64_t n = lt_checkint(L, 1, "setnumthreads");
  if (n < 1 || n > 65536)
    return lt_error(L, "setnumthreads: argument 1: expected a thread count >= 1, got %lld",
                    (long long)n);
  /* More threads than processors never runs faster, and each thread costs OpenBLAS
     buffers and a stack: 64 of them under a 4 GB address-space limit made the first
     parallel GEMM wait forever for threads that could not start. So the count is
     clamped to the processors (getnumthreads tells the count in force). */
  int procs = omp_get_num_procs();
  if (n > procs) n = procs;
  omp_set_num_threads((int)n);
  openblas_set_num_threads((int)n);
  return 0;
}

static int sys_getnumthreads(lua_State *L) {
  lua_pushinteger(L, omp_get_max_threads());
  return 1;
}

/* torch.getnumcores(): the processors OpenMP may use, whatever setnumthreads said. */
static int sys_getnumcores(lua_State *L) {
  lua_pushinteger(L, omp_get_num_procs());
  return 1;
}

/* torch._openblas_core(): the CPU kernel OpenBLAS chose, for benchmark reports. */
static int sys_openblas_core(lua_State *L) {
  lua_pushstring(L, openblas_get_corename());
  return 1;
}

/* torch.tensorMemory() -> live, allocated: bytes held by storages now, and allocated by
   them since the process started. */
static int sys_tensormemory(lua_State *L) {
  lua_pushinteger(L, dl_storage_live());
  lua_pushinteger(L, dl_storage_allocated());
  return 2;
}

static const luaL_Reg sys_funcs[] = {
    {"tensorMemory", sys_tensormemory},
    {"_openblas_core", sys_openblas_core},
    {"_clock", sys_clock},
    {"setnumthreads", sys_setnumthreads},
    {"getnumthreads", sys_getnumthreads},
    {"getnumcores", sys_getnumcores},
    {NULL, NULL},
};

void lt_open_sys(lua_State *L) { lt_register(L, NULL, sys_funcs); }
