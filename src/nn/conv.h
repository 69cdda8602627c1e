/* Convolution kernels: 2D convolution (with stride, padding and dilation), its transpose
   (Torch7's SpatialFullConvolution) and the 1D temporal convolution, float and double.

   2D convolution is im2col plus one GEMM over the whole batch: the columns matrix holds
   K = C*kH*kW rows and N*P columns (P = oH*oW output positions per sample), so that the
   product W (F x K) * cols is a single large GEMM that BLAS threads well. Its F x N*P
   result is then scattered to the N x F x oH x oW output. The loops that are not GEMM
   (im2col, col2im, gathers and scatters) run in OpenMP over the batch and the planes,
   never around a BLAS call.

   Images are C x H x W or N x C x H x W (results then have the input's dimension count)
   and may have any strides (they are read through a contiguous copy then). Buffers
   (cols, obuf, gcols) are tensors owned by the caller and resized here: kept between
   calls, they make the steady state allocation-free. Every function takes fn, the name
   of what the script called ("nn.SpatialConvolution"), checks types and sizes (sizes
   whose products overflow included) and returns -1 with an error beginning with fn. */
#ifndef NN_CONV_H
#define NN_CONV_H

#include "../core/tensor.h"

typedef struct {
  int64_t kh, kw;     /* kernel */
  int64_t dh, dw;     /* stride */
  int64_t ph, pw;     /* zero padding on each side */
  int64_t dilh, dilw; /* dilation (1: plain convolution) */
} nn_conv_geom;

/* Which way nn_conv2d_* go: AUTO picks per call; BATCH is im2col over the whole batch
   then one (BLAS-threaded) GEMM; SAMPLE splits the batch between OpenMP threads, each
   doing im2col and a single-threaded GEMM per sample (its columns stay in cache). Both
   give the same results; the setting exists for tests and measurements. */
typedef enum { NN_CONV_AUTO, NN_CONV_BATCH, NN_CONV_SAMPLE } nn_conv_path;
void nn_conv_set_path(nn_conv_path p);

/* Output size of a convolution along one dimension, or 0 when the (dilated) kernel is
   larger than the padded input (or a size is not positive, or overflows). */
int64_t nn_conv_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int64_t dil);

/* out (resized to N x F x oH x oW) = conv(in, weight) + bias. weight has F*C*kH*kW
   elements (F x C x kH x kW, contiguous); bias (F elements) may be NULL. cols keeps the
   columns for nn_conv2d_backward_params; obuf is scratch. */
int nn_conv2d_forward(const char *fn, dl_tensor *out, dl_tensor *cols, dl_tensor *obuf,
                      const dl_tensor *in, const dl_tensor *weight, const dl_tensor *bias,
                      const nn_conv_geom *g);
/* gradIn (resized like in) = the transpose convolution of gradOut. gcols and obuf are
   scratch. */
int nn_conv2d_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *gcols,
                             dl_tensor *obuf, const dl_tensor *in, const dl_tensor *gradOut,
                             const dl_tensor *weight, const nn_conv_geom *g);
/* gradWeight += scale * (gradOut correlated with in), gradBias (may be NULL) += scale *
   sums of gradOut per output plane. On the single-GEMM path (small batches) cols are
   those of the forward pass on the same input, as Torch7's finput; they are recomputed
   when their size does not match. */
int nn_conv2d_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                              dl_tensor *cols, dl_tensor *obuf, const dl_tensor *in,
                              const dl_tensor *gradOut, double scale, const nn_conv_geom *g);

/* Transposed convolution (Torch7's SpatialFullConvolution): weight is Cin x Cout x kH x kW,
   the output N x Cout x oH x oW with oH = (H - 1) dH - 2 pH + dilH (kH - 1) + 1 + adjH,
   0 <= adjH < dH (backward takes the forward's adjustment: gradOut has the output's
   size). ibuf and cols are scratch. */
int nn_fullconv2d_forward(const char *fn, dl_tensor *out, dl_tensor *cols, dl_tensor *ibuf,
                          const dl_tensor *in, const dl_tensor *weight, const dl_tensor *bias,
                          const nn_conv_geom *g, int64_t adjh, int64_t adjw);
int nn_fullconv2d_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *cols,
                                 dl_tensor *ibuf, const dl_tensor *in, const dl_tensor *gradOut,
                                 const dl_tensor *weight, const nn_conv_geom *g, int64_t adjh,
                                 int64_t adjw);
int nn_fullconv2d_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                  dl_tensor *cols, dl_tensor *ibuf, const dl_tensor *in,
                                  const dl_tensor *gradOut, double scale,
                                  const nn_conv_geom *g, int64_t adjh, int64_t adjw);

/* Temporal convolution (Torch7's TemporalConvolution): in is T x D or N x T x D, weight
   O x (kW*D) (a window of kW frames, frame after frame), bias O elements; out gets
   oT = (T - kW) / dW + 1 frames of O features. A window is a strided view of the input,
   so each product is one GEMM without copies. */
int nn_temporal_conv_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                             const dl_tensor *weight, const dl_tensor *bias, int64_t kw,
                             int64_t dw);
/* gradIn (resized like in) = sum over windows of gradOut W, overlapping windows added. */
int nn_temporal_conv_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *buf,
                                    const dl_tensor *in, const dl_tensor *gradOut,
                                    const dl_tensor *weight, int64_t kw, int64_t dw);
int nn_temporal_conv_backward_params(const char *fn, dl_tensor *gradWeight,
                                     dl_tensor *gradBias, const dl_tensor *in,
                                     const dl_tensor *gradOut, double scale, int64_t kw,
                                     int64_t dw);

/* Convolutions through a connection table (Torch7's SpatialConvolutionMap, full = 0, and
   SpatialFullConvolutionMap, full = 1): conn is a contiguous Long nConnections x 2 table
   of 1-based (input plane, output plane) pairs, weight nConnections x kH x kW (one kernel
   per connection), bias nout elements (may be NULL). Output plane o is bias[o] plus the
   sum over the connections into o of the valid convolution (oH = (H - kH) / dH + 1) or of
   the full one (oH = (H - 1) dH + kH) of their input plane. g's padding must be 0 and its
   dilation 1. */
int nn_convmap_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                       const dl_tensor *weight, const dl_tensor *bias, const dl_tensor *conn,
                       int64_t nout, const nn_conv_geom *g, int full);
int nn_convmap_backward_input(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                              const dl_tensor *gradOut, const dl_tensor *weight,
                              const dl_tensor *conn, int64_t nout, const nn_conv_geom *g,
                              int full);
int nn_convmap_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                               const dl_tensor *in, const dl_tensor *gradOut,
                               const dl_tensor *conn, int64_t nout, double scale,
                               const nn_conv_geom *g, int full);

/* Locally connected convolution (Torch7's SpatialConvolutionLocal): a kernel of its own
   at each output position. weight is oH x oW x F x C x kH x kW (contiguous), bias
   F x oH x oW (may be NULL); the output grid oH x oW computed from the input (stride and
   zero padding as nn_conv2d) must be the weight's. cols keeps the im2col columns. */
int nn_convlocal_forward(const char *fn, dl_tensor *out, dl_tensor *cols, const dl_tensor *in,
                         const dl_tensor *weight, const dl_tensor *bias,
                         const nn_conv_geom *g);
int nn_convlocal_backward_input(const char *fn, dl_tensor *gradIn, dl_tensor *gcols,
                                const dl_tensor *in, const dl_tensor *gradOut,
                                const dl_tensor *weight, const nn_conv_geom *g);
int nn_convlocal_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                                 dl_tensor *cols, const dl_tensor *in, const dl_tensor *gradOut,
                                 double scale, const nn_conv_geom *g);

#endif
