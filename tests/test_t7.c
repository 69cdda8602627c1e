/* The .t7 byte-level cursor and the structural walker. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/error.h"
#include "io/t7.h"

static int has(const char *msg, const char *part) { return strstr(msg, part) != NULL; }

static void test_binary_roundtrip(void) {
  io_t7 c;
  CHECK(io_t7_open_mem(&c, NULL, 0, 1, 1) == 0);
  CHECK(io_t7_write_int(&c, -7) == 0);
  CHECK(io_t7_write_long(&c, 1LL << 40) == 0);
  CHECK(io_t7_write_double(&c, 0.1) == 0);
  float f[3] = {1.5f, -2, 3e-8f};
  CHECK(io_t7_write(&c, IO_T7_FLOAT, f, 3) == 0);
  CHECK(c.size == 4 + 8 + 8 + 12);
  /* little-endian on disk, as Torch7 on x86 wrote it */
  CHECK(c.buf[0] == 0xf9 && c.buf[1] == 0xff && c.buf[3] == 0xff);
  CHECK(c.buf[4 + 5] == 1);
  CHECK(io_t7_seek(&c, 0) == 0);
  int32_t i;
  int64_t l;
  double d;
  float g[3];
  CHECK(io_t7_read_int(&c, &i, "x") == 0 && i == -7);
  CHECK(io_t7_read_long(&c, &l, "x") == 0 && l == 1LL << 40);
  CHECK(io_t7_read_double(&c, &d, "x") == 0 && d == 0.1);
  CHECK(io_t7_read(&c, IO_T7_FLOAT, g, 3, "x") == 0 && memcmp(f, g, sizeof f) == 0);
  /* at the end: a clean error naming the value and the offset */
  CHECK(io_t7_read_int(&c, &i, "the size of a table") < 0);
  CHECK(has(dl_errmsg(), "the size of a table") && has(dl_errmsg(), "byte offset 32"));
  io_t7_close(&c);
}

static void test_b32(void) {
  io_t7 c;
  unsigned char bytes[8] = {0xfe, 0xff, 0xff, 0xff, 5, 0, 0, 0};
  CHECK(io_t7_open_mem(&c, bytes, 8, 1, 0) == 0);
  c.longsize = 4;
  int64_t v[2];
  CHECK(io_t7_read(&c, IO_T7_LONG, v, 2, "x") == 0 && v[0] == -2 && v[1] == 5);
  io_t7_close(&c);
  CHECK(io_t7_open_mem(&c, NULL, 0, 1, 1) == 0);
  c.longsize = 4;
  CHECK(io_t7_write_long(&c, 1LL << 33) < 0 && has(dl_errmsg(), "4-byte"));
  CHECK(io_t7_write_long(&c, 12) == 0 && c.size == 4);
  io_t7_close(&c);
}

static void test_counts(void) {
  io_t7 c;
  unsigned char bytes[6] = {0};
  CHECK(io_t7_open_mem(&c, bytes, 6, 1, 0) == 0);
  CHECK(io_t7_check_count(&c, IO_T7_CHAR, 6, "a string") == 0);
  CHECK(io_t7_check_count(&c, IO_T7_CHAR, 7, "a string") < 0);
  CHECK(has(dl_errmsg(), "a string") && has(dl_errmsg(), "6 bytes remain"));
  CHECK(io_t7_check_count(&c, IO_T7_DOUBLE, INT64_MAX / 2, "data") < 0);
  CHECK(io_t7_check_count(&c, IO_T7_INT, -1, "the size") < 0 && has(dl_errmsg(), "negative"));
  /* a huge count fails before anything is read or allocated */
  CHECK(io_t7_read(&c, IO_T7_LONG, NULL, 1LL << 60, "huge") < 0);
  CHECK(c.pos == 0);
  io_t7_close(&c);
}

static void test_ascii(void) {
  io_t7 c;
  CHECK(io_t7_open_mem(&c, NULL, 0, 1, 1) == 0);
  c.ascii = 1;
  int32_t iv[3] = {1, -2, 3};
  CHECK(io_t7_write(&c, IO_T7_INT, iv, 3) == 0);
  CHECK(io_t7_write_double(&c, 0.1) == 0);
  CHECK(io_t7_write(&c, IO_T7_CHAR, "\nab", 3) == 0);
  CHECK(io_t7_write_long(&c, -5) == 0);
  const char *want = "1 -2 3\n0.10000000000000001\n\nab\n-5\n";
  CHECK(c.size == (int64_t)strlen(want) && memcmp(c.buf, want, strlen(want)) == 0);
  CHECK(io_t7_seek(&c, 0) == 0);
  int32_t jv[3];
  double d;
  char s[3];
  int64_t l;
  CHECK(io_t7_read(&c, IO_T7_INT, jv, 3, "x") == 0 && jv[0] == 1 && jv[1] == -2 && jv[2] == 3);
  CHECK(io_t7_read_double(&c, &d, "x") == 0 && d == 0.1);
  /* the chars start right after the newline, even when they begin with one */
  CHECK(io_t7_read(&c, IO_T7_CHAR, s, 3, "x") == 0 && memcmp(s, "\nab", 3) == 0);
  CHECK(io_t7_read_long(&c, &l, "x") == 0 && l == -5);
  CHECK(io_t7_read_long(&c, &l, "a long") < 0 && has(dl_errmsg(), "a long"));
  io_t7_close(&c);
  const char *bad = "12x 99999999999\n";
  CHECK(io_t7_open_mem(&c, bad, (int64_t)strlen(bad), 1, 0) == 0);
  c.ascii = 1;
  CHECK(io_t7_read_int(&c, &iv[0], "an int") < 0 && has(dl_errmsg(), "'12x'"));
  CHECK(io_t7_read_int(&c, &iv[0], "an int") < 0 && has(dl_errmsg(), "byte offset 4"));
  io_t7_close(&c);
}

static void test_file(void) {
  char path[] = "/tmp/test_t7_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  io_t7 c;
  CHECK(io_t7_open_file(&c, path, "w") == 0);
  CHECK(io_t7_write_int(&c, 42) == 0 && io_t7_write_double(&c, 2.5) == 0);
  CHECK(io_t7_sync(&c) == 0 && io_t7_close(&c) == 0);
  CHECK(io_t7_open_file(&c, path, "r") == 0 && c.size == 12);
  int32_t i;
  double d;
  CHECK(io_t7_read_int(&c, &i, "x") == 0 && i == 42);
  CHECK(io_t7_read_double(&c, &d, "x") == 0 && d == 2.5);
  CHECK(io_t7_read_int(&c, &i, "x") < 0);
  CHECK(io_t7_write_int(&c, 1) < 0 && has(dl_errmsg(), "not writable"));
  io_t7_close(&c);
  CHECK(io_t7_read_int(&c, &i, "x") < 0 && has(dl_errmsg(), "closed"));
  CHECK(io_t7_open_file(&c, "/nonexistent/dir/x.t7", "r") < 0 && has(dl_errmsg(), "/nonexistent"));
  remove(path);
}

/* A table {1.5, x = <FloatTensor of 2 on a storage of 3 at offset 2>}, built with the
   cursor's writers from the published layout. */
static void build_object(io_t7 *c) {
  io_t7_write_int(c, IO_T7_TTABLE);
  io_t7_write_int(c, 1);  /* index */
  io_t7_write_int(c, 2);  /* entries */
  io_t7_write_int(c, IO_T7_TNUMBER), io_t7_write_double(c, 1);
  io_t7_write_int(c, IO_T7_TNUMBER), io_t7_write_double(c, 1.5);
  io_t7_write_int(c, IO_T7_TSTRING), io_t7_write_int(c, 1), io_t7_write(c, IO_T7_CHAR, "x", 1);
  io_t7_write_int(c, IO_T7_TTORCH), io_t7_write_int(c, 2);
  io_t7_write_int(c, 3), io_t7_write(c, IO_T7_CHAR, "V 1", 3);
  io_t7_write_int(c, 17), io_t7_write(c, IO_T7_CHAR, "torch.FloatTensor", 17);
  io_t7_write_int(c, 1);                             /* nDimension */
  io_t7_write_long(c, 2), io_t7_write_long(c, 1);    /* size, stride */
  io_t7_write_long(c, 2);                            /* storageOffset, 1-based */
  io_t7_write_int(c, IO_T7_TTORCH), io_t7_write_int(c, 3);
  io_t7_write_int(c, 3), io_t7_write(c, IO_T7_CHAR, "V 1", 3);
  io_t7_write_int(c, 18), io_t7_write(c, IO_T7_CHAR, "torch.FloatStorage", 18);
  float data[3] = {1, 2, 3};
  io_t7_write_long(c, 3), io_t7_write(c, IO_T7_FLOAT, data, 3);
}

static void test_scan(int ascii) {
  io_t7 c;
  CHECK(io_t7_open_mem(&c, NULL, 0, 1, 1) == 0);
  c.ascii = ascii;
  build_object(&c);
  int64_t n = c.size;
  unsigned char *copy = malloc((size_t)n);
  memcpy(copy, c.buf, (size_t)n);
  CHECK(io_t7_seek(&c, 0) == 0 && io_t7_scan(&c, NULL) == 0);
  io_t7_close(&c);
  /* every truncation fails cleanly */
  int fails = 0;
  for (int64_t k = 0; k < n; k++) {
    io_t7 t;
    io_t7_open_mem(&t, copy, k, 1, 0);
    t.ascii = ascii;
    if (io_t7_scan(&t, NULL) < 0) fails++;
    io_t7_close(&t);
  }
  /* in ascii, cutting the final newline still leaves a whole file */
  CHECK(fails >= n - 1);
  /* the tensor reaching past its storage is refused */
  if (!ascii) {
    int64_t off = n - (8 + 12) - (4 + 4 + 4 + 3 + 4 + 18) - 8; /* the storageOffset */
    int64_t bad = 3;
    memcpy(copy + off, &bad, 8);
    io_t7_open_mem(&c, copy, n, 1, 0);
    CHECK(io_t7_scan(&c, NULL) < 0 && has(dl_errmsg(), "reaches element 4 of a storage of 3"));
    io_t7_close(&c);
  }
  free(copy);
}

static void test_scan_refusals(void) {
  io_t7 c;
  io_t7_open_mem(&c, NULL, 0, 1, 1);
  io_t7_write_int(&c, IO_T7_TFUNCTION);
  io_t7_seek(&c, 0);
  CHECK(io_t7_scan(&c, NULL) < 0 && has(dl_errmsg(), "function"));
  io_t7_close(&c);
  io_t7_open_mem(&c, NULL, 0, 1, 1);
  io_t7_write_int(&c, IO_T7_TTORCH), io_t7_write_int(&c, 1);
  io_t7_write_int(&c, 3), io_t7_write(&c, IO_T7_CHAR, "V 1", 3);
  io_t7_write_int(&c, 6), io_t7_write(&c, IO_T7_CHAR, "os.Foo", 6);
  io_t7_seek(&c, 0);
  CHECK(io_t7_scan(&c, NULL) < 0 && has(dl_errmsg(), "unknown class 'os.Foo'"));
  io_t7_close(&c);
  /* a table that contains itself is fine: a cycle */
  io_t7_open_mem(&c, NULL, 0, 1, 1);
  io_t7_write_int(&c, IO_T7_TTABLE), io_t7_write_int(&c, 1), io_t7_write_int(&c, 1);
  io_t7_write_int(&c, IO_T7_TBOOLEAN), io_t7_write_int(&c, 1);
  io_t7_write_int(&c, IO_T7_TTABLE), io_t7_write_int(&c, 1);
  io_t7_seek(&c, 0);
  CHECK(io_t7_scan(&c, NULL) == 0);
  io_t7_close(&c);
}

/* Regression (fuzzer): a tensor whose storage offset is INT64_MIN overflowed computing
   offset - 1. Each of these must be refused cleanly. */
static void test_scan_tensor_offsets(void) {
  int64_t offsets[] = {INT64_MIN, -1, 0, INT64_MAX};
  for (int i = 0; i < 4; i++) {
    io_t7 c;
    io_t7_open_mem(&c, NULL, 0, 1, 1);
    io_t7_write_int(&c, IO_T7_TTORCH), io_t7_write_int(&c, 1);
    io_t7_write_int(&c, 3), io_t7_write(&c, IO_T7_CHAR, "V 1", 3);
    io_t7_write_int(&c, 18), io_t7_write(&c, IO_T7_CHAR, "torch.DoubleTensor", 18);
    io_t7_write_int(&c, 2);
    int64_t size[2] = {2, 2}, stride[2] = {INT64_MAX, 1};
    io_t7_write(&c, IO_T7_LONG, size, 2), io_t7_write(&c, IO_T7_LONG, stride, 2);
    io_t7_write_long(&c, offsets[i]);
    io_t7_write_int(&c, IO_T7_TNIL);
    io_t7_seek(&c, 0);
    CHECK(io_t7_scan(&c, NULL) < 0);
    io_t7_close(&c);
  }
}

int main(void) {
  test_scan_tensor_offsets();
  test_binary_roundtrip();
  test_b32();
  test_counts();
  test_ascii();
  test_file();
  test_scan(0);
  test_scan(1);
  test_scan_refusals();
  return check_done("test_t7");
}
