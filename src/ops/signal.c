/* Convolution and cross-correlation (see signal.h): the checks and the plan here, the
   typed loop in signal_loops.h. A convolution is a correlation with the kernel reversed,
   and the full mode a valid one over the image padded with k - 1 zeros on each side, so
   one loop serves all four operations; the padding is never stored, the loop skips the
   kernel offsets that fall outside the image. */
#include "signal.h"

#include <stdio.h>
#include <string.h>

#include "copy.h"
#include "iter.h"

/* Sizes as depth x rows x columns (depth 1 for 2D), the planes each output plane sums
   over, and how the plane indices (q for the output, i for the summed) pick input and
   kernel planes: plane q*in_q + i*in_i of the input, q*ker_q + i*ker_i of the kernel. */
typedef struct {
  int64_t in[3], ker[3], out[3], pad[3];
  int64_t nout, nsum, in_q, in_i, ker_q, ker_i;
  double work; /* multiply-adds, for the parallel threshold (a double cannot overflow) */
} sig_plan;

#define T float
#define ACC double
#define FN(name) name##_float
#include "signal_loops.h"
#undef FN
#undef ACC
#undef T
#define T double
#define ACC double
#define FN(name) name##_double
#include "signal_loops.h"
#undef FN
#undef ACC
#undef T
#define T int64_t
#define ACC int64_t
#define FN(name) name##_long
#include "signal_loops.h"
#undef FN
#undef ACC
#undef T
#define T uint8_t
#define ACC int64_t
#define FN(name) name##_byte
#include "signal_loops.h"
#undef FN
#undef ACC
#undef T
#define T int8_t
#define ACC int64_t
#define FN(name) name##_char
#include "signal_loops.h"
#undef FN
#undef ACC
#undef T
#define T int16_t
#define ACC int64_t
#define FN(name) name##_short
#include "signal_loops.h"
#undef FN
#undef ACC
#undef T
#define T int32_t
#define ACC int64_t
#define FN(name) name##_int
#include "signal_loops.h"
#undef FN
#undef ACC
#undef T

/* Reverses each kernel plane of n elements in place: reversing a contiguous d x h x w
   block in memory order reverses all three of its dimensions. */
static void flip_planes(dl_tensor *k, int64_t n) {
  size_t es = dl_dtype_size(k->dtype);
  char *base = dl_tensor_data(k), tmp[8];
  int64_t planes = n ? dl_tensor_numel(k) / n : 0;
  for (int64_t p = 0; p < planes; p++)
    for (int64_t a = p * n, b = a + n - 1; a < b; a++, b--) {
      memcpy(tmp, base + a * es, es);
      memcpy(base + a * es, base + b * es, es);
      memcpy(base + b * es, tmp, es);
    }
}

/* Reads the form (signal.h) from the dimensions of x and k and fills the plan's plane
   counts; returns 1 when the result has a leading plane dimension (its size is p->nout),
   0 when not, -1 on error. */
static int plan_form(const char *fn, const dl_tensor *x, const dl_tensor *k, int nsp,
                     sig_plan *p) {
  char b1[256], b2[256];
  dl_sizestr(b1, sizeof b1, x->ndim, x->size);
  dl_sizestr(b2, sizeof b2, k->ndim, k->size);
  p->nout = p->nsum = 1;
  p->in_q = p->in_i = p->ker_q = p->ker_i = 0;
  if (x->ndim == nsp && k->ndim == nsp) return 0;
  if (x->ndim == nsp + 1 && k->ndim == nsp + 1) {
    if (k->size[0] != x->size[0])
      return dl_error("%s: input of size %s and kernel of size %s: %lld input planes but "
                      "%lld kernels", fn, b1, b2, (long long)x->size[0], (long long)k->size[0]);
    p->nout = x->size[0];
    p->in_q = p->ker_q = 1;
    return 1;
  }
  if (x->ndim == nsp + 1 && k->ndim == nsp + 2) {
    if (k->size[1] != x->size[0])
      return dl_error("%s: input of size %s and kernel of size %s: %lld input planes but "
                      "the kernel has %lld", fn, b1, b2, (long long)x->size[0],
                      (long long)k->size[1]);
    p->nout = k->size[0];
    p->nsum = x->size[0];
    p->in_i = 1;
    p->ker_q = x->size[0];
    p->ker_i = 1;
    return 1;
  }
  return dl_error("%s: input of size %s and kernel of size %s (expected %dD and %dD, %dD "
                  "and %dD, or %dD and %dD)", fn, b1, b2, nsp, nsp, nsp + 1, nsp + 1,
                  nsp + 1, nsp + 2);
}

/* The spatial sizes of the plan and of the result (after lead, when there is one). */
static int plan_sizes(const char *fn, const dl_tensor *x, const dl_tensor *k, int nsp,
                      int full, sig_plan *p, int64_t *osize) {
  char b1[256], b2[256];
  const int64_t *xs = x->size + (x->ndim - nsp), *ks = k->size + (k->ndim - nsp);
  dl_sizestr(b1, sizeof b1, nsp, xs);
  dl_sizestr(b2, sizeof b2, nsp, ks);
  for (int d = 0; d < 3; d++) p->in[d] = p->ker[d] = p->out[d] = 1, p->pad[d] = 0;
  for (int d = 0; d < nsp; d++) {
    int64_t i = xs[d], kk = ks[d];
    if (kk == 0) return dl_error("%s: the kernel of size %s is empty", fn, b2);
    if (!full && i < kk)
      return dl_error("%s: the input (%s) is smaller than the kernel (%s) in valid mode "
                      "('V'); 'F' pads it", fn, b1, b2);
    if (full && i > INT64_MAX - kk) return dl_error("%s: sizes %s and %s overflow", fn, b1, b2);
    int slot = d + (3 - nsp);
    p->in[slot] = i;
    p->ker[slot] = kk;
    p->out[slot] = osize[d] = full ? i + kk - 1 : i - kk + 1;
    p->pad[slot] = full ? kk - 1 : 0;
  }
  p->work = (double)p->nout * p->nsum;
  for (int d = 0; d < 3; d++) p->work *= (double)p->out[d] * (double)p->ker[d];
  return 0;
}

int op_sig_conv(const char *fn, dl_tensor *res, const dl_tensor *x, const dl_tensor *k, int nsp,
                int full, int flip) {
  if (nsp != 2 && nsp != 3) return dl_error("%s: %d spatial dimensions (2 or 3)", fn, nsp);
  if (!dl_dtype_ismath(x->dtype))
    return dl_error("%s: not supported for torch.%sTensor", fn, dl_dtype_name(x->dtype));
  if (x->dtype != k->dtype || res->dtype != x->dtype)
    return dl_error("%s: tensor types differ: result torch.%sTensor, input torch.%sTensor, "
                    "kernel torch.%sTensor", fn, dl_dtype_name(res->dtype),
                    dl_dtype_name(x->dtype), dl_dtype_name(k->dtype));
  sig_plan p;
  int64_t size[DL_MAXDIM];
  int lead = plan_form(fn, x, k, nsp, &p);
  if (lead < 0) return -1;
  int ndim = nsp + lead;
  size[0] = p.nout; /* overwritten by the spatial sizes when there is no leading one */
  if (plan_sizes(fn, x, k, nsp, full, &p, size + lead) < 0) return -1;
  /* the kernel is always a fresh copy (reversed in place when convolving); the input is
     one too when it shares the result's storage, which resizing and writing change */
  dl_tensor xc, kc, w;
  dl_tensor_init(&xc, x->dtype);
  dl_tensor_init(&kc, k->dtype);
  int rc = op_clone(&kc, k, k->dtype);
  if (rc == 0)
    rc = res->storage && res->storage == x->storage ? op_clone(&xc, x, x->dtype)
                                                     : op_contiguous(&xc, x);
  if (rc == 0) rc = dl_tensor_resize(res, ndim, size);
  if (rc < 0) {
    dl_tensor_free(&xc);
    dl_tensor_free(&kc);
    return -1;
  }
  if (flip) flip_planes(&kc, p.ker[0] * p.ker[1] * p.ker[2]);
  rc = op_scratch_open(&w, res, 0);
  if (rc == 0 && dl_tensor_numel(&w) > 0) {
    void *o = dl_tensor_data(&w), *i = dl_tensor_data(&xc), *kk = dl_tensor_data(&kc);
    switch (x->dtype) {
    case DL_FLOAT: correlate_float(o, i, kk, &p); break;
    case DL_DOUBLE: correlate_double(o, i, kk, &p); break;
    case DL_LONG: correlate_long(o, i, kk, &p); break;
    case DL_CHAR: correlate_char(o, i, kk, &p); break;
    case DL_SHORT: correlate_short(o, i, kk, &p); break;
    case DL_INT: correlate_int(o, i, kk, &p); break;
    default: correlate_byte(o, i, kk, &p); break;
    }
  }
  rc = op_scratch_close(res, &w, rc);
  dl_tensor_free(&xc);
  dl_tensor_free(&kc);
  return rc;
}
