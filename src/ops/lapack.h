/* Linear algebra through OpenBLAS's LAPACK, for Float and Double tensors, with Torch7's
   argument orders (results first, then the inputs as torch.gesv(b, a) takes them).

   Results are written into the result tensors, as Torch7's THTensorLapack.c does. The
   inputs are first copied into private column-major buffers where LAPACK works, so a
   result may be (or view) one of the inputs; once LAPACK succeeded, each result is
   filled:
   - a result without storage (new, empty) takes the buffer itself;
   - a result that already has the result's sizes keeps its strides, offset and storage
     and gets the values through its strides: a view writes into its parent;
   - any other result is resized at its offset (dl_tensor_resize), in Torch7's layout:
     "transposed" (column-major, strides 1, rows) for the matrices Torch7 returns so
     (gesv, trtrs, gels, inverse, potrf, potrs, potri, pstrf, geqrf, orgqr, ormqr, the
     eigenvectors of symeig and eig, U of svd, Q of qr), contiguous for the rest (e of
     eig, V of svd, R of qr, the vectors).
   On an error the results are left as they were. A failure of the matrix itself
   (singular, not positive definite, no convergence, NaN) is an error, never garbage.
   Argument numbers in messages count the inputs as in the form without results
   (torch.gesv(B, A): B is argument 1). */
#ifndef OP_LAPACK_H
#define OP_LAPACK_H

#include "../core/tensor.h"

/* Solves A X = B for square A (m x m); B is m x k or a vector of m. x gets X (shaped as
   B), lu the LU factors of A. */
int op_gesv(dl_tensor *x, dl_tensor *lu, const dl_tensor *b, const dl_tensor *a);
/* Solves op(A) X = B for triangular A, reading only its uplo ('U' or 'L') triangle;
   trans 'N' (A X = B) or 'T' (A^T X = B); diag 'U' takes A's diagonal as ones, 'N'
   reads it. ra gets a copy of A. */
int op_trtrs(dl_tensor *x, dl_tensor *ra, const dl_tensor *b, const dl_tensor *a, char uplo,
             char trans, char diag);
int op_inverse(dl_tensor *res, const dl_tensor *a);
/* Least squares (m >= n) or minimum norm (m < n) solution of A X = B, A m x n of full
   rank: rb gets max(m, n) x k, whose first n rows are X; ra gets A's QR factors. */
int op_gels(dl_tensor *rb, dl_tensor *ra, const dl_tensor *b, const dl_tensor *a);
/* Eigenvalues (ascending) of symmetric A, and with vectors != 0 the eigenvectors as
   columns of v (v is not touched otherwise). uplo 'U' or 'L': the triangle read. */
int op_symeig(dl_tensor *e, dl_tensor *v, const dl_tensor *a, int vectors, char uplo);
/* General square A: e is m x 2 (real and imaginary parts), v the right eigenvectors
   (LAPACK's packing for complex pairs; not touched without vectors). */
int op_eig(dl_tensor *e, dl_tensor *v, const dl_tensor *a, int vectors);
/* A = U diag(S) V^T. jobu 'S': U m x k, V n x k with k = min(m, n); 'A': U m x m, V n x n. */
int op_svd(dl_tensor *u, dl_tensor *s, dl_tensor *v, const dl_tensor *a, char jobu);
/* Cholesky factor of positive definite A: uplo 'U' gives U with A = U^T U, 'L' gives L
   with A = L L^T; the other triangle is zero. */
int op_potrf(dl_tensor *res, const dl_tensor *a, char uplo);
/* Solves A X = B given A's Cholesky factor chol (uplo says which kind it is). */
int op_potrs(dl_tensor *res, const dl_tensor *b, const dl_tensor *chol, char uplo);
/* Inverse of A given its Cholesky factor chol; the result is the full symmetric matrix. */
int op_potri(dl_tensor *res, const dl_tensor *chol, char uplo);
/* Cholesky factorization with complete pivoting of positive semidefinite A (m x m):
   P^T A P = U^T U ('U') or L L^T ('L'), P(piv[k], k) = 1. piv (a LongTensor) gets the
   1-based pivots. tol < 0: LAPACK's default (m * eps * max diagonal). A matrix whose
   computed rank is below m is an error, as in Torch7. */
int op_pstrf(dl_tensor *res, dl_tensor *piv, const dl_tensor *a, char uplo, double tol);
/* Thin QR of A (m x n), k = min(m, n): Q m x k with orthonormal columns, R k x n upper
   triangular, A = Q R. */
int op_qr(dl_tensor *q, dl_tensor *r, const dl_tensor *a);
/* LAPACK's geqrf: ra (m x n) gets R on and above its diagonal and the Householder
   vectors below it, tau (min(m, n)) their scalar factors. */
int op_geqrf(dl_tensor *ra, dl_tensor *tau, const dl_tensor *a);
/* LAPACK's orgqr: Q (m x min(m, n)) with orthonormal columns from the reflectors of a
   (m x n, as geqrf gives) and their factors tau (k <= min(m, n) of them). */
int op_orgqr(dl_tensor *q, const dl_tensor *a, const dl_tensor *tau);
/* LAPACK's ormqr: res = op(Q) C (side 'L') or C op(Q) (side 'R'), op(Q) = Q (trans 'N')
   or Q^T ('T'), Q = H(1) ... H(k) given by geqrf's a and tau, without forming Q. */
int op_ormqr(dl_tensor *res, const dl_tensor *a, const dl_tensor *tau, const dl_tensor *c,
             char side, char trans);

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
DL_LAPACK_PAIR(trtrs, (const char *uplo, const char *trans, const char *diag, const lapack_int *n,
                       const lapack_int *nrhs, const void *a, const lapack_int *lda, void *b,
                       const lapack_int *ldb, lapack_int *info, size_t uplo_len,
                       size_t trans_len, size_t diag_len))
DL_LAPACK_PAIR(trcon, (const char *norm, const char *uplo, const char *diag, const lapack_int *n,
                       const void *a, const lapack_int *lda, void *rcond, void *work,
                       lapack_int *iwork, lapack_int *info, size_t norm_len, size_t uplo_len,
                       size_t diag_len))
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
DL_LAPACK_PAIR(potri, (const char *uplo, const lapack_int *n, void *a, const lapack_int *lda,
                       lapack_int *info, size_t uplo_len))
DL_LAPACK_PAIR(pstrf, (const char *uplo, const lapack_int *n, void *a, const lapack_int *lda,
                       lapack_int *piv, lapack_int *rank, const void *tol, void *work,
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
void sormqr_(const char *side, const char *trans, const lapack_int *m, const lapack_int *n,
             const lapack_int *k, const void *a, const lapack_int *lda, const void *tau, void *c,
             const lapack_int *ldc, void *work, const lapack_int *lwork, lapack_int *info,
             size_t side_len, size_t trans_len);
void dormqr_(const char *side, const char *trans, const lapack_int *m, const lapack_int *n,
             const lapack_int *k, const void *a, const lapack_int *lda, const void *tau, void *c,
             const lapack_int *ldc, void *work, const lapack_int *lwork, lapack_int *info,
             size_t side_len, size_t trans_len);

#endif
