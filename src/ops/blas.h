/* Matrix products through OpenBLAS (float and double) and plain loops (Long, Byte).
   Transposed and other strided views reach BLAS as transpose flags and leading
   dimensions, without copying; a matrix is copied only when neither of its strides is 1.

   The add* functions compute res = beta * M + alpha * product, as Torch7's addmm with
   v1 = beta and v2 = alpha. res is resized to the product's sizes unless it already has
   them (a view keeps its strides); M == NULL means res itself (in place), and M may
   broadcast (a row vector of biases, say). beta == 0 never reads M, so NaN there does
   not leak. Size errors name the function and the operand as numbered in Torch7's
   torch.f(M, a, b) form: "mm: sizes 2x3 and 4x5 do not match (argument 2)". */
#ifndef OP_BLAS_H
#define OP_BLAS_H

#include "../core/tensor.h"

/* C = alpha * op(A) * op(B) + beta * C, op(X) = X for 'n', X^T for 't'. A, B, C are
   2D of one type, and C must already have the product's sizes. C may alias nothing. */
int op_gemm(char transA, char transB, double alpha, const dl_tensor *A, const dl_tensor *B,
            double beta, dl_tensor *C);

/* Dot product of x and y seen as flat vectors (same element count). */
int op_dot(const dl_tensor *x, const dl_tensor *y, double *result);

int op_mm(dl_tensor *res, const dl_tensor *a, const dl_tensor *b);
int op_addmm(dl_tensor *res, double beta, const dl_tensor *M, double alpha,
             const dl_tensor *a, const dl_tensor *b);
int op_mv(dl_tensor *res, const dl_tensor *mat, const dl_tensor *vec);
int op_addmv(dl_tensor *res, double beta, const dl_tensor *v, double alpha,
             const dl_tensor *mat, const dl_tensor *vec);
/* Outer product x y^T. */
int op_ger(dl_tensor *res, const dl_tensor *x, const dl_tensor *y);
int op_addr(dl_tensor *res, double beta, const dl_tensor *M, double alpha,
            const dl_tensor *x, const dl_tensor *y);
/* Batches: b1 is b x n x m, b2 is b x m x p. bmm and baddbmm give b x n x p, one
   product per batch entry; addbmm sums the b products into one n x p. */
int op_bmm(dl_tensor *res, const dl_tensor *b1, const dl_tensor *b2);
int op_baddbmm(dl_tensor *res, double beta, const dl_tensor *M, double alpha,
               const dl_tensor *b1, const dl_tensor *b2);
int op_addbmm(dl_tensor *res, double beta, const dl_tensor *M, double alpha,
              const dl_tensor *b1, const dl_tensor *b2);

#endif
