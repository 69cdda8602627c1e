/* Transfer functions: forward and backward kernels of nn's elementwise activations,
   PReLU, and the softmax family, for float and double tensors of any shape and strides.

   The elementwise kinds, with their parameters a and b (unused ones are ignored):
     NN_TANH        y = tanh(x)                         dx = g * (1 - y^2)
     NN_SIGMOID     y = 1 / (1 + exp(-x))               dx = g * y * (1 - y)
     NN_HARDTANH    y = clamp(x, a, b)                  dx = a < x < b ? g : 0
     NN_RELU6       HardTanh with a = 0, b = 6
     NN_THRESHOLD   y = x > a ? x : b                   dx = x > a ? g : 0
     NN_RELU        Threshold with a = 0, b = 0
     NN_LEAKYRELU   y = x > 0 ? x : a*x                 dx = x > 0 ? g : a*g
     NN_ELU         y = x > 0 ? x : a*(exp(x) - 1)      dx = y > 0 ? g : g*(y + a)
     NN_LOGSIGMOID  y = -log(1 + exp(-x))               dx = g / (1 + exp(x))
     NN_SOFTPLUS    y = a*x > b ? x : log(1 + exp(a*x)) / a    (a = beta, b = threshold)
                                                        dx = a*x > b ? g : g * sigmoid(a*x)
     NN_SOFTSIGN    y = x / (1 + |x|)                   dx = g / (1 + |x|)^2
     NN_SOFTSHRINK  y = x > a ? x - a : x < -a ? x + a : 0     dx = |x| > a ? g : 0
     NN_HARDSHRINK  y = |x| > a ? x : 0                 dx = |x| > a ? g : 0
     NN_TANHSHRINK  y = x - tanh(x)                     dx = g * tanh(x)^2
     NN_GELU        y = x * Phi(x), Phi the normal CDF (exact erf form)
                                                        dx = g * (Phi(x) + x * phi(x))
   Every function is computed in a numerically stable form (no overflow of exp). */
#ifndef NN_ACTIVATION_H
#define NN_ACTIVATION_H

#include "../core/tensor.h"

typedef enum {
  NN_TANH,
  NN_SIGMOID,
  NN_HARDTANH,
  NN_RELU6,
  NN_THRESHOLD,
  NN_RELU,
  NN_LEAKYRELU,
  NN_ELU,
  NN_LOGSIGMOID,
  NN_SOFTPLUS,
  NN_SOFTSIGN,
  NN_SOFTSHRINK,
  NN_HARDSHRINK,
  NN_TANHSHRINK,
  NN_GELU,
  NN_NACT
} nn_act;

/* The module name of a kind ("Tanh"), and the kind of a name (-1 when unknown). */
const char *nn_act_name(nn_act k);
int nn_act_lookup(const char *name);

/* out = f(in). out is resized as in, unless it is in itself (or the same view of the same
   storage): then the function is applied in place. Both must be Float or Double tensors
   of one type. */
int nn_act_forward(nn_act k, dl_tensor *out, const dl_tensor *in, double a, double b);
/* gin = df/dx * gout, where in and out are the input and output of the forward call
   (in is out after an in-place forward; the formulas above read what stays valid then).
   gin is resized as in, unless it is gout itself (in-place backward). */
int nn_act_backward(nn_act k, dl_tensor *gin, const dl_tensor *gout, const dl_tensor *in,
                    const dl_tensor *out, double a, double b);

/* PReLU: y = x > 0 ? x : w[c]*x with a weight per channel c (nplane of them), the channel
   being dimension 1 of a 1D or 3D input and dimension 2 of a 2D or 4D (batch) input, as
   in Torch7. nplane = 0 shares the single weight w[1] over every element. */
int nn_prelu_forward(dl_tensor *out, const dl_tensor *in, const dl_tensor *w, int64_t nplane);
int nn_prelu_backward(dl_tensor *gin, const dl_tensor *gout, const dl_tensor *in,
                      const dl_tensor *w, int64_t nplane);
/* gw[c] += scale * sum over the elements x of channel c with x <= 0 of g * x. */
int nn_prelu_accgrad(dl_tensor *gw, const dl_tensor *gout, const dl_tensor *in,
                     int64_t nplane, double scale);

/* The softmax family, over the feature dimension: the only dimension of a 1D input,
   dimension 2 of a 2D (batch x features) input, and as Torch7 the planes of a 3D
   (features x h x w) or 4D (batch x features x h x w) input.
     NN_SOFTMAX     y_i = exp(x_i - max) / sum_j exp(x_j - max)
     NN_LOGSOFTMAX  y_i = x_i - max - log(sum_j exp(x_j - max))
     NN_SOFTMIN     y = softmax(-x) */
typedef enum { NN_SOFTMAX, NN_LOGSOFTMAX, NN_SOFTMIN } nn_softmax_kind;
int nn_softmax_forward(nn_softmax_kind k, dl_tensor *out, const dl_tensor *in);
/* Softmax: gin = y * (g - sum(g*y)); LogSoftMax: gin = g - exp(y) * sum(g);
   SoftMin: the negative of the softmax formula. out is the forward's output. */
int nn_softmax_backward(nn_softmax_kind k, dl_tensor *gin, const dl_tensor *gout,
                        const dl_tensor *out);

#endif
