/* Sorting: each position along dim is copied to scratch and merge-sorted by index, so
   that one stable sort serves sort, topk, kthvalue, median and mode. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "copy.h"
#include "iter.h"
#include "sorting.h"

enum { S_SORT, S_KTH, S_MODE };

typedef struct {
  op_red_plan p;
  dl_dtype dt;
  int what, descending;
  int64_t k, m; /* k-th (1-based) for S_KTH; output length along dim */
  const char *x;
  char *o;
  int64_t *oi;
  size_t xsz;
} sjob;

/* Whether a goes strictly before b: NaN counts as larger than every number. */
#define BEFORE(a, b, desc)                                                   \
  ((desc) ? (isnan((double)(a)) ? !isnan((double)(b)) : (a) > (b))           \
          : (!isnan((double)(a)) && (isnan((double)(b)) || (a) < (b))))

/* Stable merge sort of idx[0..n) by key[idx[.]], with tmp of n slots. */
#define MSORT(T)                                                             \
  static void msort_##T(const T *key, int64_t *idx, int64_t *tmp, int64_t n, int desc) { \
    for (int64_t w = 1; w < n; w *= 2) {                                     \
      for (int64_t lo = 0; lo < n; lo += 2 * w) {                            \
        int64_t mid = lo + w < n ? lo + w : n;                               \
        int64_t hi = lo + 2 * w < n ? lo + 2 * w : n;                        \
        int64_t i = lo, j = mid, o = lo;                                     \
        while (i < mid && j < hi)                                            \
          tmp[o++] = BEFORE(key[idx[j]], key[idx[i]], desc) ? idx[j++] : idx[i++]; \
        while (i < mid) tmp[o++] = idx[i++];                                 \
        while (j < hi) tmp[o++] = idx[j++];                                  \
      }                                                                      \
      memcpy(idx, tmp, sizeof(int64_t) * (size_t)n);                         \
    }                                                                        \
  }
MSORT(float)
MSORT(double)
MSORT(int64_t)
MSORT(int8_t)
MSORT(int16_t)
MSORT(int32_t)
MSORT(uint8_t)

/* Sorts one position and writes what the job asks for. */
#define SORT_POS(T)                                                          \
  {                                                                          \
    const T *x = (const T *)xv;                                              \
    T *key = (T *)scratch;                                                   \
    int64_t *idx = (int64_t *)(scratch + 8 * n), *tmp = idx + n;             \
    for (int64_t k = 0; k < n; k++) {                                        \
      key[k] = x[k * j->p.xs];                                               \
      idx[k] = k;                                                            \
    }                                                                        \
    msort_##T(key, idx, tmp, n, j->descending);                              \
    T *y = (T *)o;                                                           \
    if (j->what == S_SORT) {                                                 \
      for (int64_t k = 0; k < j->m; k++) {                                   \
        y[k * os] = key[idx[k]];                                             \
        oi[k * os] = idx[k] + OP_INDEX_BASE;                                 \
      }                                                                      \
    } else if (j->what == S_KTH) {                                           \
      *y = key[idx[j->k - 1]];                                               \
      *oi = idx[j->k - 1] + OP_INDEX_BASE;                                   \
    } else {                                                                 \
      int64_t best = 0, bestlen = 0;                                         \
      for (int64_t s = 0; s < n;) {                                          \
        int64_t e = s + 1;                                                   \
        while (e < n && key[idx[e]] == key[idx[s]]) e++;                     \
        if (e - s > bestlen) best = e - 1, bestlen = e - s;                  \
        s = e;                                                               \
      }                                                                      \
      *y = key[idx[best]];                                                   \
      *oi = idx[best] + OP_INDEX_BASE;                                       \
    }                                                                        \
  }
static void sort_pos(const sjob *j, const char *xv, char *o, int64_t *oi, int64_t os,
                     char *scratch) {
  int64_t n = j->p.n;
  DL_DISPATCH(j->dt, SORT_POS)
}

static int run(const sjob *j) {
  int64_t npos = j->p.npos, n = j->p.n, work = npos * n;
  size_t bytes = (size_t)(n > 0 ? n : 1) * 24;
  int failed = 0;
  (void)work;
#pragma omp parallel if (work >= 2 * OP_GRAIN && npos > 1 && !omp_in_parallel())
  {
    char *scratch = malloc(bytes);
    if (!scratch) {
#pragma omp atomic write
      failed = 1;
    }
#pragma omp for schedule(static)
    for (int64_t pos = 0; pos < npos; pos++) {
      if (!scratch) continue;
      const char *x = j->x + op_red_xoffset(&j->p, pos) * (int64_t)j->xsz;
      int64_t oo = op_red_ooffset(&j->p, pos, j->m);
      sort_pos(j, x, j->o + oo * (int64_t)j->xsz, j->oi + oo, j->p.inner, scratch);
    }
    free(scratch);
  }
  if (failed) return dl_error("sort: out of memory for %zu bytes of scratch", bytes);
  return 0;
}

static int sorting(const char *fn, dl_tensor *vals, dl_tensor *ind, const dl_tensor *x,
                   int dim, int what, int desc, int64_t k, int64_t m) {
  sjob j;
  if (!dl_dtype_ismath(x->dtype))
    return dl_error("%s: not supported for torch.%sTensor", fn, dl_dtype_name(x->dtype));
  if (op_red_makeplan(fn, x, dim, &j.p) < 0) return -1;
  dl_tensor tmp, tmpi, *use, *usei;
  dl_tensor_init(&tmp, x->dtype);
  dl_tensor_init(&tmpi, DL_LONG);
  if (op_red_prepare(fn, vals, x, dim, m, x->dtype, &tmp, &use) < 0) return -1;
  if (op_red_prepare(fn, ind, x, dim, m, DL_LONG, &tmpi, &usei) < 0) {
    dl_tensor_free(&tmp);
    return -1;
  }
  j.dt = x->dtype;
  j.what = what;
  j.descending = desc;
  j.k = k;
  j.m = m;
  j.x = dl_tensor_data(x);
  j.o = dl_tensor_data(use);
  j.oi = dl_tensor_data(usei);
  j.xsz = dl_dtype_size(x->dtype);
  int rc = j.p.npos > 0 && m > 0 ? run(&j) : 0;
  if (op_red_finish(vals, use) < 0) rc = -1;
  if (op_red_finish(ind, usei) < 0) rc = -1;
  return rc;
}

static int64_t dimsize(const dl_tensor *x, int dim) {
  return dim >= 0 && dim < x->ndim ? x->size[dim] : 0;
}

int op_sorting_sort(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim,
                    int descending) {
  return sorting("sort", vals, ind, x, dim, S_SORT, descending, 0, dimsize(x, dim));
}

int op_sorting_topk(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int64_t k, int dim,
                    int largest) {
  int64_t n = dimsize(x, dim);
  if (dim >= 0 && dim < x->ndim && (k < 0 || k > n))
    return dl_error("topk: k %lld out of range for dimension %d of size %lld", (long long)k,
                    dim + 1, (long long)n);
  return sorting("topk", vals, ind, x, dim, S_SORT, largest, 0, k);
}

int op_sorting_kthvalue(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int64_t k,
                        int dim) {
  int64_t n = dimsize(x, dim);
  if (dim >= 0 && dim < x->ndim && (k < 1 || k > n))
    return dl_error("kthvalue: k %lld out of range for dimension %d of size %lld",
                    (long long)k, dim + 1, (long long)n);
  return sorting("kthvalue", vals, ind, x, dim, S_KTH, 0, k, 1);
}

int op_sorting_median(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim) {
  int64_t n = dimsize(x, dim);
  if (dim >= 0 && dim < x->ndim && n == 0)
    return dl_error("median: dimension %d is empty", dim + 1);
  return sorting("median", vals, ind, x, dim, S_KTH, 0, (n + 1) / 2, 1);
}

int op_sorting_mode(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim) {
  if (dim >= 0 && dim < x->ndim && x->size[dim] == 0)
    return dl_error("mode: dimension %d is empty", dim + 1);
  return sorting("mode", vals, ind, x, dim, S_MODE, 0, 0, 1);
}

int op_sorting_medianall(const dl_tensor *x, op_red_num *r) {
  int64_t n = dl_tensor_numel(x);
  if (n == 0) return dl_error("median: tensor is empty");
  dl_tensor flat, v, i;
  dl_tensor_init(&flat, x->dtype);
  dl_tensor_init(&v, x->dtype);
  dl_tensor_init(&i, DL_LONG);
  int rc = op_clone(&flat, x, x->dtype);
  if (!rc) rc = dl_tensor_view(&flat, 1, &n);
  if (!rc) rc = op_sorting_kthvalue(&v, &i, &flat, (n + 1) / 2, 0);
  if (!rc) {
    r->isint = !dl_dtype_isfloat(x->dtype);
    r->i = r->isint ? op_get_long(&v, v.offset) : 0;
    r->f = op_get(&v, v.offset);
  }
  dl_tensor_free(&flat);
  dl_tensor_free(&v);
  dl_tensor_free(&i);
  return rc;
}
