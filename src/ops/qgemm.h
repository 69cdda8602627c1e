/* int8 matrix products: unsigned 8-bit activations times signed 8-bit weights, summed
   exactly in 32-bit integers, for quantized inference (src/nn/quant.c).

   The weights W (n outputs x k inputs, int8) are packed once (op_qpack) into the order the
   dot-product instructions read: blocks of 16 outputs, and in each block groups of 4
   consecutive inputs, byte ((b * kp/4 + g) * 16 + c) * 4 + i holding W[16b + c][4g + i].
   n is padded to a multiple of 16 and k to a multiple of 4 (kp) with zero weights, so a
   padded input column never contributes.

   The activations A (m rows x kp, uint8) come from op_qquantize_rows: a real x is
   (q - zero) * scale, q in [0, 255]. Then A W^T - zero * colsum(W) is the product of
   the real-valued zero-shifted rows with W, exactly; the float epilogue scales it back.

   Three machine paths compute the same integers, chosen at run time from the CPU:
   AVX-512 VNNI (vpdpbusd on 512 bits), AVX-VNNI (the same on 256 bits), AVX2
   (zero- and sign-extension to 16 bits, then vpmaddwd: 16-bit products never exceed
   255 * 128 and a pair sum fits 32 bits, so nothing saturates as vpmaddubsw would),
   and plain C elsewhere. Sums are exact while k <= OP_QGEMM_MAXK. */
#ifndef OP_QGEMM_H
#define OP_QGEMM_H

#include <stddef.h>
#include <stdint.h>

/* The largest k for which 255 * 128 * k and the zero-point correction fit int32. */
#define OP_QGEMM_MAXK 32768

typedef enum {
  OP_QPATH_AUTO = 0, /* the best the CPU has */
  OP_QPATH_SCALAR,
  OP_QPATH_AVX2,
  OP_QPATH_AVXVNNI,
  OP_QPATH_AVX512VNNI,
  OP_QPATH_COUNT
} op_qpath;

/* The path products take now (never AUTO). */
op_qpath op_qgemm_path(void);
/* Forces a path (AUTO restores the CPU's best): tests and benchmarks. -1 with dl_error
   when this CPU cannot run it. Process-wide; set it before products run. */
int op_qgemm_setpath(op_qpath p);
/* "avx512vnni", "avxvnni", "avx2", "scalar" ("auto" for AUTO); NULL outside the enum. */
const char *op_qgemm_pathname(op_qpath p);
/* 1 when this CPU can run p. */
int op_qgemm_supported(op_qpath p);

/* Padded sizes: kp = k rounded up to 4, np = n rounded up to 16; the packed weights are
   np * kp bytes. */
int64_t op_qpad_k(int64_t k);
int64_t op_qpad_n(int64_t n);
/* Packs W (n x k int8, row j at w + j * ldw) into dst (np * kp bytes, zero padding). */
void op_qpack(int8_t *dst, const int8_t *w, int64_t n, int64_t k, int64_t ldw);
/* The inverse: W[j][i] from the packed form into w (n x k, row stride ldw). */
void op_qunpack(int8_t *w, int64_t ldw, const int8_t *packed, int64_t n, int64_t k);

/* Rows of x (m x k floats, row i at x + i * ldx) to uint8 (dst, m x kp, row stride
   ldd >= kp, the kp - k padding set to zero). With scale == NULL, each row gets its own
   range [min(0, min x), max(0, max x)] mapped to [0, 255] (scale (hi - lo) / 255, zero
   round(-lo / scale)), written to rscale[i] and rzero[i]: 0.0 is exactly the zero point.
   With scale given, every row uses *scale and *zero (ranges from calibration) and values
   outside saturate at 0 and 255. q = clamp(round(x / scale) + zero, 0, 255), ties to even.
   A NaN gives the zero point. */
void op_qquantize_rows(uint8_t *dst, int64_t ldd, const float *x, int64_t ldx, int64_t m,
                       int64_t k, const float *scale, const int32_t *zero, float *rscale,
                       int32_t *rzero);

/* C[i][j] = sum_t A[i][t] * W[j][t] (int32, row i at c + i * ldc), A m x kp uint8 with row
   stride lda, W packed for n x k. The raw integer product (no zero-point correction). */
void op_qgemm_s32(int32_t *c, int64_t ldc, const uint8_t *a, int64_t lda, const int8_t *wp,
                  int64_t m, int64_t n, int64_t k);

/* What turns the integer product into floats:
   out[i * rs + j * cs] = (C[i][j] - zero_i * wsum[j]) * (scale_i * wscale[j]) + bias[j],
   then max(0, .) when relu; zero_i, scale_i are azero[i], ascale[i] when per_row, else
   azero[0], ascale[0]. bias may be NULL. */
typedef struct {
  float *out;
  int64_t rs, cs;
  const float *ascale;
  const int32_t *azero;
  int per_row;
  const float *wscale;
  const int32_t *wsum;
  const float *bias;
  int relu;
} op_qepilogue;

/* The product with the epilogue applied tile by tile (no int32 matrix in memory). Runs on
   OpenMP threads when the product is large and more than one thread is allowed. */
void op_qgemm_f32(const op_qepilogue *e, const uint8_t *a, int64_t lda, const int8_t *wp,
                  int64_t m, int64_t n, int64_t k);

#endif
