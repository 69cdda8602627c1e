/* Reductions and scans with Torch7's semantics. A reduction along dimension dim (0-based
   here) keeps that dimension with size 1; a reduction over every element gives a number.
   Floating inputs accumulate in double, integer inputs in int64. Result tensors are
   resized (contiguous) and may share storage with the input. Max and min propagate NaN,
   as PyTorch does. Index tensors (LongTensor) hold OP_INDEX_BASE-based indices, as
   Torch7's TH writes them, so that the bindings hand them to Lua unchanged. */
#ifndef OP_REDUCTION_H
#define OP_REDUCTION_H

#include "../core/tensor.h"

#define OP_INDEX_BASE 1

/* A number exact for every type: isint says whether i (Long and Byte) or f holds it. */
typedef struct {
  int isint;
  int64_t i;
  double f;
} op_red_num;

/* ---- over every element ---------------------------------------------------------- */
int op_red_sumall(const dl_tensor *x, op_red_num *r);  /* 0 for an empty tensor */
int op_red_prodall(const dl_tensor *x, op_red_num *r); /* 1 for an empty tensor */
int op_red_maxall(const dl_tensor *x, op_red_num *r);  /* error for an empty tensor */
int op_red_minall(const dl_tensor *x, op_red_num *r);
int op_red_meanall(const dl_tensor *x, double *r);
/* biased: divide by n instead of n - 1 (Torch7's flag). */
int op_red_varall(const dl_tensor *x, int biased, double *r);
int op_red_stdall(const dl_tensor *x, int biased, double *r);
/* p-norm; p = 0 counts the non-zero elements, p = inf is the largest magnitude. */
int op_red_normall(const dl_tensor *x, double p, double *r);
/* p-norm of a - b (same type; they broadcast). */
int op_red_dist(const dl_tensor *a, const dl_tensor *b, double p, double *r);
/* Sum of the diagonal of a 2D tensor. */
int op_red_trace(const dl_tensor *x, op_red_num *r);
/* ByteTensors only: whether all (any) elements are non-zero. */
int op_red_all(const dl_tensor *x, int *r);
int op_red_any(const dl_tensor *x, int *r);
/* 1 when a and b have the same sizes and equal values (NaN equals nothing), else 0. */
int op_red_equal(const dl_tensor *a, const dl_tensor *b);

/* ---- along one dimension ---------------------------------------------------------- */
int op_red_sum(dl_tensor *res, const dl_tensor *x, int dim);
int op_red_prod(dl_tensor *res, const dl_tensor *x, int dim);
/* Float and Double only. */
int op_red_mean(dl_tensor *res, const dl_tensor *x, int dim);
int op_red_var(dl_tensor *res, const dl_tensor *x, int dim, int biased);
int op_red_std(dl_tensor *res, const dl_tensor *x, int dim, int biased);
int op_red_norm(dl_tensor *res, const dl_tensor *x, double p, int dim);
/* Values (x's type) and indices (LongTensor) of the first largest/smallest element, or of
   the first NaN. ind may be NULL. */
int op_red_max(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim);
int op_red_min(dl_tensor *vals, dl_tensor *ind, const dl_tensor *x, int dim);
/* Running sum/product along dim: res gets x's sizes. */
int op_red_cumsum(dl_tensor *res, const dl_tensor *x, int dim);
int op_red_cumprod(dl_tensor *res, const dl_tensor *x, int dim);

/* ---- shared with sorting.c ----------------------------------------------------------
   The positions of a reduction along dim are the indices of x with dim left out, in
   row-major order. op_red_plan describes how to find each one's first element. */
typedef struct {
  int nd;                 /* dimensions of x other than dim */
  int64_t size[DL_MAXDIM], stride[DL_MAXDIM];
  int64_t npos;           /* number of positions */
  int64_t n, xs;          /* length and element stride along dim */
  int64_t inner;          /* positions per step of the dimensions before dim */
} op_red_plan;

/* Checks dim against x (error names fn) and fills p. */
int op_red_makeplan(const char *fn, const dl_tensor *x, int dim, op_red_plan *p);
/* Element offset in x (from x's first element) of position pos's first element. */
int64_t op_red_xoffset(const op_red_plan *p, int64_t pos);
/* Element offset of position pos in a contiguous output with length m along dim. */
static inline int64_t op_red_ooffset(const op_red_plan *p, int64_t pos, int64_t m) {
  return (pos / p->inner) * m * p->inner + pos % p->inner;
}
/* Resizes out (type dt) to x's sizes with length len along dim. When out shares x's
   storage, or is a non-contiguous view that already had those sizes, *use is set to
   tmp (a new contiguous tensor): copy it back with op_red_finish. */
int op_red_prepare(const char *fn, dl_tensor *out, const dl_tensor *x, int dim, int64_t len,
                   dl_dtype dt, dl_tensor *tmp, dl_tensor **use);
int op_red_finish(dl_tensor *out, dl_tensor *use);

#endif
