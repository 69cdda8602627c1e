/* Netpbm images: PGM (P2 text, P5 binary gray) and PPM (P3 text, P6 binary RGB), in
   memory. No library: part of libdlua.a. */
#ifndef IO_PNM_H
#define IO_PNM_H

#include <stddef.h>

#include "../core/tensor.h"

/* Decodes buf into out, resized to CxHxW (C = 1 for PGM, 3 for PPM) of out's type as
   io_raster_unpack does, the samples taken over the file's maxval (1..65535; binary
   files with maxval above 255 hold 2 bytes a sample, big-endian). A malformed or
   truncated file gives -1 and an error naming fn and name. */
int io_pnm_decode(const char *fn, const char *name, const unsigned char *buf, size_t len,
                  dl_tensor *out);
/* Encodes img (io_raster_pack) as binary PGM (1 channel) or PPM (3), maxval 255, into
   *out (malloc'ed). */
int io_pnm_encode(const char *fn, const dl_tensor *img, unsigned char **out, size_t *len);

#endif
