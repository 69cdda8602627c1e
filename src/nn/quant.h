/* int8 quantized layers: weights quantized symmetrically per output channel (w = q * s_j,
   q in [-127, 127], s_j = max |w_j| / 127), stored packed for op_qgemm (src/ops/qgemm.h)
   in a Byte tensor of two's-complement bytes; activations quantized to uint8 either per
   row at run time (dynamic) or with one scale and zero point measured beforehand
   (static). The products are exact integer sums; only the scales are floats.

   A layer's weights are four tensors: packed (Byte, np * kp: n outputs and k inputs
   padded, qgemm.h), scale (Float, n), wsum (Int, n: the sum of each output's q, for the
   zero-point correction) and bias (Float, n, or NULL). Inputs and outputs are Float. */
#ifndef NN_QUANT_H
#define NN_QUANT_H

#include "../core/tensor.h"
#include "conv.h"

/* The quantized weights of one layer, and the activation range in static mode. */
typedef struct {
  const dl_tensor *packed, *scale, *wsum, *bias;
  int64_t k;       /* inputs per output (in_features, or C * kH * kW) */
  int is_static;   /* 1: ascale and azero below; 0: each row's own range */
  float ascale;
  int32_t azero;
} nn_qweights;

/* packed, scale, wsum (resized) from weight: Float or Double, n x k, or n x C x kH x kW
   (any dimensions after the first are flattened, as a convolution's weight). */
int nn_quantize_weight(const char *fn, dl_tensor *packed, dl_tensor *scale, dl_tensor *wsum,
                       const dl_tensor *weight);
/* out (Float, resized to n x k) = q * s: the weights the layer really multiplies by. */
int nn_dequantize_weight(const char *fn, dl_tensor *out, const dl_tensor *packed,
                         const dl_tensor *scale, int64_t k);

/* out (Float, resized to m x n, or n for a vector) = the quantized product of in (Float,
   m x k, or a vector of k: one row) with the
   weights, plus bias; max(0, .) when relu. qbuf (Byte) is scratch, resized here: kept
   between calls it makes the steady state allocation-free. */
int nn_qlinear_forward(const char *fn, dl_tensor *out, dl_tensor *qbuf, const dl_tensor *in,
                       const nn_qweights *w, int relu);

/* The checks of the weights (and of the static range) every forward here makes; for the
   kernels built on nn_qrows_product (the int8 recurrent ones, rnn.h). */
int nn_check_qweights(const char *fn, const nn_qweights *w);

/* The product under nn_qlinear_forward, on raw rows the caller has checked: out[i * rs +
   j * cs] (j < the weights' n) = the quantized product of row i of in (k = w->k floats at
   in + i * ldi, i < m) with the weights, plus bias, max(0, .) when relu. qbuf as above. */
int nn_qrows_product(const char *fn, float *out, int64_t rs, int64_t cs, dl_tensor *qbuf,
                     const float *in, int64_t ldi, int64_t m, const nn_qweights *w, int relu);

/* out (Float, N x F x oH x oW, or F x oH x oW for a 3D input) = the quantized 2D
   convolution of in (Float, C x H x W or N x C x H x W, w->k = C * kH * kW, the weights
   quantized from F x kH x kW x C: channels last, the order of the columns), plus bias;
   each sample's image is quantized as one row (dynamic) or with the static range, the
   padding is the zero point (0.0 exactly). Dilation is honoured. qbuf is scratch. */
int nn_qconv2d_forward(const char *fn, dl_tensor *out, dl_tensor *qbuf, const dl_tensor *in,
                       const nn_qweights *w, const nn_conv_geom *g, int relu);

#endif
