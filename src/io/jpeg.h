/* JPEG decoding and encoding through libjpeg(-turbo), in memory. Linked into the Lua
   module only (with -ljpeg), not into libdlua.a. */
#ifndef IO_JPEG_H
#define IO_JPEG_H

#include <stddef.h>

#include "../core/tensor.h"

/* Decodes the JPEG in buf into out, resized to CxHxW of out's type (io_raster_unpack):
   C = 1 for grayscale files, 3 (RGB) for colour ones, 4 for CMYK ones (as stored).
   A corrupt or truncated file (libjpeg's "corrupt data" warnings included) gives -1 and
   an error naming fn and name. */
int io_jpeg_decode(const char *fn, const char *name, const unsigned char *buf, size_t len,
                   dl_tensor *out);
/* Encodes img (io_raster_pack: 1 or 3 channels) at quality 1..100 into *out (malloc'ed). */
int io_jpeg_encode(const char *fn, const dl_tensor *img, int quality, unsigned char **out,
                   size_t *len);

#endif
