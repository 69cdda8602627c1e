/* Torch7's .t7 files at the byte level: a bounded cursor over a memory buffer or a FILE
   that reads and writes ints, longs, floats, doubles, bytes and chars, one at a time or
   as arrays, in Torch7's binary or ascii encoding.

   Every read is checked against the bytes that remain before anything is read or
   allocated, so a truncated or corrupted file gives an error that says what was being
   read and at which byte offset, never a crash or a huge allocation. The object layer
   (tables, classes) lives in lua/torch/File.lua, as in Torch7; tensors and storages are
   read and checked by t7_check.h, which both File.lua (through src/lua/lt_file.c) and
   the walker io_t7_scan below call. */
#ifndef IO_T7_H
#define IO_T7_H

#include <stdint.h>
#include <stdio.h>

/* Element kinds, in Torch7's names. Longs are int64_t in memory; in a file they take
   c->longsize bytes (8, or 4 for files written where C's long had 4 bytes: 'b32'). */
typedef enum {
  IO_T7_BYTE, IO_T7_CHAR, IO_T7_INT, IO_T7_LONG, IO_T7_FLOAT, IO_T7_DOUBLE,
  IO_T7_SHORT, /* int16_t */
  IO_T7_HALF   /* binary16 bits (uint16_t); in ascii files, the value as a float */
} io_t7_kind;

typedef struct io_t7 {
  /* memory mode: buf[0..len), cap allocated (growable when writable) */
  unsigned char *buf;
  int64_t len, cap;
  /* file mode */
  FILE *fp;
  int lastop;       /* 'r' or 'w': C streams need a seek between a read and a write */
  int64_t pos;      /* the byte offset of the next read or write */
  int64_t size;     /* bytes in the file or buffer (grows as it is written) */
  int canread, canwrite;
  int ascii;        /* Torch7's ascii encoding instead of binary */
  int autospacing;  /* ascii: a space between array elements, a newline after each array */
  int longsize;     /* 8 or 4 */
  int closed;
} io_t7;

/* Opens path with mode "r", "w" or "rw" (Torch7's DiskFile modes). */
int io_t7_open_file(io_t7 *c, const char *path, const char *mode);
/* A memory file: a copy of data[0..len) (data may be NULL for an empty one). */
int io_t7_open_mem(io_t7 *c, const void *data, int64_t len, int canread, int canwrite);
/* Flushes, and for a disk file also fsyncs it so that its bytes are on disk. */
int io_t7_sync(io_t7 *c);
/* Closes the file (or frees the buffer); safe to call twice. */
int io_t7_close(io_t7 *c);

int io_t7_seek(io_t7 *c, int64_t pos); /* 0-based */
int io_t7_seek_end(io_t7 *c);
static inline int64_t io_t7_remaining(const io_t7 *c) { return c->size - c->pos; }

/* Reads n elements of kind k into dst (int32_t for INT, int64_t for LONG, int16_t for
   SHORT, float, double, uint8_t/char, the bits of a binary16 for HALF). `what` names the value in error messages ("the size of a storage").
   Fails without reading when the remaining bytes cannot hold n elements. */
int io_t7_read(io_t7 *c, io_t7_kind k, void *dst, int64_t n, const char *what);
int io_t7_write(io_t7 *c, io_t7_kind k, const void *src, int64_t n);

/* Checks that n elements of kind k can still be read (n >= 0, and enough bytes remain:
   in ascii each element needs at least one byte). Call it before allocating for n. */
int io_t7_check_count(io_t7 *c, io_t7_kind k, int64_t n, const char *what);

/* Scalars. */
int io_t7_read_int(io_t7 *c, int32_t *v, const char *what);
int io_t7_read_long(io_t7 *c, int64_t *v, const char *what);
int io_t7_read_double(io_t7 *c, double *v, const char *what);
int io_t7_write_int(io_t7 *c, int32_t v);
int io_t7_write_long(io_t7 *c, int64_t v);
int io_t7_write_double(io_t7 *c, double v);

/* Raw bytes with no encoding and no spacing (Torch7's readString/writeString). */
int io_t7_read_raw(io_t7 *c, void *dst, int64_t n, const char *what);
int io_t7_write_raw(io_t7 *c, const void *src, int64_t n);
/* Reads up to the end of the line (the newline is consumed, not returned) into a
   malloc'ed buffer; *len its length. At the end of the file it fails. */
int io_t7_read_line(io_t7 *c, char **out, int64_t *len);

/* Walks one serialized object (and everything it holds) as File.lua's readObject does,
   keeping nothing but the storages while it runs: type tags, lengths, back-references,
   and each storage and tensor read and checked by t7_check.h's functions, the ones
   torch.load runs. Options (opts may be NULL: all zero):
   - known_class(name): whether another class is read as a table of fields; refused
     otherwise (NULL: no other class);
   - expanded: accept views far larger than their storage (torch.load's {expanded = true});
   - tensor(t, ud): called on each tensor read, while its storage is alive.
   Returns 0 or -1 with an error. */
struct dl_tensor;
typedef struct {
  int (*known_class)(const char *name);
  int expanded;
  void (*tensor)(const struct dl_tensor *t, void *ud);
  void *ud;
} io_t7_scan_opts;
int io_t7_scan(io_t7 *c, const io_t7_scan_opts *opts);

/* Torch7's type tags. */
enum {
  IO_T7_TNIL = 0, IO_T7_TNUMBER = 1, IO_T7_TSTRING = 2, IO_T7_TTABLE = 3, IO_T7_TTORCH = 4,
  IO_T7_TBOOLEAN = 5, IO_T7_TFUNCTION = 6, IO_T7_TLEGACY_RECUR_FUNCTION = 7,
  IO_T7_TRECUR_FUNCTION = 8
};

#endif
