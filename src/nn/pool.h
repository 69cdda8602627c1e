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
} nn_pool_geom;

/* Number of windows along a dimension of size in; a window starting in the right or
   bottom padding is dropped, as PyTorch and Torch7 do. 0 when the window does not fit
   (or the padded size overflows). */
int64_t nn_pool_outsize(int64_t in, int64_t k, int64_t d, int64_t pad, int ceil);

/* out and indices get the windows' maxima and their positions. Padding never wins; NaN
   does. */
int nn_maxpool2d_forward(const char *fn, dl_tensor *out, dl_tensor *indices,
                         const dl_tensor *in, const nn_pool_geom *g);
/* gradIn (resized like in) gets gradOut (of the indices' size) added at the positions in
   indices. */
int nn_maxpool2d_backward(const char *fn, dl_tensor *gradIn, const dl_tensor *in,
                          const dl_tensor *gradOut, const dl_tensor *indices);

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

#endif
