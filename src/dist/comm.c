/* Collectives over MPI_COMM_WORLD (comm.h). */
#include "comm.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "../core/error.h"

static char errbuf[1024];
static int inited; /* MPI_Init was called here (or before us) and not finalized */

const char *ds_errmsg(void) { return errbuf; }

static int fail(const char *fmt, ...) DL_PRINTF(1, 2);
static int fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(errbuf, sizeof errbuf, fmt, ap);
  va_end(ap);
  return -1;
}

/* -1 with "fn: what: MPI's message" when rc is not MPI_SUCCESS. */
static int check(const char *fn, const char *what, int rc) {
  if (rc == MPI_SUCCESS) return 0;
  char msg[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "error %d", rc);
  return fail("%s: %s failed: %s", fn, what, msg);
}

static int need_init(const char *fn) {
  if (inited) return 0;
  return fail("%s: dl.distributed.init() was not called", fn);
}

/* The MPI type of a dtype; reducing says whether the operation reduces (Half cannot). */
static int mpitype(const char *fn, dl_dtype dt, int reducing, MPI_Datatype *t) {
  switch (dt) {
  case DL_FLOAT: *t = MPI_FLOAT; return 0;
  case DL_DOUBLE: *t = MPI_DOUBLE; return 0;
  case DL_LONG: *t = MPI_INT64_T; return 0;
  case DL_BYTE: *t = MPI_UINT8_T; return 0;
  case DL_CHAR: *t = MPI_INT8_T; return 0;
  case DL_SHORT: *t = MPI_INT16_T; return 0;
  case DL_INT: *t = MPI_INT32_T; return 0;
  case DL_HALF:
    if (reducing) return fail("%s: Half tensors can be broadcast and gathered, not reduced", fn);
    *t = MPI_UINT16_T;
    return 0;
  default: return fail("%s: unknown tensor type %d", fn, (int)dt);
  }
}

static int mpiop(const char *fn, ds_op op, dl_dtype dt, MPI_Op *o) {
  switch (op) {
  case DS_SUM: *o = MPI_SUM; return 0;
  case DS_MEAN:
    if (dt != DL_FLOAT && dt != DL_DOUBLE)
      return fail("%s: 'mean' needs a Float or Double tensor (use 'sum')", fn);
    *o = MPI_SUM;
    return 0;
  case DS_MAX: *o = MPI_MAX; return 0;
  case DS_MIN: *o = MPI_MIN; return 0;
  default: return fail("%s: unknown reduction %d", fn, (int)op);
  }
}

/* The element count as MPI's int. */
static int mpicount(const char *fn, int64_t count, int *n) {
  if (count < 0 || count > INT_MAX)
    return fail("%s: %lld elements is more than one MPI call carries (%d)", fn, (long long)count,
                INT_MAX);
  *n = (int)count;
  return 0;
}

static int worldsize(void) {
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

static void scale(void *buf, int64_t count, dl_dtype dt, double k) {
  if (k == 1) return;
  if (dt == DL_FLOAT) {
    float *p = buf, kf = (float)k;
    for (int64_t i = 0; i < count; i++) p[i] *= kf;
  } else if (dt == DL_DOUBLE) {
    double *p = buf;
    for (int64_t i = 0; i < count; i++) p[i] *= k;
  }
}

/* ---- orphans: requests whose owner was collected before they completed ---- */

typedef struct orphan {
  MPI_Request req;
  void (*keep)(void *);
  void *keep_arg;
  struct orphan *next;
} orphan;
static orphan *orphans;

/* Completes the orphans that are done (all of them when wait). */
static void reap(int wait) {
  for (orphan **p = &orphans; *p;) {
    orphan *o = *p;
    int done = 0;
    if (wait)
      MPI_Wait(&o->req, MPI_STATUS_IGNORE), done = 1;
    else
      MPI_Test(&o->req, &done, MPI_STATUS_IGNORE);
    if (!done) {
      p = &o->next;
      continue;
    }
    if (o->keep) o->keep(o->keep_arg);
    *p = o->next;
    free(o);
  }
}

int ds_release(ds_request *r, void (*done)(void *), void *arg) {
  orphan *o = r->active ? malloc(sizeof *o) : NULL;
  if (!r->active || !o || !inited) { /* nothing in flight, or nothing better to do */
    if (r->active && inited) MPI_Wait(r->req, MPI_STATUS_IGNORE);
    if (done) done(arg);
  } else {
    o->req = *(MPI_Request *)r->req;
    o->keep = done;
    o->keep_arg = arg;
    o->next = orphans;
    orphans = o;
  }
  r->active = 0;
  free(r->req);
  r->req = NULL;
  return 0;
}

/* ---- set-up and tear-down ---- */

/* At exit: a clean exit finalizes MPI (after the orphans complete); a failing one aborts
   the job, since the other ranks may be waiting in a collective this rank never joins. */
static void at_exit(int status, void *arg) {
  (void)arg;
  int fin = 0;
  if (!inited || MPI_Finalized(&fin) != MPI_SUCCESS || fin) return;
  if (status != 0) {
    fflush(stdout);
    fflush(stderr);
    /* a moment for mpirun to forward the message before the abort kills the job */
    nanosleep(&(struct timespec){0, 100000000}, NULL);
    MPI_Abort(MPI_COMM_WORLD, status);
  }
  reap(1);
  MPI_Finalize();
  inited = 0;
}

int ds_initialized(void) { return inited; }

int ds_init(const char *fn, int *rank, int *size) {
  if (!inited) {
    /* Open MPI dlopens its plugins, which need libmpi's symbols: the copy Lua loaded with
       this module is local to it, so make it global first. */
    if (!dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD) &&
        !dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL))
      return fail("%s: cannot load Open MPI (libmpi.so.40): %s", fn, dlerror());
    int already = 0, provided = 0;
    MPI_Initialized(&already);
    if (!already && check(fn, "MPI_Init", MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED,
                                                          &provided)) < 0)
      return -1;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    inited = 1;
    on_exit(at_exit, NULL);
  }
  if (check(fn, "MPI_Comm_rank", MPI_Comm_rank(MPI_COMM_WORLD, rank)) < 0 ||
      check(fn, "MPI_Comm_size", MPI_Comm_size(MPI_COMM_WORLD, size)) < 0)
    return -1;
  return 0;
}

int ds_barrier(const char *fn) {
  if (need_init(fn) < 0) return -1;
  return check(fn, "MPI_Barrier", MPI_Barrier(MPI_COMM_WORLD));
}

void ds_abort(const char *msg, int code) {
  if (msg) fprintf(stderr, "%s\n", msg);
  fflush(stdout);
  fflush(stderr);
  if (inited) MPI_Abort(MPI_COMM_WORLD, code);
  exit(code);
}

int ds_hostname(const char *fn, char *buf, int n) {
  char name[MPI_MAX_PROCESSOR_NAME];
  int len = 0;
  if (need_init(fn) < 0 ||
      check(fn, "MPI_Get_processor_name", MPI_Get_processor_name(name, &len)) < 0)
    return -1;
  snprintf(buf, (size_t)n, "%s", name);
  return 0;
}

double ds_wtime(void) { return MPI_Wtime(); }

/* ---- the collectives ---- */

static int check_root(const char *fn, int root) {
  int n = worldsize();
  if (root < 0 || root >= n) return fail("%s: root %d out of range [0, %d]", fn, root, n - 1);
  return 0;
}

/* What one collective call needs, and the checks every collective makes. */
typedef struct {
  MPI_Datatype t;
  MPI_Op o;
  int n;
} call;
enum { NOOP = -1, NOROOT = INT_MIN };

/* MPI is started, the type fits (and can be reduced, unless op is NOOP), the count fits
   in an int, the root (unless NOROOT) is a rank. */
static int prepare(const char *fn, call *c, int64_t count, dl_dtype dt, int op, int root) {
  c->n = 0;
  c->o = MPI_SUM;
  if (need_init(fn) < 0 || mpitype(fn, dt, op != NOOP, &c->t) < 0 ||
      (op != NOOP && mpiop(fn, (ds_op)op, dt, &c->o) < 0) || mpicount(fn, count, &c->n) < 0 ||
      (root != NOROOT && check_root(fn, root) < 0))
    return -1;
  return 0;
}

/* The factor of a DS_MEAN result, 1 otherwise. */
static double mean_scale(ds_op op) { return op == DS_MEAN ? 1.0 / worldsize() : 1; }

/* reduce's send buffer: in place at the root, buf elsewhere; *at_root says which. */
static void *reduce_send(int root, void *buf, int *at_root) {
  int me = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &me);
  *at_root = me == root;
  return *at_root ? MPI_IN_PLACE : buf;
}

int ds_allreduce(const char *fn, void *buf, int64_t count, dl_dtype dt, ds_op op) {
  call c;
  if (prepare(fn, &c, count, dt, (int)op, NOROOT) < 0 ||
      check(fn, "MPI_Allreduce", MPI_Allreduce(MPI_IN_PLACE, buf, c.n, c.t, c.o, MPI_COMM_WORLD)) < 0)
    return -1;
  scale(buf, count, dt, mean_scale(op));
  return 0;
}

int ds_broadcast(const char *fn, void *buf, int64_t count, dl_dtype dt, int root) {
  call c;
  if (prepare(fn, &c, count, dt, NOOP, root) < 0) return -1;
  return check(fn, "MPI_Bcast", MPI_Bcast(buf, c.n, c.t, root, MPI_COMM_WORLD));
}

int ds_reduce(const char *fn, void *buf, int64_t count, dl_dtype dt, ds_op op, int root) {
  call c;
  int at_root = 0;
  if (prepare(fn, &c, count, dt, (int)op, root) < 0) return -1;
  void *send = reduce_send(root, buf, &at_root);
  if (check(fn, "MPI_Reduce", MPI_Reduce(send, buf, c.n, c.t, c.o, root, MPI_COMM_WORLD)) < 0)
    return -1;
  if (at_root) scale(buf, count, dt, mean_scale(op));
  return 0;
}

int ds_allgather(const char *fn, void *out, const void *in, int64_t count, dl_dtype dt) {
  call c;
  if (prepare(fn, &c, count, dt, NOOP, NOROOT) < 0) return -1;
  return check(fn, "MPI_Allgather", MPI_Allgather(in, c.n, c.t, out, c.n, c.t, MPI_COMM_WORLD));
}

/* Readies r for a new operation (fails when it is still active), after prepare. */
static int start(const char *fn, ds_request *r, void *buf, int64_t count, dl_dtype dt,
                 double k) {
  if (r->active) return fail("%s: the request is still in flight", fn);
  if (!r->req && !(r->req = malloc(sizeof(MPI_Request))))
    return fail("%s: out of memory", fn);
  r->buf = buf;
  r->count = count;
  r->dtype = dt;
  r->scale = k;
  reap(0);
  return 0;
}

/* Marks r active when the MPI call that started it (rc) succeeded. */
static int started(const char *fn, const char *what, ds_request *r, int rc) {
  if (check(fn, what, rc) < 0) return -1;
  r->active = 1;
  return 0;
}

int ds_iallreduce(const char *fn, ds_request *r, void *buf, int64_t count, dl_dtype dt,
                  ds_op op, double k) {
  call c;
  if (prepare(fn, &c, count, dt, (int)op, NOROOT) < 0 ||
      start(fn, r, buf, count, dt, k * mean_scale(op)) < 0)
    return -1;
  return started(fn, "MPI_Iallreduce", r,
                 MPI_Iallreduce(MPI_IN_PLACE, buf, c.n, c.t, c.o, MPI_COMM_WORLD, r->req));
}

int ds_ibroadcast(const char *fn, ds_request *r, void *buf, int64_t count, dl_dtype dt,
                  int root) {
  call c;
  if (prepare(fn, &c, count, dt, NOOP, root) < 0 || start(fn, r, buf, count, dt, 1) < 0)
    return -1;
  return started(fn, "MPI_Ibcast", r, MPI_Ibcast(buf, c.n, c.t, root, MPI_COMM_WORLD, r->req));
}

int ds_ireduce(const char *fn, ds_request *r, void *buf, int64_t count, dl_dtype dt, ds_op op,
               int root) {
  call c;
  int at_root = 0;
  if (prepare(fn, &c, count, dt, (int)op, root) < 0) return -1;
  void *send = reduce_send(root, buf, &at_root);
  if (start(fn, r, buf, count, dt, at_root ? mean_scale(op) : 1) < 0) return -1;
  return started(fn, "MPI_Ireduce", r,
                 MPI_Ireduce(send, buf, c.n, c.t, c.o, root, MPI_COMM_WORLD, r->req));
}

int ds_iallgather(const char *fn, ds_request *r, void *out, const void *in, int64_t count,
                  dl_dtype dt) {
  call c;
  if (prepare(fn, &c, count, dt, NOOP, NOROOT) < 0 || start(fn, r, out, 0, dt, 1) < 0) return -1;
  return started(fn, "MPI_Iallgather", r,
                 MPI_Iallgather(in, c.n, c.t, out, c.n, c.t, MPI_COMM_WORLD, r->req));
}

static void complete(ds_request *r) {
  r->active = 0;
  scale(r->buf, r->count, r->dtype, r->scale);
}

int ds_test(const char *fn, ds_request *r, int *done) {
  *done = 1;
  if (!r->active) return 0;
  int flag = 0;
  if (check(fn, "MPI_Test", MPI_Test(r->req, &flag, MPI_STATUS_IGNORE)) < 0) {
    r->active = 0;
    return -1;
  }
  *done = flag;
  if (flag) complete(r);
  return 0;
}

int ds_wait(const char *fn, ds_request *r) {
  if (!r->active) return 0;
  if (check(fn, "MPI_Wait", MPI_Wait(r->req, MPI_STATUS_IGNORE)) < 0) {
    r->active = 0;
    return -1;
  }
  complete(r);
  return 0;
}

int ds_bench_allreduce(const char *fn, int64_t count, int iters, double *seconds) {
  int n = 0;
  if (need_init(fn) < 0 || mpicount(fn, count, &n) < 0) return -1;
  float *buf = calloc((size_t)n > 0 ? (size_t)n : 1, sizeof *buf);
  if (!buf) return fail("%s: out of memory for %d floats", fn, n);
  /* one untimed call first: the buffer's pages are touched, as the tensor's were */
  int rc = check(fn, "MPI_Allreduce", MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM,
                                                    MPI_COMM_WORLD));
  if (rc == 0) rc = check(fn, "MPI_Barrier", MPI_Barrier(MPI_COMM_WORLD));
  double t0 = MPI_Wtime();
  for (int i = 0; i < iters && rc == 0; i++)
    rc = check(fn, "MPI_Allreduce", MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM,
                                                  MPI_COMM_WORLD));
  *seconds = (MPI_Wtime() - t0) / (iters > 0 ? iters : 1);
  free(buf);
  return rc;
}
