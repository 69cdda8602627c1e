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

/* Torch7's THTensor_resizeNd: the same sizes leave a view alone; other sizes make the
   tensor contiguous at its offset, growing the shared storage when needed. */
static void test_resize_keeps_view(void) {
  dl_tensor t, v, like;
  int64_t sz[2] = {3, 4}, tsz[2] = {4, 3};
  CHECK(dl_tensor_new(&t, DL_FLOAT, 2, sz) == 0);
  for (int i = 0; i < 12; i++) fdata(&t)[i] = (float)i;
  dl_tensor_init(&v, DL_FLOAT);
  dl_tensor_set(&v, &t);
  dl_tensor_transpose(&v, 0, 1); /* 4x3, strides 1, 4 */
  dl_storage *st = t.storage;
  CHECK(dl_tensor_resize(&v, 2, tsz) == 0);
  CHECK(v.storage == st && v.offset == 0 && v.ndim == 2);
  CHECK(v.size[0] == 4 && v.size[1] == 3 && v.stride[0] == 1 && v.stride[1] == 4);
  CHECK(!dl_tensor_iscontiguous(&v) && st->refcount == 2 && st->size == 12);
  CHECK(dl_tensor_new(&like, DL_DOUBLE, 2, tsz) == 0); /* resizeAs looks at sizes only */
  CHECK(dl_tensor_resize_as(&v, &like) == 0);
  CHECK(v.stride[0] == 1 && v.stride[1] == 4 && v.offset == 0);
  CHECK(fdata(&t)[5] == 5.0f); /* nothing was moved or cleared */

  /* a narrowed block keeps its offset and row stride */
  dl_tensor_set(&v, &t);
  dl_tensor_narrow(&v, 1, 1, 2); /* 3x2 at offset 1, strides 4, 1 */
  int64_t nsz[2] = {3, 2};
  CHECK(dl_tensor_resize(&v, 2, nsz) == 0);
  CHECK(v.offset == 1 && v.stride[0] == 4 && v.stride[1] == 1 && v.storage == st);

  /* other sizes: contiguous at the same offset, in the same storage */
  int64_t osz[2] = {2, 3};
  CHECK(dl_tensor_resize(&v, 2, osz) == 0);
  CHECK(v.offset == 1 && v.stride[0] == 3 && v.stride[1] == 1 && v.storage == st);
  CHECK(st->size == 12);
  /* offset 1 + 12 elements needs 13: the shared storage grows and t sees it */
  CHECK(dl_tensor_resize(&v, 2, sz) == 0);
  CHECK(v.offset == 1 && v.stride[0] == 4 && st->size == 13 && t.storage->size == 13);
  CHECK(fdata(&t)[11] == 11.0f);

  /* another number of dimensions with the same element count also re-strides */
  dl_tensor_set(&v, &t);
  dl_tensor_transpose(&v, 0, 1);
  int64_t flat = 12;
  CHECK(dl_tensor_resize(&v, 1, &flat) == 0);
  CHECK(v.ndim == 1 && v.stride[0] == 1 && v.offset == 0);

  /* an expanded view (stride 0) with the same sizes stays expanded */
  int64_t one[1] = {1}, four[1] = {4};
  dl_tensor e;
  CHECK(dl_tensor_new(&e, DL_FLOAT, 1, one) == 0);
  CHECK(dl_tensor_expand(&e, 1, four) == 0);
  CHECK(dl_tensor_resize(&e, 1, four) == 0);
  CHECK(e.stride[0] == 0 && e.storage->size == 1);
  /* a storage shrunk under the view: the same sizes no longer fit, so it is repaired */
  CHECK(dl_storage_resize(e.storage, 0) == 0);
  CHECK(dl_tensor_resize(&e, 1, four) == 0);
  CHECK(e.stride[0] == 1 && e.storage->size == 4);
  dl_tensor_free(&e);
  dl_tensor_free(&like);
  dl_tensor_free(&v);
  dl_tensor_free(&t);
}

static void test_resize_contig(void) {
  dl_tensor t, v;
  int64_t sz[2] = {3, 4}, tsz[2] = {4, 3}, osz[2] = {2, 2};
  dl_tensor_new(&t, DL_FLOAT, 2, sz);
  dl_tensor_init(&v, DL_FLOAT);
  dl_tensor_set(&v, &t);
  dl_tensor_transpose(&v, 0, 1);
  CHECK(dl_tensor_resize_contig("kern", &v, 2, tsz) == -1);
  CHECK(strstr(dl_errmsg(), "kern: the result is a non-contiguous view (size 4x3, "
                            "strides 1,4)") != NULL);
  CHECK(v.stride[0] == 1 && v.stride[1] == 4); /* left as it was */
  CHECK(dl_tensor_resize_contig("kern", &v, 2, osz) == 0); /* other sizes: contiguous */
  CHECK(dl_tensor_iscontiguous(&v) && v.stride[0] == 2);
  CHECK(dl_tensor_resize_contig("kern", &t, 2, sz) == 0);
  dl_tensor_free(&v);
  dl_tensor_free(&t);
}

/* op_scratch_open/close: a contiguous stand-in for a strided result, copied back. */
static void test_scratch(void) {
  dl_tensor t, v, w;
  int64_t sz[2] = {2, 3};
  dl_tensor_new(&t, DL_FLOAT, 2, sz);
  for (int i = 0; i < 6; i++) fdata(&t)[i] = (float)(i + 1); /* 1 2 3 / 4 5 6 */
  dl_tensor_init(&v, DL_FLOAT);
  dl_tensor_set(&v, &t);
  dl_tensor_transpose(&v, 0, 1); /* 3x2: 1 4 / 2 5 / 3 6 */
  CHECK(op_scratch_open(&w, &v, 1) == 0);
  CHECK(w.storage != t.storage && dl_tensor_iscontiguous(&w) && w.size[0] == 3);
  float *wd = dl_tensor_data(&w);
  CHECK(wd[0] == 1 && wd[1] == 4 && wd[2] == 2 && wd[5] == 6); /* loaded in v's order */
  for (int i = 0; i < 6; i++) wd[i] = (float)(10 * (i + 1)); /* v = 10 20 / 30 40 / 50 60 */
  CHECK(op_scratch_close(&v, &w, 0) == 0);
  float *td = fdata(&t); /* t = v^T = 10 30 50 / 20 40 60 */
  CHECK(td[0] == 10 && td[1] == 30 && td[2] == 50 && td[3] == 20 && td[4] == 40 && td[5] == 60);
  CHECK(t.storage->refcount == 2 && w.storage == NULL);
  /* a failed kernel: nothing is copied back */
  CHECK(op_scratch_open(&w, &v, 0) == 0);
  ((float *)dl_tensor_data(&w))[0] = -1;
  CHECK(op_scratch_close(&v, &w, -1) == -1);
  CHECK(td[0] == 10);
  /* a contiguous result is its own scratch: written in place */
  CHECK(op_scratch_open(&w, &t, 0) == 0);
  CHECK(w.storage == t.storage && w.offset == t.offset && t.storage->refcount == 3);
  ((float *)dl_tensor_data(&w))[1] = 7;
  CHECK(op_scratch_close(&t, &w, 0) == 0);
  CHECK(td[1] == 7 && t.storage->refcount == 2);
  dl_tensor_free(&v);
  dl_tensor_free(&t);
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

/* A storage view shares the elements of its base, keeps the base alive, and neither can
   be resized while it lives. */
static void test_storage_view(void) {
  dl_storage *base = dl_storage_new(DL_LONG, 3);
  int64_t *d = base->data;
  d[0] = 3, d[1] = 4, d[2] = 5;
  dl_storage *v = dl_storage_view(base, 1, 2);
  CHECK(v && v->size == 2 && ((int64_t *)v->data)[0] == 4);
  ((int64_t *)v->data)[0] = 13;
  CHECK(d[1] == 13);
  CHECK(dl_storage_resize(base, 10) < 0 && strstr(dl_errmsg(), "1 storage views point into it"));
  CHECK(dl_storage_resize(v, 1) < 0 && strstr(dl_errmsg(), "a view of another storage"));
  CHECK(dl_storage_view(base, 2, 2) == NULL && strstr(dl_errmsg(), "elements 3 to 4 out of range"));
  dl_storage_release(base); /* the view still holds it */
  CHECK(((int64_t *)v->data)[1] == 5);
  dl_storage *keep = v->base;
  dl_storage_retain(keep);
  dl_storage_release(v);
  CHECK(keep->nviews == 0 && dl_storage_resize(keep, 10) == 0);
  dl_storage_release(keep);
}

int main(void) {
  test_storage_view();
  test_resize_and_views();
  test_view_strides();
  test_copy_and_fill();
  test_large_parallel_copy();
  test_resize_keeps_view();
  test_resize_contig();
  test_scratch();
  test_errors();
  return check_done("test_tensor");
}
