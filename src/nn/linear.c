/* Linear layer kernels: three GEMMs and a column sum, in the order data flows. */
#include "linear.h"

#include "../ops/blas.h"
#include "../ops/copy.h"

static int check_2d(const char *fn, const char *what, const dl_tensor *t) {
  char buf[96];
  if (t->ndim != 2)
    return dl_error("%s: %s must be 2D, got size %s", fn, what,
                    dl_sizestr(buf, sizeof buf, t->ndim, t->size));
  if (!dl_dtype_isfloat(t->dtype))
    return dl_error("%s: %s must be a Float or Double tensor, got %s", fn, what,
                    dl_dtype_name(t->dtype));
  return 0;
}

static int check_same_type(const char *fn, const dl_tensor *a, const dl_tensor *b) {
  if (a->dtype != b->dtype)
    return dl_error("%s: tensors of types %s and %s mixed", fn, dl_dtype_name(a->dtype),
                    dl_dtype_name(b->dtype));
  return 0;
}

int nn_linear_forward(dl_tensor *out, const dl_tensor *in, const dl_tensor *weight,
                      const dl_tensor *bias) {
  const char *fn = "nn_linear_forward";
  char b1[96], b2[96];
  if (check_2d(fn, "input", in) < 0 || check_2d(fn, "weight", weight) < 0) return -1;
  if (check_same_type(fn, in, weight) < 0 || check_same_type(fn, out, in) < 0) return -1;
  int64_t n = in->size[0], nin = weight->size[1], nout = weight->size[0];
  if (in->size[1] != nin)
    return dl_error("%s: input of size %s, expected %lld features (weight %s)", fn,
                    dl_sizestr(b1, sizeof b1, 2, in->size), (long long)nin,
                    dl_sizestr(b2, sizeof b2, 2, weight->size));
  if (bias && (check_same_type(fn, bias, in) < 0)) return -1;
  if (bias && dl_tensor_numel(bias) != nout)
    return dl_error("%s: bias of %lld elements, expected %lld", fn,
                    (long long)dl_tensor_numel(bias), (long long)nout);
  int64_t size[2] = {n, nout};
  if (dl_tensor_resize(out, 2, size) < 0) return -1;
  double beta = 0;
  if (bias) {
    /* every row starts as the bias, then the product is added to it */
    dl_tensor b;
    dl_tensor_init(&b, bias->dtype);
    dl_tensor_set(&b, bias);
    int64_t row[1] = {nout};
    int rc = dl_tensor_view(&b, 1, row);
    if (rc == 0) rc = dl_tensor_expand(&b, 2, size);
    if (rc == 0) rc = op_copy(out, &b);
    dl_tensor_free(&b);
    if (rc < 0) return -1;
    beta = 1;
  }
  return op_gemm('n', 't', 1.0, in, weight, beta, out);
}

int nn_linear_backward_input(dl_tensor *gradIn, const dl_tensor *gradOut,
                             const dl_tensor *weight) {
  const char *fn = "nn_linear_backward_input";
  char b1[96], b2[96];
  if (check_2d(fn, "gradOutput", gradOut) < 0 || check_2d(fn, "weight", weight) < 0) return -1;
  if (check_same_type(fn, gradOut, weight) < 0 || check_same_type(fn, gradIn, weight) < 0)
    return -1;
  if (gradOut->size[1] != weight->size[0])
    return dl_error("%s: gradOutput of size %s, expected %lld outputs (weight %s)", fn,
                    dl_sizestr(b1, sizeof b1, 2, gradOut->size), (long long)weight->size[0],
                    dl_sizestr(b2, sizeof b2, 2, weight->size));
  int64_t size[2] = {gradOut->size[0], weight->size[1]};
  if (dl_tensor_resize(gradIn, 2, size) < 0) return -1;
  return op_gemm('n', 'n', 1.0, gradOut, weight, 0.0, gradIn);
}

/* gradB[j] += scale * sum_i gradOut[i][j], for any strides. */
#define COLSUM(T)                                                              \
  do {                                                                         \
    T *g = (T *)dl_tensor_data(gradOut), *b = (T *)dl_tensor_data(gradB);      \
    int64_t gs0 = gradOut->stride[0], gs1 = gradOut->stride[1];                \
    int64_t bs = gradB->ndim ? gradB->stride[gradB->ndim - 1] : 1;             \
    for (int64_t j = 0; j < nout; j++) {                                       \
      double s = 0;                                                            \
      for (int64_t i = 0; i < n; i++) s += g[i * gs0 + j * gs1];               \
      b[j * bs] += (T)(scale * s);                                             \
    }                                                                          \
  } while (0)

int nn_linear_backward_params(dl_tensor *gradW, dl_tensor *gradB, const dl_tensor *in,
                              const dl_tensor *gradOut, double scale) {
  const char *fn = "nn_linear_backward_params";
  char b1[96], b2[96], b3[96];
  if (check_2d(fn, "input", in) < 0 || check_2d(fn, "gradOutput", gradOut) < 0 ||
      check_2d(fn, "gradWeight", gradW) < 0)
    return -1;
  if (check_same_type(fn, in, gradOut) < 0 || check_same_type(fn, in, gradW) < 0) return -1;
  int64_t n = in->size[0], nout = gradW->size[0];
  if (gradOut->size[0] != n || gradOut->size[1] != nout || in->size[1] != gradW->size[1])
    return dl_error("%s: input %s, gradOutput %s and gradWeight %s do not match", fn,
                    dl_sizestr(b1, sizeof b1, 2, in->size),
                    dl_sizestr(b2, sizeof b2, 2, gradOut->size),
                    dl_sizestr(b3, sizeof b3, 2, gradW->size));
  if (op_gemm('t', 'n', scale, gradOut, in, 1.0, gradW) < 0) return -1;
  if (!gradB) return 0;
  if (check_same_type(fn, gradB, in) < 0) return -1;
  if (dl_tensor_numel(gradB) != nout || gradB->ndim > 1)
    return dl_error("%s: gradBias of %lld elements, expected a vector of %lld", fn,
                    (long long)dl_tensor_numel(gradB), (long long)nout);
  DL_DISPATCH_FLOAT(gradB->dtype, COLSUM);
  return 0;
}
