/* Pooling kernels: 2D max and average pooling (stride, padding, ceil mode), adaptive
   max and average pooling, temporal max pooling, float and double. Images are C x H x W
   or N x C x H x W (results have the input's dimension count) and may have any strides
   (read through a contiguous copy then); outputs, indices and gradients are resized and
   written contiguous. Planes (sample, channel) run in parallel with OpenMP. Every
   function takes fn, the name of what the script called ("nn.SpatialMaxPooling"), checks
   sizes and types and returns -1 with an error beginning with fn. Indices are Long
   tensors of 1-based positions inside a plane (y * W + x + 1), as Torch7's. */
#ifndef NN_POOL_H
#define NN_POOL_H

#include "../core/tensor.h"

typedef struct {
  int64_t kh, kw; /* window */
  int64_t dh, dw; /* stride */
  int64_t ph, pw; /* padding on each side (at most half the window) */
  int ceil;       /* output size rounded up instead of down */
  int64_t dilh, dilw; /* max pooling's dilation: taps dil apart (0 or 1: none) */
} nn_pool_geom;

/* Number of windows along a dimension of size in; a window starting in the right or
   bottom padding is dropped, as PyTorch and Torch7 do. 0 when the window does not fit
   (or the padded size overflows). */
int64_t nn_pool_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int ceil);

/* Whether one of the o windows (stride d, padding pad, k taps dil apart) along a
   dimension of n pixels has no tap inside: a dilated window can straddle a short input. */
int nn_pool_has_empty(int64_t o, int64_t d, int64_t pad, int64_t k, int64_t dil, int64_t n);

/* out and indices get the windows' maxima and their positions (Torch7's SpatialMaxPooling
   and, with dilation, SpatialDilatedMaxPooling: the window spans dil (k - 1) + 1 pixels).
   Padding never wins; NaN does. */
int nn_maxpool2d_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                         const dl_tensor *in, const nn_pool_geom *g);
/* gradIn (resized like in) gets gradOut (of the indices' size) added at the positions in
   indices. */
int nn_maxpool2d_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                          const dl_tensor *gradOut, const dl_tensor *indices);

/* The backward of the index-keeping poolings: gradIn (resized like in) gets gradOut added
   at indices (Long, of gradOut's size, 1-based inside each of the planes planes of isz
   input elements; in has nsp spatial dimensions after its planes, 2 or 3). */
int nn_pool_index_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                           const dl_tensor *gradOut, const dl_tensor *indices, int64_t planes,
                           int64_t isz, int nsp);

/* Average over each window; the divisor counts the padding inside the window when
   count_include_pad (Torch7's default), only the input pixels otherwise. */
int nn_avgpool2d_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                         const nn_pool_geom *g, int count_include_pad);
int nn_avgpool2d_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                          const dl_tensor *gradOut, const nn_pool_geom *g,
                          int count_include_pad);

/* Adaptive pooling to oh x ow: bin i spans [floor(i*H/oh), ceil((i+1)*H/oh)). Max when
   indices is given, average when it is NULL. */
int nn_adaptive_pool2d_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                               const dl_tensor *in, int64_t oh, int64_t ow);
int nn_adaptive_pool2d_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                                const dl_tensor *gradOut, const dl_tensor *indices,
                                int64_t oh, int64_t ow);

/* Temporal max pooling of a T x D or N x T x D input over windows of kw frames, dw apart:
   out and indices get (T - kw) / dw + 1 frames; indices are 1-based frame offsets inside
   the window, as Torch7's. */
int nn_temporal_maxpool_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                                const dl_tensor *in, int64_t kw, int64_t dw);
int nn_temporal_maxpool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                                 const dl_tensor *gradOut, const dl_tensor *indices,
                                 int64_t kw, int64_t dw);

/* Torch7's FeatureLPPooling: Lp pooling across features. The input is [batch x] features
   [x opt1 [x opt2]] (batch_mode says whether the first dimension is the batch: 2 to 4
   dimensions then, 1 to 3 otherwise); out[..., f, ...] = (sum over the width features
   f*stride + k of x^power)^(1/power), with (F - width) / stride + 1 output features. */
int nn_feature_lppool_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                              int64_t width, int64_t stride, double power, int batch_mode);
/* gradIn (resized like in) = sum over the windows of gradOut * (x / out)^(power - 1);
   out is the forward's output (a zero output passes no gradient, as Torch7). */
int nn_feature_lppool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                               const dl_tensor *out, const dl_tensor *gradOut, int64_t width,
                               int64_t stride, double power, int batch_mode);

/* Fractional max pooling (Torch7's SpatialFractionalMaxPooling, nsp = 2, and
   VolumetricFractionalMaxPooling, nsp = 3): in is C x [T x] H x W or a batch, pool and
   osize the window and output sizes in Torch7's order (W, H[, T]), samples a tensor of
   in's type with N*C*nsp values in [0, 1) (per plane: W's and H's, or T's, W's and
   H's, Torch7's orders) that place the
   windows; out and indices (1-based positions in the plane or volume) are resized to the
   output. Each output size must be at least 1 and at most input - pool + 1. Backward adds
   gradOut at the indices. */
int nn_fracmaxpool_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                           const dl_tensor *in, const dl_tensor *samples, int nsp,
                           const int64_t pool[3], const int64_t osize[3]);
int nn_fracmaxpool_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                            const dl_tensor *gradOut, const dl_tensor *indices, int nsp);

#endif
