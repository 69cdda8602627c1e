#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "iter.h"

typedef struct {
  int ndim, nargs;
  int64_t size[DL_MAXDIM];
  int64_t stride[OP_MAXARGS][DL_MAXDIM]; /* bytes */
  char *base[OP_MAXARGS];
} plan;

static void make_plan(plan *p, int nargs, const dl_tensor *const *ts) {
  const dl_tensor *t0 = ts[0];
  p->nargs = nargs;
  p->ndim = 0;
  for (int k = 0; k < nargs; k++) p->base[k] = dl_tensor_data(ts[k]);
  for (int d = 0; d < t0->ndim; d++) {
    if (t0->size[d] == 1) continue; /* size-1 dimensions never move a pointer */
    int n = p->ndim;
    /* merge with the previous kept dimension when every operand is contiguous across */
    int merge = n > 0;
    for (int k = 0; k < nargs && merge; k++) {
      int64_t es = (int64_t)dl_dtype_size(ts[k]->dtype);
      merge = p->stride[k][n - 1] == ts[k]->stride[d] * t0->size[d] * es;
    }
    if (merge) {
      p->size[n - 1] *= t0->size[d];
      for (int k = 0; k < nargs; k++)
        p->stride[k][n - 1] = ts[k]->stride[d] * (int64_t)dl_dtype_size(ts[k]->dtype);
      continue;
    }
    p->size[n] = t0->size[d];
    for (int k = 0; k < nargs; k++)
      p->stride[k][n] = ts[k]->stride[d] * (int64_t)dl_dtype_size(ts[k]->dtype);
    p->ndim++;
  }
  if (p->ndim == 0) { /* a single element */
    p->ndim = 1;
    p->size[0] = 1;
    for (int k = 0; k < nargs; k++) p->stride[k][0] = 0;
  }
}

/* Runs elements [begin, end) of the plan in row-major order. */
static void run_range(const plan *p, int64_t begin, int64_t end, op_loop_fn fn, void *ctx) {
  int64_t idx[DL_MAXDIM];
  char *data[OP_MAXARGS];
  int last = p->ndim - 1;
  int64_t inner = p->size[last], rest = begin;
  for (int d = last; d >= 0; d--) {
    idx[d] = rest % p->size[d];
    rest /= p->size[d];
  }
  int64_t inner_strides[OP_MAXARGS];
  for (int k = 0; k < p->nargs; k++) inner_strides[k] = p->stride[k][last];
  int64_t pos = begin;
  while (pos < end) {
    for (int k = 0; k < p->nargs; k++) {
      char *ptr = p->base[k];
      for (int d = 0; d <= last; d++) ptr += idx[d] * p->stride[k][d];
      data[k] = ptr;
    }
    int64_t n = inner - idx[last];
    if (n > end - pos) n = end - pos;
    fn(data, inner_strides, n, ctx);
    pos += n;
    idx[last] = 0;
    for (int d = last - 1; d >= 0; d--) {
      if (++idx[d] < p->size[d]) break;
      idx[d] = 0;
    }
  }
}

void op_foreach(int nargs, const dl_tensor *const *ts, op_loop_fn fn, void *ctx) {
  int64_t total = dl_tensor_numel(ts[0]);
  if (total == 0) return;
  plan p;
  make_plan(&p, nargs, ts);
#ifdef _OPENMP
  if (total >= 2 * OP_GRAIN && omp_get_max_threads() > 1 && !omp_in_parallel()) {
    int nt = omp_get_max_threads();
    if (total / OP_GRAIN < nt) nt = (int)(total / OP_GRAIN);
#pragma omp parallel num_threads(nt)
    {
      int id = omp_get_thread_num(), n = omp_get_num_threads();
      int64_t b = total * id / n, e = total * (id + 1) / n;
      run_range(&p, b, e, fn, ctx);
    }
    return;
  }
#endif
  run_range(&p, 0, total, fn, ctx);
}
