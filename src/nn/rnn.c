/* Fused LSTM and GRU kernels (see rnn.h): the checks, each once, then a typed loop from
   rnn_loops.h on contiguous data. */
/* The gate loops must vectorise (their exp and tanh cost more than the GEMMs otherwise),
   and GCC will not if-convert fast_expf's clamp in front of a float-to-int conversion while
   floating-point traps are modelled. Nothing here reads the floating-point flags. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif
#include "rnn.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "../ops/gemm.h"
#include "fastmath.h"
#include "prelude.h"

/* The BLAS product, exp and tanh for the loops' element type T (set by float_loops.h). */
static inline double exp_double(double v) { return exp(v); }
static inline double tanh_double(double v) { return tanh(v); }
#define GEMM _Generic((T)0, float: op_sgemm_raw, default: op_dgemm_raw)
#define EXP _Generic((T)0, float: nn_fast_expf, default: exp_double)
#define TANH _Generic((T)0, float: nn_fast_tanhf, default: tanh_double)
#define NN_LOOPS "rnn_loops.h"
#include "float_loops.h"
#undef TANH
#undef EXP
#undef GEMM

/* Calls name_float or name_double after dt (checked to be one of them); the pointer
   arguments are void * and convert to either signature. */
#define TYPED(dt, name, ...) \
  ((dt) == DL_FLOAT ? name##_float(__VA_ARGS__) : name##_double(__VA_ARGS__))

typedef struct {
  int64_t T, B, D, H;
} seq_dims;

/* What the whole sequence is, from the input (T x B x D) and the weight (G*H x (D + H)).
   The largest buffer is T x B x 6H (the GRU's dgates), and every GEMM dimension must fit
   BLAS's int. */
static int check_seq(const char *fn, const dl_tensor *x, const dl_tensor *weight, int G,
                     seq_dims *s) {
  char b1[96], b2[96];
  if (nn_check_float(fn, "input", x) < 0 || nn_check_ndim(fn, "input", x, 3, 3) < 0 ||
      nn_check_type(fn, "weight", weight, x->dtype) < 0)
    return -1;
  int64_t rows = weight->ndim == 2 ? weight->size[0] : 0, H = rows / G;
  if (weight->ndim != 2 || rows < G || rows % G != 0 || weight->size[1] <= H)
    return dl_error("%s: weight of size %s, expected %d*H x (inputSize + H)", fn,
                    dl_sizestr(b1, sizeof b1, weight->ndim, weight->size), G);
  s->T = x->size[0], s->B = x->size[1], s->D = weight->size[1] - H, s->H = H;
  if (s->T < 1 || s->B < 1 || x->size[2] != s->D)
    return dl_error("%s: input of size %s, expected seqlen x batch x %lld (at least one step "
                    "and one sequence; weight %s)", fn, dl_sizestr(b1, sizeof b1, 3, x->size),
                    (long long)s->D, dl_sizestr(b2, sizeof b2, 2, weight->size));
  int64_t big[4] = {s->T, s->B, 6, H};
  if (dl_numel_checked(fn, 4, big) < 0) return -1;
  if (s->T * s->B > INT_MAX || 6 * H > INT_MAX || s->D + H > INT_MAX)
    return dl_error("%s: input %s and weight %s are too large for BLAS", fn,
                    dl_sizestr(b1, sizeof b1, 3, x->size),
                    dl_sizestr(b2, sizeof b2, 2, weight->size));
  return 0;
}

/* A B x H state (h0, c0, or a gradient w.r.t. a last state), when given. */
static int check_state(const char *fn, const char *what, const dl_tensor *t, dl_dtype dt,
                       const seq_dims *s) {
  if (!t) return 0;
  int64_t want[2] = {s->B, s->H};
  if (nn_check_type(fn, what, t, dt) < 0) return -1;
  return nn_check_size(fn, what, t, 2, want);
}

static int check_mask(const char *fn, const dl_tensor *mask, const seq_dims *s) {
  if (!mask) return 0;
  if (mask->dtype != DL_BYTE)
    return dl_error("%s: mask must be a Byte tensor (1 at padding steps), got a %s tensor", fn,
                    dl_dtype_name(mask->dtype));
  int64_t want[2] = {s->T, s->B};
  return nn_check_size(fn, "mask (seqlen x batch)", mask, 2, want);
}

/* A buffer forward filled for this input: T x B x n. Empty means forward never ran. */
static int check_saved(const char *fn, const char *what, const dl_tensor *t, dl_dtype dt,
                       const seq_dims *s, int64_t n, const char *before) {
  char b1[96], b2[96];
  int64_t want[3] = {s->T, s->B, n};
  if (dl_tensor_numel(t) == 0)
    return dl_error("%s: %s called before %s", fn, before,
                    strcmp(before, "backward") == 0 ? "forward" : "backward");
  if (nn_check_type(fn, what, t, dt) < 0) return -1;
  if (t->ndim != 3 || t->size[0] != want[0] || t->size[1] != want[1] || t->size[2] != n)
    return dl_error("%s: %s of size %s do not match the input (expected %s): call forward "
                    "with this input first", fn, what, dl_sizestr(b1, sizeof b1, t->ndim, t->size),
                    dl_sizestr(b2, sizeof b2, 3, want));
  return 0;
}

static int check_grad_out(const char *fn, const dl_tensor *g, dl_dtype dt, const seq_dims *s) {
  int64_t want[3] = {s->T, s->B, s->H};
  if (nn_check_type(fn, "gradOutput", g, dt) < 0) return -1;
  return nn_check_size(fn, "gradOutput", g, 3, want);
}

/* Contiguous versions of the read-only operands, freed together. */
typedef struct {
  dl_tensor t[10];
  int n, rc;
} contig_set;

static const void *cdata(contig_set *c, const dl_tensor *src) {
  if (!src || c->rc < 0) return NULL;
  dl_tensor *d = &c->t[c->n++];
  if (nn_contiguous(d, src) < 0) {
    c->rc = -1;
    return NULL;
  }
  return dl_tensor_data(d);
}

static int cfree(contig_set *c) {
  for (int i = 0; i < c->n; i++) dl_tensor_free(&c->t[i]);
  return c->rc;
}

static int resize3(const char *fn, dl_tensor *t, dl_dtype dt, int64_t a, int64_t b, int64_t n) {
  int64_t size[3] = {a, b, n};
  if (nn_check_type(fn, "buffer", t, dt) < 0) return -1;
  return dl_tensor_resize_contig(fn, t, 3, size);
}

static int resize2(const char *fn, dl_tensor *t, dl_dtype dt, int64_t a, int64_t b) {
  int64_t size[2] = {a, b};
  if (nn_check_type(fn, "buffer", t, dt) < 0) return -1;
  return dl_tensor_resize_contig(fn, t, 2, size);
}

/* The weight gradient is written through a raw pointer, so it must be contiguous (it is
   after getParameters). */
static int check_grad_params(const char *fn, const dl_tensor *gw, const dl_tensor *gb,
                             const dl_tensor *x, const seq_dims *s, int G, int64_t nbias) {
  char b1[96];
  int64_t want[2] = {G * s->H, s->D + s->H};
  if (nn_check_type(fn, "gradWeight", gw, x->dtype) < 0 ||
      nn_check_size(fn, "gradWeight", gw, 2, want) < 0 ||
      nn_check_vec(fn, "gradBias", gb, nbias, x->dtype) < 0)
    return -1;
  if (!dl_tensor_iscontiguous(gw) || (gb && !dl_tensor_iscontiguous(gb)))
    return dl_error("%s: gradWeight and gradBias must be contiguous (gradWeight strides %s)",
                    fn, dl_sizestr(b1, sizeof b1, gw->ndim, gw->stride));
  return 0;
}

/* Both cells' weight gradients: the LSTM's dgates are 4H wide, the GRU's 6H (the bias
   gradient of the GRU is 6H too, input side then recurrent side). */
static int backward_params(const char *fn, int gru, dl_tensor *gradWeight, dl_tensor *gradBias,
                           const dl_tensor *x, const dl_tensor *h0, const dl_tensor *out,
                           const dl_tensor *dgates, double scale) {
  seq_dims s;
  int G = gru ? 3 : 4;
  if (check_seq(fn, x, gradWeight, G, &s) < 0) return -1;
  dl_dtype dt = x->dtype;
  int64_t width = (gru ? 6 : 4) * s.H;
  if (check_grad_params(fn, gradWeight, gradBias, x, &s, G, width) < 0 ||
      check_saved(fn, "gate gradients", dgates, dt, &s, width, "accGradParameters") < 0 ||
      check_saved(fn, "outputs", out, dt, &s, s.H, "backward") < 0 ||
      check_state(fn, "initial hidden state", h0, dt, &s) < 0)
    return -1;
  contig_set c = {.n = 0, .rc = 0};
  const void *xp = cdata(&c, x), *hp = cdata(&c, h0), *op = cdata(&c, out);
  const void *dp = cdata(&c, dgates);
  void *gw = dl_tensor_data(gradWeight), *gb = gradBias ? dl_tensor_data(gradBias) : NULL;
  if (c.rc == 0 && gru)
    TYPED(dt, gru_params, gw, gb, xp, hp, op, dp, s.T, s.B, s.D, s.H, scale);
  else if (c.rc == 0)
    TYPED(dt, lstm_params, gw, gb, xp, hp, op, dp, s.T, s.B, s.D, s.H, scale);
  return cfree(&c);
}

/* ---- LSTM ------------------------------------------------------------------------- */

int nn_lstm_forward(const char *fn, dl_tensor *out, dl_tensor *cell, dl_tensor *gates,
                    const dl_tensor *x, const dl_tensor *h0, const dl_tensor *c0,
                    const dl_tensor *weight, const dl_tensor *bias, const dl_tensor *mask) {
  seq_dims s;
  if (check_seq(fn, x, weight, 4, &s) < 0) return -1;
  dl_dtype dt = x->dtype;
  if (check_state(fn, "initial hidden state", h0, dt, &s) < 0 ||
      check_state(fn, "initial cell state", c0, dt, &s) < 0 ||
      nn_check_vec(fn, "bias", bias, 4 * s.H, dt) < 0 || check_mask(fn, mask, &s) < 0)
    return -1;
  if (!bias) return dl_error("%s: bias is required", fn);
  if (resize3(fn, out, dt, s.T, s.B, s.H) < 0 || resize3(fn, cell, dt, s.T, s.B, s.H) < 0 ||
      resize3(fn, gates, dt, s.T, s.B, 4 * s.H) < 0)
    return -1;
  contig_set c = {.n = 0, .rc = 0};
  const void *xp = cdata(&c, x), *hp = cdata(&c, h0), *cp = cdata(&c, c0);
  const void *wp = cdata(&c, weight), *bp = cdata(&c, bias), *mp = cdata(&c, mask);
  if (c.rc == 0)
    TYPED(dt, lstm_forward, dl_tensor_data(out), dl_tensor_data(cell), dl_tensor_data(gates),
          xp, hp, cp, wp, bp, mp, s.T, s.B, s.D, s.H);
  return cfree(&c);
}

int nn_lstm_backward(const char *fn, dl_tensor *gradX, dl_tensor *gradH0, dl_tensor *gradC0,
                     dl_tensor *dgates, const dl_tensor *x, const dl_tensor *h0,
                     const dl_tensor *c0, const dl_tensor *weight, const dl_tensor *cell,
                     const dl_tensor *gates, const dl_tensor *gradOut,
                     const dl_tensor *gradHT, const dl_tensor *gradCT, const dl_tensor *mask) {
  seq_dims s;
  if (check_seq(fn, x, weight, 4, &s) < 0) return -1;
  dl_dtype dt = x->dtype;
  if (check_saved(fn, "gates", gates, dt, &s, 4 * s.H, "backward") < 0 ||
      check_saved(fn, "cell states", cell, dt, &s, s.H, "backward") < 0 ||
      check_grad_out(fn, gradOut, dt, &s) < 0 ||
      check_state(fn, "initial hidden state", h0, dt, &s) < 0 ||
      check_state(fn, "initial cell state", c0, dt, &s) < 0 ||
      check_state(fn, "gradient of the last hidden state", gradHT, dt, &s) < 0 ||
      check_state(fn, "gradient of the last cell state", gradCT, dt, &s) < 0 ||
      check_mask(fn, mask, &s) < 0)
    return -1;
  contig_set c = {.n = 0, .rc = 0};
  const void *cp = cdata(&c, c0), *wp = cdata(&c, weight), *go = cdata(&c, gradOut);
  const void *ght = cdata(&c, gradHT), *gct = cdata(&c, gradCT), *mp = cdata(&c, mask);
  if (c.rc == 0 &&
      (resize3(fn, gradX, dt, s.T, s.B, s.D) < 0 || resize2(fn, gradH0, dt, s.B, s.H) < 0 ||
       resize2(fn, gradC0, dt, s.B, s.H) < 0 || resize3(fn, dgates, dt, s.T, s.B, 4 * s.H) < 0))
    c.rc = -1;
  if (c.rc == 0)
    TYPED(dt, lstm_backward, dl_tensor_data(gradX), dl_tensor_data(gradH0),
          dl_tensor_data(gradC0), dl_tensor_data(dgates), cp, wp, dl_tensor_data(cell),
          dl_tensor_data(gates), go, ght, gct, mp, s.T, s.B, s.D, s.H);
  return cfree(&c);
}

int nn_lstm_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                            const dl_tensor *x, const dl_tensor *h0, const dl_tensor *out,
                            const dl_tensor *dgates, double scale) {
  return backward_params(fn, 0, gradWeight, gradBias, x, h0, out, dgates, scale);
}

/* ---- GRU -------------------------------------------------------------------------- */

int nn_gru_forward(const char *fn, dl_tensor *out, dl_tensor *gates, dl_tensor *work,
                   const dl_tensor *x, const dl_tensor *h0, const dl_tensor *weight,
                   const dl_tensor *bias, const dl_tensor *mask) {
  seq_dims s;
  if (check_seq(fn, x, weight, 3, &s) < 0) return -1;
  dl_dtype dt = x->dtype;
  if (check_state(fn, "initial hidden state", h0, dt, &s) < 0 ||
      nn_check_vec(fn, "bias", bias, 6 * s.H, dt) < 0 || check_mask(fn, mask, &s) < 0)
    return -1;
  if (!bias) return dl_error("%s: bias is required", fn);
  if (resize3(fn, out, dt, s.T, s.B, s.H) < 0 || resize3(fn, gates, dt, s.T, s.B, 4 * s.H) < 0 ||
      resize2(fn, work, dt, s.B, 3 * s.H) < 0)
    return -1;
  contig_set c = {.n = 0, .rc = 0};
  const void *xp = cdata(&c, x), *hp = cdata(&c, h0), *wp = cdata(&c, weight);
  const void *bp = cdata(&c, bias), *mp = cdata(&c, mask);
  if (c.rc == 0)
    TYPED(dt, gru_forward, dl_tensor_data(out), dl_tensor_data(gates), dl_tensor_data(work), xp,
          hp, wp, bp, mp, s.T, s.B, s.D, s.H);
  return cfree(&c);
}

int nn_gru_backward(const char *fn, dl_tensor *gradX, dl_tensor *gradH0, dl_tensor *dgates,
                    const dl_tensor *x, const dl_tensor *h0, const dl_tensor *weight,
                    const dl_tensor *out, const dl_tensor *gates, const dl_tensor *gradOut,
                    const dl_tensor *gradHT, const dl_tensor *mask) {
  seq_dims s;
  if (check_seq(fn, x, weight, 3, &s) < 0) return -1;
  dl_dtype dt = x->dtype;
  if (check_saved(fn, "gates", gates, dt, &s, 4 * s.H, "backward") < 0 ||
      check_saved(fn, "outputs", out, dt, &s, s.H, "backward") < 0 ||
      check_grad_out(fn, gradOut, dt, &s) < 0 ||
      check_state(fn, "initial hidden state", h0, dt, &s) < 0 ||
      check_state(fn, "gradient of the last hidden state", gradHT, dt, &s) < 0 ||
      check_mask(fn, mask, &s) < 0)
    return -1;
  contig_set c = {.n = 0, .rc = 0};
  const void *hp = cdata(&c, h0), *wp = cdata(&c, weight), *go = cdata(&c, gradOut);
  const void *ght = cdata(&c, gradHT), *mp = cdata(&c, mask);
  if (c.rc == 0 &&
      (resize3(fn, gradX, dt, s.T, s.B, s.D) < 0 || resize2(fn, gradH0, dt, s.B, s.H) < 0 ||
       resize3(fn, dgates, dt, s.T, s.B, 6 * s.H) < 0))
    c.rc = -1;
  if (c.rc == 0)
    TYPED(dt, gru_backward, dl_tensor_data(gradX), dl_tensor_data(gradH0),
          dl_tensor_data(dgates), hp, wp, dl_tensor_data(out), dl_tensor_data(gates), go, ght, mp,
          s.T, s.B, s.D, s.H);
  return cfree(&c);
}

int nn_gru_backward_params(const char *fn, dl_tensor *gradWeight, dl_tensor *gradBias,
                           const dl_tensor *x, const dl_tensor *h0, const dl_tensor *out,
                           const dl_tensor *dgates, double scale) {
  return backward_params(fn, 1, gradWeight, gradBias, x, h0, out, dgates, scale);
}

/* ---- int8 forward (rnn.h) ---------------------------------------------------------- */

/* The sequence's sizes from the input (T x B x D, Float) and the two weight halves. */
static int check_qseq(const char *fn, const dl_tensor *x, const nn_qweights *wx,
                      const nn_qweights *wh, int G, seq_dims *s) {
  char b1[96];
  if (nn_check_qweights(fn, wx) < 0 || nn_check_qweights(fn, wh) < 0) return -1;
  if (x->dtype != DL_FLOAT)
    return dl_error("%s: input must be a Float tensor, got a %s tensor", fn,
                    dl_dtype_name(x->dtype));
  if (nn_check_ndim(fn, "input", x, 3, 3) < 0) return -1;
  int64_t n = wx->scale->size[0], H = n / G;
  if (n % G != 0 || wh->scale->size[0] != n || wh->k != H)
    return dl_error("%s: input weights of %lld outputs and recurrent weights %lld x %lld, "
                    "expected %d*H x inputSize and %d*H x H", fn, (long long)n,
                    (long long)wh->scale->size[0], (long long)wh->k, G, G);
  s->T = x->size[0], s->B = x->size[1], s->D = wx->k, s->H = H;
  if (s->T < 1 || s->B < 1 || x->size[2] != s->D)
    return dl_error("%s: input of size %s, expected seqlen x batch x %lld (at least one step "
                    "and one sequence)", fn, dl_sizestr(b1, sizeof b1, 3, x->size),
                    (long long)s->D);
  int64_t big[4] = {s->T, s->B, 4, H};
  return dl_numel_checked(fn, 4, big) < 0 ? -1 : 0;
}

static int qlstm_steps(const char *fn, float *out, float *cell, float *gates, float *work,
                       dl_tensor *qbuf, const float *x, const float *h0, const float *c0,
                       const nn_qweights *wx, const nn_qweights *wh, const float *bias,
                       const uint8_t *mask, const seq_dims *s) {
  const int64_t B = s->B, H = s->H, G = 4 * H, BH = B * H;
  if (nn_qrows_product(fn, gates, G, 1, qbuf, x, s->D, s->T * B, wx, 0) < 0) return -1;
  for (int64_t t = 0; t < s->T; t++) {
    const float *hp = t ? out + (t - 1) * BH : h0, *cp = t ? cell + (t - 1) * BH : c0;
    float *g = gates + t * B * G;
    if (hp) {
      if (nn_qrows_product(fn, work, G, 1, qbuf, hp, H, B, wh, 0) < 0) return -1;
      for (int64_t k = 0; k < B * G; k++) g[k] += work[k];
    }
    lstm_gates_float(g, cell + t * BH, out + t * BH, cp, bias, mask ? mask + t * B : NULL, B, H);
  }
  return 0;
}

int nn_qlstm_forward(const char *fn, dl_tensor *out, dl_tensor *cell, dl_tensor *gates,
                     dl_tensor *work, dl_tensor *qbuf, const dl_tensor *x, const dl_tensor *h0,
                     const dl_tensor *c0, const nn_qweights *wx, const nn_qweights *wh,
                     const dl_tensor *bias, const dl_tensor *mask) {
  seq_dims s;
  if (check_qseq(fn, x, wx, wh, 4, &s) < 0) return -1;
  if (check_state(fn, "initial hidden state", h0, DL_FLOAT, &s) < 0 ||
      check_state(fn, "initial cell state", c0, DL_FLOAT, &s) < 0 ||
      nn_check_vec(fn, "bias", bias, 4 * s.H, DL_FLOAT) < 0 || check_mask(fn, mask, &s) < 0 ||
      nn_check_type(fn, "buffer", qbuf, DL_BYTE) < 0)
    return -1;
  if (!bias) return dl_error("%s: bias is required", fn);
  if (resize3(fn, out, DL_FLOAT, s.T, s.B, s.H) < 0 ||
      resize3(fn, cell, DL_FLOAT, s.T, s.B, s.H) < 0 ||
      resize3(fn, gates, DL_FLOAT, s.T, s.B, 4 * s.H) < 0 ||
      resize2(fn, work, DL_FLOAT, s.B, 4 * s.H) < 0)
    return -1;
  contig_set c = {.n = 0, .rc = 0};
  const float *xp = cdata(&c, x), *hp = cdata(&c, h0), *cp = cdata(&c, c0);
  const float *bp = cdata(&c, bias);
  const uint8_t *mp = cdata(&c, mask);
  if (c.rc == 0 && qlstm_steps(fn, dl_tensor_data(out), dl_tensor_data(cell),
                               dl_tensor_data(gates), dl_tensor_data(work), qbuf, xp, hp, cp,
                               wx, wh, bp, mp, &s) < 0)
    c.rc = -1;
  return cfree(&c);
}

static int qgru_steps(const char *fn, float *out, float *gates, float *work, dl_tensor *qbuf,
                      const float *x, const float *h0, const nn_qweights *wx,
                      const nn_qweights *wh, const float *bias, const uint8_t *mask,
                      const seq_dims *s) {
  const int64_t B = s->B, H = s->H, G = 3 * H, L = 4 * H, BH = B * H;
  /* the input side fills the first 3H of each 4H row of gates */
  if (nn_qrows_product(fn, gates, L, 1, qbuf, x, s->D, s->T * B, wx, 0) < 0) return -1;
  for (int64_t t = 0; t < s->T; t++) {
    const float *hp = t ? out + (t - 1) * BH : h0;
    if (hp && nn_qrows_product(fn, work, G, 1, qbuf, hp, H, B, wh, 0) < 0) return -1;
    gru_gates_float(gates + t * B * L, out + t * BH, work, hp, bias, mask ? mask + t * B : NULL,
                    B, H);
  }
  return 0;
}

int nn_qgru_forward(const char *fn, dl_tensor *out, dl_tensor *gates, dl_tensor *work,
                    dl_tensor *qbuf, const dl_tensor *x, const dl_tensor *h0,
                    const nn_qweights *wx, const nn_qweights *wh, const dl_tensor *bias,
                    const dl_tensor *mask) {
  seq_dims s;
  if (check_qseq(fn, x, wx, wh, 3, &s) < 0) return -1;
  if (check_state(fn, "initial hidden state", h0, DL_FLOAT, &s) < 0 ||
      nn_check_vec(fn, "bias", bias, 6 * s.H, DL_FLOAT) < 0 || check_mask(fn, mask, &s) < 0 ||
      nn_check_type(fn, "buffer", qbuf, DL_BYTE) < 0)
    return -1;
  if (!bias) return dl_error("%s: bias is required", fn);
  if (resize3(fn, out, DL_FLOAT, s.T, s.B, s.H) < 0 ||
      resize3(fn, gates, DL_FLOAT, s.T, s.B, 4 * s.H) < 0 ||
      resize2(fn, work, DL_FLOAT, s.B, 3 * s.H) < 0)
    return -1;
  contig_set c = {.n = 0, .rc = 0};
  const float *xp = cdata(&c, x), *hp = cdata(&c, h0), *bp = cdata(&c, bias);
  const uint8_t *mp = cdata(&c, mask);
  if (c.rc == 0 && qgru_steps(fn, dl_tensor_data(out), dl_tensor_data(gates),
                              dl_tensor_data(work), qbuf, xp, hp, wx, wh, bp, mp, &s) < 0)
    c.rc = -1;
  return cfree(&c);
}
