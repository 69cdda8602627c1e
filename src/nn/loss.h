/* Criteria: forward (the loss, a number) and backward (its gradient with respect to the
   input) kernels of nn's losses, for Float and Double inputs of any strides. Targets may
   be of another type (they are converted); class targets are 1-based, as Lua sees them.
   Sums are accumulated in double. Every kernel takes fn, the name of what the script
   called ("nn.MSECriterion", the binding passes it), checks its operands once and begins
   its messages with it (src/nn/prelude.h).

   Pointwise criteria, summed over every element i (divided by the number of elements n
   when sizeAverage), each term multiplied by weights[i mod w] when weights (of w elements,
   the size of the last dimension) are given:
     NN_LOSS_MSE          (x - t)^2                             grad 2 (x - t)
     NN_LOSS_ABS          |x - t|                               grad x - t >= 0 ? 1 : -1
     NN_LOSS_SMOOTHL1     |x - t| < 1 ? (x - t)^2 / 2 : |x - t| - 1/2
                                                                grad clamp(x - t, -1, 1)
     NN_LOSS_BCE          -(t log(x + eps) + (1 - t) log(1 - x + eps)), eps = 1e-12
                                                                grad (x - t) / ((1 - x + eps)(x + eps))
     NN_LOSS_BCELOGITS    -(p t log s(x) + (1 - t) log(1 - s(x))), s the sigmoid and p the
                          positive weight (posWeight[i mod w], 1 without), computed as
                          (1 - t) x + (1 + (p - 1) t) (log(1 + exp(-|x|)) + max(-x, 0))
                                                                grad (1 - t) - (1 + (p - 1) t) s(-x)
     NN_LOSS_MULTILABELSOFTMARGIN   the same as BCELOGITS (Torch7 builds it from a sigmoid
                          and a BCECriterion)
     NN_LOSS_DISTKLDIV    t > 0 ? t (log t - x) : 0             grad t > 0 ? -t : 0
     NN_LOSS_MARGIN       max(0, m - t x)                       grad t x < m ? -t : 0
     NN_LOSS_SOFTMARGIN   log(1 + exp(-t x))                    grad -t s(-t x)
     NN_LOSS_HINGE        t == 1 ? x : t == -1 ? max(0, m - x) : 0
                                                                grad 1, -1 when m - x > 0, or 0 */
#ifndef NN_LOSS_H
#define NN_LOSS_H

#include "../core/tensor.h"

typedef enum {
  NN_LOSS_MSE,
  NN_LOSS_ABS,
  NN_LOSS_SMOOTHL1,
  NN_LOSS_BCE,
  NN_LOSS_BCELOGITS,
  NN_LOSS_MULTILABELSOFTMARGIN,
  NN_LOSS_DISTKLDIV,
  NN_LOSS_MARGIN,
  NN_LOSS_SOFTMARGIN,
  NN_LOSS_HINGE,
  NN_NLOSS
} nn_loss;

typedef struct {
  int size_average;           /* divide by the number of elements */
  double margin;              /* MARGIN, HINGE */
  const dl_tensor *weights;   /* BCE, BCELOGITS, MULTILABELSOFTMARGIN; or NULL */
  const dl_tensor *posweight; /* BCELOGITS; or NULL */
} nn_loss_opts;

/* The criterion's class name ("nn.MSECriterion"), for callers that have no other. */
const char *nn_loss_name(nn_loss k);

/* in and tgt must have the same number of elements (their shapes may differ, as Torch7). */
int nn_loss_forward(const char *fn, nn_loss k, double *loss, const dl_tensor *in,
                    const dl_tensor *tgt, const nn_loss_opts *o);
/* gin is resized as in. */
int nn_loss_backward(const char *fn, nn_loss k, dl_tensor *gin, const dl_tensor *in,
                     const dl_tensor *tgt, const nn_loss_opts *o);

/* ClassNLLCriterion: in is nclasses (target: 1 element) or batch x nclasses (target:
   batch elements), holding log-probabilities. With w = weights[t] (1 without weights):
     loss = -sum_i w_i x[i, t_i], divided by sum_i w_i when sizeAverage (and it is > 0);
   targets equal to ignore_index count for nothing. Other targets outside 1..nclasses, and
   float targets that are not integers, are an error:
   "nn.ClassNLLCriterion: target 4 out of range for 3 classes".
   total_weight (may be NULL) receives sum_i w_i. */
int nn_classnll_forward(const char *fn, double *loss, double *total_weight,
                        const dl_tensor *in, const dl_tensor *target, const dl_tensor *weights,
                        int size_average, int64_t ignore_index);
/* gin[i, t_i] = -w_i (/ total weight when sizeAverage), zero elsewhere. */
int nn_classnll_backward(const char *fn, dl_tensor *gin, const dl_tensor *in,
                         const dl_tensor *target, const dl_tensor *weights, int size_average,
                         int64_t ignore_index);

/* MultiMarginCriterion (p = 1 or 2), Torch7's formula: for each sample with target y,
     sum_{i != y} w[y] max(0, margin - x[y] + x[i])^p / nclasses,
   summed over samples and divided by their number when sizeAverage. */
int nn_multimargin_forward(const char *fn, double *loss, const dl_tensor *in,
                           const dl_tensor *target, int64_t p, const dl_tensor *weights,
                           double margin, int size_average);
int nn_multimargin_backward(const char *fn, dl_tensor *gin, const dl_tensor *in,
                            const dl_tensor *target, int64_t p, const dl_tensor *weights,
                            double margin, int size_average);

/* MarginRankingCriterion: x1, x2 and y of n elements each:
     sum_i max(0, -y_i (x1_i - x2_i) + margin), divided by n when sizeAverage. */
int nn_marginranking_forward(const char *fn, double *loss, const dl_tensor *x1,
                             const dl_tensor *x2, const dl_tensor *y, double margin,
                             int size_average);
int nn_marginranking_backward(const char *fn, dl_tensor *g1, dl_tensor *g2,
                              const dl_tensor *x1, const dl_tensor *x2, const dl_tensor *y,
                              double margin, int size_average);

/* CosineEmbeddingCriterion: x1, x2 of d (one pair) or n x d (n pairs), y of 1 or n
   elements. With c = x1.x2 / sqrt((|x1|^2 + eps)(|x2|^2 + eps)), eps = 1e-12:
     y == 1: 1 - c;  y == -1: max(0, c - margin);
   summed over pairs, divided by n when sizeAverage. */
int nn_cosineembedding_forward(const char *fn, double *loss, const dl_tensor *x1,
                               const dl_tensor *x2, const dl_tensor *y, double margin,
                               int size_average);
int nn_cosineembedding_backward(const char *fn, dl_tensor *g1, dl_tensor *g2,
                                const dl_tensor *x1, const dl_tensor *x2, const dl_tensor *y,
                                double margin, int size_average);

#endif
