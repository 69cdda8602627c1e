/* PNG decoding and encoding through libpng, in memory. Linked into the Lua module only
   (with -lpng), not into libdlua.a. */
#ifndef IO_PNG_H
#define IO_PNG_H

#include <stddef.h>

#include "../core/tensor.h"

/* Decodes the PNG in buf into out, resized to CxHxW of out's type (io_raster_unpack):
   C = 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA; palettes and transparency chunks are
   expanded, 1/2/4-bit gray to 8 bits, 16-bit samples kept (scaled by 65535 for Float
   and Double). A corrupt or truncated file gives -1 and an error naming fn and name. */
int io_png_decode(const char *fn, const char *name, const unsigned char *buf, size_t len,
                  dl_tensor *out);
/* Encodes img (io_raster_pack: 1 to 4 channels, 8 bits) into *out (malloc'ed). */
int io_png_encode(const char *fn, const dl_tensor *img, unsigned char **out, size_t *len);

#endif
