/* The image package's C layer: PNG and JPEG round trips (and files written here with
   libpng directly: 16-bit, palette with transparency, interlaced), every truncation and
   corrupted byte of a file giving an error and no crash, and the kernels (scale in each
   mode, rotate, translate, colour spaces) against values computed by hand. */
#include <png.h>
#include <jpeglib.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/tensor.h"
#include "image/image.h"
#include "io/jpeg.h"
#include "io/png.h"
#include "io/pnm.h"
#include "io/raster.h"

static dl_tensor make(dl_dtype dt, int ndim, int64_t a, int64_t b, int64_t c) {
  dl_tensor t;
  int64_t size[3] = {a, b, c};
  dl_tensor_new(&t, dt, ndim, size);
  return t;
}

static double at(const dl_tensor *t, int64_t i) { /* element i of a contiguous tensor */
  const void *p = dl_tensor_data(t);
  switch (t->dtype) {
  case DL_FLOAT: return ((const float *)p)[i];
  case DL_DOUBLE: return ((const double *)p)[i];
  case DL_LONG: return (double)((const int64_t *)p)[i];
  default: return ((const uint8_t *)p)[i];
  }
}

static int has(const char *text) {
  if (strstr(dl_errmsg(), text)) return 1;
  fprintf(stderr, "error '%s' lacks '%s'\n", dl_errmsg(), text);
  return 0;
}

/* --- PNG -------------------------------------------------------------------------- */

static void test_png_roundtrip(void) {
  for (int c = 1; c <= 4; c++) {
    dl_tensor img = make(DL_BYTE, 3, c, 3, 5);
    uint8_t *p = dl_tensor_data(&img);
    for (int64_t i = 0; i < c * 15; i++) p[i] = (uint8_t)(i * 37 + 11);
    unsigned char *buf;
    size_t len;
    CHECK(io_png_encode("t", &img, &buf, &len) == 0);
    dl_tensor out;
    dl_tensor_init(&out, DL_BYTE);
    CHECK(io_png_decode("t", "mem", buf, len, &out) == 0);
    CHECK(out.ndim == 3 && out.size[0] == c && out.size[1] == 3 && out.size[2] == 5);
    int same = 1;
    for (int64_t i = 0; i < c * 15; i++) same &= at(&out, i) == p[i];
    CHECK(same);
    /* into floats: v / 255 */
    dl_tensor f;
    dl_tensor_init(&f, DL_FLOAT);
    CHECK(io_png_decode("t", "mem", buf, len, &f) == 0);
    CHECK_NEAR(at(&f, 7), p[7] / 255.0, 1e-7);
    /* floats back to bytes, exactly (rounded, not truncated) */
    unsigned char *buf2;
    size_t len2;
    CHECK(io_png_encode("t", &f, &buf2, &len2) == 0);
    CHECK(io_png_decode("t", "mem", buf2, len2, &out) == 0);
    same = 1;
    for (int64_t i = 0; i < c * 15; i++) same &= at(&out, i) == p[i];
    CHECK(same);
    free(buf), free(buf2);
    dl_tensor_free(&f), dl_tensor_free(&out), dl_tensor_free(&img);
  }
}

static void test_png_clamp_and_shapes(void) {
  /* an HxW double image: clamped to [0, 1], NaN to 0 */
  dl_tensor img = make(DL_DOUBLE, 2, 1, 4, 0);
  double *d = dl_tensor_data(&img);
  d[0] = -0.5, d[1] = 0.5, d[2] = 2, d[3] = 0.0 / 0.0;
  unsigned char *buf;
  size_t len;
  CHECK(io_png_encode("t", &img, &buf, &len) == 0);
  dl_tensor out;
  dl_tensor_init(&out, DL_LONG);
  CHECK(io_png_decode("t", "mem", buf, len, &out) == 0);
  CHECK(out.ndim == 3 && out.size[0] == 1 && out.size[1] == 1 && out.size[2] == 4);
  CHECK(at(&out, 0) == 0 && at(&out, 1) == 128 && at(&out, 2) == 255 && at(&out, 3) == 0);
  free(buf);
  dl_tensor_free(&out), dl_tensor_free(&img);
  /* bad shapes */
  dl_tensor five = make(DL_BYTE, 3, 5, 2, 2), one = make(DL_BYTE, 1, 4, 0, 0);
  CHECK(io_png_encode("image.save", &five, &buf, &len) < 0 && has("image.save: expected a CxHxW image with 1 to 4 channels") && has("5x2x2"));
  CHECK(io_png_encode("image.save", &one, &buf, &len) < 0 && has("size 4"));
  dl_tensor_free(&five), dl_tensor_free(&one);
}

/* A PNG written with libpng itself, for the layouts our encoder does not make. */
typedef struct {
  unsigned char *b;
  size_t n, cap;
} membuf;

static void mem_write(png_structp p, png_bytep src, size_t n) {
  membuf *m = png_get_io_ptr(p);
  if (m->n + n > m->cap) {
    m->cap = (m->n + n) * 2;
    m->b = realloc(m->b, m->cap);
  }
  memcpy(m->b + m->n, src, n);
  m->n += n;
}

static void mem_flush(png_structp p) { (void)p; }

static membuf write_png(int w, int h, int depth, int type, int interlace, const unsigned char *rows,
                        size_t rowbytes, const png_color *pal, int npal, const unsigned char *trns,
                        int ntrns) {
  membuf m = {0};
  png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(p);
  png_set_write_fn(p, &m, mem_write, mem_flush);
  png_set_IHDR(p, info, w, h, depth, type, interlace, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  if (pal) png_set_PLTE(p, info, pal, npal);
  if (trns) png_set_tRNS(p, info, trns, ntrns, NULL);
  png_write_info(p, info);
  int passes = png_set_interlace_handling(p);
  for (int pass = 0; pass < passes; pass++)
    for (int y = 0; y < h; y++) png_write_row(p, (png_const_bytep)(rows + y * rowbytes));
  png_write_end(p, info);
  png_destroy_write_struct(&p, &info);
  return m;
}

static void test_png_layouts(void) {
  dl_tensor out;
  dl_tensor_init(&out, DL_DOUBLE);
  /* 16-bit gray, 2x1: 0x0000, 0xffff, 0x8000 -> 0, 1, 32768/65535 */
  const unsigned char g16[] = {0, 0, 0xff, 0xff, 0x80, 0x00};
  membuf m = write_png(3, 1, 16, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, g16, 6, NULL, 0, NULL, 0);
  CHECK(io_png_decode("t", "g16", m.b, m.n, &out) == 0);
  CHECK(out.size[0] == 1 && out.size[1] == 1 && out.size[2] == 3);
  CHECK_NEAR(at(&out, 0), 0, 0);
  CHECK_NEAR(at(&out, 1), 1, 0);
  CHECK_NEAR(at(&out, 2), 32768.0 / 65535, 1e-12);
  dl_tensor b;
  dl_tensor_init(&b, DL_BYTE); /* 16 bits rounded to 8: 32768 * 255 / 65535 = 127.5 -> 128 */
  CHECK(io_png_decode("t", "g16", m.b, m.n, &b) == 0);
  CHECK(at(&b, 0) == 0 && at(&b, 1) == 255 && at(&b, 2) == 128);
  dl_tensor_free(&b);
  free(m.b);
  /* a 2-entry palette, entry 1 half transparent: RGBA */
  const png_color pal[2] = {{10, 20, 30}, {200, 100, 50}};
  const unsigned char trns[2] = {255, 128};
  const unsigned char idx[] = {0, 1, 1, 0};
  m = write_png(2, 2, 8, PNG_COLOR_TYPE_PALETTE, PNG_INTERLACE_NONE, idx, 2, pal, 2, trns, 2);
  dl_tensor_init(&b, DL_BYTE);
  CHECK(io_png_decode("t", "pal", m.b, m.n, &b) == 0);
  CHECK(b.size[0] == 4 && b.size[1] == 2 && b.size[2] == 2);
  /* channel-major: R plane 10 200 200 10, alpha plane 255 128 128 255 */
  CHECK(at(&b, 0) == 10 && at(&b, 1) == 200 && at(&b, 4) == 20 && at(&b, 12) == 255 &&
        at(&b, 13) == 128);
  free(m.b);
  /* 1-bit gray, Adam7 interlaced, 9x3 */
  unsigned char bits[3][2];
  for (int y = 0; y < 3; y++) bits[y][0] = (unsigned char)(0xa5 ^ y), bits[y][1] = (unsigned char)(y << 7);
  m = write_png(9, 3, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_ADAM7, &bits[0][0], 2, NULL, 0, NULL, 0);
  CHECK(io_png_decode("t", "i1", m.b, m.n, &b) == 0);
  CHECK(b.size[0] == 1 && b.size[1] == 3 && b.size[2] == 9);
  int ok = 1;
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 9; x++) {
      int bit = bits[y][x / 8] >> (7 - x % 8) & 1;
      ok &= at(&b, y * 9 + x) == (bit ? 255 : 0);
    }
  CHECK(ok);
  free(m.b);
  dl_tensor_free(&b), dl_tensor_free(&out);
}

/* Every strict prefix and every single-byte corruption of buf: decoding returns -1
   with the file named (or, for a flipped byte the codec cannot notice, decodes), and
   never crashes or leaks (ASan). */
static void corrupt_all(int (*dec)(const char *, const char *, const unsigned char *, size_t,
                                   dl_tensor *),
                        const unsigned char *buf, size_t len, const char *what, int *decoded) {
  dl_tensor out;
  dl_tensor_init(&out, DL_FLOAT);
  int prefixes_fail = 1, named = 1;
  for (size_t n = 0; n < len; n++) {
    if (dec("image.load", "f.img", buf, n, &out) == 0) {
      prefixes_fail = 0;
      fprintf(stderr, "%s: the %zu-byte prefix decoded\n", what, n);
    } else {
      named &= strstr(dl_errmsg(), "image.load: ") == dl_errmsg() && strstr(dl_errmsg(), "f.img") != NULL;
    }
  }
  CHECK(prefixes_fail);
  CHECK(named);
  unsigned char *copy = malloc(len);
  *decoded = 0;
  for (size_t i = 0; i < len; i++)
    for (int flip = 1; flip < 256; flip <<= 3) {
      memcpy(copy, buf, len);
      copy[i] ^= (unsigned char)flip;
      *decoded += dec("image.load", "f.img", copy, len, &out) == 0;
    }
  free(copy);
  dl_tensor_free(&out);
}

/* Appends a PNG chunk (length, type, data, CRC) at p; returns the end. */
static unsigned char *chunk(unsigned char *p, const char *type, const unsigned char *d, uint32_t n) {
  p[0] = n >> 24, p[1] = n >> 16, p[2] = n >> 8, p[3] = (unsigned char)n;
  memcpy(p + 4, type, 4);
  memcpy(p + 8, d, n);
  uint32_t crc = (uint32_t)crc32(0, p + 4, n + 4);
  p[8 + n] = crc >> 24, p[9 + n] = crc >> 16, p[10 + n] = crc >> 8, p[11 + n] = (unsigned char)crc;
  return p + 12 + n;
}

/* A valid 8000x8000 RGB header with one small IDAT: refused before allocating 192 MB. */
static void test_png_bomb(void) {
  unsigned char file[512], *p = file, z[256];
  memcpy(p, "\x89PNG\r\n\x1a\n", 8);
  p += 8;
  const unsigned char ihdr[13] = {0, 0, 0x1f, 0x40, 0, 0, 0x1f, 0x40, 8, 2, 0, 0, 0};
  p = chunk(p, "IHDR", ihdr, 13);
  unsigned char zeros[1000] = {0};
  uLongf zn = sizeof z;
  CHECK(compress(z, &zn, zeros, sizeof zeros) == Z_OK);
  p = chunk(p, "IDAT", z, (uint32_t)zn);
  p = chunk(p, "IEND", z, 0);
  dl_tensor out;
  dl_tensor_init(&out, DL_FLOAT);
  CHECK(io_png_decode("image.load", "bomb.png", file, (size_t)(p - file), &out) < 0 &&
        has("image.load: corrupt PNG file 'bomb.png': 8000x8000 pixels cannot fit in"));
  CHECK(out.ndim == 0);
  dl_tensor_free(&out);
}

static void test_png_corrupt(void) {
  dl_tensor img = make(DL_BYTE, 3, 3, 6, 7);
  uint8_t *p = dl_tensor_data(&img);
  for (int i = 0; i < 3 * 42; i++) p[i] = (uint8_t)(i * i);
  unsigned char *buf;
  size_t len;
  CHECK(io_png_encode("t", &img, &buf, &len) == 0);
  int decoded;
  corrupt_all(io_png_decode, buf, len, "png", &decoded);
  /* PNG's CRCs catch every flipped byte but those of ancillary fields libpng ignores */
  CHECK(decoded < (int)len);
  dl_tensor out;
  dl_tensor_init(&out, DL_FLOAT);
  CHECK(io_png_decode("image.load", "x.png", (const unsigned char *)"GIF89a....", 10, &out) < 0 &&
        has("image.load: 'x.png' is not a PNG file"));
  CHECK(io_png_decode("image.load", "x.png", buf, 30, &out) < 0 &&
        has("image.load: corrupt PNG file 'x.png': unexpected end of file"));
  free(buf);
  dl_tensor_free(&out), dl_tensor_free(&img);
}

/* --- JPEG ------------------------------------------------------------------------- */

static void test_jpeg(void) {
  /* a smooth 3x16x16 image survives within a few levels at quality 95 */
  dl_tensor img = make(DL_FLOAT, 3, 3, 16, 16);
  float *p = dl_tensor_data(&img);
  for (int k = 0; k < 3; k++)
    for (int y = 0; y < 16; y++)
      for (int x = 0; x < 16; x++) p[k * 256 + y * 16 + x] = (float)(0.2 + 0.02 * x + 0.01 * y + 0.1 * k);
  unsigned char *buf;
  size_t len;
  CHECK(io_jpeg_encode("t", &img, 95, &buf, &len) == 0);
  CHECK(len > 100 && buf[0] == 0xff && buf[1] == 0xd8);
  dl_tensor out;
  dl_tensor_init(&out, DL_FLOAT);
  CHECK(io_jpeg_decode("t", "mem", buf, len, &out) == 0);
  CHECK(out.ndim == 3 && out.size[0] == 3 && out.size[1] == 16 && out.size[2] == 16);
  double maxerr = 0;
  for (int i = 0; i < 3 * 256; i++) maxerr = fmax(maxerr, fabs(at(&out, i) - p[i]));
  CHECK(maxerr < 0.03);
  int decoded;
  corrupt_all(io_jpeg_decode, buf, len, "jpeg", &decoded);
  free(buf);
  /* gray */
  dl_tensor gray = make(DL_BYTE, 2, 8, 8, 0);
  memset(dl_tensor_data(&gray), 77, 64);
  CHECK(io_jpeg_encode("t", &gray, 90, &buf, &len) == 0);
  dl_tensor b;
  dl_tensor_init(&b, DL_BYTE);
  CHECK(io_jpeg_decode("t", "mem", buf, len, &b) == 0);
  CHECK(b.size[0] == 1 && b.size[1] == 8 && b.size[2] == 8);
  CHECK(fabs(at(&b, 0) - 77) <= 1 && fabs(at(&b, 63) - 77) <= 1);
  free(buf);
  /* errors */
  dl_tensor four = make(DL_BYTE, 3, 4, 2, 2);
  CHECK(io_jpeg_encode("image.saveJPG", &four, 75, &buf, &len) < 0 && has("image.saveJPG: expected a CxHxW image with 1 to 3 channels"));
  dl_tensor two = make(DL_BYTE, 3, 2, 2, 2);
  CHECK(io_jpeg_encode("image.saveJPG", &two, 75, &buf, &len) < 0 && has("1 or 3 channels, got 2"));
  CHECK(io_jpeg_encode("image.saveJPG", &gray, 0, &buf, &len) < 0 && has("quality must be in [1, 100], got 0"));
  CHECK(io_jpeg_decode("image.load", "y.jpg", (const unsigned char *)"\x89PNG", 4, &b) < 0 &&
        has("'y.jpg' is not a JPEG file"));
  dl_tensor_free(&four), dl_tensor_free(&two), dl_tensor_free(&b), dl_tensor_free(&gray);
  dl_tensor_free(&out), dl_tensor_free(&img);
}

/* A 4x2 CMYK JPEG written with libjpeg itself (our encoder writes 1 or 3 channels):
   decoded as 4 channels, as stored. */
static void test_jpeg_cmyk(void) {
  struct jpeg_compress_struct e;
  struct jpeg_error_mgr err;
  unsigned char *buf = NULL;
  unsigned long len = 0;
  e.err = jpeg_std_error(&err);
  jpeg_create_compress(&e);
  jpeg_mem_dest(&e, &buf, &len);
  e.image_width = 4, e.image_height = 2, e.input_components = 4, e.in_color_space = JCS_CMYK;
  jpeg_set_defaults(&e);
  jpeg_set_quality(&e, 100, TRUE);
  jpeg_start_compress(&e, TRUE);
  unsigned char row[16];
  for (int i = 0; i < 16; i++) row[i] = (unsigned char)(i % 4 * 60 + 20); /* C 20 M 80 Y 140 K 200 */
  while (e.next_scanline < 2) {
    JSAMPROW r = row;
    jpeg_write_scanlines(&e, &r, 1);
  }
  jpeg_finish_compress(&e);
  jpeg_destroy_compress(&e);
  dl_tensor out;
  dl_tensor_init(&out, DL_BYTE);
  CHECK(io_jpeg_decode("t", "cmyk", buf, len, &out) == 0);
  CHECK(out.ndim == 3 && out.size[0] == 4 && out.size[1] == 2 && out.size[2] == 4);
  for (int k = 0; k < 4; k++) CHECK(fabs(at(&out, k * 8 + 5) - (k * 60 + 20)) <= 2);
  free(buf);
  dl_tensor_free(&out);
}

/* --- PGM, PPM ---------------------------------------------------------------------- */

static int pnm(const char *text, dl_dtype dt, dl_tensor *out) {
  dl_tensor_free(out);
  dl_tensor_init(out, dt);
  return io_pnm_decode("image.load", "f.pnm", (const unsigned char *)text, strlen(text), out);
}

static void test_pnm(void) {
  dl_tensor out;
  dl_tensor_init(&out, DL_DOUBLE);
  /* text gray, maxval 15, a comment: samples over 15 */
  CHECK(pnm("P2\n# made by hand\n3 1\n15\n0 7 15\n", DL_DOUBLE, &out) == 0);
  CHECK(out.size[0] == 1 && out.size[1] == 1 && out.size[2] == 3);
  CHECK_NEAR(at(&out, 1), 7.0 / 15, 1e-12);
  CHECK_NEAR(at(&out, 2), 1, 1e-12);
  /* text RGB, maxval 255, 2x1: channel-major */
  CHECK(pnm("P3 2 1 255  10 20 30  40 50 60", DL_BYTE, &out) == 0);
  const double rgb[] = {10, 40, 20, 50, 30, 60};
  CHECK(out.size[0] == 3 && out.size[2] == 2);
  int ok = 1;
  for (int i = 0; i < 6; i++) ok &= at(&out, i) == rgb[i];
  CHECK(ok);
  /* binary gray, 16 bits (maxval 65535): big-endian */
  const unsigned char p5[] = "P5\n2 1\n65535\n\x80\x00\xff\xff";
  dl_tensor_free(&out);
  dl_tensor_init(&out, DL_DOUBLE);
  CHECK(io_pnm_decode("t", "p5", p5, sizeof p5 - 1, &out) == 0);
  CHECK_NEAR(at(&out, 0), 32768.0 / 65535, 1e-12);
  CHECK_NEAR(at(&out, 1), 1, 1e-12);
  /* round trip through the encoder: P6 and P5 */
  dl_tensor img = make(DL_BYTE, 3, 3, 2, 5);
  uint8_t *p = dl_tensor_data(&img);
  for (int i = 0; i < 30; i++) p[i] = (uint8_t)(i * 41);
  unsigned char *buf;
  size_t len;
  CHECK(io_pnm_encode("t", &img, &buf, &len) == 0);
  CHECK(len == 11 + 30 && memcmp(buf, "P6\n5 2\n255\n", 11) == 0);
  dl_tensor b;
  dl_tensor_init(&b, DL_BYTE);
  CHECK(io_pnm_decode("t", "mem", buf, len, &b) == 0);
  ok = b.size[0] == 3 && b.size[1] == 2 && b.size[2] == 5;
  for (int i = 0; i < 30; i++) ok &= at(&b, i) == p[i];
  CHECK(ok);
  int decoded;
  corrupt_all(io_pnm_decode, buf, len, "ppm", &decoded);
  free(buf);
  /* errors */
  CHECK(pnm("P7 1 1 255 0", DL_BYTE, &out) < 0 && has("image.load: 'f.pnm' is not a PGM or PPM file"));
  CHECK(pnm("P2 2 2 255 1 2 3", DL_BYTE, &out) < 0 && has("sample 4 of 4 missing"));
  CHECK(pnm("P2 2 x 255 1 2 3 4", DL_BYTE, &out) < 0 && has("bad header"));
  CHECK(pnm("P5 2 2 70000 ", DL_BYTE, &out) < 0 && has("bad header"));
  CHECK(pnm("P5 4 4 255 abc", DL_BYTE, &out) < 0 && has("need 16 bytes of samples, 3 found"));
  dl_tensor two = make(DL_BYTE, 3, 2, 2, 2);
  CHECK(io_pnm_encode("image.save", &two, &buf, &len) < 0 && has("PGM holds 1 channel and PPM 3, got 2"));
  dl_tensor_free(&two), dl_tensor_free(&b), dl_tensor_free(&img), dl_tensor_free(&out);
}

/* --- kernels ---------------------------------------------------------------------- */

static dl_tensor from(dl_dtype dt, int ndim, int64_t a, int64_t b, int64_t c, const double *v) {
  dl_tensor t = make(dt, ndim, a, b, c);
  int64_t n = dl_tensor_numel(&t);
  void *p = dl_tensor_data(&t);
  for (int64_t i = 0; i < n; i++) {
    if (dt == DL_DOUBLE) ((double *)p)[i] = v[i];
    else if (dt == DL_FLOAT) ((float *)p)[i] = (float)v[i];
    else if (dt == DL_BYTE) ((uint8_t *)p)[i] = (uint8_t)v[i];
    else ((int64_t *)p)[i] = (int64_t)v[i];
  }
  return t;
}

static int equals(const dl_tensor *t, const double *v, int64_t n, double tol) {
  if (dl_tensor_numel(t) != n) return 0;
  for (int64_t i = 0; i < n; i++)
    if (fabs(at(t, i) - v[i]) > tol) {
      fprintf(stderr, "element %lld: %g, expected %g\n", (long long)i, at(t, i), v[i]);
      return 0;
    }
  return 1;
}

static void test_scale(void) {
  /* bilinear enlarging, corners aligned: 2x2 -> 3x3 */
  const double s22[] = {0, 2, 4, 6};
  dl_tensor src = from(DL_DOUBLE, 3, 1, 2, 2, s22), dst = make(DL_DOUBLE, 3, 1, 3, 3);
  CHECK(img_scale("t", &dst, &src, IMG_BILINEAR) == 0);
  const double e33[] = {0, 1, 2, 2, 3, 4, 4, 5, 6};
  CHECK(equals(&dst, e33, 9, 1e-12));
  dl_tensor_free(&src), dl_tensor_free(&dst);
  /* bilinear shrinking averages the covered interval: [1 2 3 4] -> [1.5 3.5];
     [0 3 6] -> 2 boxes of 1.5: (0 + 0.5 * 3) / 1.5 = 1, (0.5 * 3 + 6) / 1.5 = 5 */
  const double s14[] = {1, 2, 3, 4}, s13[] = {0, 3, 6};
  src = from(DL_FLOAT, 2, 1, 4, 0, s14), dst = make(DL_FLOAT, 2, 1, 2, 0);
  CHECK(img_scale("t", &dst, &src, IMG_BILINEAR) == 0);
  const double e12[] = {1.5, 3.5};
  CHECK(equals(&dst, e12, 2, 1e-6));
  dl_tensor_free(&src);
  src = from(DL_FLOAT, 2, 1, 3, 0, s13);
  CHECK(img_scale("t", &dst, &src, IMG_BILINEAR) == 0);
  const double e13[] = {1, 5};
  CHECK(equals(&dst, e13, 2, 1e-6));
  dl_tensor_free(&src), dl_tensor_free(&dst);
  /* simple: floor(x * 4 / 2) and floor(x * 2 / 4) */
  src = from(DL_LONG, 2, 1, 4, 0, s14), dst = make(DL_LONG, 2, 1, 2, 0);
  CHECK(img_scale("t", &dst, &src, IMG_SIMPLE) == 0);
  const double e_simple[] = {1, 3};
  CHECK(equals(&dst, e_simple, 2, 0));
  dl_tensor_free(&dst);
  dst = make(DL_LONG, 2, 2, 8, 0);
  CHECK(img_scale("t", &dst, &src, IMG_SIMPLE) == 0);
  const double e_up[] = {1, 1, 2, 2, 3, 3, 4, 4, 1, 1, 2, 2, 3, 3, 4, 4};
  CHECK(equals(&dst, e_up, 16, 0));
  dl_tensor_free(&src), dl_tensor_free(&dst);
  /* bicubic [0 1 4] -> 5 samples at 0, .5, 1, 1.5, 2: Catmull-Rom by hand, p[-1] = -1 and
     p[3] = 7 extrapolated: 0.375 and 2.375 between the knots */
  const double s3[] = {0, 1, 4};
  src = from(DL_DOUBLE, 2, 1, 3, 0, s3), dst = make(DL_DOUBLE, 2, 1, 5, 0);
  CHECK(img_scale("t", &dst, &src, IMG_BICUBIC) == 0);
  const double e_cubic[] = {0, 0.375, 1, 2.375, 4};
  CHECK(equals(&dst, e_cubic, 5, 1e-12));
  dl_tensor_free(&src), dl_tensor_free(&dst);
  /* bytes round: [0 255] -> [0 127.5 255] */
  const double sb[] = {0, 255};
  src = from(DL_BYTE, 2, 1, 2, 0, sb), dst = make(DL_BYTE, 2, 1, 3, 0);
  CHECK(img_scale("t", &dst, &src, IMG_BILINEAR) == 0);
  const double eb[] = {0, 128, 255};
  CHECK(equals(&dst, eb, 3, 0));
  dl_tensor_free(&dst);
  /* errors: channels, type, overlap */
  dl_tensor three = make(DL_BYTE, 3, 3, 2, 2), d3 = make(DL_BYTE, 3, 1, 4, 4), f = make(DL_FLOAT, 2, 4, 4, 0);
  CHECK(img_scale("image.scale", &d3, &three, IMG_BILINEAR) < 0 &&
        has("image.scale: the destination (size 1x4x4) must have the source's dimensions and channels (source size 3x2x2)"));
  CHECK(img_scale("image.scale", &f, &src, IMG_BILINEAR) < 0 &&
        has("image.scale: the destination must be a Byte tensor like the source, got a Float tensor"));
  CHECK(img_scale("image.scale", &src, &src, IMG_BILINEAR) < 0 && has("overlaps the source"));
  dl_tensor_free(&three), dl_tensor_free(&d3), dl_tensor_free(&f), dl_tensor_free(&src);
}

static void test_rotate_translate(void) {
  /* by pi/2 about the centre of a 3x3: dst(x, y) = src(row x, column 2 - y) */
  const double s[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  dl_tensor src = from(DL_DOUBLE, 2, 3, 3, 0, s), dst;
  dl_tensor_init(&dst, DL_DOUBLE);
  CHECK(img_rotate("t", &dst, &src, M_PI / 2, IMG_SIMPLE) == 0);
  const double e90[] = {2, 5, 8, 1, 4, 7, 0, 3, 6};
  CHECK(equals(&dst, e90, 9, 0));
  CHECK(img_rotate("t", &dst, &src, M_PI / 2, IMG_BILINEAR) == 0);
  CHECK(equals(&dst, e90, 9, 1e-9));
  /* by 0: the identity in both modes */
  CHECK(img_rotate("t", &dst, &src, 0, IMG_BILINEAR) == 0);
  CHECK(equals(&dst, s, 9, 1e-12));
  /* by pi/4, bilinear: the centre stays; corner (0, 0) comes from (1, 1 - sqrt 2), less
     than half a pixel above row 0, so from row 0 itself: src(1, 0) = 1; corner (2, 0)
     from (1 + sqrt 2, 1), less than half a pixel right of column 2: src(2, 1) = 5 */
  CHECK(img_rotate("t", &dst, &src, M_PI / 4, IMG_BILINEAR) == 0);
  CHECK_NEAR(at(&dst, 4), 4, 1e-12);
  CHECK_NEAR(at(&dst, 0), 1, 1e-12);
  CHECK_NEAR(at(&dst, 2), 5, 1e-12);
  /* pixel (1, 0): source (1 + sin, 1 - cos) = (1.7071, 0.2929): bilinear of 1, 2, 4, 5 */
  double fx = M_SQRT1_2, fy = 1 - M_SQRT1_2;
  CHECK_NEAR(at(&dst, 1), (1 - fx) * (1 - fy) * 1 + fx * (1 - fy) * 2 + (1 - fx) * fy * 4 + fx * fy * 5, 1e-12);
  CHECK(img_rotate("image.rotate", &src, &src, 1, IMG_SIMPLE) < 0 && has("image.rotate: the destination overlaps"));
  /* translate by (1, -1): dst(x, y) = src(x - 1, y + 1) */
  CHECK(img_translate("t", &dst, &src, 1, -1) == 0);
  const double et[] = {0, 3, 4, 0, 6, 7, 0, 0, 0};
  CHECK(equals(&dst, et, 9, 0));
  dl_tensor_free(&src), dl_tensor_free(&dst);
}

static void test_color(void) {
  /* one pixel per channel plane: (1, 0.5, 0) */
  const double rgb[] = {1, 0.5, 0};
  dl_tensor src = from(DL_DOUBLE, 3, 3, 1, 1, rgb), dst, back;
  dl_tensor_init(&dst, DL_DOUBLE);
  dl_tensor_init(&back, DL_DOUBLE);
  CHECK(img_convert("t", &dst, &src, IMG_RGB2YUV) == 0);
  const double yuv[] = {0.299 + 0.5 * 0.587, -0.14713 - 0.5 * 0.28886, 0.615 - 0.5 * 0.51499};
  CHECK(equals(&dst, yuv, 3, 1e-12));
  CHECK(img_convert("t", &back, &dst, IMG_YUV2RGB) == 0);
  CHECK(equals(&back, rgb, 3, 2e-4)); /* Torch7's rounded coefficients */
  CHECK(img_convert("t", &dst, &src, IMG_RGB2Y) == 0);
  CHECK(dst.size[0] == 1);
  CHECK_NEAR(at(&dst, 0), yuv[0], 1e-12);
  /* HSV: max R, h = (G - B) / d / 6 = 1/12, s = 1, v = 1 */
  CHECK(img_convert("t", &dst, &src, IMG_RGB2HSV) == 0);
  const double hsv[] = {1.0 / 12, 1, 1};
  CHECK(equals(&dst, hsv, 3, 1e-12));
  CHECK(img_convert("t", &back, &dst, IMG_HSV2RGB) == 0);
  CHECK(equals(&back, rgb, 3, 1e-12));
  /* in place */
  CHECK(img_convert("t", &back, &back, IMG_RGB2HSV) == 0);
  CHECK(equals(&back, hsv, 3, 1e-12));
  /* bytes: HSV on 0..255 */
  const double rgbb[] = {255, 0, 0};
  dl_tensor b = from(DL_BYTE, 3, 3, 1, 1, rgbb), bd;
  dl_tensor_init(&bd, DL_BYTE);
  CHECK(img_convert("t", &bd, &b, IMG_RGB2HSV) == 0);
  const double hsvb[] = {0, 255, 255};
  CHECK(equals(&bd, hsvb, 3, 0));
  dl_tensor two = make(DL_DOUBLE, 3, 2, 1, 1);
  CHECK(img_convert("image.rgb2yuv", &dst, &two, IMG_RGB2YUV) < 0 &&
        has("image.rgb2yuv: the source must be a 3xHxW image, got a tensor of size 2x1x1"));
  CHECK(img_convert("image.rgb2y", &src, &src, IMG_RGB2Y) < 0 && has("overlaps"));
  dl_tensor_free(&two), dl_tensor_free(&b), dl_tensor_free(&bd);
  dl_tensor_free(&src), dl_tensor_free(&dst), dl_tensor_free(&back);
}

static void test_raster_write(void) {
  char path[] = "/tmp/dlua_test_image_XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  close(fd);
  CHECK(io_raster_write("image.save", path, "abc", 3) == 0);
  FILE *f = fopen(path, "rb");
  char got[4] = {0};
  CHECK(f && fread(got, 1, 4, f) == 3 && memcmp(got, "abc", 3) == 0);
  if (f) fclose(f);
  remove(path);
  CHECK(io_raster_write("image.save", "/nonexistent-dir/x.png", "abc", 3) < 0 &&
        has("image.save: ") && has("/nonexistent-dir/x.png"));
}

int main(void) {
  test_png_roundtrip();
  test_png_clamp_and_shapes();
  test_png_layouts();
  test_png_corrupt();
  test_png_bomb();
  test_jpeg();
  test_jpeg_cmyk();
  test_pnm();
  test_scale();
  test_rotate_translate();
  test_color();
  test_raster_write();
  return check_done("test_image");
}
