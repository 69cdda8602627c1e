/* C tests of the fused attention kernels: values against a scalar softmax(q k^T s + mask) v
   written here (with a causal mask, an additive mask, padded keys and a row with every
   key masked), gradients against central differences with and without a dropout mask,
   float against double, and the error paths. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/attention.h"
#include "nn_tensors.h"

enum { NB = 2, NH = 2, NT = 3, NS = 4, ND = 3, NDV = 2 };

static double *D(const dl_tensor *t) { return dl_tensor_data(t); }

static double urand(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return ((*s >> 8) & 0xffff) / 65535.0 * 2 - 1;
}

typedef struct {
  dl_tensor q, k, v, mask, pad, drop;
} inputs;

static void inputs_init(inputs *in, unsigned seed) {
  int64_t sq[4] = {NB, NH, NT, ND}, sk[4] = {NB, NH, NS, ND}, sv[4] = {NB, NH, NS, NDV};
  int64_t sm[2] = {NT, NS}, sp[2] = {NB, NS}, sd[4] = {NB, NH, NT, NS};
  make(&in->q, DL_DOUBLE, 4, sq, NULL), make(&in->k, DL_DOUBLE, 4, sk, NULL);
  make(&in->v, DL_DOUBLE, 4, sv, NULL);
  make(&in->mask, DL_DOUBLE, 2, sm, NULL), make(&in->pad, DL_BYTE, 2, sp, NULL);
  make(&in->drop, DL_DOUBLE, 4, sd, NULL);
  dl_tensor *r[] = {&in->q, &in->k, &in->v, &in->mask};
  for (int i = 0; i < 4; i++)
    for (int64_t j = 0; j < dl_tensor_numel(r[i]); j++) D(r[i])[j] = urand(&seed);
  for (int64_t j = 0; j < dl_tensor_numel(&in->drop); j++)
    D(&in->drop)[j] = urand(&seed) > -0.4 ? 1 / 0.7 : 0;
  uint8_t *p = dl_tensor_data(&in->pad);
  p[1] = 1;                          /* batch 0: key 2 padded */
  p[NS + 0] = p[NS + 1] = 1; /* batch 1: keys 1, 2 padded, so under the causal mask its */
}                            /* query 1 (keys 1, 2 visible, 1-based) sees nothing */

static void inputs_free(inputs *in) {
  dl_tensor *all[] = {&in->q, &in->k, &in->v, &in->mask, &in->pad, &in->drop};
  for (int i = 0; i < 6; i++) dl_tensor_free(all[i]);
}

/* The definition, one score at a time. */
static void reference(const inputs *in, int causal, int mask, int pad, double *out) {
  const double *q = D(&in->q), *k = D(&in->k), *v = D(&in->v), *m = D(&in->mask);
  const uint8_t *p = dl_tensor_data(&in->pad);
  for (int b = 0; b < NB; b++)
    for (int h = 0; h < NH; h++)
      for (int i = 0; i < NT; i++) {
        double s[NS], mx = -INFINITY, sum = 0;
        for (int j = 0; j < NS; j++) {
          double d = 0;
          for (int c = 0; c < ND; c++)
            d += q[((b * NH + h) * NT + i) * ND + c] * k[((b * NH + h) * NS + j) * ND + c];
          s[j] = d / sqrt(ND) + (mask ? m[i * NS + j] : 0);
          if ((causal && j > i + NS - NT) || (pad && p[b * NS + j])) s[j] = -INFINITY;
          if (s[j] > mx) mx = s[j];
        }
        for (int j = 0; j < NS; j++) sum += s[j] = mx == -INFINITY ? 0 : exp(s[j] - mx);
        for (int c = 0; c < NDV; c++) {
          double o = 0;
          for (int j = 0; j < NS; j++)
            if (sum > 0) o += s[j] / sum * v[((b * NH + h) * NS + j) * NDV + c];
          out[((b * NH + h) * NT + i) * NDV + c] = o;
        }
      }
}

static void check_values(void) {
  inputs in;
  inputs_init(&in, 7);
  dl_tensor out, probs;
  dl_tensor_init(&out, DL_DOUBLE), dl_tensor_init(&probs, DL_DOUBLE);
  double ref[NB * NH * NT * NDV];
  for (int kind = 0; kind < 8; kind++) {
    int causal = kind & 1, mask = kind & 2, pad = kind & 4;
    CHECK(nn_attention_forward("t", &out, &probs, &in.q, &in.k, &in.v, mask ? &in.mask : NULL,
                               pad ? &in.pad : NULL, NULL, causal, 0) == 0);
    reference(&in, causal, mask, pad, ref);
    for (int i = 0; i < NB * NH * NT * NDV; i++) CHECK_NEAR(D(&out)[i], ref[i], 1e-12);
    for (int i = 0; i < NB * NH * NT * NS; i++) CHECK(!isnan(D(&probs)[i]));
  }
  /* batch 1, query 1 (1-based) under causal + padding: every key masked, so zeros */
  for (int h = 0; h < NH; h++)
    for (int c = 0; c < NDV; c++) CHECK(D(&out)[((NH + h) * NT + 0) * NDV + c] == 0);
  dl_tensor_free(&out), dl_tensor_free(&probs);
  inputs_free(&in);
}

/* sum(out * w) for a fixed w, the scalar whose gradient is checked */
static double loss(inputs *in, int causal, int drop, const double *w) {
  dl_tensor out, probs;
  dl_tensor_init(&out, DL_DOUBLE), dl_tensor_init(&probs, DL_DOUBLE);
  nn_attention_forward("t", &out, &probs, &in->q, &in->k, &in->v, &in->mask, &in->pad,
                       drop ? &in->drop : NULL, causal, 0);
  double l = 0;
  for (int i = 0; i < NB * NH * NT * NDV; i++) l += D(&out)[i] * w[i];
  dl_tensor_free(&out), dl_tensor_free(&probs);
  return l;
}

static void check_grads(int causal, int drop) {
  inputs in;
  inputs_init(&in, 11);
  unsigned seed = 3;
  double w[NB * NH * NT * NDV];
  int64_t so[4] = {NB, NH, NT, NDV};
  dl_tensor out, probs, go, g[3];
  make(&go, DL_DOUBLE, 4, so, NULL);
  for (int i = 0; i < NB * NH * NT * NDV; i++) D(&go)[i] = w[i] = urand(&seed);
  dl_tensor_init(&out, DL_DOUBLE), dl_tensor_init(&probs, DL_DOUBLE);
  for (int i = 0; i < 3; i++) dl_tensor_init(&g[i], DL_DOUBLE);
  dl_tensor *dr = drop ? &in.drop : NULL;
  CHECK(nn_attention_forward("t", &out, &probs, &in.q, &in.k, &in.v, &in.mask, &in.pad, dr,
                             causal, 0) == 0);
  CHECK(nn_attention_backward("t", &g[0], &g[1], &g[2], &in.q, &in.k, &in.v, &probs, dr, &go,
                              0) == 0);
  dl_tensor *x[3] = {&in.q, &in.k, &in.v};
  for (int a = 0; a < 3; a++)
    for (int64_t i = 0; i < dl_tensor_numel(x[a]); i++) {
      double keep = D(x[a])[i], e = 1e-6;
      D(x[a])[i] = keep + e;
      double lp = loss(&in, causal, drop, w);
      D(x[a])[i] = keep - e;
      double lm = loss(&in, causal, drop, w);
      D(x[a])[i] = keep;
      CHECK_NEAR(D(&g[a])[i], (lp - lm) / (2 * e), 1e-7);
    }
  dl_tensor_free(&out), dl_tensor_free(&probs), dl_tensor_free(&go);
  for (int i = 0; i < 3; i++) dl_tensor_free(&g[i]);
  inputs_free(&in);
}

static void tofloat(dl_tensor *f, const dl_tensor *d) {
  make(f, DL_FLOAT, d->ndim, d->size, NULL);
  for (int64_t i = 0; i < dl_tensor_numel(d); i++) ((float *)dl_tensor_data(f))[i] = (float)D(d)[i];
}

static void check_float(void) {
  inputs in;
  inputs_init(&in, 5);
  dl_tensor q, k, v, m, out, probs, outd, probsd;
  tofloat(&q, &in.q), tofloat(&k, &in.k), tofloat(&v, &in.v), tofloat(&m, &in.mask);
  dl_tensor_init(&out, DL_FLOAT), dl_tensor_init(&probs, DL_FLOAT);
  dl_tensor_init(&outd, DL_DOUBLE), dl_tensor_init(&probsd, DL_DOUBLE);
  CHECK(nn_attention_forward("t", &out, &probs, &q, &k, &v, &m, &in.pad, NULL, 1, 0) == 0);
  CHECK(nn_attention_forward("t", &outd, &probsd, &in.q, &in.k, &in.v, &in.mask, &in.pad, NULL,
                             1, 0) == 0);
  for (int64_t i = 0; i < dl_tensor_numel(&outd); i++)
    CHECK_NEAR(((float *)dl_tensor_data(&out))[i], D(&outd)[i], 1e-5);
  dl_tensor *all[] = {&q, &k, &v, &m, &out, &probs, &outd, &probsd};
  for (int i = 0; i < 8; i++) dl_tensor_free(all[i]);
  inputs_free(&in);
}

static void check_errors(void) {
  inputs in;
  inputs_init(&in, 1);
  dl_tensor out, probs, bad;
  dl_tensor_init(&out, DL_DOUBLE), dl_tensor_init(&probs, DL_DOUBLE);
  int64_t s3[4] = {NB, NH, NS - 1, NDV};
  make(&bad, DL_DOUBLE, 4, s3, NULL);
  CHECK(nn_attention_forward("nn.MHA", &out, &probs, &in.q, &in.k,
                             &bad, NULL, NULL, NULL, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.MHA: value of size 2x2x3x2 does not match key of size 2x2x4x3 "
                            "(key length 4, value length 3)") != NULL);
  CHECK(nn_attention_forward("nn.MHA", &out, &probs, &in.q, &in.k,
                             &in.v, &in.pad, NULL, NULL, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.MHA: mask") != NULL && strstr(dl_errmsg(), "Byte") != NULL);
  CHECK(nn_attention_forward("nn.MHA", &out, &probs, &in.q, &in.k,
                             &in.v, NULL, &in.mask, NULL, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(), "nn.MHA: key padding mask must be a Byte tensor") != NULL);
  dl_tensor_free(&bad);
  int64_t sm[2] = {NT, NS + 1};
  make(&bad, DL_DOUBLE, 2, sm, NULL);
  CHECK(nn_attention_forward("nn.MHA", &out, &probs, &in.q, &in.k,
                             &in.v, &bad, NULL, NULL, 0, 0) == -1);
  CHECK(strstr(dl_errmsg(),
               "nn.MHA: mask of size 3x5, expected 3x4 (queries x keys) or 2x2x3x4") != NULL);
  dl_tensor_free(&bad), dl_tensor_free(&out), dl_tensor_free(&probs);
  inputs_free(&in);
}

int main(void) {
  check_values();
  for (int causal = 0; causal < 2; causal++)
    for (int drop = 0; drop < 2; drop++) check_grads(causal, drop);
  check_float();
  check_errors();
  return check_done("test_attention");
}
