/* The .t7 byte-level cursor, the tensor and storage checks of torch.load (t7_check.c)
   and the structural walker that runs them. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/error.h"
#include "io/t7.h"
#include "io/t7_check.h"

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
    CHECK(io_t7_scan(&c, NULL) < 0 && has(dl_errmsg(), "need 4 elements, storage has 3"));
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


/* A tensor header written with the cursor's writers, then read back. */
static int header_of(int32_t nd, const int64_t *size, const int64_t *stride, int64_t offset,
                     io_t7_tensor_header *h) {
  io_t7 c;
  io_t7_open_mem(&c, NULL, 0, 1, 1);
  io_t7_write_int(&c, nd);
  if (nd > 0 && nd <= DL_MAXDIM) {
    io_t7_write(&c, IO_T7_LONG, size, nd), io_t7_write(&c, IO_T7_LONG, stride, nd);
    io_t7_write_long(&c, offset);
  }
  io_t7_seek(&c, 0);
  int r = io_t7_read_tensor_header(&c, DL_FLOAT, h);
  io_t7_close(&c);
  return r;
}

static void test_tensor_header(void) {
  io_t7_tensor_header h;
  int64_t size[2] = {2, 3}, stride[2] = {3, 1};
  CHECK(header_of(2, size, stride, 1, &h) == 0 && h.ndim == 2 && h.size[1] == 3 && h.offset == 1);
  CHECK(header_of(17, size, stride, 1, &h) < 0 && has(dl_errmsg(), "torch.FloatTensor with 17 dimensions"));
  CHECK(header_of(-1, size, stride, 1, &h) < 0 && has(dl_errmsg(), "-1 dimensions"));
  /* a header cut short names what is missing */
  io_t7 c;
  io_t7_open_mem(&c, NULL, 0, 1, 1);
  io_t7_write_int(&c, 2), io_t7_write_long(&c, 2);
  io_t7_seek(&c, 0);
  CHECK(io_t7_read_tensor_header(&c, DL_FLOAT, &h) < 0 && has(dl_errmsg(), "the sizes of a tensor"));
  io_t7_close(&c);
}

static void test_read_storage(void) {
  io_t7 c;
  dl_storage *s = dl_storage_new(DL_DOUBLE, 0);
  double v[2] = {1.5, -2};
  io_t7_open_mem(&c, NULL, 0, 1, 1);
  io_t7_write_long(&c, 2), io_t7_write(&c, IO_T7_DOUBLE, v, 2);
  io_t7_seek(&c, 0);
  CHECK(io_t7_read_storage(&c, s) == 0 && s->size == 2 && ((double *)s->data)[1] == -2);
  io_t7_close(&c);
  /* sizes whose byte counts overflow, or that the bytes left cannot hold: refused before
     the storage grows */
  int64_t bad[] = {-1, INT64_MAX, INT64_MAX / 8 + 1, (int64_t)1 << 61, 3};
  for (int i = 0; i < 5; i++) {
    io_t7_open_mem(&c, NULL, 0, 1, 1);
    io_t7_write_long(&c, bad[i]), io_t7_write(&c, IO_T7_DOUBLE, v, 2);
    io_t7_seek(&c, 0);
    CHECK(io_t7_read_storage(&c, s) < 0 && s->size == 2);
    CHECK(has(dl_errmsg(), bad[i] < 0 ? "negative count" : "the data of a storage"));
    io_t7_close(&c);
  }
  /* 'b32' longs widen into 8-byte elements */
  dl_storage *l = dl_storage_new(DL_LONG, 0);
  unsigned char b32[12] = {2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0};
  io_t7_open_mem(&c, b32, 12, 1, 0);
  c.longsize = 4;
  CHECK(io_t7_read_storage(&c, l) == 0 && l->size == 2 && ((int64_t *)l->data)[0] == -1);
  io_t7_close(&c);
  dl_storage_release(l);
  dl_storage_release(s);
}

/* Short and Half elements (the Short, Int, Char and Half storages): 2 bytes each in
   binary, integers and floats in ascii; an ascii short out of range or a cut storage is
   refused. */
static void test_short_half(void) {
  for (int ascii = 0; ascii < 2; ascii++) {
    io_t7 c;
    int16_t sv[3] = {-32768, 7, 32767}, sr[3];
    dl_half hv[3] = {{0x3c00}, {0xc000}, {0x0001}}, hr[3]; /* 1, -2, 2^-24 */
    CHECK(io_t7_open_mem(&c, NULL, 0, 1, 1) == 0);
    c.ascii = ascii;
    CHECK(io_t7_write(&c, IO_T7_SHORT, sv, 3) == 0 && io_t7_write(&c, IO_T7_HALF, hv, 3) == 0);
    if (!ascii) CHECK(c.size == 12 && c.buf[0] == 0x00 && c.buf[1] == 0x80 && c.buf[7] == 0x3c);
    else CHECK(c.size > 12 && memmem(c.buf, (size_t)c.size, "5.96046448e-08", 14) != NULL);
    CHECK(io_t7_seek(&c, 0) == 0);
    CHECK(io_t7_read(&c, IO_T7_SHORT, sr, 3, "x") == 0 && memcmp(sv, sr, sizeof sv) == 0);
    CHECK(io_t7_read(&c, IO_T7_HALF, hr, 3, "x") == 0 && memcmp(hv, hr, sizeof hv) == 0);
    io_t7_close(&c);
  }
  io_t7 c;
  int16_t sr;
  CHECK(io_t7_open_mem(&c, "40000 ", 6, 1, 0) == 0);
  c.ascii = 1;
  CHECK(io_t7_read(&c, IO_T7_SHORT, &sr, 1, "a short") < 0 && has(dl_errmsg(), "not a valid short"));
  io_t7_close(&c);
  /* storages of the new types: size, then elements of the file's kind */
  static const dl_dtype types[4] = {DL_CHAR, DL_SHORT, DL_INT, DL_HALF};
  static const char *names[4] = {"torch.CharStorage", "torch.ShortStorage", "torch.IntStorage",
                                 "torch.HalfStorage"};
  unsigned char data[16] = {0x80, 0xff, 0x01, 0x00, 0x00, 0x3c, 0x00, 0x80};
  for (int k = 0; k < 4; k++) {
    CHECK(strcmp(io_t7_storage_class(types[k]), names[k]) == 0);
    dl_storage *st = dl_storage_new(types[k], 0);
    unsigned char buf[8 + 16];
    int64_t two = 2;
    memcpy(buf, &two, 8);
    memcpy(buf + 8, data, 16);
    size_t need = 8 + 2 * dl_dtype_size(types[k]);
    CHECK(io_t7_open_mem(&c, buf, (int64_t)need, 1, 0) == 0);
    CHECK(io_t7_read_storage(&c, st) == 0 && st->size == 2);
    if (types[k] == DL_CHAR) CHECK(((int8_t *)st->data)[0] == -128 && ((int8_t *)st->data)[1] == -1);
    if (types[k] == DL_SHORT) CHECK(((int16_t *)st->data)[0] == -128 && ((int16_t *)st->data)[1] == 1);
    if (types[k] == DL_INT) CHECK(((int32_t *)st->data)[0] == 0x1ff80 && ((int32_t *)st->data)[1] == (int32_t)0x80003c00);
    if (types[k] == DL_HALF) CHECK(((dl_half *)st->data)[1].bits == 0x0001);
    io_t7_close(&c);
    CHECK(io_t7_open_mem(&c, buf, (int64_t)need - 1, 1, 0) == 0); /* one byte short */
    CHECK(io_t7_read_storage(&c, st) < 0 && has(dl_errmsg(), "the data of a storage"));
    io_t7_close(&c);
    dl_storage_release(st);
  }
}

static int set_fails(const io_t7_tensor_header *h, dl_storage *s, int expanded, const char *text) {
  dl_tensor t;
  dl_tensor_init(&t, DL_FLOAT);
  int r = io_t7_set_tensor(&t, h, s, 99, expanded);
  int unchanged = t.ndim == 0 && t.storage == NULL;
  dl_tensor_free(&t);
  if (r == 0) return 0;
  if (!has(dl_errmsg(), text)) fprintf(stderr, "error '%s' lacks '%s'\n", dl_errmsg(), text);
  return unchanged && has(dl_errmsg(), text);
}

static void test_set_tensor(void) {
  dl_storage *s = dl_storage_new(DL_FLOAT, 6), *d = dl_storage_new(DL_DOUBLE, 6);
  io_t7_tensor_header h = {2, {2, 3}, {3, 1}, 1, 0};
  dl_tensor t;
  dl_tensor_init(&t, DL_FLOAT);
  CHECK(io_t7_set_tensor(&t, &h, s, 0, 0) == 0 && t.storage == s && t.size[1] == 3);
  dl_tensor_free(&t);
  CHECK(set_fails(&h, d, 0, "torch.FloatTensor on a torch.DoubleStorage at byte offset 99"));
  CHECK(set_fails(&h, NULL, 0, "storage has 0"));
  h.offset = 2;
  CHECK(set_fails(&h, s, 0, "need 7 elements, storage has 6"));
  int64_t offsets[] = {0, -1, INT64_MIN};
  for (int i = 0; i < 3; i++) {
    h.offset = offsets[i];
    CHECK(set_fails(&h, s, 0, "must be >= 1"));
  }
  /* offset + reach wraps: each term fits, their sum does not */
  h.offset = INT64_MAX;
  CHECK(set_fails(&h, s, 0, "overflow"));
  h.offset = 1;
  h.stride[0] = -3;
  CHECK(set_fails(&h, s, 0, "stride -3 in dimension 1"));
  h.stride[0] = 3, h.size[1] = -1;
  CHECK(set_fails(&h, s, 0, "size -1, stride 1 in dimension 2"));
  /* (size - 1) * stride wraps */
  h.size[0] = 3, h.stride[0] = INT64_MAX / 2 + 1, h.size[1] = 1;
  CHECK(set_fails(&h, s, 0, "overflow"));
  /* the element count wraps */
  h.size[0] = h.size[1] = (int64_t)1 << 40, h.stride[0] = h.stride[1] = 0;
  CHECK(set_fails(&h, s, 0, "overflow"));
  /* stride 0: a legal view far larger than its storage, refused unless expanded */
  h.ndim = 1, h.size[0] = IO_T7_EXPAND_FLOOR + 1, h.stride[0] = 0;
  CHECK(set_fails(&h, s, 0, "refused (more than 16 times its storage"));
  dl_tensor_init(&t, DL_FLOAT);
  CHECK(io_t7_set_tensor(&t, &h, s, 0, 1) == 0 && dl_tensor_numel(&t) == IO_T7_EXPAND_FLOOR + 1);
  dl_tensor_free(&t);
  h.size[0] = IO_T7_EXPAND_FLOOR; /* at the floor: accepted */
  dl_tensor_init(&t, DL_FLOAT);
  CHECK(io_t7_set_tensor(&t, &h, s, 0, 0) == 0);
  dl_tensor_free(&t);
  /* an empty tensor keeps its storage; so does one of size 0 far past it */
  io_t7_tensor_header e = {0, {0}, {0}, 1, 0};
  dl_tensor_init(&t, DL_FLOAT);
  CHECK(io_t7_set_tensor(&t, &e, s, 0, 0) == 0 && t.ndim == 0 && t.storage == s);
  e.ndim = 1, e.offset = INT64_MAX;
  CHECK(io_t7_set_tensor(&t, &e, s, 0, 0) == 0 && dl_tensor_numel(&t) == 0);
  dl_tensor_free(&t);
  dl_storage_release(s);
  dl_storage_release(d);
}

/* The walker hands each tensor it accepts to the callback, on its live storage. */
static void count_tensor(const struct dl_tensor *t, void *ud) {
  int64_t *sum = ud;
  *sum += (int64_t)((const float *)dl_tensor_data(t))[0];
}

static void test_scan_callback(void) {
  io_t7 c;
  io_t7_open_mem(&c, NULL, 0, 1, 1);
  build_object(&c);
  io_t7_seek(&c, 0);
  int64_t sum = 0;
  io_t7_scan_opts opts = {NULL, 0, count_tensor, &sum};
  CHECK(io_t7_scan(&c, &opts) == 0 && sum == 2);
  io_t7_close(&c);
}

/* Counts whose byte size wraps are refused by the writers, not passed to memcpy. */
static void test_write_overflow(void) {
  io_t7 c;
  CHECK(io_t7_open_mem(&c, NULL, -1, 1, 1) < 0 && has(dl_errmsg(), "invalid length"));
  io_t7_close(&c);
  io_t7_open_mem(&c, NULL, 0, 1, 1);
  double d = 0;
  CHECK(io_t7_write(&c, IO_T7_DOUBLE, &d, INT64_MAX / 8 + 1) < 0 && has(dl_errmsg(), "overflow"));
  CHECK(io_t7_write(&c, IO_T7_LONG, &d, INT64_MAX / 4) < 0 && has(dl_errmsg(), "overflow"));
  CHECK(io_t7_write_raw(&c, &d, -8) < 0 && has(dl_errmsg(), "negative"));
  CHECK(io_t7_write_raw(&c, &d, INT64_MAX - 2) < 0 && has(dl_errmsg(), "overflows"));
  CHECK(c.size == 0);
  io_t7_close(&c);
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
  test_tensor_header();
  test_read_storage();
  test_set_tensor();
  test_scan_callback();
  test_write_overflow();
  test_short_half();
  return check_done("test_t7");
}
