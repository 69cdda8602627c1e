/* Core tensor tests, without Lua: views, view strides, copy and iteration. */
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "ops/copy.h"

static float *fdata(dl_tensor *t) { return dl_tensor_data(t); }

static void test_resize_and_views(void) {
  dl_tensor t, v;
  int64_t sz[2] = {3, 4};
  CHECK(dl_tensor_new(&t, DL_FLOAT, 2, sz) == 0);
  for (int i = 0; i < 12; i++) fdata(&t)[i] = (float)i;
  CHECK(t.stride[0] == 4 && t.stride[1] == 1);
  CHECK(dl_tensor_iscontiguous(&t));

  dl_tensor_init(&v, DL_FLOAT);
  dl_tensor_set(&v, &t);
  CHECK(t.storage->refcount == 2);
  CHECK(dl_tensor_narrow(&v, 1, 1, 2) == 0);
  CHECK(v.offset == 1 && v.size[1] == 2 && !dl_tensor_iscontiguous(&v));
  CHECK(dl_tensor_narrow(&v, 1, 2, 1) == -1);
  CHECK(strstr(dl_errmsg(), "narrow: index 3 out of range for dimension 2 (size 2)") != NULL);
  CHECK(dl_tensor_select(&v, 0, 2) == 0); /* row 3, columns 2..3: elements 9, 10 */
  CHECK(v.ndim == 1 && v.offset == 9 && v.size[0] == 2);

  dl_tensor_set(&v, &t);
  CHECK(dl_tensor_transpose(&v, 0, 1) == 0);
  CHECK(v.size[0] == 4 && v.stride[0] == 1 && v.stride[1] == 4);
  int64_t flat = 12;
  CHECK(dl_tensor_view(&v, 1, &flat) == -1); /* a transposed matrix cannot be flattened */
  dl_tensor_free(&v);
  CHECK(t.storage->refcount == 1);
  dl_tensor_free(&t);
}

static void test_view_strides(void) {
  /* a 4x6 matrix narrowed to rows 2..3 keeps row-contiguity: 2x6 -> 2x2x3 works */
  dl_tensor t;
  int64_t sz[2] = {4, 6}, nsz[3] = {2, 2, 3}, bad[2] = {3, 4};
  dl_tensor_new(&t, DL_DOUBLE, 2, sz);
  dl_tensor_narrow(&t, 0, 1, 2);
  CHECK(dl_tensor_view(&t, 3, nsz) == 0);
  CHECK(t.stride[0] == 6 && t.stride[1] == 3 && t.stride[2] == 1 && t.offset == 6);
  /* columns 2..5 of the 4x6: rows are not contiguous with each other */
  dl_tensor c;
  dl_tensor_new(&c, DL_DOUBLE, 2, sz);
  dl_tensor_narrow(&c, 1, 1, 4);
  int64_t split[3] = {4, 2, 2};
  CHECK(dl_tensor_view(&c, 3, split) == 0); /* splitting the column dimension is fine */
  CHECK(c.stride[0] == 6 && c.stride[1] == 2 && c.stride[2] == 1);
  dl_tensor_free(&c);
  dl_tensor_new(&c, DL_DOUBLE, 2, sz);
  dl_tensor_narrow(&c, 1, 1, 4);
  CHECK(dl_tensor_view(&c, 2, bad) == -1);
  dl_tensor_free(&c);
  dl_tensor_free(&t);
}

static void test_copy_and_fill(void) {
  dl_tensor a, b;
  int64_t sz[2] = {2, 3};
  dl_tensor_new(&a, DL_FLOAT, 2, sz);
  for (int i = 0; i < 6; i++) fdata(&a)[i] = (float)(i + 1);
  dl_tensor_init(&b, DL_LONG);
  int64_t tsz[2] = {3, 2};
  dl_tensor_resize(&b, 2, tsz);
  dl_tensor_transpose(&b, 0, 1); /* b is 2x3, strided */
  CHECK(op_copy(&b, &a) == 0);
  int64_t *bd = b.storage->data;
  /* b(i,j) lives at j*2 + i in the storage */
  CHECK(bd[0] == 1 && bd[2] == 2 && bd[4] == 3 && bd[1] == 4 && bd[5] == 6);
  op_fill(&b, 7);
  CHECK(bd[3] == 7);
  dl_tensor c;
  dl_tensor_init(&c, DL_DOUBLE);
  CHECK(op_clone(&c, &b, DL_DOUBLE) == 0 && dl_tensor_iscontiguous(&c));
  CHECK(((double *)c.storage->data)[5] == 7.0);
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  dl_tensor_free(&c);
}

static void test_large_parallel_copy(void) {
  /* large enough for op_foreach to split across threads, strided source */
  dl_tensor a, b;
  int64_t sz[2] = {1000, 300};
  dl_tensor_new(&a, DL_DOUBLE, 2, sz);
  double *ad = dl_tensor_data(&a);
  for (int i = 0; i < 300000; i++) ad[i] = i;
  dl_tensor_transpose(&a, 0, 1);
  int64_t tsz[2] = {300, 1000};
  dl_tensor_new(&b, DL_FLOAT, 2, tsz);
  CHECK(op_copy(&b, &a) == 0);
  float *bd = dl_tensor_data(&b);
  int bad = 0;
  for (int i = 0; i < 300; i++)
    for (int j = 0; j < 1000; j++) bad += bd[i * 1000 + j] != (float)(j * 300 + i);
  CHECK(bad == 0);
  dl_tensor_free(&a);
  dl_tensor_free(&b);
}

static void test_errors(void) {
  dl_tensor t;
  int64_t neg[1] = {-3}, huge[3] = {1LL << 40, 1LL << 40, 1LL << 40};
  dl_tensor_init(&t, DL_FLOAT);
  CHECK(dl_tensor_resize(&t, 1, neg) == -1);
  CHECK(strstr(dl_errmsg(), "negative size -3") != NULL);
  CHECK(dl_tensor_resize(&t, 3, huge) == -1);
  CHECK(strstr(dl_errmsg(), "overflow") != NULL);
  CHECK(dl_storage_new(DL_DOUBLE, INT64_MAX / 4) == NULL);
  dl_tensor_free(&t);
}

int main(void) {
  test_resize_and_views();
  test_view_strides();
  test_copy_and_fill();
  test_large_parallel_copy();
  test_errors();
  return check_done("test_tensor");
}
