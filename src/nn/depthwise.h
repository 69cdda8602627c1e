/* Depthwise 2D convolution (Torch7's SpatialDepthWiseConvolution), float and double: each
   of the C input planes is convolved on its own with M kernels, giving C * M output planes,
   plane c * M + o (0-based) being input plane c with kernel o. Direct loops rather than
   im2col + GEMM: each output costs kH * kW multiply-adds of one plane, far too few for a
   GEMM to pay for its columns (Torch7 ran one GEMM per plane).

   Images are C x H x W or N x C x H x W (c planes), any strides (read through a contiguous
   copy); results have the input's dimension count.
   weight holds M x C x kH x kW elements (Torch7 keeps it M x (C*kH*kW)), bias M x C (or
   NULL). Dilation is not part of this module (g->dilh and g->dilw must be 1). Every
   function takes fn first and returns -1 with an error beginning with it. */
#ifndef NN_DEPTHWISE_H
#define NN_DEPTHWISE_H

#include "../core/tensor.h"
#include "conv.h"

/* out (N x C*M x oH x oW) = depthwise convolution of in with weight, plus bias. */
int nn_depthwise_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                         const dl_tensor *weight, const dl_tensor *bias, int64_t c, int64_t m,
                         const nn_conv_geom *g);
/* gradIn (in's sizes) = the input gradient of gradOut. */
int nn_depthwise_backward_input(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                                const dl_tensor *gradOut, const dl_tensor *weight, int64_t c, int64_t m,
                                const nn_conv_geom *g);
/* gradWeight += scale * dL/dweight, gradBias (when not NULL) += scale * dL/dbias. */
int nn_depthwise_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                 const dl_tensor *in, const dl_tensor *gradOut, double scale,
                                 int64_t c, int64_t m, const nn_conv_geom *g);

#endif
