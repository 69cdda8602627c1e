/* LAPACK wrappers. Each copies its inputs into fresh column-major buffers (LAPACK
   overwrites them, and a result may alias an input), calls the routine for the tensor's
   precision, turns `info` into an error message, and only then writes the buffers into
   the result tensors (put), so that a failed call leaves the results as they were. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "lapack.h"

/* The routine of dt's precision: both have one prototype, data being void *. */
#define LAPACK(dt, name) ((dt) == DL_FLOAT ? s##name##_ : d##name##_)

#define SIZES(buf, t) dl_sizestr(buf, sizeof buf, (t)->ndim, (t)->size)

/* ---- checks -------------------------------------------------------------------------- */

static int check_float(const char *fn, const dl_tensor *t, int arg) {
  if (dl_dtype_isfloat(t->dtype)) return 0;
  return dl_error("%s: argument %d must be a FloatTensor or DoubleTensor, got a %sTensor", fn,
                  arg, dl_dtype_name(t->dtype));
}

static int check_dims(const char *fn, const dl_tensor *t, int arg) {
  char b[64];
  for (int d = 0; d < t->ndim; d++) {
    if (t->size[d] == 0) return dl_error("%s: argument %d is empty (size %s)", fn, arg, SIZES(b, t));
    if (t->size[d] > INT_MAX / 2)
      return dl_error("%s: argument %d (%s) is too large for LAPACK", fn, arg, SIZES(b, t));
  }
  return 0;
}

static int check_matrix(const char *fn, const dl_tensor *t, int arg, int allow_vector) {
  char b[64];
  if (check_float(fn, t, arg)) return -1;
  if (t->ndim != 2 && !(allow_vector && t->ndim == 1))
    return dl_error("%s: argument %d must be a %s, got a %dD tensor (size %s)", fn, arg,
                    allow_vector ? "matrix or a vector" : "matrix (2D tensor)", t->ndim,
                    SIZES(b, t));
  return check_dims(fn, t, arg);
}

static int check_vector(const char *fn, const dl_tensor *t, int arg) {
  char b[64];
  if (check_float(fn, t, arg)) return -1;
  if (t->ndim != 1)
    return dl_error("%s: argument %d must be a vector (1D tensor), got a %dD tensor (size %s)",
                    fn, arg, t->ndim, SIZES(b, t));
  return check_dims(fn, t, arg);
}

static int check_square(const char *fn, const dl_tensor *t, int arg) {
  char b[64];
  if (check_matrix(fn, t, arg, 0)) return -1;
  if (t->size[0] != t->size[1])
    return dl_error("%s: argument %d must be a square matrix, got %s", fn, arg, SIZES(b, t));
  return 0;
}

static int check_same_type(const char *fn, const dl_tensor *a, const dl_tensor *b, int arg) {
  if (a->dtype == b->dtype) return 0;
  return dl_error("%s: argument %d is a %sTensor, expected a %sTensor", fn, arg,
                  dl_dtype_name(b->dtype), dl_dtype_name(a->dtype));
}

/* B (the right-hand sides) must have as many rows as A. */
static int check_rows(const char *fn, const dl_tensor *b, const char *bname, int barg,
                      const dl_tensor *a, const char *aname, int aarg) {
  char b1[64], b2[64];
  if (b->size[0] == a->size[0]) return 0;
  return dl_error("%s: %s (argument %d, %s) has %lld rows but %s (argument %d) is %s", fn, bname,
                  barg, SIZES(b1, b), (long long)b->size[0], aname, aarg, SIZES(b2, a));
}

/* A result takes the numbers LAPACK computed in dt: it must be of that type, and two
   results cannot be one tensor. */
/* The inputs of the running function, which put() compares its results with. */
static _Thread_local const dl_tensor *op_inputs[2];

/* Checks the results' types and distinctness, and records the inputs (in1, in2, either
   may be NULL) for put(). */
static int check_results_of(const char *fn, dl_dtype dt, int n, dl_tensor *const *r,
                            const dl_tensor *in1, const dl_tensor *in2) {
  op_inputs[0] = in1;
  op_inputs[1] = in2;
  for (int i = 0; i < n; i++) {
    if (r[i]->dtype != dt)
      return dl_error("%s: result %d is a %sTensor, expected a %sTensor", fn, i + 1,
                      dl_dtype_name(r[i]->dtype), dl_dtype_name(dt));
    for (int j = 0; j < i; j++)
      if (r[i] == r[j]) return dl_error("%s: results %d and %d are the same tensor", fn, j + 1, i + 1);
  }
  return 0;
}

static int check_info(const char *fn, lapack_int info) {
  if (info < 0) return dl_error("%s: LAPACK rejected its argument %d (a bug in dlua)", fn, -info);
  return 0;
}

static int check_letter(const char *fn, const char *what, char c, const char *allowed) {
  if (c && strchr(allowed, c)) return 0;
  return dl_error("%s: %s must be one of the letters '%s', got '%c'", fn, what, allowed, c ? c : '?');
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

/* An n x 1 column-major buffer back to a vector (the result of a vector right-hand side). */
static void as_vector(dl_tensor *t) {
  t->ndim = 1;
  t->stride[0] = 1;
}

static int new_vector(dl_tensor *t, dl_dtype dt, int64_t n) { return dl_tensor_new(t, dt, 1, &n); }

/* One real scalar passed to or from LAPACK, of either precision. */
typedef union {
  float f;
  double d;
} lapack_scalar;

static double scalar_get(dl_dtype dt, const lapack_scalar *x) { return dt == DL_FLOAT ? x->f : x->d; }

static void scalar_set(dl_dtype dt, lapack_scalar *x, double v) {
  if (dt == DL_FLOAT) x->f = (float)v;
  else x->d = v;
}

/* LAPACK's workspace, of the size its query (lwork = -1) answered in q. */
static int new_work(dl_tensor *W, dl_dtype dt, const lapack_scalar *q, lapack_int *lwork) {
  double v = scalar_get(dt, q);
  *lwork = v < 1 ? 1 : v > INT_MAX ? INT_MAX : (lapack_int)v;
  return new_vector(W, dt, *lwork);
}

/* Element (i, j) of a float or double matrix, through its strides. */
#define AT(T, t, i, j) (((T *)dl_tensor_data(t))[(i) * (t)->stride[0] + (j) * (t)->stride[1]])

/* NaN or infinity in the part of the square or rectangular matrix t that LAPACK reads:
   part 'U' is the upper triangle, 'L' the lower one, 'A' all. */
static int check_finite(const char *fn, const dl_tensor *t, int arg, const dl_tensor *orig, char part) {
  int bad = 0;
  int64_t r = t->size[0], c = t->ndim == 2 ? t->size[1] : 1;
#define SCAN(T)                                                                 \
  for (int64_t j = 0; j < c && !bad; j++)                                       \
    for (int64_t i = 0; i < r; i++) {                                           \
      if ((part == 'U' && i > j) || (part == 'L' && i < j)) continue;           \
      T v = t->ndim == 2 ? AT(T, t, i, j) : ((T *)dl_tensor_data(t))[i * t->stride[0]]; \
      if (!isfinite(v)) bad = 1;                                                \
    }
  DL_DISPATCH_FLOAT(t->dtype, SCAN)
#undef SCAN
  char b[64];
  if (bad) return dl_error("%s: argument %d (%s) holds NaN or infinite values", fn, arg, SIZES(b, orig));
  return 0;
}

/* Zeroes the strictly lower (lower != 0) or strictly upper triangle of square t, as
   Torch7 returns triangular factors. */
static void zero_triangle(dl_tensor *t, int lower) {
  int64_t n = t->size[0];
#define ZERO(T)                                 \
  for (int64_t i = 0; i < n; i++)               \
    for (int64_t j = 0; j < n; j++)             \
      if (lower ? i > j : j > i) AT(T, t, i, j) = 0;
  DL_DISPATCH_FLOAT(t->dtype, ZERO)
#undef ZERO
}

/* Copies the upper triangle of square t onto the lower one (from_upper) or back. */
static void mirror_triangle(dl_tensor *t, int from_upper) {
  int64_t n = t->size[0];
#define MIRROR(T)                                                          \
  for (int64_t i = 0; i < n; i++)                                          \
    for (int64_t j = 0; j < i; j++) {                                      \
      if (from_upper) AT(T, t, i, j) = AT(T, t, j, i);                     \
      else AT(T, t, j, i) = AT(T, t, i, j);                                \
    }
  DL_DISPATCH_FLOAT(t->dtype, MIRROR)
#undef MIRROR
}

/* 1-based index of the first zero on the diagonal of square t, 0 if none. */
static int64_t zero_diagonal(const dl_tensor *t) {
  int64_t n = t->size[0], found = 0;
#define DIAG(T)                                  \
  for (int64_t i = 0; i < n && !found; i++)      \
    if (AT(T, t, i, i) == 0) found = i + 1;
  DL_DISPATCH_FLOAT(t->dtype, DIAG)
#undef DIAG
  return found;
}

/* ---- results --------------------------------------------------------------------------- */

static int is_colmajor(const dl_tensor *t) {
  return t->ndim == 2 && t->stride[0] == 1 && (t->stride[1] == t->size[0] || t->size[1] == 1);
}

/* Gives res buf's sizes: left alone when it has them (a view keeps writing into its
   parent); otherwise resized at its offset, column-major when colmajor is set
   (Torch7's resize2d(cols, rows) + transpose for the matrices it returns transposed). */
static int shape_like(dl_tensor *res, const dl_tensor *buf, int colmajor) {
  /* Torch7 also re-strides a row-major result of the right sizes as column-major, on
     its own elements (checkTransposed): torch.inverse(r, m) leaves r non-contiguous,
     and its programs test that. An input given as its own result (torch.inverse(a, a))
     and other views keep their strides. */
  int rowmajor = res->ndim == 2 && dl_tensor_iscontiguous(res) && !is_colmajor(res) &&
                 res != op_inputs[0] && res != op_inputs[1];
  if (colmajor && buf->ndim == 2 && (!dl_tensor_samesize(res, buf) || rowmajor)) {
    int64_t t[2] = {buf->size[1], buf->size[0]};
    if (dl_tensor_resize(res, 2, t)) return -1;
    return dl_tensor_transpose(res, 0, 1);
  }
  return dl_tensor_resize(res, buf->ndim, buf->size);
}

/* Writes the buffer buf into the result res (see lapack.h). A result without storage
   takes buf itself when buf already has the layout a resize would give. */
static int put(dl_tensor *res, const dl_tensor *buf, int colmajor) {
  int layout_ok = colmajor && buf->ndim == 2 ? is_colmajor(buf) : dl_tensor_iscontiguous(buf);
  if (!res->storage && layout_ok) {
    dl_tensor_set(res, buf);
    return 0;
  }
  if (shape_like(res, buf, colmajor)) return -1;
  return op_copy(res, buf);
}

/* ---- conditioning ---------------------------------------------------------------------- */

/* Machine epsilon of the type: below it a reciprocal condition number means singular. */
static double type_eps(dl_dtype dt) { return dt == DL_FLOAT ? 1.1920929e-07 : 2.220446049250313e-16; }

/* 1-norm (largest column sum of magnitudes) of the square matrix A. */
static double norm1(const dl_tensor *A) {
  int64_t n = A->size[0];
  double best = 0;
#define NORM(T)                                                   \
  for (int64_t j = 0; j < n; j++) {                               \
    double s = 0;                                                 \
    for (int64_t i = 0; i < n; i++) s += fabs((double)AT(T, A, i, j)); \
    if (s > best) best = s;                                       \
  }
  DL_DISPATCH_FLOAT(A->dtype, NORM)
#undef NORM
  return best;
}

/* The message of a matrix that cannot be handled: "fn: what (argument N, RxC: detail)". */
static int matrix_error(const char *fn, const char *what, int arg, const dl_tensor *orig,
                        const char *detail) {
  char b[64];
  return dl_error("%s: %s (argument %d, %s: %s)", fn, what, arg, SIZES(b, orig), detail);
}

/* LAPACK reports only pivots that are exactly zero; a singular matrix whose elimination
   leaves a rounding error behind looks invertible and gives huge garbage. So estimate the
   reciprocal condition number (from the LU factors, or of a triangular matrix when
   tri_uplo is 'U' or 'L'), and call anything below the type's epsilon singular, as
   MATLAB does. */
static int check_conditioned(const char *fn, const dl_tensor *M, double anorm, char tri_uplo,
                             char tri_diag, int arg, const dl_tensor *orig) {
  dl_tensor W;
  lapack_scalar an, rc;
  lapack_int n = (lapack_int)M->size[0], info = 0;
  lapack_int *iwork = malloc(sizeof(lapack_int) * (size_t)n);
  if (!iwork || new_vector(&W, M->dtype, 4 * (int64_t)n)) {
    free(iwork);
    return dl_error("%s: out of memory", fn);
  }
  scalar_set(M->dtype, &an, anorm);
  if (tri_uplo)
    LAPACK(M->dtype, trcon)("1", &tri_uplo, &tri_diag, &n, dl_tensor_data(M), &n, &rc,
                            dl_tensor_data(&W), iwork, &info, 1, 1, 1);
  else
    LAPACK(M->dtype, gecon)("1", &n, dl_tensor_data(M), &n, &an, &rc, dl_tensor_data(&W), iwork,
                            &info, 1);
  double rcond = scalar_get(M->dtype, &rc);
  dl_tensor_free(&W);
  free(iwork);
  if (check_info(fn, info)) return -1;
  if (!(rcond >= type_eps(M->dtype))) {
    char detail[96];
    snprintf(detail, sizeof detail, "reciprocal condition number %.3g", rcond);
    return matrix_error(fn, "matrix is singular to working precision", arg, orig, detail);
  }
  return 0;
}

static int check_uplo(const char *fn, char uplo) { return check_letter(fn, "uplo", uplo, "UL"); }

/* ---- solvers ---------------------------------------------------------------------------- */

int op_gesv(dl_tensor *x, dl_tensor *lu, const dl_tensor *b, const dl_tensor *a) {
  const char *fn = "gesv";
  dl_tensor *res[2] = {x, lu};
  if (check_matrix(fn, b, 1, 1) || check_square(fn, a, 2) || check_same_type(fn, b, a, 2) ||
      check_rows(fn, b, "B", 1, a, "A", 2) || check_results_of(fn, a->dtype, 2, res, a, b))
    return -1;
  dl_tensor A, B;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&B, b->dtype);
  lapack_int n = (lapack_int)a->size[0], nrhs = b->ndim == 2 ? (lapack_int)b->size[1] : 1, info = 0;
  lapack_int *ipiv = malloc(sizeof(lapack_int) * (size_t)n);
  int rc = ipiv ? 0 : dl_error("%s: out of memory", fn);
  if (!rc) rc = colmajor_copy(&A, a);
  if (!rc) rc = colmajor_copy(&B, b);
  if (!rc) rc = check_finite(fn, &A, 2, a, 'A');
  if (!rc) rc = check_finite(fn, &B, 1, b, 'A');
  if (!rc) {
    double anorm = norm1(&A);
    LAPACK(a->dtype, gesv)(&n, &nrhs, dl_tensor_data(&A), &n, ipiv, dl_tensor_data(&B), &n, &info);
    rc = check_info(fn, info);
    if (!rc && info > 0) {
      char d[64];
      snprintf(d, sizeof d, "U(%d,%d) is exactly zero", info, info);
      rc = matrix_error(fn, "matrix is singular", 2, a, d);
    }
    if (!rc) rc = check_conditioned(fn, &A, anorm, 0, 0, 2, a);
  }
  if (!rc && b->ndim == 1) as_vector(&B);
  if (!rc) rc = put(x, &B, 1);
  if (!rc) rc = put(lu, &A, 1);
  dl_tensor_free(&A);
  dl_tensor_free(&B);
  free(ipiv);
  return rc;
}

int op_trtrs(dl_tensor *x, dl_tensor *ra, const dl_tensor *b, const dl_tensor *a, char uplo,
             char trans, char diag) {
  const char *fn = "trtrs";
  dl_tensor *res[2] = {x, ra};
  if (check_matrix(fn, b, 1, 1) || check_square(fn, a, 2) || check_same_type(fn, b, a, 2) ||
      check_rows(fn, b, "B", 1, a, "A", 2) || check_results_of(fn, a->dtype, 2, res, a, b) ||
      check_uplo(fn, uplo) || check_letter(fn, "trans", trans, "NT") ||
      check_letter(fn, "diag", diag, "NU"))
    return -1;
  dl_tensor A, B;
  dl_tensor_init(&B, b->dtype);
  lapack_int n = (lapack_int)a->size[0], nrhs = b->ndim == 2 ? (lapack_int)b->size[1] : 1, info = 0;
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = colmajor_copy(&B, b);
  if (!rc) rc = check_finite(fn, &A, 2, a, uplo);
  if (!rc) rc = check_finite(fn, &B, 1, b, 'A');
  if (!rc) {
    LAPACK(a->dtype, trtrs)(&uplo, &trans, &diag, &n, &nrhs, dl_tensor_data(&A), &n,
                            dl_tensor_data(&B), &n, &info, 1, 1, 1);
    rc = check_info(fn, info);
    if (!rc && info > 0) {
      char d[64];
      snprintf(d, sizeof d, "diagonal element %d is zero", info);
      rc = matrix_error(fn, "matrix is singular", 2, a, d);
    }
    if (!rc) rc = check_conditioned(fn, &A, 0, uplo, diag, 2, a);
  }
  if (!rc && b->ndim == 1) as_vector(&B);
  if (!rc) rc = put(x, &B, 1);
  if (!rc) rc = put(ra, &A, 1);
  dl_tensor_free(&A);
  dl_tensor_free(&B);
  return rc;
}

int op_inverse(dl_tensor *res, const dl_tensor *a) {
  const char *fn = "inverse";
  if (check_square(fn, a, 1) || check_results_of(fn, a->dtype, 1, &res, a, NULL)) return -1;
  dl_tensor A, W;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&W, a->dtype);
  lapack_int n = (lapack_int)a->size[0], info = 0, lwork = -1;
  lapack_int *ipiv = malloc(sizeof(lapack_int) * (size_t)n);
  int rc = ipiv ? 0 : dl_error("%s: out of memory", fn);
  if (!rc) rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 1, a, 'A');
  if (!rc) {
    double anorm = norm1(&A);
    LAPACK(a->dtype, getrf)(&n, &n, dl_tensor_data(&A), &n, ipiv, &info);
    rc = check_info(fn, info);
    if (!rc && info > 0) {
      char d[64];
      snprintf(d, sizeof d, "U(%d,%d) is exactly zero", info, info);
      rc = matrix_error(fn, "matrix is singular", 1, a, d);
    }
    if (!rc) rc = check_conditioned(fn, &A, anorm, 0, 0, 1, a);
  }
  if (!rc) {
    lapack_scalar q;
    LAPACK(a->dtype, getri)(&n, dl_tensor_data(&A), &n, ipiv, &q, &lwork, &info);
    rc = new_work(&W, a->dtype, &q, &lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, getri)(&n, dl_tensor_data(&A), &n, ipiv, dl_tensor_data(&W), &lwork, &info);
    rc = check_info(fn, info);
    if (!rc && info > 0) rc = matrix_error(fn, "matrix is singular", 1, a, "getri failed");
  }
  if (!rc) rc = put(res, &A, 1);
  dl_tensor_free(&A);
  dl_tensor_free(&W);
  free(ipiv);
  return rc;
}

/* gels fails only on an exactly zero diagonal of its triangular factor; a rank-deficient
   matrix usually leaves a rounding error there instead. Compare the diagonal's smallest
   magnitude to its largest, as a rank-revealing test would. */
static int check_rank(const dl_tensor *A, const dl_tensor *a) {
  int64_t m = A->size[0], n = A->size[1], k = m < n ? m : n;
  double lo = INFINITY, hi = 0;
#define DIAG(T)                                 \
  for (int64_t i = 0; i < k; i++) {             \
    double d = fabs((double)AT(T, A, i, i));    \
    lo = fmin(lo, d);                           \
    hi = fmax(hi, d);                           \
  }
  DL_DISPATCH_FLOAT(A->dtype, DIAG)
#undef DIAG
  if (lo <= hi * type_eps(A->dtype) * (double)(m > n ? m : n) || !(hi == hi))
    return matrix_error("gels", "matrix does not have full rank", 2, a,
                        "to working precision, its triangular factor has a negligible diagonal");
  return 0;
}

int op_gels(dl_tensor *rb, dl_tensor *ra, const dl_tensor *b, const dl_tensor *a) {
  const char *fn = "gels";
  dl_tensor *res[2] = {rb, ra};
  if (check_matrix(fn, b, 1, 1) || check_matrix(fn, a, 2, 0) || check_same_type(fn, b, a, 2) ||
      check_rows(fn, b, "B", 1, a, "A", 2) || check_results_of(fn, a->dtype, 2, res, a, b))
    return -1;
  lapack_int m = (lapack_int)a->size[0], n = (lapack_int)a->size[1];
  lapack_int nrhs = b->ndim == 2 ? (lapack_int)b->size[1] : 1, ldb = m > n ? m : n;
  lapack_int info = 0, lwork = -1;
  dl_tensor A, B, W, top;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&B, a->dtype);
  dl_tensor_init(&W, a->dtype);
  dl_tensor_init(&top, a->dtype);
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 2, a, 'A');
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
  if (!rc) rc = check_finite(fn, &top, 1, b, 'A');
  if (!rc) {
    lapack_scalar q;
    LAPACK(a->dtype, gels)("N", &m, &n, &nrhs, dl_tensor_data(&A), &m, dl_tensor_data(&B), &ldb,
                           &q, &lwork, &info, 1);
    rc = new_work(&W, a->dtype, &q, &lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, gels)("N", &m, &n, &nrhs, dl_tensor_data(&A), &m, dl_tensor_data(&B), &ldb,
                           dl_tensor_data(&W), &lwork, &info, 1);
    rc = check_info(fn, info);
    if (!rc && info > 0) {
      char d[80];
      snprintf(d, sizeof d, "diagonal element %d of its triangular factor is zero", info);
      rc = matrix_error(fn, "matrix does not have full rank", 2, a, d);
    }
  }
  if (!rc) rc = check_rank(&A, a);
  /* the solution is the first n rows, as Torch7 returns it (the rows below only held
     the residual of an overdetermined system) */
  if (!rc && ldb > n) rc = dl_tensor_narrow(&B, 0, 0, n);
  if (!rc && b->ndim == 1) as_vector(&B);
  if (!rc) rc = put(rb, &B, 1);
  if (!rc) rc = put(ra, &A, 1);
  dl_tensor_free(&A);
  dl_tensor_free(&B);
  dl_tensor_free(&W);
  dl_tensor_free(&top);
  return rc;
}

/* ---- Cholesky ------------------------------------------------------------------------- */

int op_potrf(dl_tensor *res, const dl_tensor *a, char uplo) {
  const char *fn = "potrf";
  if (check_square(fn, a, 1) || check_uplo(fn, uplo) ||
      check_results_of(fn, a->dtype, 1, &res, a, NULL))
    return -1;
  dl_tensor A;
  lapack_int n = (lapack_int)a->size[0], info = 0;
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 1, a, uplo);
  if (!rc) {
    LAPACK(a->dtype, potrf)(&uplo, &n, dl_tensor_data(&A), &n, &info, 1);
    rc = check_info(fn, info);
    if (!rc && info > 0) {
      char d[80];
      snprintf(d, sizeof d, "its leading minor of order %d is not", info);
      rc = matrix_error(fn, "matrix is not positive definite", 1, a, d);
    }
  }
  if (!rc) {
    zero_triangle(&A, uplo == 'U');
    rc = put(res, &A, 1);
  }
  dl_tensor_free(&A);
  return rc;
}

/* The factor's diagonal must have no zero: potrs and potri would divide by it. */
static int check_factor(const char *fn, const dl_tensor *C, int arg, const dl_tensor *chol) {
  int64_t z = zero_diagonal(C);
  if (!z) return 0;
  char d[64];
  snprintf(d, sizeof d, "diagonal element %lld is zero", (long long)z);
  return matrix_error(fn, "the Cholesky factor is singular", arg, chol, d);
}

int op_potrs(dl_tensor *res, const dl_tensor *b, const dl_tensor *chol, char uplo) {
  const char *fn = "potrs";
  if (check_matrix(fn, b, 1, 1) || check_square(fn, chol, 2) || check_same_type(fn, b, chol, 2) ||
      check_rows(fn, b, "B", 1, chol, "the factor", 2) || check_uplo(fn, uplo) ||
      check_results_of(fn, b->dtype, 1, &res, b, chol))
    return -1;
  lapack_int n = (lapack_int)chol->size[0], nrhs = b->ndim == 2 ? (lapack_int)b->size[1] : 1;
  lapack_int info = 0;
  dl_tensor C, B;
  dl_tensor_init(&B, b->dtype);
  int rc = colmajor_copy(&C, chol);
  if (!rc) rc = colmajor_copy(&B, b);
  if (!rc) rc = check_finite(fn, &C, 2, chol, uplo);
  if (!rc) rc = check_finite(fn, &B, 1, b, 'A');
  if (!rc) rc = check_factor(fn, &C, 2, chol);
  if (!rc) {
    LAPACK(b->dtype, potrs)(&uplo, &n, &nrhs, dl_tensor_data(&C), &n, dl_tensor_data(&B), &n, &info, 1);
    rc = check_info(fn, info);
  }
  if (!rc && b->ndim == 1) as_vector(&B);
  if (!rc) rc = put(res, &B, 1);
  dl_tensor_free(&C);
  dl_tensor_free(&B);
  return rc;
}

int op_potri(dl_tensor *res, const dl_tensor *chol, char uplo) {
  const char *fn = "potri";
  if (check_square(fn, chol, 1) || check_uplo(fn, uplo) ||
      check_results_of(fn, chol->dtype, 1, &res, chol, NULL))
    return -1;
  lapack_int n = (lapack_int)chol->size[0], info = 0;
  dl_tensor C;
  int rc = colmajor_copy(&C, chol);
  if (!rc) rc = check_finite(fn, &C, 1, chol, uplo);
  if (!rc) rc = check_factor(fn, &C, 1, chol);
  if (!rc) {
    LAPACK(chol->dtype, potri)(&uplo, &n, dl_tensor_data(&C), &n, &info, 1);
    rc = check_info(fn, info);
    if (!rc && info > 0) rc = check_factor(fn, &C, 1, chol); /* cannot happen: checked above */
  }
  if (!rc) {
    mirror_triangle(&C, uplo == 'U'); /* LAPACK leaves the other triangle as it was */
    rc = put(res, &C, 1);
  }
  dl_tensor_free(&C);
  return rc;
}

int op_pstrf(dl_tensor *res, dl_tensor *piv, const dl_tensor *a, char uplo, double tol) {
  const char *fn = "pstrf";
  if (check_square(fn, a, 1) || check_uplo(fn, uplo) ||
      check_results_of(fn, a->dtype, 1, &res, a, NULL))
    return -1;
  if (piv->dtype != DL_LONG)
    return dl_error("%s: result 2 is a %sTensor, expected a LongTensor", fn, dl_dtype_name(piv->dtype));
  if (piv == res) return dl_error("%s: results 1 and 2 are the same tensor", fn);
  lapack_int n = (lapack_int)a->size[0], rank = 0, info = 0;
  dl_tensor A, P, W;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&P, DL_LONG);
  dl_tensor_init(&W, a->dtype);
  lapack_int *ipiv = malloc(sizeof(lapack_int) * (size_t)n);
  int rc = ipiv ? 0 : dl_error("%s: out of memory", fn);
  if (!rc) rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 1, a, uplo);
  if (!rc) rc = new_vector(&P, DL_LONG, n);
  if (!rc) rc = new_vector(&W, a->dtype, 2 * (int64_t)n);
  if (!rc) {
    lapack_scalar t;
    scalar_set(a->dtype, &t, tol);
    LAPACK(a->dtype, pstrf)(&uplo, &n, dl_tensor_data(&A), &n, ipiv, &rank, &t, dl_tensor_data(&W),
                            &info, 1);
    rc = check_info(fn, info);
    if (!rc && info > 0) {
      char d[64];
      snprintf(d, sizeof d, "computed rank %d", rank);
      rc = matrix_error(fn, "matrix is rank deficient or not positive semidefinite", 1, a, d);
    }
  }
  if (!rc) {
    int64_t *p = dl_tensor_data(&P);
    for (lapack_int i = 0; i < n; i++) p[i] = ipiv[i];
    zero_triangle(&A, uplo == 'U');
    rc = put(res, &A, 1);
  }
  if (!rc) rc = put(piv, &P, 0);
  dl_tensor_free(&A);
  dl_tensor_free(&P);
  dl_tensor_free(&W);
  free(ipiv);
  return rc;
}

/* ---- eigenvalues, SVD ------------------------------------------------------------------ */

int op_symeig(dl_tensor *e, dl_tensor *v, const dl_tensor *a, int vectors, char uplo) {
  const char *fn = "symeig";
  dl_tensor *res[2] = {e, v};
  if (check_square(fn, a, 1) || check_uplo(fn, uplo) ||
      check_results_of(fn, a->dtype, vectors ? 2 : 1, res, a, NULL))
    return -1;
  lapack_int n = (lapack_int)a->size[0], info = 0, lwork = -1;
  char jobz = vectors ? 'V' : 'N';
  dl_tensor A, E, W;
  dl_tensor_init(&E, a->dtype);
  dl_tensor_init(&W, a->dtype);
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 1, a, uplo);
  if (!rc) rc = new_vector(&E, a->dtype, n);
  if (!rc) {
    lapack_scalar q;
    LAPACK(a->dtype, syev)(&jobz, &uplo, &n, dl_tensor_data(&A), &n, dl_tensor_data(&E), &q, &lwork,
                           &info, 1, 1);
    rc = new_work(&W, a->dtype, &q, &lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, syev)(&jobz, &uplo, &n, dl_tensor_data(&A), &n, dl_tensor_data(&E),
                           dl_tensor_data(&W), &lwork, &info, 1, 1);
    rc = check_info(fn, info);
    if (!rc && info > 0) {
      char d[80];
      snprintf(d, sizeof d, "%d off-diagonal elements did not converge to zero", info);
      rc = matrix_error(fn, "the algorithm failed to converge", 1, a, d);
    }
  }
  if (!rc) rc = put(e, &E, 0);
  if (!rc && vectors) rc = put(v, &A, 1); /* the eigenvectors are A's columns */
  dl_tensor_free(&A);
  dl_tensor_free(&E);
  dl_tensor_free(&W);
  return rc;
}

int op_eig(dl_tensor *e, dl_tensor *v, const dl_tensor *a, int vectors) {
  const char *fn = "eig";
  dl_tensor *res[2] = {e, v};
  if (check_square(fn, a, 1) || check_results_of(fn, a->dtype, vectors ? 2 : 1, res, a, NULL))
    return -1;
  lapack_int n = (lapack_int)a->size[0], info = 0, lwork = -1, one = 1, ldvr = vectors ? n : 1;
  char jobvl = 'N', jobvr = vectors ? 'V' : 'N';
  dl_tensor A, WRI, E, V, W;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&WRI, a->dtype);
  dl_tensor_init(&E, a->dtype);
  dl_tensor_init(&V, a->dtype);
  dl_tensor_init(&W, a->dtype);
  int64_t esize[2] = {n, 2};
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 1, a, 'A');
  if (!rc) rc = new_vector(&WRI, a->dtype, 2 * (int64_t)n); /* wr, then wi */
  if (!rc) rc = dl_tensor_new(&E, a->dtype, 2, esize);
  if (!rc && vectors) rc = new_colmajor(&V, a->dtype, n, n);
  char *wr = rc ? NULL : dl_tensor_data(&WRI);
  char *wi = rc ? NULL : wr + (size_t)n * dl_dtype_size(a->dtype);
  void *vr = vectors && !rc ? dl_tensor_data(&V) : NULL;
  if (!rc) {
    lapack_scalar q;
    LAPACK(a->dtype, geev)(&jobvl, &jobvr, &n, dl_tensor_data(&A), &n, wr, wi, NULL, &one, vr,
                           &ldvr, &q, &lwork, &info, 1, 1);
    rc = new_work(&W, a->dtype, &q, &lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, geev)(&jobvl, &jobvr, &n, dl_tensor_data(&A), &n, wr, wi, NULL, &one, vr,
                           &ldvr, dl_tensor_data(&W), &lwork, &info, 1, 1);
    rc = check_info(fn, info);
    if (!rc && info > 0) {
      char d[80];
      snprintf(d, sizeof d, "the QR algorithm did not find %d eigenvalues", info);
      rc = matrix_error(fn, "the algorithm failed to converge", 1, a, d);
    }
  }
  if (!rc) { /* e is n x 2, row-major as Torch7's: (real, imaginary) per row */
#define PAIRS(T)                                          \
  T *pe = dl_tensor_data(&E);                             \
  for (lapack_int i = 0; i < n; i++) {                    \
    pe[2 * i] = ((T *)wr)[i];                             \
    pe[2 * i + 1] = ((T *)wi)[i];                         \
  }
    DL_DISPATCH_FLOAT(a->dtype, PAIRS)
#undef PAIRS
    rc = put(e, &E, 0);
  }
  if (!rc && vectors) rc = put(v, &V, 1);
  dl_tensor_free(&A);
  dl_tensor_free(&WRI);
  dl_tensor_free(&E);
  dl_tensor_free(&V);
  dl_tensor_free(&W);
  return rc;
}

int op_svd(dl_tensor *u, dl_tensor *s, dl_tensor *v, const dl_tensor *a, char jobu) {
  const char *fn = "svd";
  dl_tensor *res[3] = {u, s, v};
  if (check_matrix(fn, a, 1, 0) || check_letter(fn, "job", jobu, "SA") ||
      check_results_of(fn, a->dtype, 3, res, a, NULL))
    return -1;
  lapack_int m = (lapack_int)a->size[0], n = (lapack_int)a->size[1], k = m < n ? m : n;
  lapack_int ucols = jobu == 'A' ? m : k, vtrows = jobu == 'A' ? n : k, info = 0, lwork = -1;
  dl_tensor A, U, S, V, W;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&U, a->dtype);
  dl_tensor_init(&S, a->dtype);
  dl_tensor_init(&V, a->dtype);
  dl_tensor_init(&W, a->dtype);
  lapack_int *iwork = malloc(sizeof(lapack_int) * 8 * (size_t)k);
  int rc = iwork ? 0 : dl_error("%s: out of memory", fn);
  if (!rc) rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 1, a, 'A');
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
    rc = new_work(&W, a->dtype, &q, &lwork);
    if (!rc) {
      LAPACK(a->dtype, gesdd)(&jobz, &m, &n, dl_tensor_data(&A), &m, dl_tensor_data(&S),
                              dl_tensor_data(&U), &m, dl_tensor_data(&V), &vtrows,
                              dl_tensor_data(&W), &lwork, iwork, &info, 1);
      rc = check_info(fn, info);
      if (!rc && info > 0)
        rc = matrix_error(fn, "the algorithm failed to converge", 1, a, "gesdd's update failed");
    }
  }
  if (!rc) rc = put(u, &U, 1);
  if (!rc) rc = put(s, &S, 0);
  if (!rc) rc = put(v, &V, 0);
  dl_tensor_free(&A);
  dl_tensor_free(&U);
  dl_tensor_free(&S);
  dl_tensor_free(&V);
  dl_tensor_free(&W);
  free(iwork);
  return rc;
}

/* ---- QR --------------------------------------------------------------------------------- */

/* geqrf in the column-major buffer A (m x n), tau into T (k): the work of qr and geqrf. */
static int geqrf_in(const char *fn, dl_tensor *A, dl_tensor *T) {
  lapack_int m = (lapack_int)A->size[0], n = (lapack_int)A->size[1], info = 0, lwork = -1;
  dl_tensor W;
  lapack_scalar q;
  LAPACK(A->dtype, geqrf)(&m, &n, dl_tensor_data(A), &m, dl_tensor_data(T), &q, &lwork, &info);
  if (new_work(&W, A->dtype, &q, &lwork)) return -1;
  LAPACK(A->dtype, geqrf)(&m, &n, dl_tensor_data(A), &m, dl_tensor_data(T), dl_tensor_data(&W),
                          &lwork, &info);
  dl_tensor_free(&W);
  return check_info(fn, info);
}

/* orgqr in the column-major buffer A (m x ncols, ncols <= m): its first ncols columns
   become Q's, from the k reflectors below its diagonal and their factors in T. */
static int orgqr_in(const char *fn, dl_tensor *A, lapack_int ncols, const dl_tensor *T) {
  lapack_int m = (lapack_int)A->size[0], k = (lapack_int)T->size[0], info = 0, lwork = -1;
  dl_tensor W;
  lapack_scalar q;
  LAPACK(A->dtype, orgqr)(&m, &ncols, &k, dl_tensor_data(A), &m, dl_tensor_data(T), &q, &lwork, &info);
  if (new_work(&W, A->dtype, &q, &lwork)) return -1;
  LAPACK(A->dtype, orgqr)(&m, &ncols, &k, dl_tensor_data(A), &m, dl_tensor_data(T),
                          dl_tensor_data(&W), &lwork, &info);
  dl_tensor_free(&W);
  if (check_info(fn, info)) return -1;
  return dl_tensor_narrow(A, 1, 0, ncols);
}

/* R (k x n, contiguous) from the upper triangle of geqrf's output A (m x n). */
static void extract_r(dl_tensor *R, const dl_tensor *A) {
  int64_t k = R->size[0], n = R->size[1];
#define EXTRACT(T)                                                     \
  for (int64_t i = 0; i < k; i++)                                      \
    for (int64_t j = 0; j < n; j++) AT(T, R, i, j) = j >= i ? AT(T, A, i, j) : 0;
  DL_DISPATCH_FLOAT(A->dtype, EXTRACT)
#undef EXTRACT
}

int op_qr(dl_tensor *q, dl_tensor *r, const dl_tensor *a) {
  const char *fn = "qr";
  dl_tensor *res[2] = {q, r};
  if (check_matrix(fn, a, 1, 0) || check_results_of(fn, a->dtype, 2, res, a, NULL)) return -1;
  int64_t m = a->size[0], n = a->size[1], k = m < n ? m : n;
  dl_tensor A, R, T;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&R, a->dtype);
  dl_tensor_init(&T, a->dtype);
  int64_t rsize[2] = {k, n};
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 1, a, 'A');
  if (!rc) rc = dl_tensor_new(&R, a->dtype, 2, rsize);
  if (!rc) rc = new_vector(&T, a->dtype, k);
  if (!rc) rc = geqrf_in(fn, &A, &T);
  if (!rc) {
    extract_r(&R, &A);
    rc = orgqr_in(fn, &A, (lapack_int)k, &T);
  }
  if (!rc) rc = put(q, &A, 1);
  if (!rc) rc = put(r, &R, 0);
  dl_tensor_free(&A);
  dl_tensor_free(&R);
  dl_tensor_free(&T);
  return rc;
}

int op_geqrf(dl_tensor *ra, dl_tensor *tau, const dl_tensor *a) {
  const char *fn = "geqrf";
  dl_tensor *res[2] = {ra, tau};
  if (check_matrix(fn, a, 1, 0) || check_results_of(fn, a->dtype, 2, res, a, NULL)) return -1;
  int64_t k = a->size[0] < a->size[1] ? a->size[0] : a->size[1];
  dl_tensor A, T;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&T, a->dtype);
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = check_finite(fn, &A, 1, a, 'A');
  if (!rc) rc = new_vector(&T, a->dtype, k);
  if (!rc) rc = geqrf_in(fn, &A, &T);
  if (!rc) rc = put(ra, &A, 1);
  if (!rc) rc = put(tau, &T, 0);
  dl_tensor_free(&A);
  dl_tensor_free(&T);
  return rc;
}

/* tau (argument targ) holds at most kmax factors. */
static int check_tau(const char *fn, const dl_tensor *tau, int targ, int64_t kmax,
                     const dl_tensor *a, int aarg) {
  char b[64];
  if (tau->size[0] <= kmax) return 0;
  return dl_error("%s: tau (argument %d) has %lld elements but A (argument %d) is %s: at most %lld",
                  fn, targ, (long long)tau->size[0], aarg, SIZES(b, a), (long long)kmax);
}

int op_orgqr(dl_tensor *q, const dl_tensor *a, const dl_tensor *tau) {
  const char *fn = "orgqr";
  if (check_matrix(fn, a, 1, 0) || check_vector(fn, tau, 2) || check_same_type(fn, a, tau, 2) ||
      check_results_of(fn, a->dtype, 1, &q, a, NULL))
    return -1;
  int64_t m = a->size[0], n = a->size[1], ncols = m < n ? m : n;
  if (check_tau(fn, tau, 2, ncols, a, 1)) return -1;
  dl_tensor A, T;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&T, a->dtype);
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = op_clone(&T, tau, tau->dtype);
  if (!rc) rc = check_finite(fn, &A, 1, a, 'A');
  if (!rc) rc = check_finite(fn, &T, 2, tau, 'A');
  if (!rc) rc = orgqr_in(fn, &A, (lapack_int)ncols, &T);
  if (!rc) rc = put(q, &A, 1);
  dl_tensor_free(&A);
  dl_tensor_free(&T);
  return rc;
}

int op_ormqr(dl_tensor *res, const dl_tensor *a, const dl_tensor *tau, const dl_tensor *c,
             char side, char trans) {
  const char *fn = "ormqr";
  char b1[64], b2[64];
  if (check_matrix(fn, a, 1, 0) || check_vector(fn, tau, 2) || check_matrix(fn, c, 3, 0) ||
      check_same_type(fn, a, tau, 2) || check_same_type(fn, a, c, 3) ||
      check_letter(fn, "side", side, "LR") || check_letter(fn, "trans", trans, "NT") ||
      check_results_of(fn, a->dtype, 1, &res, a, c))
    return -1;
  lapack_int m = (lapack_int)c->size[0], n = (lapack_int)c->size[1];
  lapack_int nq = side == 'L' ? m : n, k = (lapack_int)tau->size[0], info = 0, lwork = -1;
  if (a->size[0] != nq)
    return dl_error("%s: A (argument 1, %s) has %lld rows but C (argument 3) is %s: side '%c' needs %d",
                    fn, SIZES(b1, a), (long long)a->size[0], SIZES(b2, c), side, nq);
  int64_t kmax = a->size[1] < nq ? a->size[1] : nq;
  if (check_tau(fn, tau, 2, kmax, a, 1)) return -1;
  dl_tensor A, T, C, W;
  dl_tensor_init(&A, a->dtype);
  dl_tensor_init(&T, a->dtype);
  dl_tensor_init(&C, a->dtype);
  dl_tensor_init(&W, a->dtype);
  int rc = colmajor_copy(&A, a);
  if (!rc) rc = op_clone(&T, tau, tau->dtype);
  if (!rc) rc = colmajor_copy(&C, c);
  if (!rc) rc = check_finite(fn, &A, 1, a, 'A');
  if (!rc) rc = check_finite(fn, &T, 2, tau, 'A');
  if (!rc) rc = check_finite(fn, &C, 3, c, 'A');
  if (!rc) {
    lapack_scalar q;
    LAPACK(a->dtype, ormqr)(&side, &trans, &m, &n, &k, dl_tensor_data(&A), &nq, dl_tensor_data(&T),
                            dl_tensor_data(&C), &m, &q, &lwork, &info, 1, 1);
    rc = new_work(&W, a->dtype, &q, &lwork);
  }
  if (!rc) {
    LAPACK(a->dtype, ormqr)(&side, &trans, &m, &n, &k, dl_tensor_data(&A), &nq, dl_tensor_data(&T),
                            dl_tensor_data(&C), &m, dl_tensor_data(&W), &lwork, &info, 1, 1);
    rc = check_info(fn, info);
  }
  if (!rc) rc = put(res, &C, 1);
  dl_tensor_free(&A);
  dl_tensor_free(&T);
  dl_tensor_free(&C);
  dl_tensor_free(&W);
  return rc;
}
