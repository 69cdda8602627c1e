/* Collectives over MPI_COMM_WORLD for data-parallel training: the only code that includes
   mpi.h (prefix ds_, "distributed"). It is linked into the Lua module dl/mpi.so only, never
   into libdlua.a, torch/core.so or ./dlua, so that dlua runs where Open MPI is absent.

   Buffers are contiguous arrays of count elements of a dlua dtype. Every function returns
   0, or -1 with the message ds_errmsg() gives, which begins with fn (what the script
   called) and, for a failed MPI call, holds MPI's own error string. Ranks are 0-based. */
#ifndef DS_COMM_H
#define DS_COMM_H

#include <stdint.h>

#include "../core/dtype.h"

/* Reduction operators; DS_MEAN is DS_SUM followed by a division by the number of ranks
   (Float and Double only). */
typedef enum { DS_SUM, DS_MEAN, DS_MAX, DS_MIN } ds_op;

/* A non-blocking operation in flight. scale, when not 1, multiplies the result when it
   completes (the division of DS_MEAN, or the averaging of gradients). */
typedef struct ds_request {
  void *req; /* an MPI_Request, kept opaque so that no caller needs mpi.h */
  void *buf;
  int64_t count;
  dl_dtype dtype;
  double scale;
  int active; /* started and not yet completed */
} ds_request;

/* The message of the last failure. */
const char *ds_errmsg(void);

/* Initialises MPI once per process (with MPI_ERRORS_RETURN, so that failures come back as
   messages) and gives the rank and the number of ranks. At the process's exit, MPI is
   finalized when the exit status is 0, and every rank is aborted (MPI_Abort) otherwise,
   so that one failing rank never leaves the others waiting in a collective. */
int ds_init(const char *fn, int *rank, int *size);
int ds_initialized(void);
int ds_barrier(const char *fn);
/* Ends every rank of the job with the exit code, after msg (may be NULL) on stderr. */
void ds_abort(const char *msg, int code);
/* The name of this host (MPI_Get_processor_name) into buf of n bytes. */
int ds_hostname(const char *fn, char *buf, int n);
/* The wall clock in seconds (MPI_Wtime). */
double ds_wtime(void);

/* Blocking collectives, in place: buf holds the input and receives the result. reduce's
   result is defined at root only; allgather writes size * count elements to out. */
int ds_allreduce(const char *fn, void *buf, int64_t count, dl_dtype dt, ds_op op);
int ds_broadcast(const char *fn, void *buf, int64_t count, dl_dtype dt, int root);
int ds_reduce(const char *fn, void *buf, int64_t count, dl_dtype dt, ds_op op, int root);
int ds_allgather(const char *fn, void *out, const void *in, int64_t count, dl_dtype dt);

/* Non-blocking forms: start r (which must not be active). scale multiplies the result on
   completion (1 for none). */
int ds_iallreduce(const char *fn, ds_request *r, void *buf, int64_t count, dl_dtype dt,
                  ds_op op, double scale);
int ds_ibroadcast(const char *fn, ds_request *r, void *buf, int64_t count, dl_dtype dt, int root);
int ds_ireduce(const char *fn, ds_request *r, void *buf, int64_t count, dl_dtype dt, ds_op op,
               int root);
int ds_iallgather(const char *fn, ds_request *r, void *out, const void *in, int64_t count,
                  dl_dtype dt);
/* Progresses r: *done becomes 1 once it has completed (and its result is scaled). An
   inactive request is done. */
int ds_test(const char *fn, ds_request *r, int *done);
/* Waits for r to complete. */
int ds_wait(const char *fn, ds_request *r);
/* Frees r, whose owner goes away. An active r is handed over first and completed at the
   latest before MPI is finalized; done, when not NULL, is called with arg once r has
   completed (at once when it was not active), to drop what kept the buffers alive. */
int ds_release(ds_request *r, void (*done)(void *), void *arg);

/* The raw MPI_Allreduce (sum) of count floats, iters times on a buffer of its own: the
   seconds per call, the peer of dlua's allreduce in the benchmark. */
int ds_bench_allreduce(const char *fn, int64_t count, int iters, double *seconds);

#endif
