/* Netpbm PGM and PPM. The header is text (magic, width, height, maxval, with # comments
   to the end of a line), then one whitespace byte and the samples. */
#include "pnm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "raster.h"

typedef struct {
  const unsigned char *b;
  size_t len, pos;
} cursor;

static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* The next decimal number after whitespace and comments; -1 when there is none or it
   exceeds limit. */
static long long number(cursor *c, long long limit) {
  for (;;) {
    while (c->pos < c->len && is_space(c->b[c->pos])) c->pos++;
    if (c->pos < c->len && c->b[c->pos] == '#') {
      while (c->pos < c->len && c->b[c->pos] != '\n') c->pos++;
      continue;
    }
    break;
  }
  if (c->pos >= c->len || c->b[c->pos] < '0' || c->b[c->pos] > '9') return -1;
  long long v = 0;
  while (c->pos < c->len && c->b[c->pos] >= '0' && c->b[c->pos] <= '9') {
    v = v * 10 + (c->b[c->pos++] - '0');
    if (v > limit) return -1;
  }
  return v;
}

int io_pnm_decode(const char *fn, const char *name, const unsigned char *buf, size_t len,
                  dl_tensor *out) {
  if (len < 2 || buf[0] != 'P' || buf[1] == 0 || !strchr("2356", buf[1]))
    return dl_error("%s: '%s' is not a PGM or PPM file (no P2, P3, P5 or P6 signature)", fn, name);
  int text = buf[1] == '2' || buf[1] == '3', ch = buf[1] == '3' || buf[1] == '6' ? 3 : 1;
  cursor c = {buf, len, 2};
  long long w = number(&c, 1 << 30), h = number(&c, 1 << 30), maxv = number(&c, 65535);
  if (w < 1 || h < 1 || maxv < 1)
    return dl_error("%s: corrupt PGM/PPM file '%s': bad header (width, height, maxval)", fn, name);
  if ((double)w * h * ch > (double)IO_RASTER_MAX_SAMPLES)
    return dl_error("%s: '%s' is too large (%lldx%lld, %d channels)", fn, name, w, h, ch);
  size_t n = (size_t)(w * h * ch), bytes = maxv > 255 ? 2 : 1; /* binary files */
  if (!text && (c.pos >= len || !is_space(buf[c.pos]) || len - c.pos - 1 < n * bytes))
    return dl_error("%s: corrupt PGM/PPM file '%s': %lldx%lld pixels need %zu bytes of samples, "
                    "%zu found (truncated?)", fn, name, w, h, n * bytes,
                    c.pos < len ? len - c.pos - 1 : 0);
  if (text && n > len) /* each text sample takes a byte at least */
    return dl_error("%s: corrupt PGM/PPM file '%s': too few samples for %lldx%lld (truncated?)",
                    fn, name, w, h);
  /* the samples as they are, 8-bit when maxval fits, else 16-bit big-endian */
  int bits = maxv > 255 ? 16 : 8;
  unsigned char *px = malloc(n * (size_t)(bits / 8));
  if (!px) return dl_error("%s: out of memory reading '%s'", fn, name);
  const unsigned char *s = buf + c.pos + 1;
  for (size_t i = 0; i < n; i++) {
    long long v;
    if (text) {
      v = number(&c, 65535);
      if (v < 0) {
        free(px);
        return dl_error("%s: corrupt PGM/PPM file '%s': sample %zu of %zu missing or not a "
                        "number (truncated?)", fn, name, i + 1, n);
      }
    } else {
      v = bits == 16 ? (long long)s[2 * i] << 8 | s[2 * i + 1] : s[i];
    }
    if (bits == 8) px[i] = (unsigned char)v;
    else px[2 * i] = (unsigned char)(v >> 8), px[2 * i + 1] = (unsigned char)v;
  }
  int rc = io_raster_unpack(fn, out, px, bits, (unsigned)maxv, ch, h, w);
  free(px);
  return rc;
}

int io_pnm_encode(const char *fn, const dl_tensor *img, unsigned char **out, size_t *len) {
  *out = NULL, *len = 0;
  int ch;
  int64_t h, w;
  unsigned char *px;
  if (io_raster_pack(fn, img, 3, &ch, &h, &w, &px) < 0) return -1;
  if (ch == 2) {
    free(px);
    return dl_error("%s: PGM holds 1 channel and PPM 3, got 2", fn);
  }
  char head[64];
  int hn = snprintf(head, sizeof head, "P%c\n%lld %lld\n255\n", ch == 1 ? '5' : '6',
                    (long long)w, (long long)h);
  size_t n = (size_t)(w * h * ch);
  unsigned char *b = malloc((size_t)hn + n);
  if (!b) {
    free(px);
    return dl_error("%s: out of memory", fn);
  }
  memcpy(b, head, (size_t)hn);
  memcpy(b + hn, px, n);
  free(px);
  *out = b, *len = (size_t)hn + n;
  return 0;
}
