/* JPEG through libjpeg. Its error handler must not return; ours longjmps back to the
   function that called libjpeg. The codec state and every buffer live in a heap context
   made before setjmp, so no local is modified between setjmp and longjmp. Warnings
   (libjpeg's "corrupt JPEG data", a truncated file among them) are errors here: libjpeg
   would otherwise return a partly gray image without a word. */
#include "jpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "raster.h"

/* A progressive file may hold any number of scans, each a pass over the whole image; a
   small crafted file would make the decoder loop for minutes. No encoder writes more
   than a few dozen. */
#define JPEG_MAX_SCANS 1000

typedef struct {
  struct jpeg_error_mgr err; /* first: libjpeg's err pointer is also ours */
  jmp_buf jb;
  char msg[JMSG_LENGTH_MAX];
  struct jpeg_decompress_struct d;
  struct jpeg_compress_struct e;
  struct jpeg_progress_mgr progress;
  unsigned char *px;
  unsigned char *out; /* jpeg_mem_dest's buffer (malloc'ed by libjpeg) */
  unsigned long outlen;
  int ch; /* the decoded image's layout */
  int64_t h, w;
} jpeg_ctx;

static void on_error(j_common_ptr ci) {
  jpeg_ctx *c = (jpeg_ctx *)ci->err;
  ci->err->format_message(ci, c->msg);
  longjmp(c->jb, 1);
}

static void on_message(j_common_ptr ci, int level) {
  if (level < 0) on_error(ci); /* a warning: corrupt data */
}

static void on_progress(j_common_ptr ci) {
  j_decompress_ptr d = (j_decompress_ptr)ci;
  if (d->is_decompressor && d->input_scan_number > JPEG_MAX_SCANS) {
    jpeg_ctx *c = (jpeg_ctx *)ci->err;
    snprintf(c->msg, sizeof c->msg, "more than %d scans", JPEG_MAX_SCANS);
    longjmp(c->jb, 1);
  }
}

static jpeg_ctx *ctx_new(void) {
  jpeg_ctx *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  jpeg_std_error(&c->err);
  c->err.error_exit = on_error;
  c->err.emit_message = on_message;
  return c;
}

/* Decodes into c->px, setting c->ch, c->h, c->w. */
static int read_image(const char *fn, const char *name, jpeg_ctx *c) {
  int *ch = &c->ch;
  int64_t *h = &c->h, *w = &c->w;
  j_decompress_ptr d = &c->d;
  jpeg_read_header(d, TRUE);
  if ((double)d->image_width * d->image_height * d->num_components > (double)IO_RASTER_MAX_SAMPLES)
    return dl_error("%s: '%s' is too large (%ux%u, %d channels)", fn, name,
                    (unsigned)d->image_width, (unsigned)d->image_height, d->num_components);
  if (d->jpeg_color_space == JCS_GRAYSCALE) d->out_color_space = JCS_GRAYSCALE;
  else if (d->jpeg_color_space == JCS_CMYK || d->jpeg_color_space == JCS_YCCK)
    d->out_color_space = JCS_CMYK;
  else d->out_color_space = JCS_RGB;
  jpeg_start_decompress(d);
  *ch = d->output_components, *h = d->output_height, *w = d->output_width;
  size_t row = (size_t)*w * (size_t)*ch;
  c->px = malloc(row * (size_t)*h);
  if (!c->px) return dl_error("%s: out of memory reading '%s'", fn, name);
  while (d->output_scanline < d->output_height) {
    JSAMPROW r = c->px + row * d->output_scanline;
    jpeg_read_scanlines(d, &r, 1);
  }
  jpeg_finish_decompress(d);
  return 0;
}

int io_jpeg_decode(const char *fn, const char *name, const unsigned char *buf, size_t len,
                   dl_tensor *out) {
  if (len < 3 || buf[0] != 0xff || buf[1] != 0xd8 || buf[2] != 0xff)
    return dl_error("%s: '%s' is not a JPEG file (no JPEG signature)", fn, name);
  jpeg_ctx *c = ctx_new();
  if (!c) return dl_error("%s: out of memory", fn);
  volatile int rc = -1;
  c->d.err = &c->err;
  if (setjmp(c->jb)) {
    dl_error("%s: corrupt JPEG file '%s': %s", fn, name, c->msg);
  } else {
    jpeg_create_decompress(&c->d);
    c->progress.progress_monitor = on_progress;
    c->d.progress = &c->progress;
    jpeg_mem_src(&c->d, buf, (unsigned long)len);
    if (read_image(fn, name, c) == 0) rc = io_raster_unpack(fn, out, c->px, 8, 255, c->ch, c->h, c->w);
  }
  jpeg_destroy_decompress(&c->d);
  free(c->px);
  free(c);
  return rc;
}

int io_jpeg_encode(const char *fn, const dl_tensor *img, int quality, unsigned char **out,
                   size_t *len) {
  *out = NULL, *len = 0;
  if (quality < 1 || quality > 100)
    return dl_error("%s: quality must be in [1, 100], got %d", fn, quality);
  jpeg_ctx *c = ctx_new();
  if (!c) return dl_error("%s: out of memory", fn);
  int ch;
  int64_t h, w;
  if (io_raster_pack(fn, img, 3, &ch, &h, &w, &c->px) < 0) {
    free(c);
    return -1;
  }
  volatile int rc = -1;
  if (ch == 2) {
    dl_error("%s: JPEG stores 1 or 3 channels, got 2", fn);
  } else if (h > 65500 || w > 65500) {
    dl_error("%s: JPEG images are at most 65500x65500, got %lldx%lld", fn, (long long)w,
             (long long)h);
  } else if (setjmp(c->jb)) {
    dl_error("%s: JPEG encoding failed: %s", fn, c->msg);
  } else {
    j_compress_ptr e = &c->e;
    e->err = &c->err;
    jpeg_create_compress(e);
    jpeg_mem_dest(e, &c->out, &c->outlen);
    e->image_width = (JDIMENSION)w, e->image_height = (JDIMENSION)h;
    e->input_components = ch;
    e->in_color_space = ch == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(e);
    jpeg_set_quality(e, quality, TRUE);
    jpeg_start_compress(e, TRUE);
    while (e->next_scanline < e->image_height) {
      JSAMPROW r = c->px + (size_t)e->next_scanline * (size_t)(w * ch);
      jpeg_write_scanlines(e, &r, 1);
    }
    jpeg_finish_compress(e);
    *out = c->out, *len = c->outlen;
    c->out = NULL;
    rc = 0;
  }
  if (c->e.err) jpeg_destroy_compress(&c->e);
  free(c->out);
  free(c->px);
  free(c);
  return rc;
}
