/* Linear algebra through OpenBLAS's LAPACK, for Float and Double tensors, with Torch7's
   argument orders (results first, then the inputs as torch.gesv(b, a) takes them).

   Results are made in fresh storage and the result tensors are set to them, so a result
   may alias an input. LAPACK is column-major: where Torch7 returns a matrix "transposed"
   (strides 1, rows), so do these (gesv, gels, eig's and symeig's V, svd's U, qr's Q,
   potrs); inverse, potrf and svd's V come out contiguous. A failure of the matrix
   itself (singular, not positive definite, no convergence) is an error, never garbage. */
#ifndef OP_LAPACK_H
#define OP_LAPACK_H

#include "../core/tensor.h"

/* Solves A X = B for square A (m x m); B is m x k or a vector of m. x gets X (shaped as
   B), lu the LU factors of A. */
int op_gesv(dl_tensor *x, dl_tensor *lu, const dl_tensor *b, const dl_tensor *a);
int op_inverse(dl_tensor *res, const dl_tensor *a);
/* Least squares (m >= n) or minimum norm (m < n) solution of A X = B, A m x n of full
   rank: rb gets max(m, n) x k, whose first n rows are X; ra gets A's QR factors. */
int op_gels(dl_tensor *rb, dl_tensor *ra, const dl_tensor *b, const dl_tensor *a);
/* Eigenvalues (ascending) of symmetric A, and with vectors != 0 the eigenvectors as
   columns of v. uplo 'U' or 'L': the triangle of A that is read. */
int op_symeig(dl_tensor *e, dl_tensor *v, const dl_tensor *a, int vectors, char uplo);
/* General square A: e is m x 2 (real and imaginary parts), v the right eigenvectors
   (LAPACK's packing for complex pairs). */
int op_eig(dl_tensor *e, dl_tensor *v, const dl_tensor *a, int vectors);
/* A = U diag(S) V^T. jobu 'S': U m x k, V n x k with k = min(m, n); 'A': U m x m, V n x n. */
int op_svd(dl_tensor *u, dl_tensor *s, dl_tensor *v, const dl_tensor *a, char jobu);
/* Cholesky factor of positive definite A: uplo 'U' gives U with A = U^T U, 'L' gives L
   with A = L L^T; the other triangle is zero. */
int op_potrf(dl_tensor *res, const dl_tensor *a, char uplo);
/* Solves A X = B given A's Cholesky factor chol (uplo says which kind it is). */
int op_potrs(dl_tensor *res, const dl_tensor *b, const dl_tensor *chol, char uplo);
/* Thin QR of A (m x n), k = min(m, n): Q m x k with orthonormal columns, R k x n upper
   triangular, A = Q R. */
int op_qr(dl_tensor *q, dl_tensor *r, const dl_tensor *a);

/* The Fortran routines, as OpenBLAS exports them (sgesv_ for float, dgesv_ for double).
   Matrices are column-major; real arrays are void * so that one call site serves both
   precisions. Character arguments carry their hidden length at the end (gfortran ABI). */
typedef int lapack_int;
#define DL_LAPACK_PAIR(name, args) void s##name##_ args; void d##name##_ args;
DL_LAPACK_PAIR(gesv, (const lapack_int *n, const lapack_int *nrhs, void *a, const lapack_int *lda,
                      lapack_int *ipiv, void *b, const lapack_int *ldb, lapack_int *info))
DL_LAPACK_PAIR(getrf, (const lapack_int *m, const lapack_int *n, void *a, const lapack_int *lda,
                       lapack_int *ipiv, lapack_int *info))
DL_LAPACK_PAIR(gecon, (const char *norm, const lapack_int *n, const void *a, const lapack_int *lda,
                       const void *anorm, void *rcond, void *work, lapack_int *iwork,
                       lapack_int *info, size_t norm_len))
DL_LAPACK_PAIR(getri, (const lapack_int *n, void *a, const lapack_int *lda, const lapack_int *ipiv,
                       void *work, const lapack_int *lwork, lapack_int *info))
DL_LAPACK_PAIR(gels, (const char *trans, const lapack_int *m, const lapack_int *n,
                      const lapack_int *nrhs, void *a, const lapack_int *lda, void *b,
                      const lapack_int *ldb, void *work, const lapack_int *lwork,
                      lapack_int *info, size_t trans_len))
DL_LAPACK_PAIR(syev, (const char *jobz, const char *uplo, const lapack_int *n, void *a,
                      const lapack_int *lda, void *w, void *work, const lapack_int *lwork,
                      lapack_int *info, size_t jobz_len, size_t uplo_len))
DL_LAPACK_PAIR(geev, (const char *jobvl, const char *jobvr, const lapack_int *n, void *a,
                      const lapack_int *lda, void *wr, void *wi, void *vl, const lapack_int *ldvl,
                      void *vr, const lapack_int *ldvr, void *work, const lapack_int *lwork,
                      lapack_int *info, size_t jobvl_len, size_t jobvr_len))
DL_LAPACK_PAIR(gesdd, (const char *jobz, const lapack_int *m, const lapack_int *n, void *a,
                       const lapack_int *lda, void *s, void *u, const lapack_int *ldu, void *vt,
                       const lapack_int *ldvt, void *work, const lapack_int *lwork,
                       lapack_int *iwork, lapack_int *info, size_t jobz_len))
DL_LAPACK_PAIR(potrf, (const char *uplo, const lapack_int *n, void *a, const lapack_int *lda,
                       lapack_int *info, size_t uplo_len))
DL_LAPACK_PAIR(potrs, (const char *uplo, const lapack_int *n, const lapack_int *nrhs,
                       const void *a, const lapack_int *lda, void *b, const lapack_int *ldb,
                       lapack_int *info, size_t uplo_len))
DL_LAPACK_PAIR(geqrf, (const lapack_int *m, const lapack_int *n, void *a, const lapack_int *lda,
                       void *tau, void *work, const lapack_int *lwork, lapack_int *info))
#undef DL_LAPACK_PAIR
void sorgqr_(const lapack_int *m, const lapack_int *n, const lapack_int *k, void *a,
             const lapack_int *lda, const void *tau, void *work, const lapack_int *lwork,
             lapack_int *info);
void dorgqr_(const lapack_int *m, const lapack_int *n, const lapack_int *k, void *a,
             const lapack_int *lda, const void *tau, void *work, const lapack_int *lwork,
             lapack_int *info);

#endif
