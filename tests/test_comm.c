/* src/dist/comm.c on one rank (MPI's singleton start, no mpirun): the results a single
   rank must give (a reduction over one rank is the identity, mean divides by 1), the
   non-blocking life cycle, and every error message. Several ranks are spec/distributed_spec.lua's. */
#include <limits.h>
#include <string.h>

#include "check.h"
#include "dist/comm.h"

/* Open MPI keeps its start-up allocations until the process ends, some in plugins it has
   unloaded by the time LeakSanitizer looks: not ours to report. In the sanitizer build,
   what MPI_Init allocates is left out (__lsan_disable), and the check runs before exit,
   while the plugins still in use can be named below. */
void __lsan_disable(void) __attribute__((weak));
void __lsan_enable(void) __attribute__((weak));
void __lsan_do_leak_check(void) __attribute__((weak));
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libmpi\nleak:libopen-pal\nleak:libopen-rte\nleak:mca_\nleak:libpmix\n"
         "leak:libhwloc\nleak:libevent\nleak:libudev\n";
}

static int released;
static void on_release(void *arg) { released += *(int *)arg; }

static int msg_is(const char *want) {
  if (strcmp(ds_errmsg(), want) == 0) return 1;
  fprintf(stderr, "message: %s\n   want: %s\n", ds_errmsg(), want);
  return 0;
}

int main(void) {
  float f[3] = {1, 2, 3};
  /* before init: every collective says so */
  CHECK(ds_allreduce("t", f, 3, DL_FLOAT, DS_SUM) == -1);
  CHECK(msg_is("t: dl.distributed.init() was not called"));
  CHECK(!ds_initialized());

  int rank = -1, size = -1;
  if (__lsan_disable) __lsan_disable();
  CHECK(ds_init("t", &rank, &size) == 0);
  if (__lsan_enable) __lsan_enable();
  CHECK(rank == 0 && size == 1 && ds_initialized());
  CHECK(ds_init("t", &rank, &size) == 0); /* again: the same */

  /* one rank: sum, max and min are the identity, mean divides by 1 */
  CHECK(ds_allreduce("t", f, 3, DL_FLOAT, DS_SUM) == 0);
  CHECK(f[0] == 1 && f[1] == 2 && f[2] == 3);
  CHECK(ds_allreduce("t", f, 3, DL_FLOAT, DS_MEAN) == 0);
  CHECK(f[0] == 1 && f[2] == 3);
  int64_t l[2] = {INT64_MAX, -5};
  CHECK(ds_allreduce("t", l, 2, DL_LONG, DS_MAX) == 0);
  CHECK(l[0] == INT64_MAX && l[1] == -5);
  double d[2] = {0.25, -1};
  CHECK(ds_reduce("t", d, 2, DL_DOUBLE, DS_MIN, 0) == 0);
  CHECK(d[0] == 0.25 && d[1] == -1);
  uint16_t h[2] = {0x3c00, 0x4000};
  CHECK(ds_broadcast("t", h, 2, DL_HALF, 0) == 0);
  CHECK(h[0] == 0x3c00 && h[1] == 0x4000);
  int32_t in[2] = {7, 8}, out[2] = {0, 0};
  CHECK(ds_allgather("t", out, in, 2, DL_INT) == 0);
  CHECK(out[0] == 7 && out[1] == 8);
  CHECK(ds_barrier("t") == 0);

  /* errors, each with fn first */
  CHECK(ds_allreduce("x.y", h, 2, DL_HALF, DS_SUM) == -1);
  CHECK(msg_is("x.y: Half tensors can be broadcast and gathered, not reduced"));
  CHECK(ds_allreduce("x.y", l, 2, DL_LONG, DS_MEAN) == -1);
  CHECK(msg_is("x.y: 'mean' needs a Float or Double tensor (use 'sum')"));
  CHECK(ds_broadcast("x.y", f, 3, DL_FLOAT, 1) == -1);
  CHECK(msg_is("x.y: root 1 out of range [0, 0]"));
  CHECK(ds_reduce("x.y", f, 3, DL_FLOAT, DS_SUM, -1) == -1);
  CHECK(msg_is("x.y: root -1 out of range [0, 0]"));
  CHECK(ds_allreduce("x.y", f, (int64_t)INT_MAX + 1, DL_FLOAT, DS_SUM) == -1);
  CHECK(msg_is("x.y: 2147483648 elements is more than one MPI call carries (2147483647)"));
  CHECK(ds_allreduce("x.y", f, 3, DL_FLOAT, (ds_op)9) == -1);
  CHECK(msg_is("x.y: unknown reduction 9"));
  CHECK(ds_broadcast("x.y", f, 3, (dl_dtype)99, 0) == -1);
  CHECK(msg_is("x.y: unknown tensor type 99"));

  /* non-blocking: scale on completion, test and wait, a busy request refused */
  ds_request r;
  memset(&r, 0, sizeof r);
  int done = 0;
  CHECK(ds_test("t", &r, &done) == 0 && done == 1); /* never started: done */
  float g[4] = {2, 4, 6, 8};
  CHECK(ds_iallreduce("t", &r, g, 4, DL_FLOAT, DS_SUM, 0.5) == 0);
  CHECK(r.active);
  CHECK(ds_iallreduce("t", &r, g, 4, DL_FLOAT, DS_SUM, 1) == -1);
  CHECK(msg_is("t: the request is still in flight"));
  CHECK(ds_wait("t", &r) == 0);
  CHECK(!r.active && g[0] == 1 && g[3] == 4);
  CHECK(ds_wait("t", &r) == 0 && g[0] == 1); /* waiting again does nothing */
  CHECK(ds_iallreduce("t", &r, g, 4, DL_FLOAT, DS_MEAN, 2) == 0);
  for (int i = 0; i < 1000 && !done; i++) CHECK(ds_test("t", &r, &done) == 0);
  done = 0;
  for (int i = 0; i < 100000 && !done; i++) ds_test("t", &r, &done);
  CHECK(done && g[0] == 2 && g[3] == 8);
  CHECK(ds_ibroadcast("t", &r, g, 4, DL_FLOAT, 0) == 0 && ds_wait("t", &r) == 0);
  CHECK(ds_ireduce("t", &r, d, 2, DL_DOUBLE, DS_MEAN, 0) == 0 && ds_wait("t", &r) == 0);
  CHECK(d[0] == 0.25);
  out[0] = out[1] = 0;
  CHECK(ds_iallgather("t", &r, out, in, 2, DL_INT) == 0 && ds_wait("t", &r) == 0);
  CHECK(out[0] == 7 && out[1] == 8);
  CHECK(ds_ibroadcast("t", &r, g, 4, DL_FLOAT, 3) == -1);
  CHECK(msg_is("t: root 3 out of range [0, 0]"));

  /* released in flight: done runs once the operation has completed (at the next start) */
  int one = 1;
  CHECK(ds_iallreduce("t", &r, g, 4, DL_FLOAT, DS_SUM, 1) == 0);
  CHECK(ds_release(&r, on_release, &one) == 0);
  CHECK(r.req == NULL && !r.active);
  ds_request r2;
  memset(&r2, 0, sizeof r2);
  CHECK(ds_iallreduce("t", &r2, g, 4, DL_FLOAT, DS_SUM, 1) == 0 && ds_wait("t", &r2) == 0);
  CHECK(released == 1);
  CHECK(ds_release(&r2, on_release, &one) == 0 && released == 2); /* inactive: at once */

  double s = -1;
  CHECK(ds_bench_allreduce("t", 1000, 3, &s) == 0 && s >= 0);
  CHECK(ds_wtime() > 0);
  char host[256] = "";
  CHECK(ds_hostname("t", host, sizeof host) == 0 && host[0] != '\0');
  if (__lsan_do_leak_check) __lsan_do_leak_check();
  return check_done("test_comm");
}
