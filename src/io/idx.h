/* IDX, the MNIST file format: a big-endian header (two zero bytes, an element-type
   byte, the number of dimensions, then each size as a 32-bit integer) and the elements,
   big-endian, row-major. Plain or gzip (through zlib). */
#ifndef IO_IDX_H
#define IO_IDX_H

#include <stddef.h>

#include "../core/tensor.h"

/* Element-type bytes of the format. */
enum {
  IO_IDX_UBYTE = 0x08,
  IO_IDX_BYTE = 0x09,
  IO_IDX_SHORT = 0x0B,
  IO_IDX_INT = 0x0C,
  IO_IDX_FLOAT = 0x0D,
  IO_IDX_DOUBLE = 0x0E
};

/* The tensor type an element type reads into by default: Byte for unsigned bytes,
   Long for the other integers, Float and Double for the real types; -1 if unknown. */
int io_idx_dtype(int type);

/* The tensor type (io_idx_dtype) of the IDX data in buf, or of the file at path (only
   its first 4 bytes are read); -1 and an error for a wrong magic number or type. */
int io_idx_peek(const unsigned char *buf, size_t len, const char *name);
int io_idx_peek_file(const char *path);

/* Parses the IDX image buf[0..len) into out (an initialised tensor, resized here; a
   non-contiguous view that already has the file's sizes is refused).
   want is the tensor type to produce, or -1 for the file's own (io_idx_dtype); the
   integer types accept only integer elements that fit. scale multiplies every element
   (1 for none; only for Float and Double results). name names the data in errors.
   Every size is checked against len: a wrong magic number, an unknown type, a
   truncated file or trailing bytes give -1 and an error saying which. */
int io_idx_parse(const unsigned char *buf, size_t len, const char *name, int want,
                 double scale, dl_tensor *out);

/* Reads the IDX file at path (gzip or plain) as io_idx_parse does. */
int io_idx_read(const char *path, int want, double scale, dl_tensor *out);

#endif
