/* Linear layer kernels: three GEMMs and a column sum, in the order data flows. */
#include "linear.h"

#include "../ops/blas.h"
#include "../ops/copy.h"
#include "prelude.h"

#define NN_LOOPS "linear_loops.h"
#include "float_loops.h"

/* A 2D Float or Double matrix; with like, of like's type. */
static int check_matrix(const char *fn, const char *what, const dl_tensor *t,
                        const dl_tensor *like) {
  if (nn_check_float(fn, what, t) < 0 || nn_check_ndim(fn, what, t, 2, 2) < 0) return -1;
  return like ? nn_check_type(fn, what, t, like->dtype) : 0;
}

int nn_linear_forward(const char *fn, dl_tensor *out, const dl_tensor *in,
                      const dl_tensor *weight, const dl_tensor *bias) {
  char b1[96], b2[96];
  if (check_matrix(fn, "input", in, NULL) < 0 || check_matrix(fn, "weight", weight, in) < 0 ||
      nn_check_type(fn, "output", out, in->dtype) < 0 ||
      nn_check_type(fn, "bias", bias, in->dtype) < 0)
    return -1;
  int64_t n = in->size[0], nin = weight->size[1], nout = weight->size[0];
  if (in->size[1] != nin)
    /* "size mismatch" is THNN's wording, which Torch7 programs (and nn's tests) look for */
    return dl_error("%s: input of size %s, expected %lld features (weight %s): size mismatch", fn,
                    dl_sizestr(b1, sizeof b1, 2, in->size), (long long)nin,
                    dl_sizestr(b2, sizeof b2, 2, weight->size));
  if (nn_check_numel(fn, "bias", bias, nout) < 0) return -1;
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

int nn_linear_backward_input(const char *fn, dl_tensor *gradIn, const dl_tensor *gradOut,
                             const dl_tensor *weight) {
  char b1[96], b2[96];
  if (check_matrix(fn, "gradOutput", gradOut, NULL) < 0 ||
      check_matrix(fn, "weight", weight, gradOut) < 0 ||
      nn_check_type(fn, "gradInput", gradIn, gradOut->dtype) < 0)
    return -1;
  if (gradOut->size[1] != weight->size[0])
    return dl_error("%s: gradOutput of size %s, expected %lld outputs (weight %s)", fn,
                    dl_sizestr(b1, sizeof b1, 2, gradOut->size), (long long)weight->size[0],
                    dl_sizestr(b2, sizeof b2, 2, weight->size));
  int64_t size[2] = {gradOut->size[0], weight->size[1]};
  if (dl_tensor_resize(gradIn, 2, size) < 0) return -1;
  return op_gemm('n', 'n', 1.0, gradOut, weight, 0.0, gradIn);
}

int nn_linear_backward_params(const char *fn, dl_tensor *gradW, dl_tensor *gradB,
                              const dl_tensor *in, const dl_tensor *gradOut, double scale) {
  char b1[96], b2[96], b3[96];
  if (check_matrix(fn, "input", in, NULL) < 0 || check_matrix(fn, "gradOutput", gradOut, in) < 0 ||
      check_matrix(fn, "gradWeight", gradW, in) < 0 ||
      nn_check_type(fn, "gradBias", gradB, in->dtype) < 0)
    return -1;
  int64_t n = in->size[0], nout = gradW->size[0];
  if (gradOut->size[0] != n || gradOut->size[1] != nout || in->size[1] != gradW->size[1])
    return dl_error("%s: input %s, gradOutput %s and gradWeight %s do not match", fn,
                    dl_sizestr(b1, sizeof b1, 2, in->size),
                    dl_sizestr(b2, sizeof b2, 2, gradOut->size),
                    dl_sizestr(b3, sizeof b3, 2, gradW->size));
  if (gradB && (dl_tensor_numel(gradB) != nout || gradB->ndim > 1))
    return dl_error("%s: gradBias has %lld elements in %d dimensions, expected a vector of %lld",
                    fn, (long long)dl_tensor_numel(gradB), gradB->ndim, (long long)nout);
  if (op_gemm('t', 'n', scale, gradOut, in, 1.0, gradW) < 0) return -1;
  if (!gradB) return 0;
  int64_t bs = gradB->ndim ? gradB->stride[gradB->ndim - 1] : 1;
  int64_t gs0 = gradOut->stride[0], gs1 = gradOut->stride[1];
  void *b = dl_tensor_data(gradB), *g = dl_tensor_data(gradOut);
  if (in->dtype == DL_FLOAT) colsum_float(b, bs, g, gs0, gs1, n, nout, scale);
  else colsum_double(b, bs, g, gs0, gs1, n, nout, scale);
  return 0;
}
