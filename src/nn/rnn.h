/* Fused recurrent kernels: LSTM and GRU over a whole sequence, float and double.

   A sequence is T x B x D (time, batch, features), contiguous or not (a batch-first
   transpose is read through a contiguous copy). Each call does one GEMM for the input
   projection of every time step, then per step one recurrent GEMM and one pass that
   applies every gate nonlinearity and the state update; backward is the mirror image
   (one recurrent GEMM per step, one GEMM for the input gradient, two for the weights).
   A step module is the same call with T = 1, so stepping a cell T times and running the
   sequence once are the same arithmetic.

   Layout (PyTorch's, so that torch.nn.LSTM/GRU weights copy over directly):
   - weight is G*H x (D + H): the input weights W_ih (G*H x D) side by side with the
     recurrent ones W_hh (G*H x H), i.e. PyTorch's cat(weight_ih, weight_hh, 2); it is an
     nn.Linear(D + H, G*H) applied to [x_t, h_{t-1}].
   - LSTM, G = 4, gates i, f, g, o: bias (4H) is PyTorch's bias_ih + bias_hh.
       c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t)
   - GRU, G = 3, gates r, z, n: bias (6H) is PyTorch's bias_ih followed by bias_hh, since
     r multiplies the recurrent part of n with its own bias:
       n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h_t = (1 - z) * n + z * h_{t-1}

   Buffers are tensors the caller keeps between calls and the kernels resize (contiguous;
   a view of other sizes is refused), so steady-state training allocates nothing:
   - out (T x B x H): every h_t; out[T] is the last hidden state.
   - LSTM cell (T x B x H): every c_t; gates (T x B x 4H): the activated i, f, g, o.
   - GRU gates (T x B x 4H): r, z, n and W_hn h + b_hn; work (B x 3H): scratch.
   - dgates: the pre-activation gradients backward leaves for backward_params (LSTM
     T x B x 4H; GRU T x B x 6H, input side then recurrent side).
   h0, c0 (B x H) may be NULL (zeros). mask (a Byte tensor T x B, may be NULL) marks
   padding: where it is nonzero the step's h and c are 0, so the next step starts from a
   zero state, and no gradient flows through that step.

   fn names what the script called ("nn.SeqLSTM") and begins every error message. */
#ifndef NN_RNN_H
#define NN_RNN_H

#include "../core/tensor.h"
#include "quant.h"

int nn_lstm_forward(const char *fn, dl_tensor *out, dl_tensor *cell, dl_tensor *gates,
                    const dl_tensor *x, const dl_tensor *h0, const dl_tensor *c0,
                    const dl_tensor *weight, const dl_tensor *bias, const dl_tensor *mask);
/* gradX (T x B x D), gradH0 and gradC0 (B x H) from gradOut (T x B x H) and, when not
   NULL, the gradients gradHT, gradCT flowing into the last states from beyond the
   sequence (the next chunk of a truncated BPTT, or the next step of a step module).
   x, h0, c0, weight, mask are those of the forward call that filled out, cell, gates. */
int nn_lstm_backward(const char *fn, dl_tensor *gradX, dl_tensor *gradH0, dl_tensor *gradC0,
                     dl_tensor *dgates, const dl_tensor *x, const dl_tensor *h0,
                     const dl_tensor *c0, const dl_tensor *weight, const dl_tensor *cell,
                     const dl_tensor *gates, const dl_tensor *gradOut,
                     const dl_tensor *gradHT, const dl_tensor *gradCT, const dl_tensor *mask);
/* gradWeight += scale * dW, gradBias (may be NULL) += scale * db, from the dgates of
   nn_lstm_backward and the forward's x, h0 and out. */
int nn_lstm_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                            const dl_tensor *x, const dl_tensor *h0, const dl_tensor *out,
                            const dl_tensor *dgates, double scale);

int nn_gru_forward(const char *fn, dl_tensor *out, dl_tensor *gates, dl_tensor *work,
                   const dl_tensor *x, const dl_tensor *h0, const dl_tensor *weight,
                   const dl_tensor *bias, const dl_tensor *mask);
int nn_gru_backward(const char *fn, dl_tensor *gradX, dl_tensor *gradH0, dl_tensor *dgates,
                    const dl_tensor *x, const dl_tensor *h0, const dl_tensor *weight,
                    const dl_tensor *out, const dl_tensor *gates, const dl_tensor *gradOut,
                    const dl_tensor *gradHT, const dl_tensor *mask);
int nn_gru_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                           const dl_tensor *x, const dl_tensor *h0, const dl_tensor *out,
                           const dl_tensor *dgates, double scale);

/* The int8 forward of dl.quantize's recurrent modules (inference; Float only). The
   weight's two halves are quantized apart (quant.h): wx the input weights W_ih (G*H x D),
   wh the recurrent ones W_hh (G*H x H), both without bias (NULL: the bias above is added
   by the gate pass, as in the float kernels). Each row of x, and each step's h_{t-1}, is
   quantized with its own range, so a sequence's result does not depend on its batch and
   stepping T times equals one call on T steps. One int8 GEMM for the input projection of
   every step, one per step for the recurrent one, then the float kernels' own gate pass.
   work (LSTM B x 4H, GRU B x 3H) holds a step's recurrent product; qbuf is the int8
   kernels' scratch (Byte); both resized here, as the other buffers. */
int nn_qlstm_forward(const char *fn, dl_tensor *out, dl_tensor *cell, dl_tensor *gates,
                     dl_tensor *work, dl_tensor *qbuf, const dl_tensor *x, const dl_tensor *h0,
                     const dl_tensor *c0, const nn_qweights *wx, const nn_qweights *wh,
                     const dl_tensor *bias, const dl_tensor *mask);
int nn_qgru_forward(const char *fn, dl_tensor *out, dl_tensor *gates, dl_tensor *work,
                    dl_tensor *qbuf, const dl_tensor *x, const dl_tensor *h0,
                    const nn_qweights *wx, const nn_qweights *wh, const dl_tensor *bias,
                    const dl_tensor *mask);

#endif
