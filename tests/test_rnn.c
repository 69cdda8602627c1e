/* C tests of the fused LSTM and GRU kernels: values against a scalar implementation of
   the cell equations written here, gradients against central differences, a sequence
   against the same cells stepped one call at a time, float against double, masking,
   and the error paths. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/rnn.h"

static void make(dl_tensor *t, dl_dtype dt, int ndim, const int64_t *size) {
  dl_tensor_init(t, dt);
  dl_tensor_new(t, dt, ndim, size);
  memset(dl_tensor_data(t), 0, (size_t)dl_tensor_numel(t) * dl_dtype_size(dt));
}

static double *D(const dl_tensor *t) { return dl_tensor_data(t); }

static double urand(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return ((*s >> 8) & 0xffff) / 65535.0 * 2 - 1;
}

static void fill(dl_tensor *t, unsigned *s) {
  for (int64_t i = 0; i < dl_tensor_numel(t); i++) D(t)[i] = urand(s);
}

static double sig(double v) { return 1 / (1 + exp(-v)); }

enum { NT = 3, NB = 2, ND = 3, NH = 2 };

/* The model under test: x, h0, c0, weight, bias, and a mask, in double. */
typedef struct {
  int gru;
  dl_tensor x, h0, c0, w, b, mask;
} model;

static void model_init(model *m, int gru, unsigned seed) {
  int64_t sx[3] = {NT, NB, ND}, sh[2] = {NB, NH}, sm[2] = {NT, NB};
  int64_t G = gru ? 3 : 4, sw[2] = {G * NH, ND + NH}, sb[1] = {gru ? 6 * NH : 4 * NH};
  m->gru = gru;
  make(&m->x, DL_DOUBLE, 3, sx);
  make(&m->h0, DL_DOUBLE, 2, sh);
  make(&m->c0, DL_DOUBLE, 2, sh);
  make(&m->w, DL_DOUBLE, 2, sw);
  make(&m->b, DL_DOUBLE, 1, sb);
  make(&m->mask, DL_BYTE, 2, sm);
  fill(&m->x, &seed), fill(&m->h0, &seed), fill(&m->c0, &seed), fill(&m->w, &seed);
  fill(&m->b, &seed);
}

static void model_free(model *m) {
  dl_tensor *all[] = {&m->x, &m->h0, &m->c0, &m->w, &m->b, &m->mask};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

/* The cell equations one scalar at a time (rnn.h's layout), into out (T x B x H). */
static void reference(const model *m, const dl_tensor *mask, double *out) {
  double h[NB][NH], c[NB][NH];
  const double *x = D(&m->x), *w = D(&m->w), *b = D(&m->b);
  const uint8_t *mk = mask ? dl_tensor_data(mask) : NULL;
  const int W = ND + NH;
  for (int i = 0; i < NB; i++)
    for (int j = 0; j < NH; j++) h[i][j] = D(&m->h0)[i * NH + j], c[i][j] = D(&m->c0)[i * NH + j];
  for (int t = 0; t < NT; t++) {
    double hn[NB][NH], cn[NB][NH];
    for (int i = 0; i < NB; i++) {
      for (int j = 0; j < NH; j++) {
        /* a[k][0]: input part of gate row k*H + j (with b_ih), a[k][1]: recurrent part */
        double a[4][2];
        for (int k = 0; k < (m->gru ? 3 : 4); k++) {
          int row = k * NH + j;
          a[k][0] = b[row], a[k][1] = m->gru ? b[3 * NH + row] : 0;
          for (int d = 0; d < ND; d++) a[k][0] += w[row * W + d] * x[(t * NB + i) * ND + d];
          for (int e = 0; e < NH; e++) a[k][1] += w[row * W + ND + e] * h[i][e];
        }
        if (m->gru) {
          double r = sig(a[0][0] + a[0][1]), z = sig(a[1][0] + a[1][1]);
          double n = tanh(a[2][0] + r * a[2][1]);
          hn[i][j] = (1 - z) * n + z * h[i][j];
          cn[i][j] = 0;
        } else {
          double ig = sig(a[0][0] + a[0][1]), f = sig(a[1][0] + a[1][1]);
          double g = tanh(a[2][0] + a[2][1]), o = sig(a[3][0] + a[3][1]);
          cn[i][j] = f * c[i][j] + ig * g;
          hn[i][j] = o * tanh(cn[i][j]);
        }
        if (mk && mk[t * NB + i]) hn[i][j] = cn[i][j] = 0;
      }
    }
    for (int i = 0; i < NB; i++)
      for (int j = 0; j < NH; j++) {
        h[i][j] = hn[i][j], c[i][j] = cn[i][j];
        out[(t * NB + i) * NH + j] = h[i][j];
      }
  }
}

/* Buffers of one forward/backward. */
typedef struct {
  dl_tensor out, cell, gates, work, gx, gh0, gc0, dg, gw, gb;
} bufs;

static void bufs_init(bufs *f, const model *m) {
  dl_tensor *all[] = {&f->out, &f->cell, &f->gates, &f->work, &f->gx,
                      &f->gh0, &f->gc0,  &f->dg,    &f->gw,   &f->gb};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_init(all[i], DL_DOUBLE);
  make(&f->gw, DL_DOUBLE, 2, m->w.size);
  make(&f->gb, DL_DOUBLE, 1, m->b.size);
}

static void bufs_free(bufs *f) {
  dl_tensor *all[] = {&f->out, &f->cell, &f->gates, &f->work, &f->gx,
                      &f->gh0, &f->gc0,  &f->dg,    &f->gw,   &f->gb};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) dl_tensor_free(all[i]);
}

static int forward(const model *m, bufs *f, const dl_tensor *mask) {
  if (m->gru)
    return nn_gru_forward("t", &f->out, &f->gates, &f->work, &m->x, &m->h0, &m->w, &m->b, mask);
  return nn_lstm_forward("t", &f->out, &f->cell, &f->gates, &m->x, &m->h0, &m->c0, &m->w, &m->b,
                         mask);
}

/* loss = sum(out .* R) + sum(hT .* RH) (+ sum(cT .* RC) for the LSTM): exercises
   gradOutput and the gradients flowing into the last states. */
static double loss(const model *m, bufs *f, const dl_tensor *R, const dl_tensor *RH,
                   const dl_tensor *RC, const dl_tensor *mask) {
  forward(m, f, mask);
  double s = 0;
  for (int64_t i = 0; i < dl_tensor_numel(R); i++) s += D(&f->out)[i] * D(R)[i];
  for (int64_t i = 0; i < NB * NH; i++) {
    s += D(&f->out)[(NT - 1) * NB * NH + i] * D(RH)[i];
    if (!m->gru) s += D(&f->cell)[(NT - 1) * NB * NH + i] * D(RC)[i];
  }
  return s;
}

static void check_grads(int gru, int masked) {
  model m;
  bufs f;
  model_init(&m, gru, 7 + gru + 10 * masked);
  bufs_init(&f, &m);
  const dl_tensor *mask = masked ? &m.mask : NULL;
  ((uint8_t *)dl_tensor_data(&m.mask))[1 * NB + 0] = 1; /* step 2 of sequence 1 is padding */
  dl_tensor R, RH, RC;
  int64_t so[3] = {NT, NB, NH}, sh[2] = {NB, NH};
  unsigned seed = 99;
  make(&R, DL_DOUBLE, 3, so), make(&RH, DL_DOUBLE, 2, sh), make(&RC, DL_DOUBLE, 2, sh);
  fill(&R, &seed), fill(&RH, &seed), fill(&RC, &seed);

  CHECK(forward(&m, &f, mask) == 0);
  if (gru) {
    CHECK(nn_gru_backward("t", &f.gx, &f.gh0, &f.dg, &m.x, &m.h0, &m.w, &f.out, &f.gates, &R,
                          &RH, mask) == 0);
    CHECK(nn_gru_backward_params("t", &f.gw, &f.gb, &m.x, &m.h0, &f.out, &f.dg, 1) == 0);
  } else {
    CHECK(nn_lstm_backward("t", &f.gx, &f.gh0, &f.gc0, &f.dg, &m.x, &m.h0, &m.c0, &m.w, &f.cell,
                           &f.gates, &R, &RH, &RC, mask) == 0);
    CHECK(nn_lstm_backward_params("t", &f.gw, &f.gb, &m.x, &m.h0, &f.out, &f.dg, 1) == 0);
  }
  /* the analytic gradients are copied before the finite differences reuse the buffers */
  struct {
    dl_tensor *p, *g;
  } pairs[] = {{&m.x, &f.gx}, {&m.h0, &f.gh0}, {&m.c0, &f.gc0}, {&m.w, &f.gw}, {&m.b, &f.gb}};
  int npairs = gru ? 5 : 5;
  for (int k = 0; k < npairs; k++) {
    if (gru && k == 2) continue; /* no cell state */
    int64_t n = dl_tensor_numel(pairs[k].p);
    double *g = malloc((size_t)n * sizeof *g), worst = 0;
    memcpy(g, D(pairs[k].g), (size_t)n * sizeof *g);
    for (int64_t i = 0; i < n; i++) {
      double *v = &D(pairs[k].p)[i], orig = *v, h = 1e-6;
      *v = orig + h;
      double lp = loss(&m, &f, &R, &RH, &RC, mask);
      *v = orig - h;
      double lm = loss(&m, &f, &R, &RH, &RC, mask);
      *v = orig;
      double d = fabs((lp - lm) / (2 * h) - g[i]);
      if (d > worst) worst = d;
    }
    if (worst > 1e-7) fprintf(stderr, "gru %d masked %d operand %d: error %g\n", gru, masked, k, worst);
    CHECK(worst < 1e-7);
    free(g);
  }
  dl_tensor_free(&R), dl_tensor_free(&RH), dl_tensor_free(&RC);
  bufs_free(&f);
  model_free(&m);
}

static void check_values(int gru, int masked) {
  model m;
  bufs f;
  model_init(&m, gru, 3 + gru);
  bufs_init(&f, &m);
  uint8_t *mk = dl_tensor_data(&m.mask);
  mk[0 * NB + 1] = mk[2 * NB + 0] = 1;
  const dl_tensor *mask = masked ? &m.mask : NULL;
  double want[NT * NB * NH];
  reference(&m, mask, want);
  CHECK(forward(&m, &f, mask) == 0);
  for (int i = 0; i < NT * NB * NH; i++) CHECK_NEAR(D(&f.out)[i], want[i], 1e-12);
  if (masked) CHECK(D(&f.out)[(0 * NB + 1) * NH] == 0);

  /* the same cells stepped one call at a time, each step's states fed to the next */
  dl_tensor xs, h, c, ho, co, gs, ws;
  int64_t sh[2] = {NB, NH};
  dl_tensor_init(&ho, DL_DOUBLE), dl_tensor_init(&co, DL_DOUBLE);
  dl_tensor_init(&gs, DL_DOUBLE), dl_tensor_init(&ws, DL_DOUBLE);
  make(&h, DL_DOUBLE, 2, sh), make(&c, DL_DOUBLE, 2, sh);
  memcpy(D(&h), D(&m.h0), sizeof(double) * NB * NH);
  memcpy(D(&c), D(&m.c0), sizeof(double) * NB * NH);
  double worst = 0;
  for (int t = 0; t < NT; t++) {
    dl_tensor_init(&xs, DL_DOUBLE);
    dl_tensor_set(&xs, &m.x);
    dl_tensor_narrow(&xs, 0, t, 1);
    dl_tensor ms;
    dl_tensor_init(&ms, DL_BYTE);
    dl_tensor_set(&ms, &m.mask);
    dl_tensor_narrow(&ms, 0, t, 1);
    const dl_tensor *mt = masked ? &ms : NULL;
    int rc = gru ? nn_gru_forward("t", &ho, &gs, &ws, &xs, &h, &m.w, &m.b, mt)
                 : nn_lstm_forward("t", &ho, &co, &gs, &xs, &h, &c, &m.w, &m.b, mt);
    CHECK(rc == 0);
    for (int i = 0; i < NB * NH; i++) {
      double d = fabs(D(&ho)[i] - D(&f.out)[t * NB * NH + i]);
      if (d > worst) worst = d;
      D(&h)[i] = D(&ho)[i];
      if (!gru) D(&c)[i] = D(&co)[i];
    }
    dl_tensor_free(&xs), dl_tensor_free(&ms);
  }
  CHECK(worst < 1e-14);
  dl_tensor *tmp[] = {&h, &c, &ho, &co, &gs, &ws};
  for (size_t i = 0; i < sizeof tmp / sizeof *tmp; i++) dl_tensor_free(tmp[i]);
  bufs_free(&f);
  model_free(&m);
}

/* Float gives the double answer to float rounding. */
static void check_float(int gru) {
  model m;
  bufs f;
  model_init(&m, gru, 5);
  bufs_init(&f, &m);
  CHECK(forward(&m, &f, NULL) == 0);
  dl_tensor x, h0, c0, w, b, out, cell, gates, work;
  dl_tensor *src[] = {&m.x, &m.h0, &m.c0, &m.w, &m.b}, *dst[] = {&x, &h0, &c0, &w, &b};
  for (int k = 0; k < 5; k++) {
    make(dst[k], DL_FLOAT, src[k]->ndim, src[k]->size);
    for (int64_t i = 0; i < dl_tensor_numel(src[k]); i++)
      ((float *)dl_tensor_data(dst[k]))[i] = (float)D(src[k])[i];
  }
  dl_tensor *bs[] = {&out, &cell, &gates, &work};
  for (int k = 0; k < 4; k++) dl_tensor_init(bs[k], DL_FLOAT);
  int rc = gru ? nn_gru_forward("t", &out, &gates, &work, &x, &h0, &w, &b, NULL)
               : nn_lstm_forward("t", &out, &cell, &gates, &x, &h0, &c0, &w, &b, NULL);
  CHECK(rc == 0);
  for (int i = 0; i < NT * NB * NH; i++)
    CHECK_NEAR(((float *)dl_tensor_data(&out))[i], D(&f.out)[i], 1e-5);
  for (int k = 0; k < 5; k++) dl_tensor_free(dst[k]);
  for (int k = 0; k < 4; k++) dl_tensor_free(bs[k]);
  bufs_free(&f);
  model_free(&m);
}

static void check_errors(void) {
  model m;
  bufs f;
  model_init(&m, 0, 1);
  bufs_init(&f, &m);
  dl_tensor bad, go;
  int64_t sx[3] = {NT, NB, ND + 1}, sh[2] = {NB + 1, NH}, sm[2] = {NT + 1, NB};
  int64_t so[3] = {NT, NB, NH};
  make(&bad, DL_DOUBLE, 3, sx);
  CHECK(nn_lstm_forward("nn.SeqLSTM", &f.out, &f.cell, &f.gates, &bad, NULL, NULL, &m.w, &m.b,
                        NULL) == -1);
  CHECK(strstr(dl_errmsg(), "nn.SeqLSTM: input of size 3x2x4, expected seqlen x batch x 3") != NULL);
  dl_tensor_free(&bad);
  make(&bad, DL_DOUBLE, 2, sh);
  CHECK(nn_lstm_forward("nn.SeqLSTM", &f.out, &f.cell, &f.gates, &m.x, &bad, NULL, &m.w, &m.b,
                        NULL) == -1);
  CHECK(strstr(dl_errmsg(), "nn.SeqLSTM: initial hidden state of size 3x2, expected 2x2") != NULL);
  dl_tensor_free(&bad);
  make(&bad, DL_BYTE, 2, sm);
  CHECK(nn_lstm_forward("nn.SeqLSTM", &f.out, &f.cell, &f.gates, &m.x, NULL, NULL, &m.w, &m.b,
                        &bad) == -1);
  CHECK(strstr(dl_errmsg(), "mask (seqlen x batch) of size 4x2, expected 3x2") != NULL);
  dl_tensor_free(&bad);
  make(&go, DL_DOUBLE, 3, so);
  CHECK(nn_lstm_backward("nn.SeqLSTM", &f.gx, &f.gh0, &f.gc0, &f.dg, &m.x, NULL, NULL, &m.w,
                         &f.cell, &f.gates, &go, NULL, NULL, NULL) == -1);
  CHECK(strstr(dl_errmsg(), "nn.SeqLSTM: backward called before forward") != NULL);
  CHECK(nn_gru_backward_params("nn.SeqGRU", &f.gw, NULL, &m.x, NULL, &f.out, &f.dg, 1) == -1);
  int64_t sw[2] = {3 * NH, ND + NH};
  dl_tensor gw;
  make(&gw, DL_DOUBLE, 2, sw);
  CHECK(nn_gru_backward_params("nn.SeqGRU", &gw, NULL, &m.x, NULL, &f.out, &f.dg, 1) == -1);
  CHECK(strstr(dl_errmsg(), "nn.SeqGRU: accGradParameters called before backward") != NULL);
  /* a weight whose rows are not 4 gates */
  int64_t s5[2] = {5, 4};
  make(&bad, DL_DOUBLE, 2, s5);
  CHECK(nn_lstm_forward("nn.LSTM", &f.out, &f.cell, &f.gates, &m.x, NULL, NULL, &bad, &m.b,
                        NULL) == -1);
  CHECK(strstr(dl_errmsg(), "nn.LSTM: weight of size 5x4, expected 4*H x (inputSize + H)") != NULL);
  dl_tensor_free(&bad), dl_tensor_free(&go), dl_tensor_free(&gw);
  bufs_free(&f);
  model_free(&m);
}

int main(void) {
  for (int gru = 0; gru < 2; gru++) {
    for (int masked = 0; masked < 2; masked++) {
      check_values(gru, masked);
      check_grads(gru, masked);
    }
    check_float(gru);
  }
  check_errors();
  return check_done("test_rnn");
}
