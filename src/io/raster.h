/* Pixels between tensors and codecs: a CxHxW (or HxW) tensor of any type to and from
   the interleaved rows (HxWxC) that libpng and libjpeg read and write, and the atomic
   write of an encoded file. No codec here: libdlua.a needs neither libpng nor libjpeg
   (src/io/png.c and src/io/jpeg.c are linked into the Lua module only). */
#ifndef IO_RASTER_H
#define IO_RASTER_H

#include <stddef.h>
#include <stdint.h>

#include "../core/tensor.h"

/* Largest image the decoders accept, in samples (channels x height x width). */
#define IO_RASTER_MAX_SAMPLES ((int64_t)1 << 28)

/* The sizes of an image tensor: 3-D CxHxW with C in [1, maxc], or 2-D HxW (C = 1).
   Returns -1 and an error naming fn otherwise (an empty image included). */
int io_raster_shape(const char *fn, const dl_tensor *img, int maxc, int *c, int64_t *h,
                    int64_t *w);
/* Packs img into a malloc'ed HxWxC array of bytes (*px): a ByteTensor as it is, a
   LongTensor clamped to [0, 255], Float and Double ones clamped to [0, 1] and scaled to
   [0, 255] with rounding (NaN gives 0), as Torch7's image.save does. */
int io_raster_pack(const char *fn, const dl_tensor *img, int maxc, int *c, int64_t *h,
                   int64_t *w, unsigned char **px);
/* Unpacks HxWxC samples of `bits` (8, or 16 big-endian as PNG stores them) in
   0..maxval into out, resized to CxHxW: Float and Double get the values divided by
   maxval, so in [0, 1]; Byte gets them scaled to 0..255 (rounded); Long the raw
   values. */
int io_raster_unpack(const char *fn, dl_tensor *out, const unsigned char *px, int bits,
                     unsigned maxval, int c, int64_t h, int64_t w);
/* Writes len bytes to path atomically (a temporary next to it, synced, renamed over it:
   src/io/atomic.h). Errors name fn and path. */
int io_raster_write(const char *fn, const char *path, const void *buf, size_t len);

#endif
