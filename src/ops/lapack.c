/* LAPACK wrappers. Each copies its inputs into fresh buffers in the layout LAPACK wants
   (LAPACK overwrites them), calls the routine for the tensor's precision, turns `info`
   into an error message, and sets the result tensors to views of the buffers. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "copy.h"
#include "lapack.h"

/* The routine of dt's precision: both have one prototype, data being void *. */
#define LAPACK(dt, name) ((dt) == DL_FLOAT ? s##name##_ : d##name##_)

/* ---- checks -------------------------------------------------------------------------- */

static int check_matrix(const char *fn, const dl_tensor *t, int arg, int allow_vector) {
  if (!dl_dtype_isfloat(t->dtype))
    return dl_error("%s: argument %d must be a FloatTensor or DoubleTensor, got a %sTensor", fn,
                    arg, dl_dtype_name(t->dtype));
  if (t->ndim != 2 && !(allow_vector && t->ndim == 1))
    return dl_error("%s: argument %d must be a %s, got a %dD tensor", fn, arg,
                    allow_vector ? "matrix or a vector" : "matrix (2D tensor)", t->ndim);
  for (int d = 0; d < t->ndim; d++) {
    if (t->size[d] == 0) return dl_error("%s: argument %d is empty", fn, arg);
    if (t->size[d] > INT_MAX / 2)
      return dl_error("%s: argument %d is too large for LAPACK", fn, arg);
  }
  return 0;
}

static int check_square(const char *fn, const dl_tensor *t, int arg) {
  if (check_matrix(fn, t, arg, 0)) return -1;
  if (t->size[0] != t->size[1])
    return dl_error("%s: argument %d must be a square matrix, got %lldx%lld", fn, arg,
                    (long long)t->size[0], (long long)t->size[1]);
  return 0;
}

static int check_same_type(const char *fn, const dl_tensor *a, const dl_tensor *b, int arg) {
  if (a->dtype == b->dtype) return 0;
  return dl_error("%s: argument %d is a %sTensor, expected a %sTensor", fn, arg,
                  dl_dtype_name(b->dtype), dl_dtype_name(a->dtype));
}

static int check_info(const char *fn, lapack_int info) {
  if (info < 0) return dl_error("%s: LAPACK rejected its argument %d (a bug in dlua)", fn, -info);
  return 0;
}

/* ---- buffers --------------------------------------------------------------------------- */

/* A fresh column-major r x c tensor (strides 1, r), uninitialised. */
static int new_colmajor(dl_tensor *t, dl_dtype dt, int64_t r, int64_t c) {
  int64_t size[2] = {c, r};
  if (dl_tensor_new(t, dt, 2, size)) return -1;
  return dl_tensor_transpose(t, 0, 1);
}

/* A fresh column-major copy of the matrix src (a vector counts as one column). */
static int colmajor_copy(dl_tensor *t, const dl_tensor *src) {
  dl_tensor m = *src; /* shallow: a vector seen as an n x 1 matrix */
  if (src->ndim == 1) {
    m.ndim = 2;
    m.size[1] = 1;
    m.stride[1] = 1;
  }
  if (new_colmajor(t, src->dtype, m.size[0], m.size[1])) return -1;
  return op_copy(t, &m);
}

static int rowmajor_copy(dl_tensor *t, const dl_tensor *src) {
  dl_tensor_init(t, src->dtype);
  return op_clone(t, src, src->dtype);
}

/* The result tensor takes the buffer (it may have aliased an input: the inputs were
   copied before anything was written). */
static void give(dl_tensor *out, dl_tensor *buf) {
  dl_tensor_set(out, buf);
  dl_tensor_free(buf);
}

/* One real scalar passed to or from LAPACK, of either precision. */
typedef union {
  float f;
  double d;
} lapack_scalar;

static double scalar_get(dl_dtype dt, const lapack_scalar *x) { return dt == DL_FLOAT ? x->f : x->d; }

/* LAPACK's answer to a workspace query (lwork = -1), in elements. */
static lapack_int query_size(dl_dtype dt, const lapack_scalar *w) {
  double v = scalar_get(dt, w);
  return v < 1 ? 1 : v > INT_MAX ? INT_MAX : (lapack_int)v;
}

static int new_vector(dl_tensor *t, dl_dtype dt, int64_t n) {
  return dl_tensor_new(t, dt, 1, &n);
}

/* Zeroes the strictly lower (lower != 0) or strictly upper triangle of a contiguous
   square matrix, as Torch7 returns triangular factors. */
static void zero_triangle(dl_tensor *t, int lower) {
  int64_t n = t->size[0];
#define ZERO(T)                                                            \
  T *p = dl_tensor_data(t);                                                \
  for (int64_t i = 0; i < n; i++)                                          \
    for (int64_t j = 0; j < n; j++)                                        \
      if (lower ? i > j : j > i) p[i * n + j] = 0;
  DL_DISPATCH_FLOAT(t->dtype, ZERO)
#undef ZERO
}

/* Machine epsilon of the type: below it a reciprocal condition number means singular. */
static double type_eps(dl_dtype dt) { return dt == DL_FLOAT ? 1.1920929e-07 : 2.220446049250313e-16; }

/* 1-norm (largest column sum of magnitudes) of the column-major n x n buffer. */
static double norm1(const dl_tensor *A, int64_t n) {
  double best = 0;
#define NORM(T)                                                       \
  const T *a = dl_tensor_data(A);                                     \
  for (int64_t j = 0; j < n; j++) {                                   \
    double s = 0;                                                     \
    for (int64_t i = 0; i < n; i++) s += fabs((double)a[i + j * n]); \
    if (s > best || s != s) best = s;                                 \
  }
  DL_DISPATCH_FLOAT(A->dtype, NORM)
#undef NORM
  return best;
}

/* LAPACK reports only pivots that are exactly zero; a singular matrix whose elimination
   leaves a rounding error behind looks invertible and gives huge garbage. So estimate the
   reciprocal condition number from the LU factors, and call anything below the type's
   epsilon singular, as MATLAB does. */
static int check_conditioned(const char *fn, const dl_tensor *LU, lapack_int n, double anorm) {
  dl_tensor W;
  lapack_scalar an, rc;
  lapack_int info = 0, *iwork = malloc(sizeof(lapack_int) * (size_t)n);
  if (!iwork || new_vector(&W, LU->dtype, 4 * (int64_t)n)) {
    free(iwork);
    return dl_error("%s: out of memory", fn);
  }
  if (LU->dtype == DL_FLOAT) an.f = (float)anorm;
  else an.d = anorm;
  LAPACK(LU->dtype, gecon)("1", &n, dl_tensor_data(LU), &n, &an, &rc, dl_tensor_data(&W), iwork,
                           &info, 1);
  double rcond = scalar_get(LU->dtype, &rc);
  dl_tensor_free(&W);
  free(iwork);
  if (!(anorm == anorm) || !(rcond == rcond))
    return dl_error("%s: matrix holds NaN or infinite values", fn);
  if (rcond < type_eps(LU->dtype))
    return dl_error("%s: matrix is singular to working precision (reciprocal condition number %.3g)",
                    fn, rcond);
  return 0;
}

static char flip(char uplo) { return uplo == 'U' ? 'L' : 'U'; }

static int check_uplo(const char *fn, char uplo) {
  if (uplo == 'U' || uplo == 'L') return 0;
  return dl_error("%s: uplo must be 'U' or 'L', got '%c'", fn, uplo);
}

/* ---- solvers ---------------------------------------------------------------------------- */

int op_gesv(dl_tensor *x, dl_tensor *lu, const dl_tensor *b, const dl_tensor *a) {
  if (check_square("gesv", a, 2) || check_matrix("gesv", b, 1, 1) ||
      check_same_type("gesv", a, b, 1))
    return -1;
  if (b->size[0] != a->size[0])
    return dl_error("gesv: B has %lld rows but A is %lldx%lld (argument 1)",
                    (long long)b->size[0], (long long)a->size[0], (long long)a->size[1]);
  dl_tensor A, B;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&B, b->dtype);
  lapack_int n = (lapack_int)a->size[0], nrhs = b->ndim == 2 ? (lapack_int)b->size[1] : 1, info = 0;
  lapack_int *ipiv = malloc(sizeof(lapack_int) * (size_t)n);
  int rc = ipiv ? 0 : dl_error("gesv: out of memory");
  if (!rc) rc = colmajor_copy(&A, a);
  if (!rc) rc = colmajor_copy(&B, b);
  if (!rc) {
    double anorm = norm1(&A, n);
    LAPACK(a->dtype, gesv)(&n, &nrhs, dl_tensor_data(&A), &n, ipiv, dl_tensor_data(&B), &n, &info);
    rc = check_info("gesv", info);
    if (!rc && info > 0)
      rc = dl_error("gesv: matrix A is singular (U(%d,%d) is exactly zero)", info, info);
    if (!rc) rc = check_conditioned("gesv", &A, n, anorm);
  }
  if (!rc && b->ndim == 1) { /* back to a vector: an n x 1 column-major matrix is one */
    B.ndim = 1;
    B.stride[0] = 1;
  }
  if (!rc) {
    give(x, &B);
    give(lu, &A);
  }
  dl_tensor_free(&A);
  dl_tensor_free(&B);
  free(ipiv);
  return rc;
}

/* A's row-major data is A^T in column-major terms, and inverse(A^T) read back row-major
   is inverse(A): no transposing either way, and the result is contiguous. */
int op_inverse(dl_tensor *res, const dl_tensor *a) {
  if (check_square("inverse", a, 1)) return -1;
  dl_tensor A, W;
  dl_tensor_init(&W, a->dtype);
  lapack_int n = (lapack_int)a->size[0], info = 0, lwork = -1;
  lapack_int *ipiv = malloc(sizeof(lapack_int) * (size_t)n);
  int rc = ipiv ? 0 : dl_error("inverse: out of memory");
  if (rc) return rc;
  rc = rowmajor_copy(&A, a);
  if (!rc) {
    double anorm = norm1(&A, n); /* of A^T: the infinity norm of A, fine for the estimate */
    LAPACK(a->dtype, getrf)(&n, &n, dl_tensor_data(&A), &n, ipiv, &info);
    rc = check_info("inverse", info);
    if (!rc && info > 0)
      rc = dl_error("inverse: matrix is singular (U(%d,%d) is exactly zero)", info, info);
    if (!rc) rc = check_conditioned("inverse", &A, n, anorm);
  }
  if (!rc) {
    lapack_scalar q;
    LAPACK(a->dtype, getri)(&n, dl_tensor_data(&A), &n, ipiv, &q, &lwork, &info);
    lwork = query_size(a->dtype, &q);
    rc = new_vector(&W, a->dtype, lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, getri)(&n, dl_tensor_data(&A), &n, ipiv, dl_tensor_data(&W), &lwork, &info);
    rc = check_info("inverse", info);
    if (!rc && info > 0) rc = dl_error("inverse: matrix is singular");
  }
  if (!rc) give(res, &A);
  dl_tensor_free(&A);
  dl_tensor_free(&W);
  free(ipiv);
  return rc;
}

/* gels fails only on an exactly zero diagonal of its triangular factor; a rank-deficient
   matrix usually leaves a rounding error there instead. Compare the diagonal's smallest
   magnitude to its largest, as a rank-revealing test would. */
static int check_rank(const dl_tensor *A, lapack_int m, lapack_int n) {
  lapack_int k = m < n ? m : n;
  double lo = INFINITY, hi = 0;
#define DIAG(T)                                   \
  const T *a = dl_tensor_data(A);                 \
  for (lapack_int i = 0; i < k; i++) {            \
    double d = fabs((double)a[i + (int64_t)i * m]); \
    lo = fmin(lo, d);                             \
    hi = fmax(hi, d);                             \
  }
  DL_DISPATCH_FLOAT(A->dtype, DIAG)
#undef DIAG
  if (lo <= hi * type_eps(A->dtype) * (m > n ? m : n) || !(hi == hi))
    return dl_error("gels: matrix A (%dx%d) does not have full rank to working precision", m, n);
  return 0;
}

int op_gels(dl_tensor *rb, dl_tensor *ra, const dl_tensor *b, const dl_tensor *a) {
  if (check_matrix("gels", a, 2, 0) || check_matrix("gels", b, 1, 1) ||
      check_same_type("gels", a, b, 1))
    return -1;
  if (b->size[0] != a->size[0])
    return dl_error("gels: B has %lld rows but A is %lldx%lld (argument 1)",
                    (long long)b->size[0], (long long)a->size[0], (long long)a->size[1]);
  lapack_int m = (lapack_int)a->size[0], n = (lapack_int)a->size[1];
  lapack_int nrhs = b->ndim == 2 ? (lapack_int)b->size[1] : 1, ldb = m > n ? m : n;
  lapack_int info = 0, lwork = -1;
  dl_tensor A, B, W, top;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&B, a->dtype);
  dl_tensor_init(&W, a->dtype);
  dl_tensor_init(&top, a->dtype);
  int rc = colmajor_copy(&A, a);
  /* B needs max(m, n) rows: the solution of a minimum norm problem has n */
  if (!rc) rc = new_colmajor(&B, a->dtype, ldb, nrhs);
  if (!rc) {
    op_fill(&B, 0);
    dl_tensor_set(&top, &B);
    rc = dl_tensor_narrow(&top, 0, 0, m);
  }
  if (!rc) {
    dl_tensor bm = *b; /* a vector as one column */
    if (b->ndim == 1) bm.ndim = 2, bm.size[1] = 1, bm.stride[1] = 1;
    rc = op_copy(&top, &bm);
  }
  if (!rc) {
    lapack_scalar q;
    LAPACK(a->dtype, gels)("N", &m, &n, &nrhs, dl_tensor_data(&A), &m, dl_tensor_data(&B), &ldb,
                           &q, &lwork, &info, 1);
    lwork = query_size(a->dtype, &q);
    rc = new_vector(&W, a->dtype, lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, gels)("N", &m, &n, &nrhs, dl_tensor_data(&A), &m, dl_tensor_data(&B), &ldb,
                           dl_tensor_data(&W), &lwork, &info, 1);
    rc = check_info("gels", info);
    if (!rc && info > 0)
      rc = dl_error("gels: matrix A (%dx%d) does not have full rank (diagonal element %d of "
                    "its triangular factor is zero)", m, n, info);
  }
  if (!rc) rc = check_rank(&A, m, n);
  if (!rc && b->ndim == 1) B.ndim = 1, B.stride[0] = 1;
  if (!rc) {
    give(rb, &B);
    give(ra, &A);
  }
  dl_tensor_free(&A);
  dl_tensor_free(&B);
  dl_tensor_free(&W);
  dl_tensor_free(&top);
  return rc;
}

int op_potrf(dl_tensor *res, const dl_tensor *a, char uplo) {
  if (check_square("potrf", a, 1) || check_uplo("potrf", uplo)) return -1;
  dl_tensor A;
  lapack_int n = (lapack_int)a->size[0], info = 0;
  /* row-major data is A^T = A; LAPACK's lower factor read row-major is the upper one */
  char lu = flip(uplo);
  int rc = rowmajor_copy(&A, a);
  if (!rc) {
    LAPACK(a->dtype, potrf)(&lu, &n, dl_tensor_data(&A), &n, &info, 1);
    rc = check_info("potrf", info);
    if (!rc && info > 0)
      rc = dl_error("potrf: matrix is not positive definite (its leading minor of order %d is not)",
                    info);
  }
  if (!rc) {
    zero_triangle(&A, uplo == 'U');
    give(res, &A);
  }
  dl_tensor_free(&A);
  return rc;
}

int op_potrs(dl_tensor *res, const dl_tensor *b, const dl_tensor *chol, char uplo) {
  if (check_square("potrs", chol, 2) || check_matrix("potrs", b, 1, 1) ||
      check_same_type("potrs", chol, b, 1) || check_uplo("potrs", uplo))
    return -1;
  if (b->size[0] != chol->size[0])
    return dl_error("potrs: B has %lld rows but the factor is %lldx%lld (argument 1)",
                    (long long)b->size[0], (long long)chol->size[0], (long long)chol->size[1]);
  lapack_int n = (lapack_int)chol->size[0], nrhs = b->ndim == 2 ? (lapack_int)b->size[1] : 1;
  lapack_int info = 0;
  char lu = flip(uplo); /* U read row-major is (U^T = L) column-major */
  dl_tensor C, B;
  dl_tensor_init(&B, b->dtype);
  int rc = rowmajor_copy(&C, chol);
  if (!rc) rc = colmajor_copy(&B, b);
  if (!rc) {
    LAPACK(b->dtype, potrs)(&lu, &n, &nrhs, dl_tensor_data(&C), &n, dl_tensor_data(&B), &n, &info, 1);
    rc = check_info("potrs", info);
  }
  if (!rc && b->ndim == 1) B.ndim = 1, B.stride[0] = 1;
  if (!rc) give(res, &B);
  dl_tensor_free(&C);
  dl_tensor_free(&B);
  return rc;
}

/* ---- eigenvalues, SVD, QR ---------------------------------------------------------- */

int op_symeig(dl_tensor *e, dl_tensor *v, const dl_tensor *a, int vectors, char uplo) {
  if (check_square("symeig", a, 1) || check_uplo("symeig", uplo)) return -1;
  lapack_int n = (lapack_int)a->size[0], info = 0, lwork = -1;
  char jobz = vectors ? 'V' : 'N', lu = flip(uplo); /* A's upper triangle, read column-major, is lower */
  dl_tensor A, E, W;
  dl_tensor_init(&E, a->dtype);
  dl_tensor_init(&W, a->dtype);
  int rc = rowmajor_copy(&A, a);
  if (!rc) rc = new_vector(&E, a->dtype, n);
  if (!rc) {
    lapack_scalar q;
    LAPACK(a->dtype, syev)(&jobz, &lu, &n, dl_tensor_data(&A), &n, dl_tensor_data(&E), &q, &lwork,
                           &info, 1, 1);
    lwork = query_size(a->dtype, &q);
    rc = new_vector(&W, a->dtype, lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, syev)(&jobz, &lu, &n, dl_tensor_data(&A), &n, dl_tensor_data(&E),
                           dl_tensor_data(&W), &lwork, &info, 1, 1);
    rc = check_info("symeig", info);
    if (!rc && info > 0)
      rc = dl_error("symeig: the algorithm failed to converge (%d off-diagonal elements)", info);
  }
  if (!rc) {
    give(e, &E);
    /* column-major eigenvectors: the buffer read row-major holds V^T */
    if (vectors) {
      dl_tensor_transpose(&A, 0, 1);
      give(v, &A);
    }
  }
  dl_tensor_free(&A);
  dl_tensor_free(&E);
  dl_tensor_free(&W);
  return rc;
}

int op_eig(dl_tensor *e, dl_tensor *v, const dl_tensor *a, int vectors) {
  if (check_square("eig", a, 1)) return -1;
  lapack_int n = (lapack_int)a->size[0], info = 0, lwork = -1, one = 1, ldvr = vectors ? n : 1;
  char jobvl = 'N', jobvr = vectors ? 'V' : 'N';
  dl_tensor A, E, V, W;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&E, a->dtype);
  dl_tensor_init(&V, a->dtype);
  dl_tensor_init(&W, a->dtype);
  /* e is n x 2 (real, imaginary): a 2 x n buffer holding wr then wi, transposed */
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = new_colmajor(&E, a->dtype, n, 2);
  if (!rc && vectors) rc = new_colmajor(&V, a->dtype, n, n);
  if (!rc) {
    size_t es = dl_dtype_size(a->dtype);
    char *wr = dl_tensor_data(&E), *wi = wr + (size_t)n * es;
    void *vr = vectors ? dl_tensor_data(&V) : NULL;
    lapack_scalar q;
    LAPACK(a->dtype, geev)(&jobvl, &jobvr, &n, dl_tensor_data(&A), &n, wr, wi, NULL, &one, vr,
                           &ldvr, &q, &lwork, &info, 1, 1);
    lwork = query_size(a->dtype, &q);
    rc = new_vector(&W, a->dtype, lwork);
    if (!rc) {
      LAPACK(a->dtype, geev)(&jobvl, &jobvr, &n, dl_tensor_data(&A), &n, wr, wi, NULL, &one, vr,
                             &ldvr, dl_tensor_data(&W), &lwork, &info, 1, 1);
      rc = check_info("eig", info);
      if (!rc && info > 0)
        rc = dl_error("eig: the QR algorithm failed to converge (%d eigenvalues not found)", info);
    }
  }
  if (!rc) {
    give(e, &E);
    if (vectors) give(v, &V);
  }
  dl_tensor_free(&A);
  dl_tensor_free(&E);
  dl_tensor_free(&V);
  dl_tensor_free(&W);
  return rc;
}

int op_svd(dl_tensor *u, dl_tensor *s, dl_tensor *v, const dl_tensor *a, char jobu) {
  if (check_matrix("svd", a, 1, 0)) return -1;
  if (jobu != 'S' && jobu != 'A') return dl_error("svd: job must be 'S' or 'A', got '%c'", jobu);
  lapack_int m = (lapack_int)a->size[0], n = (lapack_int)a->size[1], k = m < n ? m : n;
  lapack_int ucols = jobu == 'A' ? m : k, vtrows = jobu == 'A' ? n : k, info = 0, lwork = -1;
  dl_tensor A, U, S, V, W;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&U, a->dtype);
  dl_tensor_init(&S, a->dtype);
  dl_tensor_init(&V, a->dtype);
  dl_tensor_init(&W, a->dtype);
  lapack_int *iwork = malloc(sizeof(lapack_int) * 8 * (size_t)k);
  int rc = iwork ? 0 : dl_error("svd: out of memory");
  if (!rc) rc = colmajor_copy(&A, a);
  if (!rc) rc = new_colmajor(&U, a->dtype, m, ucols);
  if (!rc) rc = new_vector(&S, a->dtype, k);
  /* V^T (vtrows x n, column-major) read row-major is V (n x vtrows), contiguous */
  int64_t vsize[2] = {n, vtrows};
  if (!rc) rc = dl_tensor_new(&V, a->dtype, 2, vsize);
  if (!rc) {
    char jobz = jobu;
    lapack_scalar q;
    LAPACK(a->dtype, gesdd)(&jobz, &m, &n, dl_tensor_data(&A), &m, dl_tensor_data(&S),
                            dl_tensor_data(&U), &m, dl_tensor_data(&V), &vtrows, &q, &lwork, iwork,
                            &info, 1);
    lwork = query_size(a->dtype, &q);
    rc = new_vector(&W, a->dtype, lwork);
    if (!rc) {
      LAPACK(a->dtype, gesdd)(&jobz, &m, &n, dl_tensor_data(&A), &m, dl_tensor_data(&S),
                              dl_tensor_data(&U), &m, dl_tensor_data(&V), &vtrows,
                              dl_tensor_data(&W), &lwork, iwork, &info, 1);
      rc = check_info("svd", info);
      if (!rc && info > 0) rc = dl_error("svd: the algorithm did not converge");
    }
  }
  if (!rc) {
    give(u, &U);
    give(s, &S);
    give(v, &V);
  }
  dl_tensor_free(&A);
  dl_tensor_free(&U);
  dl_tensor_free(&S);
  dl_tensor_free(&V);
  dl_tensor_free(&W);
  free(iwork);
  return rc;
}

/* R (k x n, contiguous) from the upper triangle of geqrf's column-major m x n output. */
static void extract_r(dl_tensor *R, const dl_tensor *A, int64_t m, int64_t n, int64_t k) {
#define EXTRACT(T)                                                     \
  const T *a = dl_tensor_data(A);                                      \
  T *r = dl_tensor_data(R);                                            \
  for (int64_t i = 0; i < k; i++)                                      \
    for (int64_t j = 0; j < n; j++) r[i * n + j] = j >= i ? a[i + j * m] : 0;
  DL_DISPATCH_FLOAT(A->dtype, EXTRACT)
#undef EXTRACT
}

int op_qr(dl_tensor *q, dl_tensor *r, const dl_tensor *a) {
  if (check_matrix("qr", a, 1, 0)) return -1;
  lapack_int m = (lapack_int)a->size[0], n = (lapack_int)a->size[1], k = m < n ? m : n;
  lapack_int info = 0, lwork = -1;
  dl_tensor A, R, T, W;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&R, a->dtype);
  dl_tensor_init(&T, a->dtype);
  dl_tensor_init(&W, a->dtype);
  int64_t rsize[2] = {k, n};
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = dl_tensor_new(&R, a->dtype, 2, rsize);
  if (!rc) rc = new_vector(&T, a->dtype, k);
  if (!rc) {
    lapack_scalar w1, w2;
    LAPACK(a->dtype, geqrf)(&m, &n, dl_tensor_data(&A), &m, dl_tensor_data(&T), &w1, &lwork, &info);
    LAPACK(a->dtype, orgqr)(&m, &k, &k, dl_tensor_data(&A), &m, dl_tensor_data(&T), &w2, &lwork, &info);
    lapack_int l1 = query_size(a->dtype, &w1), l2 = query_size(a->dtype, &w2);
    lwork = l1 > l2 ? l1 : l2;
    rc = new_vector(&W, a->dtype, lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, geqrf)(&m, &n, dl_tensor_data(&A), &m, dl_tensor_data(&T), dl_tensor_data(&W),
                            &lwork, &info);
    rc = check_info("qr", info);
  }
  if (!rc) {
    extract_r(&R, &A, m, n, k);
    LAPACK(a->dtype, orgqr)(&m, &k, &k, dl_tensor_data(&A), &m, dl_tensor_data(&T),
                            dl_tensor_data(&W), &lwork, &info);
    rc = check_info("qr", info);
  }
  if (!rc) rc = dl_tensor_narrow(&A, 1, 0, k); /* Q: the first k columns */
  if (!rc) {
    give(q, &A);
    give(r, &R);
  }
  dl_tensor_free(&A);
  dl_tensor_free(&R);
  dl_tensor_free(&T);
  dl_tensor_free(&W);
  return rc;
}
