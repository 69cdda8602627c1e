/* Volumetric (3D) kernels, Torch7's Volumetric* modules, float and double: convolution
   (with stride, padding and dilation) and its transpose as vol2col plus GEMM, max pooling
   (with dilation and ceil mode), average pooling and replication padding.

   Volumes are C x T x H x W or N x C x T x H x W (results then have the input's dimension
   count) and may have any strides (read through a contiguous copy then). A convolution
   runs sample by sample: vol2col fills the K x P columns of one sample (K = C*kT*kH*kW,
   P = oT*oH*oW), and one GEMM W (F x K) * cols gives the sample's F x P output, written in
   place. The columns buffer is a tensor owned by the caller and resized here (Torch7's
   finput): kept between calls, it makes the steady state allocation-free. Every function
   takes fn, the name of what the script called ("nn.VolumetricConvolution"), checks types
   and sizes (products that overflow included) and returns -1 with an error beginning with
   fn. Indices of max pooling are Long tensors of 1-based positions inside a volume
   ((z * H + y) * W + x + 1). */
#ifndef NN_VOLUMETRIC_H
#define NN_VOLUMETRIC_H

#include "../core/tensor.h"

typedef struct {
  int64_t kt, kh, kw;       /* kernel or window */
  int64_t dt, dh, dw;       /* stride */
  int64_t pt, ph, pw;       /* zero padding on each side */
  int64_t dilt, dilh, dilw; /* dilation (1: plain) */
} nn_vol_geom;

/* out (N x F x oT x oH x oW) = conv(in, weight) + bias. weight is F x C x kT x kH x kW
   (F*C*kT*kH*kW contiguous elements); bias (F elements) may be NULL. cols is scratch. */
int nn_vol_conv_forward(const char *fn, dl_tensor *out, dl_tensor *cols, const dl_tensor *in,
                        const dl_tensor *weight, const dl_tensor *bias, const nn_vol_geom *g);
/* gradIn (resized like in) = the transpose convolution of gradOut. */
int nn_vol_conv_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *cols,
                               const dl_tensor *in, const dl_tensor *gradOut,
                               const dl_tensor *weight, const nn_vol_geom *g);
/* gradWeight += scale * (gradOut correlated with in); gradBias (may be NULL) += scale *
   the sums of gradOut's planes. */
int nn_vol_conv_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                dl_tensor *cols, const dl_tensor *in, const dl_tensor *gradOut,
                                double scale, const nn_vol_geom *g);

/* Transposed convolution (Torch7's VolumetricFullConvolution): weight Cin x Cout x kT x
   kH x kW, output N x Cout x oT x oH x oW with oT = (T - 1) dT - 2 pT + kT + adjT,
   0 <= adj < stride (backward takes the forward's adjustments). adj holds {adjT, adjH,
   adjW}; the dilations of g must be 1. */
int nn_vol_fullconv_forward(const char *fn, dl_tensor *out, dl_tensor *cols,
                            const dl_tensor *in, const dl_tensor *weight, const dl_tensor *bias,
                            const nn_vol_geom *g, const int64_t adj[3]);
int nn_vol_fullconv_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *cols,
                                   const dl_tensor *in, const dl_tensor *gradOut,
                                   const dl_tensor *weight, const nn_vol_geom *g,
                                   const int64_t adj[3]);
int nn_vol_fullconv_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                    dl_tensor *cols, const dl_tensor *in,
                                    const dl_tensor *gradOut, double scale,
                                    const nn_vol_geom *g, const int64_t adj[3]);

/* Max pooling over kT x kH x kW windows (dilated, padded: padding never wins, NaN does;
   padding at most half the window): out and indices get the maxima and their positions.
   ceil rounds the output size up (a window starting in the padding is dropped). */
int nn_vol_maxpool_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                           const dl_tensor *in, const nn_vol_geom *g, int ceil);
/* gradIn (resized like in) gets gradOut added at the positions in indices. */
int nn_vol_maxpool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                            const dl_tensor *gradOut, const dl_tensor *indices);

/* Average over each window (g's dilations must be 1); the divisor counts the padding
   inside the window when count_include_pad, only the input's voxels otherwise. */
int nn_vol_avgpool_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                           const nn_vol_geom *g, int ceil, int count_include_pad);
int nn_vol_avgpool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                            const dl_tensor *gradOut, const nn_vol_geom *g, int ceil,
                            int count_include_pad);

/* Replication padding: pad holds {left, right, top, bottom, front, back} (Torch7's
   order: W, then H, then T), each >= 0; the border voxels are repeated. */
int nn_vol_replpad_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                           const int64_t pad[6]);
/* gradIn (resized like in) gets each gradOut voxel added at the voxel it copies. */
int nn_vol_replpad_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                            const dl_tensor *gradOut, const int64_t pad[6]);

/* Torch7's UpSampling: an N x C x H x W or N x C x T x H x W input resized to osize
   {T, H, W} (T ignored for images): nearest (linear = 0; output voxel o reads input
   floor(o * in / out)) or bilinear / trilinear with the corners aligned (output o samples
   the input at o (in - 1) / (out - 1)). Backward is the adjoint. */
int nn_upsample_forward(const char *fn, dl_tensor *out, const dl_tensor *in, int linear,
                        const int64_t osize[3]);
int nn_upsample_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                         const dl_tensor *gradOut, int linear, const int64_t osize[3]);

#endif
