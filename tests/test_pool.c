/* Pooling kernels: output sizes, max pooling values and indices (the SIMD 2x2 path
   against the general loop), single images, the error paths, huge geometry included. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "nn/pool.h"
#include "ops/copy.h"

/* the error's text begins with the caller's name and holds want */
static int says(const char *want) {
  return strncmp(dl_errmsg(), "nn.Test: ", 9) == 0 && strstr(dl_errmsg(), want) != NULL;
}

static void test_outsize(void) {
  CHECK(nn_pool_outsize(3, 2, 2, 0, 0) == 1);
  CHECK(nn_pool_outsize(3, 2, 2, 0, 1) == 2);
  CHECK(nn_pool_outsize(5, 3, 2, 1, 1) == 3);
  CHECK(nn_pool_outsize(6, 3, 2, 1, 1) == 4); /* the last window would start in the padding */
  CHECK(nn_pool_outsize(2, 3, 1, 0, 0) == 0);
  CHECK(nn_pool_outsize(INT64_MAX - 1, 3, 1, 1, 0) == 0); /* the padded size overflows */
  CHECK(nn_pool_outsize(INT64_MAX - 1, 3, INT64_MAX, 0, 1) == 1); /* ceil, no wrap */
}

static void test_maxpool(void) {
  dl_tensor in, out, ix;
  int64_t is[4] = {1, 1, 2, 4};
  dl_tensor_new(&in, DL_DOUBLE, 4, is);
  double v[8] = {3, 1, 2, 8, 0, 4, 7, 5};
  for (int i = 0; i < 8; i++) op_set(&in, i, v[i]);
  dl_tensor_init(&out, DL_DOUBLE);
  dl_tensor_init(&ix, DL_LONG);
  nn_pool_geom g = {2, 2, 2, 2, 0, 0, 0};
  CHECK(nn_maxpool2d_forward("test", &out, &ix, &in, &g) == 0);
  CHECK_NEAR(op_get(&out, 0), 4, 0);
  CHECK_NEAR(op_get(&out, 1), 8, 0);
  CHECK(op_get_long(&ix, 0) == 6 && op_get_long(&ix, 1) == 4);
  dl_tensor_free(&in); dl_tensor_free(&out); dl_tensor_free(&ix);
}

/* float 2x2 / 2 (the SIMD path when built with SSE4.1) gives the values and indices of the
   same pooling in double (the scalar loop), ties and 3D input included */
static void test_maxpool_paths(void) {
  dl_tensor f, d, fo, fi, dout, di;
  int64_t is[3] = {3, 6, 10};
  dl_tensor_new(&f, DL_FLOAT, 3, is);
  dl_tensor_new(&d, DL_DOUBLE, 3, is);
  for (int64_t i = 0; i < dl_tensor_numel(&f); i++) {
    double x = (double)((i * 7) % 5) - 2; /* many ties */
    op_set(&f, i, x);
    op_set(&d, i, x);
  }
  dl_tensor_init(&fo, DL_FLOAT); dl_tensor_init(&fi, DL_LONG);
  dl_tensor_init(&dout, DL_DOUBLE); dl_tensor_init(&di, DL_LONG);
  nn_pool_geom g = {2, 2, 2, 2, 0, 0, 0};
  CHECK(nn_maxpool2d_forward("test", &fo, &fi, &f, &g) == 0);
  CHECK(nn_maxpool2d_forward("test", &dout, &di, &d, &g) == 0);
  CHECK(fo.ndim == 3 && fo.size[0] == 3 && fo.size[1] == 3 && fo.size[2] == 5);
  int same = 1;
  for (int64_t i = 0; i < dl_tensor_numel(&fo); i++)
    same = same && op_get(&fo, i) == op_get(&dout, i) && op_get_long(&fi, i) == op_get_long(&di, i);
  CHECK(same);
  dl_tensor_free(&f); dl_tensor_free(&d); dl_tensor_free(&fo); dl_tensor_free(&fi);
  dl_tensor_free(&dout); dl_tensor_free(&di);
}

static void test_errors(void) {
  dl_tensor in, out, ix, go, gi, x2;
  int64_t is[4] = {2, 3, 4, 4}, gs[4] = {2, 3, 3, 3}, s2[2] = {4, 4};
  dl_tensor_new(&in, DL_FLOAT, 4, is);
  dl_tensor_new(&go, DL_FLOAT, 4, gs);
  dl_tensor_new(&x2, DL_FLOAT, 2, s2);
  dl_tensor_init(&out, DL_FLOAT); dl_tensor_init(&ix, DL_LONG); dl_tensor_init(&gi, DL_FLOAT);
  nn_pool_geom g = {2, 2, 2, 2, 0, 0, 0};
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &x2, &g) == -1);
  CHECK(says("input of size 4x4, expected 3D (C x H x W) or 4D (N x C x H x W)"));
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &in, &g) == 0);
  CHECK(nn_maxpool2d_backward("nn.Test", &gi, &in, &go, &ix) == -1);
  CHECK(says("gradOutput of size 2x3x3x3, expected 2x3x2x2"));
  CHECK(nn_avgpool2d_backward("nn.Test", &gi, &in, &go, &g, 1) == -1);
  CHECK(says("gradOutput of size 2x3x3x3, expected 2x3x2x2"));
  CHECK(nn_adaptive_pool2d_backward("nn.Test", &gi, &in, &go, NULL, 2, 2) == -1);
  CHECK(says("gradOutput of size 2x3x3x3, expected 2x3x2x2"));
  dl_tensor dout;
  dl_tensor_init(&dout, DL_DOUBLE);
  CHECK(nn_avgpool2d_forward("nn.Test", &dout, &in, &g, 1) == -1);
  CHECK(says("output is a Double tensor, input a Float tensor"));
  nn_pool_geom wide = {9, 9, 1, 1, 0, 0, 0};
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &in, &wide) == -1);
  CHECK(says("window 9x9 is larger than the padded input 4x4"));
  dl_tensor_free(&in); dl_tensor_free(&out); dl_tensor_free(&ix); dl_tensor_free(&go);
  dl_tensor_free(&gi); dl_tensor_free(&x2); dl_tensor_free(&dout);
}

/* Geometry whose sizes overflow an int64_t is refused, not wrapped. */
static void test_overflow(void) {
  dl_tensor in, out, ix;
  int64_t is[4] = {1, 1, 4, 4};
  dl_tensor_new(&in, DL_FLOAT, 4, is);
  dl_tensor_init(&out, DL_FLOAT); dl_tensor_init(&ix, DL_LONG);
  nn_pool_geom pad = {INT64_MAX, INT64_MAX, 1, 1, INT64_MAX / 2, INT64_MAX / 2, 0};
  CHECK(nn_maxpool2d_forward("nn.Test", &out, &ix, &in, &pad) == -1);
  CHECK(says("larger than the padded input"));
  nn_pool_geom step = {2, 2, INT64_MAX, INT64_MAX, 1, 1, 1};
  CHECK(nn_avgpool2d_forward("nn.Test", &out, &in, &step, 1) == 0);
  CHECK(out.size[2] == 1 && out.size[3] == 1);
  CHECK(nn_adaptive_pool2d_forward("nn.Test", &out, &ix, &in, INT64_MAX / 2, 1) == -1);
  CHECK(says("is too large"));
  CHECK(nn_adaptive_pool2d_forward("nn.Test", &out, NULL, &in, (int64_t)1 << 40, (int64_t)1 << 40) == -1);
  CHECK(says("overflow") || says("too large"));
  dl_tensor seq;
  int64_t ss[2] = {4, 4};
  dl_tensor_new(&seq, DL_FLOAT, 2, ss);
  CHECK(nn_temporal_maxpool_forward("nn.Test", &out, &ix, &seq, INT64_MAX, 1) == -1);
  CHECK(says("shorter than the window"));
  dl_tensor_free(&in); dl_tensor_free(&out); dl_tensor_free(&ix); dl_tensor_free(&seq);
}

int main(void) {
  test_outsize();
  test_maxpool();
  test_maxpool_paths();
  test_errors();
  test_overflow();
  return check_done("test_pool");
}
