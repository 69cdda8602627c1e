/* PNG through libpng. libpng reports errors by calling an error function that must not
   return; ours longjmps back to the function that called libpng. Everything that must
   survive the jump (buffers to free, the message) lives in a heap context made before
   setjmp, so no local is modified between setjmp and longjmp. */
#include "png.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "raster.h"

typedef struct {
  jmp_buf jb;
  char msg[256];
  const unsigned char *in; /* reading: the file */
  size_t len, pos;
  unsigned char *px;       /* the interleaved samples */
  png_bytep *rows;
  unsigned char *out;      /* writing: the growing file */
  size_t outlen, outcap;
} png_ctx;

static void on_error(png_structp p, png_const_charp msg) {
  png_ctx *c = png_get_error_ptr(p);
  snprintf(c->msg, sizeof c->msg, "%s", msg);
  longjmp(c->jb, 1);
}

static void on_warning(png_structp p, png_const_charp msg) { (void)p, (void)msg; }

static void on_read(png_structp p, png_bytep dst, size_t n) {
  png_ctx *c = png_get_io_ptr(p);
  if (c->len - c->pos < n) png_error(p, "unexpected end of file (truncated)");
  memcpy(dst, c->in + c->pos, n);
  c->pos += n;
}

static void on_write(png_structp p, png_bytep src, size_t n) {
  png_ctx *c = png_get_io_ptr(p);
  if (c->outcap - c->outlen < n) {
    size_t cap = c->outcap ? c->outcap : 4096;
    while (cap - c->outlen < n) cap *= 2;
    unsigned char *b = realloc(c->out, cap);
    if (!b) png_error(p, "out of memory");
    c->out = b, c->outcap = cap;
  }
  memcpy(c->out + c->outlen, src, n);
  c->outlen += n;
}

static void on_flush(png_structp p) { (void)p; }

static void ctx_free(png_ctx *c) {
  free(c->px);
  free(c->rows);
  free(c->out);
  free(c);
}

/* Reads the image into c->px; returns its layout, or -1 with the error set (which a
   jump out of libpng never reaches: the caller's setjmp handles those). */
static int read_image(const char *fn, const char *name, png_structp p, png_infop info,
                      png_ctx *c, int *ch, int *bits, int64_t *h, int64_t *w) {
  png_set_read_fn(p, c, on_read);
  png_read_info(p, info);
  png_set_expand(p); /* palette to RGB, 1/2/4-bit gray to 8, tRNS to an alpha channel */
  png_set_interlace_handling(p);
  png_read_update_info(p, info);
  *ch = png_get_channels(p, info);
  *bits = png_get_bit_depth(p, info);
  *h = png_get_image_height(p, info);
  *w = png_get_image_width(p, info);
  size_t rowbytes = png_get_rowbytes(p, info);
  if ((double)*ch * *h * *w > (double)IO_RASTER_MAX_SAMPLES)
    return dl_error("%s: '%s' is too large (%lldx%lld, %d channels)", fn, name,
                    (long long)*w, (long long)*h, *ch);
  if ((*bits != 8 && *bits != 16) || *ch < 1 || *ch > 4 ||
      rowbytes != (size_t)(*w * *ch * (*bits / 8)))
    return dl_error("%s: '%s': unsupported PNG layout (%d channels of %d bits)", fn, name,
                    *ch, *bits);
  /* deflate packs at most 1032 bytes into one: a file too short for what it declares is
     refused before the image is allocated (a few bytes declaring 2^28 samples) */
  if ((double)(rowbytes + 1) * *h > 1032.0 * c->len + 65536)
    return dl_error("%s: corrupt PNG file '%s': %lldx%lld pixels cannot fit in %zu bytes "
                    "(truncated?)", fn, name, (long long)*w, (long long)*h, c->len);
  c->px = malloc(rowbytes * (size_t)*h);
  c->rows = malloc(sizeof(png_bytep) * (size_t)*h);
  if (!c->px || !c->rows) return dl_error("%s: out of memory reading '%s'", fn, name);
  for (int64_t y = 0; y < *h; y++) c->rows[y] = c->px + (size_t)y * rowbytes;
  png_read_image(p, c->rows);
  png_read_end(p, NULL);
  return 0;
}

int io_png_decode(const char *fn, const char *name, const unsigned char *buf, size_t len,
                  dl_tensor *out) {
  if (len < 8 || png_sig_cmp(buf, 0, 8) != 0)
    return dl_error("%s: '%s' is not a PNG file (no PNG signature)", fn, name);
  png_ctx *c = calloc(1, sizeof *c);
  if (!c) return dl_error("%s: out of memory", fn);
  c->in = buf, c->len = len;
  png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, c, on_error, on_warning);
  png_infop info = p ? png_create_info_struct(p) : NULL;
  volatile int rc = -1;
  if (!info) {
    dl_error("%s: out of memory", fn);
  } else if (setjmp(c->jb)) {
    dl_error("%s: corrupt PNG file '%s': %s", fn, name, c->msg);
  } else {
    int ch, bits;
    int64_t h, w;
    if (read_image(fn, name, p, info, c, &ch, &bits, &h, &w) == 0)
      rc = io_raster_unpack(fn, out, c->px, bits, bits == 16 ? 65535 : 255, ch, h, w);
  }
  png_destroy_read_struct(p ? &p : NULL, info ? &info : NULL, NULL);
  ctx_free(c);
  return rc;
}

static void write_image(png_structp p, png_infop info, png_ctx *c, int ch, int64_t h,
                        int64_t w) {
  static const int types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                               PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
  png_set_write_fn(p, c, on_write, on_flush);
  png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, types[ch], PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(p, info);
  for (int64_t y = 0; y < h; y++) png_write_row(p, c->px + (size_t)(y * w * ch));
  png_write_end(p, info);
}

int io_png_encode(const char *fn, const dl_tensor *img, unsigned char **out, size_t *len) {
  *out = NULL, *len = 0;
  png_ctx *c = calloc(1, sizeof *c);
  if (!c) return dl_error("%s: out of memory", fn);
  int ch;
  int64_t h, w;
  if (io_raster_pack(fn, img, 4, &ch, &h, &w, &c->px) < 0) {
    ctx_free(c);
    return -1;
  }
  png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, c, on_error, on_warning);
  png_infop info = p ? png_create_info_struct(p) : NULL;
  volatile int rc = -1;
  if (!info) {
    dl_error("%s: out of memory", fn);
  } else if (setjmp(c->jb)) {
    dl_error("%s: PNG encoding failed: %s", fn, c->msg);
  } else {
    write_image(p, info, c, ch, h, w);
    *out = c->out, *len = c->outlen;
    c->out = NULL;
    rc = 0;
  }
  png_destroy_write_struct(p ? &p : NULL, info ? &info : NULL);
  ctx_free(c);
  return rc;
}
