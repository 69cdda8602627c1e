/* The micro-kernel contract between gemm.c (the driver) and gemm_avx512.c / gemm_avx2.c.

   A kernel computes one tile of mr <= MR rows and nr <= NR columns of a row-major C:
     C[i][j] = alpha * sum_p A(i, p) B(p, j) + beta * C[i][j]   (beta == 0: C not read)
   with A(i, p) = a[i * rsa + p * csa] (packed panels or a matrix as it lies) and
   B(p, j) = b[p * ldb + j] (unit stride along j: a packed panel or a row-major matrix).
   It reads no element of A or B outside the tile's mr rows and nr columns (masked loads
   at the edge), so edges need no padding. */
#ifndef OP_GEMM_KERNEL_H
#define OP_GEMM_KERNEL_H

#include <stdint.h>

typedef void op_gemm_tile(int mr, int nr, int64_t kc, const float *a, int64_t rsa,
                          int64_t csa, const float *b, int64_t ldb, float *c, int64_t ldc,
                          float alpha, float beta);

/* Packs a transposed kc x nc block of B (B(p, j) = b[j * csb + p]) into panels of nr
   columns: element (p, j) of panel q at out[q kc nr + p nr + j]. */
typedef void op_gemm_pack_bt(int64_t kc, int64_t nc, const float *b, int64_t csb, float *out);

typedef struct {
  const char *name;
  int mr, nr; /* the largest tile */
  op_gemm_tile *tile;
  op_gemm_pack_bt *pack_bt; /* NULL: gemm.c's plain loop */
} op_gemm_ukernel;

/* NULL when the CPU lacks the instructions (checked at run time). */
const op_gemm_ukernel *op_gemm_avx512(void);
const op_gemm_ukernel *op_gemm_avx2(void);

#endif
