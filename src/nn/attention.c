/* Fused scaled dot-product attention (see attention.h): the checks, each once, then a
   typed loop from attention_loops.h on contiguous data. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math") /* for fastmath.h's clamps, as in rnn.c */
#endif
#include "attention.h"

#include <limits.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "../ops/gemm.h"
#include "fastmath.h"
#include "prelude.h"

/* One operand's heads: element (b, h, t, d) is at data[b sb + h sh + t st + d]. The rows
   of a head are GEMM rows with leading dimension st, so q, k and v may be views of one
   B x T x 3 x H x D projection and out a view of a B x T x H x D context: no copies. */
typedef struct {
  void *data;
  int64_t sb, sh, st;
} attn_heads;

/* float softmax exps through fastmath.h (the row loops vectorise), double through libm */
static inline double exp_double(double v) { return exp(v); }
#define GEMM _Generic((T)0, float: op_sgemm_raw, default: op_dgemm_raw)
#define EXP _Generic((T)0, float: nn_fast_expf, default: exp_double)
#define NN_LOOPS "attention_loops.h"
#include "float_loops.h"
#undef EXP
#undef GEMM

typedef struct {
  int64_t B, H, T, S, D, Dv;
} attn_dims;

/* q B x H x T x D, k B x H x S x D, v B x H x S x Dv, all of q's type; the probability
   tensor B x H x T x S must count its elements without overflow, and every GEMM
   dimension must fit BLAS's int. */
static int check_qkv(const char *fn, const dl_tensor *q, const dl_tensor *k, const dl_tensor *v,
                     attn_dims *a) {
  char b1[96], b2[96], b3[96];
  if (nn_check_float(fn, "query", q) < 0 || nn_check_type(fn, "key", k, q->dtype) < 0 ||
      nn_check_type(fn, "value", v, q->dtype) < 0)
    return -1;
  if (q->ndim != 4 || k->ndim != 4 || v->ndim != 4)
    return dl_error("%s: query %s, key %s, value %s: expected 4D tensors (batch x heads x "
                    "length x headSize)", fn, dl_sizestr(b1, sizeof b1, q->ndim, q->size),
                    dl_sizestr(b2, sizeof b2, k->ndim, k->size),
                    dl_sizestr(b3, sizeof b3, v->ndim, v->size));
  a->B = q->size[0], a->H = q->size[1], a->T = q->size[2], a->D = q->size[3];
  a->S = k->size[2], a->Dv = v->size[3];
  if (k->size[0] != a->B || k->size[1] != a->H || k->size[3] != a->D)
    return dl_error("%s: key of size %s does not match query of size %s (expected %lldx%lldx"
                    "S x%lld)", fn, dl_sizestr(b1, sizeof b1, 4, k->size),
                    dl_sizestr(b2, sizeof b2, 4, q->size), (long long)a->B, (long long)a->H,
                    (long long)a->D);
  if (v->size[0] != a->B || v->size[1] != a->H || v->size[2] != a->S)
    return dl_error("%s: value of size %s does not match key of size %s (key length %lld, "
                    "value length %lld)", fn, dl_sizestr(b1, sizeof b1, 4, v->size),
                    dl_sizestr(b2, sizeof b2, 4, k->size), (long long)a->S,
                    (long long)v->size[2]);
  int64_t big[4] = {a->B, a->H, a->T, a->S};
  if (dl_numel_checked(fn, 4, big) < 0) return -1;
  int64_t bq[4] = {a->B, a->H, a->T, a->D > a->Dv ? a->D : a->Dv};
  int64_t bk[4] = {a->B, a->H, a->S, a->D > a->Dv ? a->D : a->Dv};
  if (dl_numel_checked(fn, 4, bq) < 0 || dl_numel_checked(fn, 4, bk) < 0) return -1;
  if (a->T > INT_MAX || a->S > INT_MAX || a->D > INT_MAX || a->Dv > INT_MAX)
    return dl_error("%s: query %s and key %s are too large for BLAS", fn,
                    dl_sizestr(b1, sizeof b1, 4, q->size), dl_sizestr(b2, sizeof b2, 4, k->size));
  return 0;
}

/* A B x H x T x S tensor of q's type (drop, or the saved probabilities). */
static int check_bhts(const char *fn, const char *what, const dl_tensor *t, dl_dtype dt,
                      const attn_dims *a) {
  int64_t want[4] = {a->B, a->H, a->T, a->S};
  if (nn_check_type(fn, what, t, dt) < 0) return -1;
  return nn_check_size(fn, what, t, 4, want);
}

static int check_masks(const char *fn, const dl_tensor *mask, const dl_tensor *pad,
                       dl_dtype dt, const attn_dims *a) {
  char b1[96], b2[96], b3[96];
  if (mask) {
    int64_t w2[2] = {a->T, a->S}, w4[4] = {a->B, a->H, a->T, a->S};
    if (nn_check_type(fn, "mask", mask, dt) < 0) return -1;
    int ok2 = mask->ndim == 2 && mask->size[0] == a->T && mask->size[1] == a->S;
    int ok4 = mask->ndim == 4 && mask->size[0] == a->B && mask->size[1] == a->H &&
              mask->size[2] == a->T && mask->size[3] == a->S;
    if (!ok2 && !ok4)
      return dl_error("%s: mask of size %s, expected %s (queries x keys) or %s", fn,
                      dl_sizestr(b1, sizeof b1, mask->ndim, mask->size),
                      dl_sizestr(b2, sizeof b2, 2, w2), dl_sizestr(b3, sizeof b3, 4, w4));
  }
  if (pad) {
    int64_t want[2] = {a->B, a->S};
    if (pad->dtype != DL_BYTE)
      return dl_error("%s: key padding mask must be a Byte tensor (1 at padded keys), got a "
                      "%s tensor", fn, dl_dtype_name(pad->dtype));
    if (pad->ndim != 2 || pad->size[0] != a->B || pad->size[1] != a->S)
      return dl_error("%s: key padding mask of size %s, expected %s (batch x keys)", fn,
                      dl_sizestr(b1, sizeof b1, pad->ndim, pad->size),
                      dl_sizestr(b2, sizeof b2, 2, want));
  }
  return 0;
}

/* t's heads, when its layout is one the loops take: the last dimension dense (stride 1, or
   a single element) and each row's stride at least its length and within BLAS's int. */
static int heads_of(const dl_tensor *t, attn_heads *h) {
  int64_t D = t->size[3];
  if (!(t->stride[3] == 1 || D <= 1)) return 0;
  int64_t st = t->size[2] > 1 ? t->stride[2] : (D > 0 ? D : 1);
  if (st < (D > 0 ? D : 1) || st > INT_MAX || t->stride[0] < 0 || t->stride[1] < 0) return 0;
  h->data = dl_tensor_data(t);
  h->sb = t->stride[0], h->sh = t->stride[1], h->st = st;
  return 1;
}

/* -1 and an error when a result (outs, named) shares memory with an operand it reads. */
static int check_apart(const char *fn, int nout, const dl_tensor *const *outs,
                       const char *const *onames, int nin, const dl_tensor *const *ins,
                       const char *const *inames) {
  for (int i = 0; i < nout; i++)
    for (int j = 0; j < nin; j++)
      if (ins[j] && dl_tensor_overlaps(outs[i], ins[j]))
        return dl_error("%s: %s shares memory with %s, which it is computed from", fn,
                        onames[i], inames[j]);
  return 0;
}

/* Contiguous versions of the read-only operands, freed together. */
#define NOPS 7
typedef struct {
  dl_tensor t[NOPS];
  int used[NOPS];
} operands;

static void ops_free(operands *o) {
  for (int i = 0; i < NOPS; i++)
    if (o->used[i]) dl_tensor_free(&o->t[i]);
}

/* The heads of a read-only 4D operand: src itself when heads_of takes it, else a
   contiguous copy in slot i of o. */
static void heads_add(operands *o, int i, const dl_tensor *src, attn_heads *h, int *rc) {
  o->used[i] = 0;
  if (*rc < 0 || heads_of(src, h)) return;
  if (nn_contiguous(&o->t[i], src) < 0) {
    *rc = -1;
    return;
  }
  o->used[i] = 1;
  heads_of(&o->t[i], h);
}

/* True when no two elements of the 4D t share memory (the loops write each in parallel):
   with the dimensions of more than one element ordered by stride, each stride is at least
   the extent of the ones below it. */
static int distinct(const dl_tensor *t) {
  int64_t st[4], sz[4];
  int n = 0;
  for (int d = 0; d < 4; d++)
    if (t->size[d] > 1) st[n] = t->stride[d], sz[n++] = t->size[d];
  for (int i = 1; i < n; i++) /* insertion sort by stride */
    for (int j = i; j > 0 && st[j] < st[j - 1]; j--) {
      int64_t a = st[j], b = sz[j];
      st[j] = st[j - 1], sz[j] = sz[j - 1], st[j - 1] = a, sz[j - 1] = b;
    }
  int64_t extent = 1;
  for (int i = 0; i < n; i++) {
    if (st[i] < extent) return 0;
    extent = st[i] * sz[i];
  }
  return 1;
}

/* A written 4D operand of the given size: kept as it is when it already has that size and a
   layout heads_of takes with distinct elements (a view into a larger buffer, written in
   place), else resized contiguous. */
static int heads_out(const char *fn, dl_tensor *t, const int64_t *size, attn_heads *h) {
  int same = t->ndim == 4;
  for (int d = 0; same && d < 4; d++) same = t->size[d] == size[d];
  if (same && t->storage && distinct(t) && heads_of(t, h)) return 0;
  if (dl_tensor_resize_contig(fn, t, 4, size) < 0) return -1;
  heads_of(t, h);
  return 0;
}

/* The contiguous data of src (NULL for NULL), slot i of o. */
static void *ops_add(operands *o, int i, const dl_tensor *src, int *rc) {
  o->used[i] = 0;
  if (!src || *rc < 0) return NULL;
  if (nn_contiguous(&o->t[i], src) < 0) {
    *rc = -1;
    return NULL;
  }
  o->used[i] = 1;
  return dl_tensor_data(&o->t[i]);
}

static double default_scale(double scale, const attn_dims *a) {
  return scale != 0 ? scale : a->D > 0 ? 1 / sqrt((double)a->D) : 1;
}

/* The threads the loops over heads may use: one inside another parallel region. */
static int loop_threads(void) { return omp_in_parallel() ? 1 : omp_get_max_threads(); }

/* Two T x S blocks of scratch for each of nt threads. */
static void *work_alloc(const char *fn, const attn_dims *a, dl_dtype dt, int nt) {
  int64_t sz[4] = {nt, 2, a->T, a->S};
  if (dl_numel_checked(fn, 4, sz) < 0) return NULL;
  size_t n = (size_t)nt * 2 * (size_t)(a->T * a->S) + 1;
  void *w = malloc(n * dl_dtype_size(dt));
  if (!w) dl_error("%s: out of memory for %lldx%lld attention scratch", fn, (long long)a->T,
                   (long long)a->S);
  return w;
}

int nn_attention_forward(const char *fn, dl_tensor *out, dl_tensor *probs, const dl_tensor *q,
                         const dl_tensor *k, const dl_tensor *v, const dl_tensor *mask,
                         const dl_tensor *pad, const dl_tensor *drop, int causal, double scale) {
  attn_dims a;
  if (check_qkv(fn, q, k, v, &a) < 0) return -1;
  dl_dtype dt = q->dtype;
  if (nn_check_type(fn, "output", out, dt) < 0 || nn_check_type(fn, "probs", probs, dt) < 0 ||
      check_masks(fn, mask, pad, dt, &a) < 0 ||
      (drop && check_bhts(fn, "dropout mask", drop, dt, &a) < 0))
    return -1;
  int64_t so[4] = {a.B, a.H, a.T, a.Dv}, sp[4] = {a.B, a.H, a.T, a.S};
  attn_heads ho, hq, hk, hv;
  if (heads_out(fn, out, so, &ho) < 0 || dl_tensor_resize_contig(fn, probs, 4, sp) < 0)
    return -1;
  const dl_tensor *outs[2] = {out, probs}, *ins[6] = {q, k, v, mask, drop, NULL};
  const char *on[2] = {"output", "probs"}, *in[6] = {"query", "key", "value", "mask", "dropout mask", NULL};
  if (check_apart(fn, 2, outs, on, 5, ins, in) < 0 ||
      check_apart(fn, 1, outs, on, 1, outs + 1, on + 1) < 0)
    return -1;
  operands o;
  int rc = 0;
  heads_add(&o, 0, q, &hq, &rc), heads_add(&o, 1, k, &hk, &rc), heads_add(&o, 2, v, &hv, &rc);
  void *md = ops_add(&o, 3, mask, &rc), *pd = ops_add(&o, 4, pad, &rc);
  void *dd = ops_add(&o, 5, drop, &rc);
  o.used[6] = 0;
  int nt = loop_threads();
  void *work = rc == 0 && drop ? work_alloc(fn, &a, dt, nt) : NULL;
  if (drop && !work) rc = -1;
  if (rc == 0) {
    int all = mask && mask->ndim == 4;
    double sc = default_scale(scale, &a);
    if (dt == DL_FLOAT)
      attn_forward_float(&ho, dl_tensor_data(probs), work, &hq, &hk, &hv, md, all, pd, dd,
                         causal, sc, a.B, a.H, a.T, a.S, a.D, a.Dv, nt);
    else
      attn_forward_double(&ho, dl_tensor_data(probs), work, &hq, &hk, &hv, md, all, pd, dd,
                          causal, sc, a.B, a.H, a.T, a.S, a.D, a.Dv, nt);
  }
  free(work);
  ops_free(&o);
  return rc;
}

int nn_attention_backward(const char *fn, dl_tensor *gq, dl_tensor *gk, dl_tensor *gv,
                          const dl_tensor *q, const dl_tensor *k, const dl_tensor *v,
                          const dl_tensor *probs, const dl_tensor *drop, const dl_tensor *gradOut,
                          double scale) {
  char b1[96], b2[96];
  attn_dims a;
  if (check_qkv(fn, q, k, v, &a) < 0) return -1;
  dl_dtype dt = q->dtype;
  int64_t sp[4] = {a.B, a.H, a.T, a.S}, so[4] = {a.B, a.H, a.T, a.Dv};
  if (nn_check_type(fn, "gradQuery", gq, dt) < 0 || nn_check_type(fn, "gradKey", gk, dt) < 0 ||
      nn_check_type(fn, "gradValue", gv, dt) < 0 || nn_check_type(fn, "probs", probs, dt) < 0 ||
      (drop && check_bhts(fn, "dropout mask", drop, dt, &a) < 0) ||
      nn_check_type(fn, "gradOutput", gradOut, dt) < 0 ||
      nn_check_size(fn, "gradOutput", gradOut, 4, so) < 0)
    return -1;
  if (probs->ndim != 4 || probs->size[0] != a.B || probs->size[1] != a.H ||
      probs->size[2] != a.T || probs->size[3] != a.S)
    return dl_error("%s: saved weights of size %s do not match query and key (expected %s): "
                    "call forward with these inputs first", fn,
                    dl_sizestr(b1, sizeof b1, probs->ndim, probs->size),
                    dl_sizestr(b2, sizeof b2, 4, sp));
  attn_heads hgq, hgk, hgv, hq, hk, hv, hgo;
  if (heads_out(fn, gq, q->size, &hgq) < 0 || heads_out(fn, gk, k->size, &hgk) < 0 ||
      heads_out(fn, gv, v->size, &hgv) < 0)
    return -1;
  const dl_tensor *outs[3] = {gq, gk, gv}, *ins[6] = {q, k, v, probs, drop, gradOut};
  const char *on[3] = {"gradQuery", "gradKey", "gradValue"};
  const char *in[6] = {"query", "key", "value", "probs", "dropout mask", "gradOutput"};
  if (check_apart(fn, 3, outs, on, 6, ins, in) < 0) return -1;
  operands o;
  int rc = 0;
  heads_add(&o, 0, q, &hq, &rc), heads_add(&o, 1, k, &hk, &rc), heads_add(&o, 2, v, &hv, &rc);
  void *pd = ops_add(&o, 3, probs, &rc), *dd = ops_add(&o, 4, drop, &rc);
  heads_add(&o, 5, gradOut, &hgo, &rc);
  o.used[6] = 0;
  int nt = loop_threads();
  void *work = rc == 0 ? work_alloc(fn, &a, dt, nt) : NULL;
  if (!work) rc = -1;
  if (rc == 0) {
    double sc = default_scale(scale, &a);
    if (dt == DL_FLOAT)
      attn_backward_float(&hgq, &hgk, &hgv, work, &hq, &hk, &hv, pd, dd, &hgo, sc, a.B, a.H,
                          a.T, a.S, a.D, a.Dv, nt);
    else
      attn_backward_double(&hgq, &hgk, &hgv, work, &hq, &hk, &hv, pd, dd, &hgo, sc, a.B, a.H,
                           a.T, a.S, a.D, a.Dv, nt);
  }
  free(work);
  ops_free(&o);
  return rc;
}
