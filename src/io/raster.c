/* Pixels between tensors and codecs, and the atomic write of an encoded image. */
#include "raster.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic.h"

int io_raster_shape(const char *fn, const dl_tensor *img, int maxc, int *c, int64_t *h,
                    int64_t *w) {
  char s[128];
  if (img->ndim == 2) {
    *c = 1, *h = img->size[0], *w = img->size[1];
  } else if (img->ndim == 3 && img->size[0] >= 1 && img->size[0] <= maxc) {
    *c = (int)img->size[0], *h = img->size[1], *w = img->size[2];
  } else {
    return dl_error("%s: expected a CxHxW image with 1 to %d channels, or an HxW one, got "
                    "a tensor of size %s", fn, maxc, dl_sizestr(s, sizeof s, img->ndim, img->size));
  }
  if (*h < 1 || *w < 1)
    return dl_error("%s: the image is empty (size %s)", fn,
                    dl_sizestr(s, sizeof s, img->ndim, img->size));
  if (*h > 0x7fffffff || *w > 0x7fffffff || (double)*c * *h * *w > (double)IO_RASTER_MAX_SAMPLES)
    return dl_error("%s: the image is too large (size %s)", fn,
                    dl_sizestr(s, sizeof s, img->ndim, img->size));
  return 0;
}

/* One sample as a byte, by the rule of io_raster_pack. */
static unsigned char to_byte(const dl_tensor *t, int64_t off) {
  const char *base = dl_tensor_data(t);
  double v;
  switch (t->dtype) {
  case DL_BYTE: return ((const uint8_t *)base)[off];
  case DL_LONG: {
    int64_t x = ((const int64_t *)base)[off];
    return (unsigned char)(x < 0 ? 0 : x > 255 ? 255 : x);
  }
  case DL_FLOAT: v = ((const float *)base)[off]; break;
  case DL_DOUBLE: v = ((const double *)base)[off]; break;
  default: return 0; /* refused by io_raster_pack */
  }
  if (!(v > 0)) return 0; /* NaN too */
  if (v >= 1) return 255;
  return (unsigned char)lrint(v * 255.0);
}

int io_raster_pack(const char *fn, const dl_tensor *img, int maxc, int *c, int64_t *h,
                   int64_t *w, unsigned char **px) {
  *px = NULL;
  if (img->dtype != DL_FLOAT && img->dtype != DL_DOUBLE && img->dtype != DL_LONG &&
      img->dtype != DL_BYTE)
    return dl_error("%s: not supported for a %s tensor (Float, Double, Long or Byte images)",
                    fn, dl_dtype_name(img->dtype));
  if (io_raster_shape(fn, img, maxc, c, h, w) < 0) return -1;
  int64_t sc = img->ndim == 3 ? img->stride[0] : 0;
  int64_t sh = img->stride[img->ndim - 2], sw = img->stride[img->ndim - 1];
  unsigned char *p = malloc((size_t)(*c * *h * *w));
  if (!p) return dl_error("%s: out of memory for a %lldx%lldx%d image", fn, (long long)*h,
                          (long long)*w, *c);
  unsigned char *q = p;
  for (int64_t y = 0; y < *h; y++)
    for (int64_t x = 0; x < *w; x++)
      for (int k = 0; k < *c; k++) *q++ = to_byte(img, k * sc + y * sh + x * sw);
  *px = p;
  return 0;
}

int io_raster_unpack(const char *fn, dl_tensor *out, const unsigned char *px, int bits,
                     unsigned maxval, int c, int64_t h, int64_t w) {
  int64_t size[3] = {c, h, w};
  if (out->dtype != DL_FLOAT && out->dtype != DL_DOUBLE && out->dtype != DL_LONG &&
      out->dtype != DL_BYTE)
    return dl_error("%s: cannot decode into a %s tensor (Float, Double, Long or Byte)", fn,
                    dl_dtype_name(out->dtype));
  if (dl_tensor_resize_contig(fn, out, 3, size) < 0) return -1;
  int64_t plane = h * w;
  double maxv = maxval;
  void *base = dl_tensor_data(out);
  /* sample k of pixel i of the interleaved rows goes to channel k at i */
  for (int64_t i = 0; i < plane; i++)
    for (int k = 0; k < c; k++) {
      int64_t s = i * c + k, o = k * plane + i;
      unsigned v = bits == 16 ? (unsigned)px[2 * s] << 8 | px[2 * s + 1] : px[s];
      if (v > maxval) v = maxval;
      switch (out->dtype) {
      case DL_BYTE: ((uint8_t *)base)[o] = (uint8_t)((v * 255u + maxval / 2) / maxval); break;
      case DL_LONG: ((int64_t *)base)[o] = v; break;
      case DL_FLOAT: ((float *)base)[o] = (float)(v / maxv); break;
      default: ((double *)base)[o] = v / maxv; break;
      }
    }
  return 0;
}

int io_raster_write(const char *fn, const char *path, const void *buf, size_t len) {
  char *temp = NULL;
  int fd = io_atomic_begin(path, &temp);
  if (fd < 0) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s", dl_errmsg());
    return dl_error("%s: %s", fn, msg);
  }
  const char *p = buf;
  size_t left = len;
  int err = 0;
  while (left > 0 && !err) {
    ssize_t k = write(fd, p, left);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) err = k < 0 ? errno : EIO;
    else p += k, left -= (size_t)k;
  }
  if (!err && fsync(fd) != 0) err = errno;
  if (close(fd) != 0 && !err) err = errno;
  if (err) {
    remove(temp);
    free(temp);
    return dl_error("%s: cannot write '%s': %s", fn, path, strerror(err));
  }
  if (io_atomic_commit(temp, path) < 0) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s", dl_errmsg());
    remove(temp);
    free(temp);
    return dl_error("%s: %s", fn, msg);
  }
  free(temp);
  return 0;
}
