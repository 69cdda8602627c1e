/* IDX parsing: every element type, big-endian decoding, conversions and each
   corruption case, on images built byte by byte here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/tensor.h"
#include "io/idx.h"

static int fails_with(const unsigned char *buf, size_t len, int want, double scale,
                      const char *text) {
  dl_tensor t;
  dl_tensor_init(&t, want < 0 ? DL_FLOAT : (dl_dtype)want);
  int rc = io_idx_parse(buf, len, "test", want, scale, &t);
  dl_tensor_free(&t);
  if (rc == 0) return 0;
  if (!strstr(dl_errmsg(), text)) {
    fprintf(stderr, "error '%s' lacks '%s'\n", dl_errmsg(), text);
    return 0;
  }
  return 1;
}

static void test_ubyte(void) {
  /* 2 x 3 unsigned bytes */
  const unsigned char buf[] = {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 250, 0, 255};
  dl_tensor t;
  dl_tensor_init(&t, DL_BYTE);
  CHECK(io_idx_peek(buf, sizeof buf, "test") == DL_BYTE);
  CHECK(io_idx_parse(buf, sizeof buf, "test", -1, 1, &t) == 0);
  CHECK(t.ndim == 2 && t.size[0] == 2 && t.size[1] == 3);
  const uint8_t *d = dl_tensor_data(&t);
  CHECK(d[0] == 1 && d[2] == 3 && d[3] == 250 && d[5] == 255);
  dl_tensor_free(&t);
  /* the same into floats, scaled to [0, 1] */
  dl_tensor_init(&t, DL_FLOAT);
  CHECK(io_idx_parse(buf, sizeof buf, "test", DL_FLOAT, 1.0 / 255, &t) == 0);
  const float *f = dl_tensor_data(&t);
  CHECK_NEAR(f[0], 1.0 / 255, 1e-7);
  CHECK_NEAR(f[3], 250.0 / 255, 1e-7);
  CHECK_NEAR(f[5], 1.0, 1e-7);
  dl_tensor_free(&t);
}

static void test_signed_and_wide(void) {
  /* signed bytes -1, 127 into Long */
  const unsigned char sb[] = {0, 0, 0x09, 1, 0, 0, 0, 2, 0xFF, 0x7F};
  dl_tensor t;
  dl_tensor_init(&t, DL_LONG);
  CHECK(io_idx_parse(sb, sizeof sb, "test", -1, 1, &t) == 0);
  const int64_t *l = dl_tensor_data(&t);
  CHECK(l[0] == -1 && l[1] == 127);
  /* shorts 258, -2 */
  const unsigned char sh[] = {0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE};
  CHECK(io_idx_parse(sh, sizeof sh, "test", -1, 1, &t) == 0);
  l = dl_tensor_data(&t);
  CHECK(l[0] == 258 && l[1] == -2);
  /* ints 16909060 (0x01020304), -1 */
  const unsigned char in[] = {0, 0, 0x0C, 1, 0, 0, 0, 2, 1, 2, 3, 4, 0xFF, 0xFF, 0xFF, 0xFF};
  CHECK(io_idx_parse(in, sizeof in, "test", -1, 1, &t) == 0);
  l = dl_tensor_data(&t);
  CHECK(l[0] == 16909060 && l[1] == -1);
  dl_tensor_free(&t);
  /* float 1.5 (0x3FC00000) and -2 (0xC0000000) */
  const unsigned char fl[] = {0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3F, 0xC0, 0, 0, 0xC0, 0, 0, 0};
  dl_tensor_init(&t, DL_FLOAT);
  CHECK(io_idx_parse(fl, sizeof fl, "test", -1, 1, &t) == 0);
  const float *f = dl_tensor_data(&t);
  CHECK(f[0] == 1.5f && f[1] == -2.0f);
  dl_tensor_free(&t);
  /* double 0.1 (0x3FB999999999999A) */
  const unsigned char db[] = {0, 0, 0x0E, 1, 0, 0, 0, 1, 0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A};
  dl_tensor_init(&t, DL_DOUBLE);
  CHECK(io_idx_parse(db, sizeof db, "test", -1, 1, &t) == 0);
  CHECK(((const double *)dl_tensor_data(&t))[0] == 0.1);
  dl_tensor_free(&t);
}

static void test_errors(void) {
  const unsigned char good[] = {0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9};
  CHECK(fails_with(good, 2, -1, 1, "truncated: 2 bytes"));
  const unsigned char magic[] = {0x1F, 0x8B, 0x08, 1, 0, 0, 0, 3, 7, 8, 9};
  CHECK(fails_with(magic, sizeof magic, -1, 1, "not an IDX file: magic number 0x1f8b0801"));
  const unsigned char type[] = {0, 0, 0x0A, 1, 0, 0, 0, 3, 7, 8, 9};
  CHECK(fails_with(type, sizeof type, -1, 1, "magic number 0x00000a01"));
  const unsigned char nodim[] = {0, 0, 0x08, 0};
  CHECK(fails_with(nodim, sizeof nodim, -1, 1, "0 dimensions"));
  CHECK(fails_with(good, 6, -1, 1, "truncated: 6 bytes, the header of 1 dimensions needs 8"));
  CHECK(fails_with(good, 10, -1, 1, "truncated: the header says 3 ubyte (3 bytes of data) but only 2"));
  const unsigned char extra[] = {0, 0, 0x08, 1, 0, 0, 0, 2, 7, 8, 9};
  CHECK(fails_with(extra, sizeof extra, -1, 1, "size mismatch: the header says 2 ubyte (2 bytes of data) but 3"));
  const unsigned char zero[] = {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 0};
  CHECK(fails_with(zero, sizeof zero, -1, 1, "dimension 2 has size 0"));
  /* 4 x 2^32-1 x 2^32-1 x 2^32-1 elements overflow */
  const unsigned char huge[] = {0, 0, 0x0E, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                0xFF, 0xFF, 0xFF, 0xFF, 1};
  CHECK(fails_with(huge, sizeof huge, -1, 1, "overflow"));
  const unsigned char fl[] = {0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0};
  CHECK(fails_with(fl, sizeof fl, DL_BYTE, 1, "cannot read float elements into a ByteTensor"));
  CHECK(fails_with(good, sizeof good, DL_LONG, 0.5, "with a scale into a LongTensor"));
  CHECK(fails_with((const unsigned char[]){0, 0, 0x0C, 1, 0, 0, 0, 1, 0, 0, 0, 1}, 12, DL_BYTE, 1,
                   "cannot read int elements into a ByteTensor"));
}

static void test_file(void) {
  /* plain and missing files; gzip is zlib's transparent reading, tested in the spec */
  const char *path = "/tmp/dlua_test_idx.idx";
  const unsigned char buf[] = {0, 0, 0x08, 1, 0, 0, 0, 3, 7, 8, 9};
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  fwrite(buf, 1, sizeof buf, f);
  fclose(f);
  CHECK(io_idx_peek_file(path) == DL_BYTE);
  dl_tensor t;
  dl_tensor_init(&t, DL_DOUBLE);
  CHECK(io_idx_read(path, DL_DOUBLE, 2, &t) == 0);
  CHECK(t.ndim == 1 && t.size[0] == 3 && ((const double *)dl_tensor_data(&t))[2] == 18);
  dl_tensor_free(&t);
  remove(path);
  CHECK(io_idx_peek_file(path) < 0 && strstr(dl_errmsg(), "cannot open"));
  dl_tensor_init(&t, DL_BYTE);
  CHECK(io_idx_read(path, DL_BYTE, 1, &t) < 0 && strstr(dl_errmsg(), path));
  dl_tensor_free(&t);
}

int main(void) {
  test_ubyte();
  test_signed_and_wide();
  test_errors();
  test_file();
  return check_done("test_idx");
}
