/* Elementwise layers: the transfer functions, the pointwise layers, PReLU and dropout's
   masked scale, for float and double tensors of any shape and strides.

   Every elementwise kind is one row of the table in activation.c: a forward and a
   backward expression expanded by the elementwise engine's loop generators
   (ops/pointwise.h) into a float and a double loop that op_foreach runs (strided operands,
   OpenMP over large tensors). The kinds, with their parameters a and b (unused ones are
   ignored):
     NN_TANH         y = tanh(x)                         dx = g * (1 - y^2)
     NN_SIGMOID      y = 1 / (1 + exp(-x))               dx = g * y * (1 - y)
     NN_HARDTANH     y = clamp(x, a, b)                  dx = a < x < b ? g : 0  (nn.Clamp too)
     NN_RELU6        HardTanh with a = 0, b = 6
     NN_THRESHOLD    y = x > a ? x : b                   dx = x > a ? g : 0
     NN_RELU         Threshold with a = 0, b = 0
     NN_LEAKYRELU    y = x > 0 ? x : a*x                 dx = x > 0 ? g : a*g
     NN_ELU          y = x > 0 ? x : a*(exp(x) - 1)      dx = y > 0 ? g : g*(y + a)
     NN_LOGSIGMOID   y = -log(1 + exp(-x))               dx = g / (1 + exp(x))
     NN_SOFTPLUS     y = a*x > b ? x : log(1 + exp(a*x)) / a    (a = beta, b = threshold)
                                                         dx = a*x > b ? g : g * sigmoid(a*x)
     NN_SOFTSIGN     y = x / (1 + |x|)                   dx = g / (1 + |x|)^2
     NN_SOFTSHRINK   y = x > a ? x - a : x < -a ? x + a : 0     dx = |x| > a ? g : 0
     NN_HARDSHRINK   y = |x| > a ? x : 0                 dx = |x| > a ? g : 0
     NN_TANHSHRINK   y = x - tanh(x)                     dx = g * tanh(x)^2
     NN_GELU         y = x * Phi(x), Phi the normal CDF (exact erf form)
                                                         dx = g * (Phi(x) + x * phi(x))
     NN_ABS          y = |x|                             dx = g * sign(x)
     NN_EXP          y = exp(x)                          dx = g * y
     NN_LOG          y = log(x)                          dx = g / x
     NN_POWER        y = x^a                             dx = g * a * x^(a-1)
     NN_SQUARE       y = x^2                             dx = g * 2x
     NN_SQRT         y = sqrt(x + a)                     dx = y == 0 ? 0 : g / (2y)
     NN_MULCONSTANT  y = a * x                           dx = a * g
     NN_ADDCONSTANT  y = x + a                           dx = g
   The transfer functions are computed in numerically stable forms (no overflow of exp).

   Every kernel takes fn, the name of what the script called ("nn.ReLU"), first, and
   begins its errors with it (see prelude.h). */
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
  NN_ABS,
  NN_EXP,
  NN_LOG,
  NN_POWER,
  NN_SQUARE,
  NN_SQRT,
  NN_MULCONSTANT,
  NN_ADDCONSTANT,
  NN_NACT
} nn_act;

/* The module name of a kind ("Tanh"), and the kind of a name (-1 when unknown). */
const char *nn_act_name(nn_act k);
int nn_act_lookup(const char *name);

/* out = f(in). out is resized as in, unless it is in itself (or the same view of the same
   storage): then the function is applied in place. Both must be Float or Double tensors
   of one type. */
int nn_act_forward(const char *fn, dl_tensor *out, const dl_tensor *in, nn_act k, double a,
                   double b);
/* gin = df/dx * gout, where in and out are the input and output of the forward call
   (in is out after an in-place forward; the formulas above read what stays valid then).
   gin is resized as in, unless it is gout itself (in-place backward). */
int nn_act_backward(const char *fn, dl_tensor *gin, const dl_tensor *gout, const dl_tensor *in,
                    const dl_tensor *out, nn_act k, double a, double b);

/* PReLU: y = x > 0 ? x : w[c]*x with a weight per channel c (nplane of them), the channel
   being dimension 1 of a 1D or 3D input and dimension 2 of a 2D or 4D (batch) input, as
   in Torch7. nplane = 0 shares the single weight w[1] over every element. */
int nn_prelu_forward(const char *fn, dl_tensor *out, const dl_tensor *in, const dl_tensor *w,
                     int64_t nplane);
int nn_prelu_backward(const char *fn, dl_tensor *gin, const dl_tensor *gout,
                      const dl_tensor *in, const dl_tensor *w, int64_t nplane);
/* gw[c] += scale * sum over the elements x of channel c with x <= 0 of g * x. */
int nn_prelu_accgrad(const char *fn, dl_tensor *gw, const dl_tensor *gout, const dl_tensor *in,
                     int64_t nplane, double scale);

/* out = in * mask * scale, elementwise (dropout's forward and backward, with the mask
   of 0s and 1s drawn by the caller; CMul and Bilinear's products). out may be in itself. */
int nn_mask_scale(const char *fn, dl_tensor *out, const dl_tensor *in, const dl_tensor *mask,
                  double scale);

#endif
