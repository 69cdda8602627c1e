/* The LAPACK wrappers from C: values worked by hand, both float types, non-contiguous
   inputs, results written into views of a parent (the rest of the parent untouched),
   results aliasing inputs, Torch7's layouts, and the error messages. */
#include <string.h>

#include "check.h"
#include "ops/copy.h"
#include "ops/lapack.h"

#define SENTINEL (-7.0)

/* A new contiguous r x c matrix holding vals (row by row). */
static dl_tensor mat(dl_dtype dt, int64_t r, int64_t c, const double *vals) {
  int64_t size[2] = {r, c};
  dl_tensor t;
  dl_tensor_new(&t, dt, 2, size);
  for (int64_t i = 0; i < r; i++)
    for (int64_t j = 0; j < c; j++) op_set(&t, t.offset + i * t.stride[0] + j * t.stride[1], vals[i * c + j]);
  return t;
}

static dl_tensor vec(dl_dtype dt, int64_t n, const double *vals) {
  dl_tensor t;
  dl_tensor_new(&t, dt, 1, &n);
  for (int64_t i = 0; i < n; i++) op_set(&t, t.offset + i, vals[i]);
  return t;
}

/* The same matrix laid out column-major: not contiguous. */
static dl_tensor colmajor(dl_dtype dt, int64_t r, int64_t c, const double *vals) {
  int64_t size[2] = {c, r};
  dl_tensor t;
  dl_tensor_new(&t, dt, 2, size);
  dl_tensor_transpose(&t, 0, 1);
  for (int64_t i = 0; i < r; i++)
    for (int64_t j = 0; j < c; j++) op_set(&t, t.offset + i * t.stride[0] + j * t.stride[1], vals[i * c + j]);
  return t;
}

static double at(const dl_tensor *t, int64_t i, int64_t j) {
  return op_get(t, t->offset + i * t->stride[0] + (t->ndim == 2 ? j * t->stride[1] : 0));
}

/* t is r x c (c == 0: a vector of r) and holds vals within tol. */
static void expect(const dl_tensor *t, int64_t r, int64_t c, const double *vals, double tol) {
  CHECK(t->ndim == (c ? 2 : 1));
  CHECK(t->size[0] == r && (!c || t->size[1] == c));
  if (t->ndim != (c ? 2 : 1) || t->size[0] != r || (c && t->size[1] != c)) return;
  for (int64_t i = 0; i < r; i++)
    for (int64_t j = 0; j < (c ? c : 1); j++) CHECK_NEAR(at(t, i, j), vals[i * (c ? c : 1) + j], tol);
}

static int is_colmajor(const dl_tensor *t) { return t->ndim == 2 && t->stride[0] == 1 && t->stride[1] == t->size[0]; }

/* A parent (r + 3) x (c + 4) of SENTINEL and its view rows 2.., columns 3..: not contiguous. */
static void parent_view(dl_dtype dt, int64_t r, int64_t c, dl_tensor *parent, dl_tensor *view) {
  int64_t size[2] = {r + 3, c + 4};
  dl_tensor_new(parent, dt, 2, size);
  op_fill(parent, SENTINEL);
  dl_tensor_init(view, dt);
  dl_tensor_set(view, parent);
  dl_tensor_narrow(view, 0, 1, r);
  dl_tensor_narrow(view, 1, 2, c);
}

/* The parent holds vals (r x c, NULL: not checked) in the view's place, read through the
   parent itself, and SENTINEL everywhere else. */
static void expect_parent(const dl_tensor *parent, int64_t r, int64_t c, const double *vals, double tol) {
  int bad = 0;
  for (int64_t i = 0; i < parent->size[0]; i++)
    for (int64_t j = 0; j < parent->size[1]; j++) {
      int inside = i >= 1 && i < 1 + r && j >= 2 && j < 2 + c;
      if (!inside && at(parent, i, j) != SENTINEL) bad++;
      if (inside && vals && fabs(at(parent, i, j) - vals[(i - 1) * c + (j - 2)]) > tol) bad++;
    }
  CHECK(bad == 0);
}

static int message_has(const char *s) {
  int ok = strstr(dl_errmsg(), s) != NULL;
  if (!ok) fprintf(stderr, "message \"%s\" lacks \"%s\"\n", dl_errmsg(), s);
  return ok;
}

static void free_all(dl_tensor *t, int n) {
  for (int i = 0; i < n; i++) dl_tensor_free(&t[i]);
}

/* ---- gesv, trtrs, inverse, gels -------------------------------------------------------- */

static const double A2[] = {2, 1, 1, 3}, B2[] = {5, 3, 10, -1}, X2[] = {1, 2, 3, -1};
static const double LU2[] = {2, 1, 0.5, 2.5}; /* pivot 2 kept: L21 = 1/2, U22 = 3 - 1/2 */

static void test_gesv(dl_dtype dt, double tol) {
  dl_tensor t[12];
  t[0] = mat(dt, 2, 2, A2);
  t[1] = colmajor(dt, 2, 2, B2);
  dl_tensor_init(&t[2], dt);
  dl_tensor_init(&t[3], dt);
  CHECK(op_gesv(&t[2], &t[3], &t[1], &t[0]) == 0);
  expect(&t[2], 2, 2, X2, tol);
  expect(&t[3], 2, 2, LU2, tol);
  CHECK(is_colmajor(&t[2]) && is_colmajor(&t[3])); /* Torch7: "transposed" */
  expect(&t[0], 2, 2, A2, 0);                        /* inputs left alone */

  /* results that are views of parents: the values land there, nothing else moves */
  parent_view(dt, 2, 2, &t[4], &t[5]);
  parent_view(dt, 2, 2, &t[6], &t[7]);
  CHECK(op_gesv(&t[5], &t[7], &t[1], &t[0]) == 0);
  expect(&t[5], 2, 2, X2, tol);
  expect(&t[7], 2, 2, LU2, tol);
  CHECK(t[5].storage == t[4].storage && t[5].stride[0] == 6 && t[5].stride[1] == 1);
  expect_parent(&t[4], 2, 2, X2, tol);
  expect_parent(&t[6], 2, 2, LU2, tol);

  /* in place: gesv(b, a, b, a) */
  t[8] = mat(dt, 2, 2, B2);
  t[9] = mat(dt, 2, 2, A2);
  CHECK(op_gesv(&t[8], &t[9], &t[8], &t[9]) == 0);
  expect(&t[8], 2, 2, X2, tol);
  expect(&t[9], 2, 2, LU2, tol);

  /* a vector right-hand side gives a vector */
  double bv[] = {5, 10}, xv[] = {1, 3};
  t[10] = vec(dt, 2, bv);
  dl_tensor_init(&t[11], dt);
  CHECK(op_gesv(&t[11], &t[2], &t[10], &t[0]) == 0);
  expect(&t[11], 2, 0, xv, tol);

  /* errors; a failed call leaves the results as they were */
  double sing[] = {1, 2, 2, 4};
  dl_tensor S = mat(dt, 2, 2, sing);
  CHECK(op_gesv(&t[8], &t[9], &t[10], &S) < 0);
  CHECK(message_has("gesv: matrix is singular (argument 2, 2x2: U(2,2) is exactly zero)"));
  expect(&t[8], 2, 2, X2, tol);
  CHECK(op_gesv(&t[2], &t[2], &t[10], &t[0]) < 0);
  CHECK(message_has("gesv: results 1 and 2 are the same tensor"));
  dl_tensor L;
  dl_tensor_init(&L, DL_LONG);
  CHECK(op_gesv(&L, &t[3], &t[10], &t[0]) < 0);
  CHECK(message_has("gesv: result 1 is a LongTensor, expected a"));
  int64_t s23[2] = {2, 3}, s31[2] = {3, 1};
  dl_tensor R, C;
  dl_tensor_new(&R, dt, 2, s23);
  dl_tensor_new(&C, dt, 2, s31);
  CHECK(op_gesv(&t[2], &t[3], &t[10], &R) < 0);
  CHECK(message_has("gesv: argument 2 must be a square matrix, got 2x3"));
  CHECK(op_gesv(&t[2], &t[3], &C, &t[0]) < 0);
  CHECK(message_has("gesv: B (argument 1, 3x1) has 3 rows but A (argument 2) is 2x2"));
  free_all(t, 12);
  dl_tensor_free(&S);
  dl_tensor_free(&L);
  dl_tensor_free(&R);
  dl_tensor_free(&C);
}

static void test_trtrs(dl_dtype dt, double tol) {
  double u[] = {2, 1, 0, 4}, lw[] = {2, 99, 1, 4}, b[] = {4, 8};
  double xn[] = {1, 2}, xt[] = {2, 1.5}, xu[] = {-4, 8};
  dl_tensor U = colmajor(dt, 2, 2, u), Lw = mat(dt, 2, 2, lw), B = vec(dt, 2, b), X, RA, P, V;
  dl_tensor_init(&X, dt);
  dl_tensor_init(&RA, dt);
  CHECK(op_trtrs(&X, &RA, &B, &U, 'U', 'N', 'N') == 0); /* x2 = 8/4, x1 = (4 - 2)/2 */
  expect(&X, 2, 0, xn, tol);
  expect(&RA, 2, 2, u, 0);
  CHECK(op_trtrs(&X, &RA, &B, &U, 'U', 'T', 'N') == 0); /* [[2,0],[1,4]] x = b */
  expect(&X, 2, 0, xt, tol);
  CHECK(op_trtrs(&X, &RA, &B, &Lw, 'L', 'N', 'N') == 0); /* the same, upper 99 unread */
  expect(&X, 2, 0, xt, tol);
  CHECK(op_trtrs(&X, &RA, &B, &U, 'U', 'N', 'U') == 0); /* [[1,1],[0,1]] x = b */
  expect(&X, 2, 0, xu, tol);
  parent_view(dt, 2, 2, &P, &V);
  CHECK(op_trtrs(&X, &V, &B, &U, 'U', 'N', 'N') == 0);
  expect(&V, 2, 2, u, 0);
  expect_parent(&P, 2, 2, u, 0);
  double z[] = {1, 1, 0, 0};
  dl_tensor Z = mat(dt, 2, 2, z);
  CHECK(op_trtrs(&X, &RA, &B, &Z, 'U', 'N', 'N') < 0);
  CHECK(message_has("trtrs: matrix is singular (argument 2, 2x2: diagonal element 2 is zero)"));
  CHECK(op_trtrs(&X, &RA, &B, &U, 'X', 'N', 'N') < 0);
  CHECK(message_has("trtrs: uplo must be one of the letters 'UL', got 'X'"));
  dl_tensor ts[] = {U, Lw, B, X, RA, P, V, Z};
  free_all(ts, 8);
}

static void test_inverse(dl_dtype dt, double tol) {
  double a[] = {4, 7, 2, 6}, inv[] = {0.6, -0.7, -0.2, 0.4}; /* [[6,-7],[-2,4]] / 10 */
  dl_tensor A = colmajor(dt, 2, 2, a), R, P, V;
  dl_tensor_init(&R, dt);
  CHECK(op_inverse(&R, &A) == 0);
  expect(&R, 2, 2, inv, tol);
  CHECK(is_colmajor(&R));
  parent_view(dt, 2, 2, &P, &V);
  CHECK(op_inverse(&V, &A) == 0);
  expect(&V, 2, 2, inv, tol);
  expect_parent(&P, 2, 2, inv, tol);
  CHECK(op_inverse(&A, &A) == 0); /* in place */
  expect(&A, 2, 2, inv, tol);
  double s[] = {1, 2, 2, 4}, near_s[] = {0.1, 0.7, 0.3, 2.1};
  dl_tensor S = mat(dt, 2, 2, s), N = mat(DL_DOUBLE, 2, 2, near_s);
  CHECK(op_inverse(&R, &S) < 0);
  CHECK(message_has("inverse: matrix is singular (argument 1, 2x2: U(2,2) is exactly zero)"));
  dl_tensor R2;
  dl_tensor_init(&R2, DL_DOUBLE);
  CHECK(op_inverse(&R2, &N) < 0);
  CHECK(message_has("inverse: matrix is singular to working precision (argument 1, 2x2"));
  dl_tensor ts[] = {A, R, P, V, S, N, R2};
  free_all(ts, 7);
}

static void test_gels(dl_dtype dt, double tol) {
  /* y = c0 + c1 t through (0,1), (1,3), (2,5), (3,7.5): c0 = 0.9, c1 = 2.15 */
  double a[] = {1, 0, 1, 1, 1, 2, 1, 3}, b[] = {1, 3, 5, 7.5}, x[] = {0.9, 2.15};
  dl_tensor A = mat(dt, 4, 2, a), B = vec(dt, 4, b), X, RA, P, V;
  dl_tensor_init(&X, dt);
  dl_tensor_init(&RA, dt);
  CHECK(op_gels(&X, &RA, &B, &A) == 0);
  CHECK(X.ndim == 1 && X.size[0] == 2); /* the n rows of the solution, as Torch7 */
  CHECK_NEAR(at(&X, 0, 0), x[0], tol * 10);
  CHECK_NEAR(at(&X, 1, 0), x[1], tol * 10);
  CHECK(is_colmajor(&RA));
  CHECK_NEAR(fabs(at(&RA, 0, 0)), 2, tol); /* |R11| = |column 1| */
  parent_view(dt, 4, 2, &P, &V);
  CHECK(op_gels(&X, &V, &B, &A) == 0);
  CHECK_NEAR(fabs(at(&V, 0, 0)), 2, tol);
  CHECK_NEAR(fabs(at(&P, 1, 2)), 2, tol);
  expect_parent(&P, 4, 2, NULL, 0);
  double d[] = {1, 2, 2, 4, 3, 6};
  dl_tensor D = mat(dt, 3, 2, d), B3 = vec(dt, 3, b);
  CHECK(op_gels(&X, &RA, &B3, &D) < 0);
  CHECK(message_has("gels: matrix does not have full rank (argument 2, 3x2"));
  dl_tensor ts[] = {A, B, X, RA, P, V, D, B3};
  free_all(ts, 8);
}

/* ---- Cholesky --------------------------------------------------------------------------- */

static void test_cholesky(dl_dtype dt, double tol) {
  double a[] = {4, 2, 2, 5}, u[] = {2, 1, 0, 2}, l[] = {2, 0, 1, 2};
  double b[] = {6, 7}, x[] = {1, 1}, inv[] = {0.3125, -0.125, -0.125, 0.25}; /* [[5,-2],[-2,4]]/16 */
  dl_tensor A = colmajor(dt, 2, 2, a), U, L, B = vec(dt, 2, b), X, I, P, V;
  dl_tensor_init(&U, dt);
  dl_tensor_init(&L, dt);
  dl_tensor_init(&X, dt);
  dl_tensor_init(&I, dt);
  CHECK(op_potrf(&U, &A, 'U') == 0);
  expect(&U, 2, 2, u, tol);
  CHECK(is_colmajor(&U));
  CHECK(op_potrf(&L, &A, 'L') == 0);
  expect(&L, 2, 2, l, tol);
  CHECK(op_potrs(&X, &B, &U, 'U') == 0);
  expect(&X, 2, 0, x, tol);
  CHECK(op_potrs(&X, &B, &L, 'L') == 0);
  expect(&X, 2, 0, x, tol);
  CHECK(op_potri(&I, &U, 'U') == 0);
  expect(&I, 2, 2, inv, tol);
  CHECK(op_potri(&I, &L, 'L') == 0);
  expect(&I, 2, 2, inv, tol);
  parent_view(dt, 2, 2, &P, &V);
  CHECK(op_potrf(&V, &A, 'U') == 0);
  expect(&V, 2, 2, u, tol);
  expect_parent(&P, 2, 2, u, tol);
  CHECK(op_potri(&V, &V, 'U') == 0); /* in place, through the view */
  expect(&V, 2, 2, inv, tol);
  expect_parent(&P, 2, 2, inv, tol);

  /* pstrf: [[2,2],[2,4]] pivots the 4 first: P'AP = [[4,2],[2,2]] = U'U, U = [[2,1],[0,1]] */
  double c[] = {2, 2, 2, 4}, uc[] = {2, 1, 0, 1}, piv[] = {2, 1};
  dl_tensor C = mat(dt, 2, 2, c), R, PV;
  dl_tensor_init(&R, dt);
  dl_tensor_init(&PV, DL_LONG);
  CHECK(op_pstrf(&R, &PV, &C, 'U', -1) == 0);
  expect(&R, 2, 2, uc, tol);
  expect(&PV, 2, 0, piv, 0);
  CHECK(op_pstrf(&R, &R, &C, 'U', -1) < 0);
  CHECK(message_has("pstrf: result 2 is a"));

  double npd[] = {1, 2, 2, 1}, ones[] = {1, 1, 1, 1}, zd[] = {0, 1, 0, 1};
  dl_tensor N = mat(dt, 2, 2, npd), O = mat(dt, 2, 2, ones), Z = mat(dt, 2, 2, zd);
  CHECK(op_potrf(&U, &N, 'U') < 0);
  CHECK(message_has("potrf: matrix is not positive definite (argument 1, 2x2: its leading minor of order 2 is not)"));
  expect(&U, 2, 2, u, tol); /* untouched by the failure */
  CHECK(op_pstrf(&R, &PV, &O, 'U', -1) < 0);
  CHECK(message_has("pstrf: matrix is rank deficient or not positive semidefinite (argument 1, 2x2: computed rank 1)"));
  CHECK(op_potri(&I, &Z, 'U') < 0);
  CHECK(message_has("potri: the Cholesky factor is singular (argument 1, 2x2: diagonal element 1 is zero)"));
  CHECK(op_potrf(&U, &A, 'X') < 0);
  CHECK(message_has("potrf: uplo must be one of the letters 'UL', got 'X'"));
  dl_tensor ts[] = {A, U, L, B, X, I, P, V, C, R, PV, N, O, Z};
  free_all(ts, 14);
}

/* ---- eigenvalues, SVD ------------------------------------------------------------------- */

static void test_eigen(dl_dtype dt, double tol) {
  double a[] = {2, 1, 1, 2}, e[] = {1, 3};
  dl_tensor A = mat(dt, 2, 2, a), E, V, P, PV;
  dl_tensor_init(&E, dt);
  dl_tensor_init(&V, dt);
  CHECK(op_symeig(&E, &V, &A, 1, 'U') == 0);
  expect(&E, 2, 0, e, tol);
  CHECK(is_colmajor(&V));
  /* A v = l v for each column */
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < 2; i++) {
      double av = a[i * 2] * at(&V, 0, k) + a[i * 2 + 1] * at(&V, 1, k);
      CHECK_NEAR(av, e[k] * at(&V, i, k), tol);
    }
  parent_view(dt, 2, 2, &P, &PV);
  CHECK(op_symeig(&E, &PV, &A, 1, 'U') == 0);
  CHECK_NEAR(fabs(at(&PV, 0, 0)), sqrt(0.5), tol);
  CHECK_NEAR(fabs(at(&P, 1, 2)), sqrt(0.5), tol);
  expect_parent(&P, 2, 2, NULL, 0);
  CHECK(op_symeig(&E, &A, &A, 1, 'U') == 0); /* the vectors into the input */
  CHECK_NEAR(fabs(at(&A, 1, 1)), sqrt(0.5), tol);

  /* eig: a rotation has eigenvalues +-i, e is n x 2 row-major */
  double rot[] = {0, 1, -1, 0}, erot[] = {0, 1, 0, -1};
  dl_tensor Rt = colmajor(dt, 2, 2, rot), ER;
  dl_tensor_init(&ER, dt);
  CHECK(op_eig(&ER, &V, &Rt, 0) == 0);
  expect(&ER, 2, 2, erot, tol);
  CHECK(dl_tensor_iscontiguous(&ER));
  int64_t s23[2] = {2, 3};
  dl_tensor W;
  dl_tensor_new(&W, dt, 2, s23);
  CHECK(op_eig(&ER, &V, &W, 0) < 0);
  CHECK(message_has("eig: argument 1 must be a square matrix, got 2x3"));
  dl_tensor ts[] = {A, E, V, P, PV, Rt, ER, W};
  free_all(ts, 8);
}

static void test_svd(dl_dtype dt, double tol) {
  double a[] = {3, 2, 2, 2, 3, -2}, s[] = {5, 3}; /* A A' = [[17,8],[8,17]]: 25 and 9 */
  dl_tensor A = colmajor(dt, 2, 3, a), U, S, V, P1, U1, P2, V2;
  dl_tensor_init(&U, dt);
  dl_tensor_init(&S, dt);
  dl_tensor_init(&V, dt);
  CHECK(op_svd(&U, &S, &V, &A, 'S') == 0);
  expect(&S, 2, 0, s, tol * 10);
  CHECK(is_colmajor(&U) && dl_tensor_iscontiguous(&V));
  CHECK(V.size[0] == 3 && V.size[1] == 2);
  parent_view(dt, 2, 2, &P1, &U1);
  parent_view(dt, 3, 2, &P2, &V2);
  CHECK(op_svd(&U1, &S, &V2, &A, 'S') == 0);
  /* U diag(S) V' = A, read through the views */
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) {
      double r = 0;
      for (int k = 0; k < 2; k++) r += at(&U1, i, k) * at(&S, k, 0) * at(&V2, j, k);
      CHECK_NEAR(r, a[i * 3 + j], tol * 10);
    }
  CHECK(U1.storage == P1.storage && V2.storage == P2.storage);
  expect_parent(&P1, 2, 2, NULL, 0);
  expect_parent(&P2, 3, 2, NULL, 0);
  CHECK(op_svd(&U, &S, &V, &A, 'X') < 0);
  CHECK(message_has("svd: job must be one of the letters 'SA', got 'X'"));
  dl_tensor ts[] = {A, U, S, V, P1, U1, P2, V2};
  free_all(ts, 8);
}

/* ---- QR --------------------------------------------------------------------------------- */

static void test_qr(dl_dtype dt, double tol) {
  /* (3, 4)': beta = -5, v = (1, 0.5), tau = 1.6, H = [[-0.6,-0.8],[-0.8,0.6]] */
  double a[] = {3, 4}, ra[] = {-5, 0.5}, tau[] = {1.6}, q[] = {-0.6, -0.8};
  double c[] = {1, 2, 3, 4}, hc[] = {-3, -4.4, 1, 0.8}, ch[] = {-2.2, 0.4, -5, 0};
  dl_tensor A = mat(dt, 2, 1, a), RA, T, Q, C = colmajor(dt, 2, 2, c), HC, P, V;
  dl_tensor_init(&RA, dt);
  dl_tensor_init(&T, dt);
  dl_tensor_init(&Q, dt);
  dl_tensor_init(&HC, dt);
  CHECK(op_geqrf(&RA, &T, &A) == 0);
  expect(&RA, 2, 1, ra, tol);
  expect(&T, 1, 0, tau, tol);
  CHECK(op_orgqr(&Q, &RA, &T) == 0);
  expect(&Q, 2, 1, q, tol);
  CHECK(op_ormqr(&HC, &RA, &T, &C, 'L', 'N') == 0);
  expect(&HC, 2, 2, hc, tol);
  CHECK(op_ormqr(&HC, &RA, &T, &C, 'R', 'T') == 0); /* C H' = C H */
  expect(&HC, 2, 2, ch, tol);
  parent_view(dt, 2, 2, &P, &V);
  CHECK(op_ormqr(&V, &RA, &T, &C, 'L', 'T') == 0);
  expect(&V, 2, 2, hc, tol);
  expect_parent(&P, 2, 2, hc, tol);
  CHECK(op_ormqr(&C, &RA, &T, &C, 'L', 'N') == 0); /* in place */
  expect(&C, 2, 2, hc, tol);

  /* qr of [[3,1],[4,2]]: Q's first column -(3,4)/5, R's first row (-5, -(3+8)/5) */
  double b[] = {3, 1, 4, 2};
  dl_tensor B = mat(dt, 2, 2, b), QQ, RR;
  dl_tensor_init(&QQ, dt);
  dl_tensor_init(&RR, dt);
  CHECK(op_qr(&QQ, &RR, &B) == 0);
  CHECK_NEAR(at(&QQ, 0, 0), -0.6, tol);
  CHECK_NEAR(at(&QQ, 1, 0), -0.8, tol);
  CHECK_NEAR(at(&RR, 0, 0), -5, tol);
  CHECK_NEAR(at(&RR, 0, 1), -2.2, tol);
  CHECK(at(&RR, 1, 0) == 0);
  CHECK_NEAR(fabs(at(&RR, 1, 1)), 0.4, tol);
  CHECK(is_colmajor(&QQ) && dl_tensor_iscontiguous(&RR));

  double t2[] = {1, 1};
  dl_tensor T2 = vec(dt, 2, t2);
  CHECK(op_orgqr(&Q, &RA, &T2) < 0);
  CHECK(message_has("orgqr: tau (argument 2) has 2 elements but A (argument 1) is 2x1: at most 1"));
  int64_t s33[2] = {3, 3};
  dl_tensor C3;
  dl_tensor_new(&C3, dt, 2, s33);
  CHECK(op_ormqr(&HC, &RA, &T, &C3, 'L', 'N') < 0);
  CHECK(message_has("ormqr: A (argument 1, 2x1) has 2 rows but C (argument 3) is 3x3: side 'L' needs 3"));
  dl_tensor ts[] = {A, RA, T, Q, C, HC, P, V, B, QQ, RR, T2, C3};
  free_all(ts, 13);
}

int main(void) {
  dl_dtype types[2] = {DL_FLOAT, DL_DOUBLE};
  double tols[2] = {1e-5, 1e-12};
  for (int i = 0; i < 2; i++) {
    test_gesv(types[i], tols[i]);
    test_trtrs(types[i], tols[i]);
    test_inverse(types[i], tols[i]);
    test_gels(types[i], tols[i]);
    test_cholesky(types[i], tols[i]);
    test_eigen(types[i], tols[i]);
    test_svd(types[i], tols[i]);
    test_qr(types[i], tols[i]);
  }
  return check_done("test_lapack");
}
