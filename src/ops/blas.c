/* Matrix products. Views reach OpenBLAS in row-major terms: a matrix whose column stride
   is 1 is itself a row-major matrix with leading dimension stride[0]; one whose row
   stride is 1 is the transpose of one, and the transpose flag absorbs it. */
#include <cblas.h>
#include <limits.h>

#include "blas.h"
#include "copy.h"
#include "gemm.h"
#include "iter.h"

/* ---- argument checks ---------------------------------------------------------------- */

static int check_dim(const char *fn, const dl_tensor *t, int ndim, int arg) {
  if (t->ndim == ndim) return 0;
  return dl_error("%s: argument %d must be a %dD tensor, got %dD", fn, arg, ndim, t->ndim);
}

static int check_type(const char *fn, const dl_tensor *t, dl_dtype dt, int arg) {
  if (t->dtype == dt) return 0;
  return dl_error("%s: argument %d is a %sTensor, expected a %sTensor", fn, arg,
                  dl_dtype_name(t->dtype), dl_dtype_name(dt));
}

static int mismatch(const char *fn, const dl_tensor *a, const dl_tensor *b, int arg) {
  char s1[128], s2[128];
  return dl_error("%s: sizes %s and %s do not match (argument %d)", fn,
                  dl_sizestr(s1, sizeof s1, a->ndim, a->size),
                  dl_sizestr(s2, sizeof s2, b->ndim, b->size), arg);
}

static int aliases(const dl_tensor *a, const dl_tensor *b) {
  return a->storage != NULL && a->storage == b->storage;
}

/* ---- shallow views (no reference taken: they live while their source does) ----------- */

/* A vector as an n x 1 column or a 1 x n row. */
static dl_tensor as_matrix(const dl_tensor *v, int row) {
  dl_tensor m = *v;
  m.ndim = 2;
  m.size[row ? 0 : 1] = 1;
  m.stride[row ? 0 : 1] = 1;
  m.size[row ? 1 : 0] = v->size[0];
  m.stride[row ? 1 : 0] = v->stride[0];
  return m;
}

/* Entry i of a batch (first dimension). */
static dl_tensor batch_entry(const dl_tensor *t, int64_t i) {
  dl_tensor m = *t;
  m.offset += i * t->stride[0];
  m.ndim = t->ndim - 1;
  for (int d = 0; d < m.ndim; d++) {
    m.size[d] = t->size[d + 1];
    m.stride[d] = t->stride[d + 1];
  }
  return m;
}

/* ---- kernels ------------------------------------------------------------------------ */

typedef struct {
  double s;
  dl_dtype dt;
} scale_ctx;

static void scale_loop(char **data, const int64_t *st, int64_t n, void *c) {
  scale_ctx *x = c;
  char *p = data[0];
#define SCALE(T)                                                   \
  for (int64_t i = 0; i < n; i++, p += st[0])                      \
    *(T *)p = x->s == 0 ? (T)0 : (T)((double)*(T *)p * x->s);
  DL_DISPATCH(x->dt, SCALE)
#undef SCALE
}

/* C = beta * C; beta == 0 writes zeros without reading C. */
static void scale(dl_tensor *C, double beta) {
  if (beta == 1) return;
  scale_ctx c = {beta, C->dtype};
  const dl_tensor *ts[1] = {C};
  op_foreach(1, ts, scale_loop, &c);
}

/* Long, Int, Short, Char and Byte: a plain loop, any strides; unsigned arithmetic wraps
   as the type does instead of overflowing (signed overflow is undefined in C). Rows in
   parallel: no BLAS is called in here. */
static void int_gemm(int ta, int tb, double alpha, const dl_tensor *A, const dl_tensor *B,
                     double beta, dl_tensor *C, int64_t k) {
  int64_t m = C->size[0], n = C->size[1];
  int64_t ai = A->stride[ta], ak = A->stride[!ta], bk = B->stride[tb], bj = B->stride[!tb];
  int64_t ci = C->stride[0], cj = C->stride[1];
#define IGEMM(T)                                                                    \
  {                                                                                 \
    const T *a = dl_tensor_data(A), *b = dl_tensor_data(B);                         \
    T *c = dl_tensor_data(C);                                                       \
    uint64_t al = (uint64_t)(T)alpha, be = (uint64_t)(T)beta;                       \
    _Pragma("omp parallel for if (m * n * k > (1 << 18))")                          \
    for (int64_t i = 0; i < m; i++) {                                               \
      T *crow = c + i * ci;                                                         \
      for (int64_t j = 0; j < n; j++)                                               \
        crow[j * cj] = beta == 0 ? (T)0 : (T)(be * (uint64_t)crow[j * cj]);         \
      for (int64_t kk = 0; kk < k; kk++) {                                          \
        uint64_t av = al * (uint64_t)a[i * ai + kk * ak];                           \
        const T *brow = b + kk * bk;                                                \
        for (int64_t j = 0; j < n; j++)                                             \
          crow[j * cj] = (T)((uint64_t)crow[j * cj] + av * (uint64_t)brow[j * bj]); \
      }                                                                             \
    }                                                                               \
  }
  switch (C->dtype) {
  case DL_LONG: IGEMM(int64_t) break;
  case DL_BYTE: IGEMM(uint8_t) break;
  case DL_CHAR: IGEMM(int8_t) break;
  case DL_SHORT: IGEMM(int16_t) break;
  case DL_INT: IGEMM(int32_t) break;
  default: break;
  }
#undef IGEMM
}

/* How BLAS can read the r x c matrix t: as itself (*trans = 0) or as the transpose of a
   row-major matrix (*trans = 1), with leading dimension *ld. 0 when neither stride is 1
   (or a stride is too large for BLAS's int). */
static int blas_layout(const dl_tensor *t, int *trans, int64_t *ld) {
  int64_t r = t->size[0], c = t->size[1], s0 = t->stride[0], s1 = t->stride[1];
  int64_t rmin = r > 1 ? r : 1, cmin = c > 1 ? c : 1;
  if ((c == 1 || s1 == 1) && (r == 1 || s0 >= cmin)) {
    *trans = 0;
    *ld = r == 1 ? cmin : s0;
  } else if ((r == 1 || s0 == 1) && (c == 1 || s1 >= rmin)) {
    *trans = 1;
    *ld = c == 1 ? rmin : s1;
  } else {
    return 0;
  }
  return *ld <= INT_MAX;
}

/* Every float product goes through gemm.h's entry points, which choose dlua's packed
   GEMM, OpenBLAS's gemm or its gemv (torch.setgemm). */
static void call_gemm(dl_dtype dt, int ta, int tb, int64_t m, int64_t n, int64_t k,
                      double alpha, const void *a, int64_t lda, const void *b, int64_t ldb,
                      double beta, void *c, int64_t ldc) {
  if (dt == DL_FLOAT)
    op_sgemm_raw(ta, tb, m, n, k, (float)alpha, a, lda, b, ldb, (float)beta, c, ldc);
  else
    op_dgemm_raw(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/* C (m x n) = alpha op(A) op(B) + beta C, sizes and types already checked. */
static int gemm(int ta, int tb, double alpha, const dl_tensor *A, const dl_tensor *B,
                double beta, dl_tensor *C) {
  int64_t m = C->size[0], n = C->size[1], k = A->size[ta ? 0 : 1];
  int tc, la, lb, rc = 0;
  int64_t ldc, lda, ldb;
  if (m == 0 || n == 0) return 0;
  if (!dl_dtype_isfloat(C->dtype)) {
    int_gemm(ta, tb, alpha, A, B, beta, C, k);
    return 0;
  }
  if (k == 0) {
    scale(C, beta);
    return 0;
  }
  if (m > INT_MAX || n > INT_MAX || k > INT_MAX)
    return dl_error("gemm: sizes %lldx%lld by %lldx%lld are too large for BLAS", (long long)m,
                    (long long)k, (long long)k, (long long)n);
  if (!blas_layout(C, &tc, &ldc) || aliases(C, A) || aliases(C, B)) {
    /* C is not BLAS-shaped, or writing it would change A or B while they are read */
    dl_tensor tmp;
    if (dl_tensor_new(&tmp, C->dtype, 2, C->size)) return -1;
    if (beta != 0) rc = op_copy(&tmp, C);
    if (!rc) rc = gemm(ta, tb, alpha, A, B, beta, &tmp);
    if (!rc) rc = op_copy(C, &tmp);
    dl_tensor_free(&tmp);
    return rc;
  }
  dl_tensor Ac, Bc; /* contiguous copies, only for operands with no unit stride */
  dl_tensor_init(&Ac, A->dtype);
  dl_tensor_init(&Bc, B->dtype);
  if (!blas_layout(A, &la, &lda)) {
    rc = op_contiguous(&Ac, A);
    A = &Ac;
    blas_layout(A, &la, &lda);
  }
  if (!rc && !blas_layout(B, &lb, &ldb)) {
    rc = op_contiguous(&Bc, B);
    B = &Bc;
    blas_layout(B, &lb, &ldb);
  }
  if (!rc) {
    if (tc == 0)
      call_gemm(C->dtype, ta ^ la, tb ^ lb, m, n, k, alpha, dl_tensor_data(A), lda,
                dl_tensor_data(B), ldb, beta, dl_tensor_data(C), ldc);
    else /* C is column-major: compute C^T = op(B)^T op(A)^T into it */
      call_gemm(C->dtype, !(tb ^ lb), !(ta ^ la), n, m, k, alpha, dl_tensor_data(B), ldb,
                dl_tensor_data(A), lda, beta, dl_tensor_data(C), ldc);
  }
  dl_tensor_free(&Ac);
  dl_tensor_free(&Bc);
  return rc;
}

int op_gemm(char transA, char transB, double alpha, const dl_tensor *A, const dl_tensor *B,
            double beta, dl_tensor *C) {
  int ta = transA == 't' || transA == 'T', tb = transB == 't' || transB == 'T';
  if (check_dim("gemm", A, 2, 1) || check_dim("gemm", B, 2, 2) || check_dim("gemm", C, 2, 3))
    return -1;
  if (check_type("gemm", B, A->dtype, 2) || check_type("gemm", C, A->dtype, 3)) return -1;
  if (A->size[!ta] != B->size[tb]) return mismatch("gemm", A, B, 2);
  if (C->size[0] != A->size[ta] || C->size[1] != B->size[!tb]) return mismatch("gemm", C, A, 3);
  return gemm(ta, tb, alpha, A, B, beta, C);
}

/* ---- dot ----------------------------------------------------------------------------- */

int op_dot(const dl_tensor *x, const dl_tensor *y, double *result) {
  char s1[128], s2[128];
  *result = 0;
  if (check_type("dot", y, x->dtype, 2)) return -1;
  int64_t n = dl_tensor_numel(x);
  if (n != dl_tensor_numel(y))
    return dl_error("dot: sizes %s and %s do not match (argument 2): %lld and %lld elements",
                    dl_sizestr(s1, sizeof s1, x->ndim, x->size),
                    dl_sizestr(s2, sizeof s2, y->ndim, y->size), (long long)n,
                    (long long)dl_tensor_numel(y));
  if (n == 0) return 0;
  /* flat vectors: a 1D view as it is, anything else contiguous */
  dl_tensor xc, yc;
  dl_tensor_init(&xc, x->dtype);
  dl_tensor_init(&yc, y->dtype);
  int rc = 0;
  if (x->ndim == 1 && x->stride[0] > 0 && x->stride[0] <= INT_MAX) dl_tensor_set(&xc, x);
  else rc = op_contiguous(&xc, x);
  if (!rc && y->ndim == 1 && y->stride[0] > 0 && y->stride[0] <= INT_MAX) dl_tensor_set(&yc, y);
  else if (!rc) rc = op_contiguous(&yc, y);
  if (rc) goto done;
  int64_t ix = xc.ndim == 1 ? xc.stride[0] : 1, iy = yc.ndim == 1 ? yc.stride[0] : 1;
  const char *px = dl_tensor_data(&xc), *py = dl_tensor_data(&yc);
  size_t es = dl_dtype_size(x->dtype);
  const int64_t chunk = 1 << 30; /* BLAS counts in int */
  double sum = 0;
  uint64_t isum = 0;
  for (int64_t done = 0; done < n; done += chunk) {
    int len = (int)(n - done < chunk ? n - done : chunk);
    const char *a = px + done * ix * es, *b = py + done * iy * es;
    switch (x->dtype) {
    case DL_FLOAT: sum += cblas_sdot(len, (const float *)a, (int)ix, (const float *)b, (int)iy); break;
    case DL_DOUBLE: sum += cblas_ddot(len, (const double *)a, (int)ix, (const double *)b, (int)iy); break;
#define IDOT(T) \
  for (int i = 0; i < len; i++) isum += (uint64_t)((const T *)a)[i * ix] * (uint64_t)((const T *)b)[i * iy];
    case DL_LONG: IDOT(int64_t) break;
    case DL_BYTE: IDOT(uint8_t) break;
    case DL_CHAR: IDOT(int8_t) break;
    case DL_SHORT: IDOT(int16_t) break;
    case DL_INT: IDOT(int32_t) break;
#undef IDOT
    default: break;
    }
  }
  /* an integer dot wraps to its type, as Torch7's (summed in the element type) */
  *result = dl_dtype_isfloat(x->dtype) ? sum
            : x->dtype == DL_BYTE       ? (double)(uint8_t)isum
            : x->dtype == DL_CHAR       ? (double)(int8_t)isum
            : x->dtype == DL_SHORT      ? (double)(int16_t)isum
            : x->dtype == DL_INT        ? (double)(int32_t)isum
                                        : (double)(int64_t)isum;
done:
  dl_tensor_free(&xc);
  dl_tensor_free(&yc);
  return rc;
}

/* ---- the add* family -------------------------------------------------------------- */

/* M broadcasts to size (ndim dimensions) under NumPy's rules. */
static int broadcasts_to(const dl_tensor *M, int ndim, const int64_t *size) {
  if (M->ndim > ndim || M->ndim == 0) return 0;
  for (int d = 0; d < M->ndim; d++) {
    int64_t s = M->size[M->ndim - 1 - d];
    if (s != 1 && s != size[ndim - 1 - d]) return 0;
  }
  return 1;
}

static int has_size(const dl_tensor *t, int ndim, const int64_t *size) {
  if (t->ndim != ndim) return 0;
  for (int d = 0; d < ndim; d++)
    if (t->size[d] != size[d]) return 0;
  return 1;
}

/* Makes res the ndim/size result holding M (scaled later by gemm's beta). M == NULL: res
   is the input itself and must already have the sizes, unless beta == 0 (a plain
   product: res is resized). beta == 0: M is never read. */
static int prepare(const char *fn, dl_tensor *res, double beta, const dl_tensor *M, int ndim,
                   const int64_t *size) {
  char s1[128], s2[128];
  if (M == NULL || M == res) {
    if (has_size(res, ndim, size)) return 0;
    if (beta == 0) return dl_tensor_resize(res, ndim, size); /* a plain product */
    return dl_error("%s: sizes %s and %s do not match (argument 1)", fn,
                    dl_sizestr(s1, sizeof s1, res->ndim, res->size),
                    dl_sizestr(s2, sizeof s2, ndim, size));
  }
  if (check_type(fn, M, res->dtype, 1)) return -1;
  if (!broadcasts_to(M, ndim, size))
    return dl_error("%s: sizes %s and %s do not match (argument 1)", fn,
                    dl_sizestr(s1, sizeof s1, M->ndim, M->size),
                    dl_sizestr(s2, sizeof s2, ndim, size));
  if (!has_size(res, ndim, size) && dl_tensor_resize(res, ndim, size)) return -1;
  return beta != 0 ? op_copy(res, M) : 0;
}

typedef enum { ADDMM, ADDMV, ADDR, BADDBMM, ADDBMM } add_kind;
static const char *add_names[] = {"addmm", "addmv", "addr", "baddbmm", "addbmm"};

/* Checks a and b for kind and gives the result's sizes; returns its ndim or -1. Errors
   number a as argument `first` (2 in addmm(M, a, b), 1 in mm(a, b)). */
static int result_size(add_kind kind, const char *fn, const dl_tensor *a, const dl_tensor *b,
                       int64_t *size, int first) {
  static const int adim[] = {2, 2, 1, 3, 3}, bdim[] = {2, 1, 1, 3, 3};
  int second = first + 1;
  if (check_dim(fn, a, adim[kind], first) || check_dim(fn, b, bdim[kind], second)) return -1;
  if (check_type(fn, b, a->dtype, second)) return -1;
  switch (kind) {
  case ADDMM:
    if (a->size[1] != b->size[0]) return mismatch(fn, a, b, second);
    size[0] = a->size[0], size[1] = b->size[1];
    return 2;
  case ADDMV:
    if (a->size[1] != b->size[0]) return mismatch(fn, a, b, second);
    size[0] = a->size[0];
    return 1;
  case ADDR:
    size[0] = a->size[0], size[1] = b->size[0];
    return 2;
  default: /* the batched ones */
    if (a->size[0] != b->size[0] || a->size[2] != b->size[1]) return mismatch(fn, a, b, second);
    if (kind == ADDBMM) {
      size[0] = a->size[1], size[1] = b->size[2];
      return 2;
    }
    size[0] = a->size[0], size[1] = a->size[1], size[2] = b->size[2];
    return 3;
  }
}

/* res = beta M + alpha (a . b), with res aliasing neither a nor b. */
static int add_product(add_kind kind, dl_tensor *res, double beta, const dl_tensor *M,
                       double alpha, const dl_tensor *a, const dl_tensor *b) {
  const char *fn = add_names[kind];
  int64_t size[3];
  int ndim = result_size(kind, fn, a, b, size, 2);
  if (ndim < 0) return -1;
  if (res->dtype != a->dtype)
    return dl_error("%s: result is a %sTensor, expected a %sTensor", fn, dl_dtype_name(res->dtype),
                    dl_dtype_name(a->dtype));
  if (prepare(fn, res, beta, M, ndim, size)) return -1;
  if (kind == ADDMM) return gemm(0, 0, alpha, a, b, beta, res);
  if (kind == ADDMV) {
    dl_tensor r = as_matrix(res, 0), v = as_matrix(b, 0);
    return gemm(0, 0, alpha, a, &v, beta, &r);
  }
  if (kind == ADDR) {
    dl_tensor x = as_matrix(a, 0), y = as_matrix(b, 1);
    return gemm(0, 0, alpha, &x, &y, beta, res);
  }
  int64_t nb = a->size[0];
  if (kind == ADDBMM && nb == 0) scale(res, beta);
  for (int64_t i = 0; i < nb; i++) {
    dl_tensor x = batch_entry(a, i), y = batch_entry(b, i);
    dl_tensor r = kind == ADDBMM ? *res : batch_entry(res, i);
    double be = kind == ADDBMM && i > 0 ? 1 : beta;
    if (gemm(0, 0, alpha, &x, &y, be, &r)) return -1;
  }
  return 0;
}

/* Computes into a fresh tensor when res shares storage with an operand, since filling
   res with M first would overwrite the operand before it is read. */
static int add_op(add_kind kind, dl_tensor *res, double beta, const dl_tensor *M, double alpha,
                  const dl_tensor *a, const dl_tensor *b) {
  if (!aliases(res, a) && !aliases(res, b)) return add_product(kind, res, beta, M, alpha, a, b);
  dl_tensor tmp;
  dl_tensor_init(&tmp, res->dtype);
  int rc = add_product(kind, &tmp, beta, M ? M : beta != 0 ? res : NULL, alpha, a, b);
  if (!rc && !has_size(res, tmp.ndim, tmp.size)) rc = dl_tensor_resize(res, tmp.ndim, tmp.size);
  if (!rc) rc = op_copy(res, &tmp);
  dl_tensor_free(&tmp);
  return rc;
}

int op_addmm(dl_tensor *res, double beta, const dl_tensor *M, double alpha, const dl_tensor *a,
             const dl_tensor *b) {
  return add_op(ADDMM, res, beta, M, alpha, a, b);
}

int op_addmv(dl_tensor *res, double beta, const dl_tensor *v, double alpha,
             const dl_tensor *mat, const dl_tensor *vec) {
  return add_op(ADDMV, res, beta, v, alpha, mat, vec);
}

int op_addr(dl_tensor *res, double beta, const dl_tensor *M, double alpha, const dl_tensor *x,
            const dl_tensor *y) {
  return add_op(ADDR, res, beta, M, alpha, x, y);
}

int op_baddbmm(dl_tensor *res, double beta, const dl_tensor *M, double alpha,
               const dl_tensor *b1, const dl_tensor *b2) {
  return add_op(BADDBMM, res, beta, M, alpha, b1, b2);
}

int op_addbmm(dl_tensor *res, double beta, const dl_tensor *M, double alpha,
              const dl_tensor *b1, const dl_tensor *b2) {
  return add_op(ADDBMM, res, beta, M, alpha, b1, b2);
}

/* The plain products: beta = 0 against res itself, which is resized to fit first (its
   old contents are never read). Errors name the operands 1 and 2, as in torch.mm(a, b). */
static int product(add_kind kind, const char *fn, dl_tensor *res, const dl_tensor *a,
                   const dl_tensor *b) {
  int64_t size[3];
  int ndim = result_size(kind, fn, a, b, size, 1);
  if (ndim < 0) return -1;
  return add_op(kind, res, 0, NULL, 1, a, b);
}

int op_mm(dl_tensor *res, const dl_tensor *a, const dl_tensor *b) {
  return product(ADDMM, "mm", res, a, b);
}
int op_mv(dl_tensor *res, const dl_tensor *mat, const dl_tensor *vec) {
  return product(ADDMV, "mv", res, mat, vec);
}
int op_ger(dl_tensor *res, const dl_tensor *x, const dl_tensor *y) {
  return product(ADDR, "ger", res, x, y);
}
int op_bmm(dl_tensor *res, const dl_tensor *b1, const dl_tensor *b2) {
  return product(BADDBMM, "bmm", res, b1, b2);
}
