#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../core/error.h"
#include "file.h"
#include "idx.h"

#define IDX_MAX_BYTES ((size_t)1 << 36)

static const char *type_name(int type) {
  switch (type) {
  case IO_IDX_UBYTE: return "ubyte";
  case IO_IDX_BYTE: return "byte";
  case IO_IDX_SHORT: return "short";
  case IO_IDX_INT: return "int";
  case IO_IDX_FLOAT: return "float";
  case IO_IDX_DOUBLE: return "double";
  default: return NULL;
  }
}

static size_t type_size(int type) {
  switch (type) {
  case IO_IDX_UBYTE:
  case IO_IDX_BYTE: return 1;
  case IO_IDX_SHORT: return 2;
  case IO_IDX_INT:
  case IO_IDX_FLOAT: return 4;
  case IO_IDX_DOUBLE: return 8;
  default: return 0;
  }
}

int io_idx_dtype(int type) {
  switch (type) {
  case IO_IDX_UBYTE: return DL_BYTE;
  case IO_IDX_BYTE:
  case IO_IDX_SHORT:
  case IO_IDX_INT: return DL_LONG;
  case IO_IDX_FLOAT: return DL_FLOAT;
  case IO_IDX_DOUBLE: return DL_DOUBLE;
  default: return -1;
  }
}

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

/* Element readers: the format is big-endian whatever the machine. */
static double get_ubyte(const unsigned char *p) { return p[0]; }
static double get_byte(const unsigned char *p) { return (int8_t)p[0]; }
static double get_short(const unsigned char *p) { return (int16_t)(uint16_t)(p[0] << 8 | p[1]); }
static double get_int(const unsigned char *p) { return (int32_t)be32(p); }
static double get_float(const unsigned char *p) {
  uint32_t u = be32(p);
  float f;
  memcpy(&f, &u, 4);
  return f;
}
static double get_double(const unsigned char *p) {
  uint64_t u = be64(p);
  double d;
  memcpy(&d, &u, 8);
  return d;
}

/* The loop is written once per element type so that the compiler sees a plain
   conversion loop (the ubyte case, the one MNIST uses, vectorises). */
#define IDX_LOOP(T, GET, W)                                          \
  for (int64_t i = 0; i < n; i++) d[i] = (T)(GET(p + (size_t)i * (W)) * scale);

#define IDX_CONVERT(T)                                               \
  T *d = dl_tensor_data(out);                                        \
  switch (type) {                                                    \
  case IO_IDX_UBYTE: IDX_LOOP(T, get_ubyte, 1) break;                \
  case IO_IDX_BYTE: IDX_LOOP(T, get_byte, 1) break;                  \
  case IO_IDX_SHORT: IDX_LOOP(T, get_short, 2) break;                \
  case IO_IDX_INT: IDX_LOOP(T, get_int, 4) break;                    \
  case IO_IDX_FLOAT: IDX_LOOP(T, get_float, 4) break;                \
  case IO_IDX_DOUBLE: IDX_LOOP(T, get_double, 8) break;              \
  }

/* Whether elements of `type` can go into a tensor of type dt without losing values. */
static int convertible(int type, dl_dtype dt, double scale) {
  if (dl_dtype_isfloat(dt)) return 1;
  if (scale != 1) return 0;
  if (dt == DL_BYTE) return type == IO_IDX_UBYTE;
  if (dt == DL_CHAR) return type == IO_IDX_BYTE;
  if (dt == DL_SHORT) return type == IO_IDX_UBYTE || type == IO_IDX_BYTE || type == IO_IDX_SHORT;
  if (dt == DL_HALF) return 0; /* no math type: read into Float and convert */
  return type != IO_IDX_FLOAT && type != IO_IDX_DOUBLE; /* Long, Int */
}

/* Checks the magic number; returns the element type. */
static int check_magic(const unsigned char *buf, size_t len, const char *name) {
  if (len < 4)
    return dl_error("readIDX: '%s' is truncated: %zu bytes, the header needs at least 4",
                    name, len);
  if (buf[0] != 0 || buf[1] != 0 || !type_name(buf[2]))
    return dl_error("readIDX: '%s' is not an IDX file: magic number 0x%08x (expected "
                    "0x0000TTNN with type TT one of 08, 09, 0B, 0C, 0D, 0E)",
                    name, (unsigned)be32(buf));
  return buf[2];
}

int io_idx_peek(const unsigned char *buf, size_t len, const char *name) {
  int type = check_magic(buf, len, name);
  return type < 0 ? -1 : io_idx_dtype(type);
}

int io_idx_peek_file(const char *path) {
  unsigned char head[4];
  gzFile f = gzopen(path, "rb");
  if (!f) return dl_error("readIDX: cannot open '%s': %s", path, strerror(errno ? errno : ENOENT));
  int got = gzread(f, head, 4);
  if (got < 0) {
    int code;
    dl_error("readIDX: '%s' is corrupt: %s", path, gzerror(f, &code));
    gzclose(f);
    return -1;
  }
  gzclose(f);
  return io_idx_peek(head, (size_t)got, path);
}

int io_idx_parse(const unsigned char *buf, size_t len, const char *name, int want,
                 double scale, dl_tensor *out) {
  int type = check_magic(buf, len, name);
  if (type < 0) return -1;
  int ndim = buf[3];
  if (ndim < 1 || ndim > DL_MAXDIM)
    return dl_error("readIDX: '%s' has %d dimensions (expected 1 to %d)", name, ndim,
                    DL_MAXDIM);
  size_t header = 4 + 4 * (size_t)ndim;
  if (len < header)
    return dl_error("readIDX: '%s' is truncated: %zu bytes, the header of %d dimensions "
                    "needs %zu", name, len, ndim, header);
  int64_t size[DL_MAXDIM];
  for (int i = 0; i < ndim; i++) {
    size[i] = be32(buf + 4 + 4 * i);
    if (size[i] == 0)
      return dl_error("readIDX: '%s': dimension %d has size 0", name, i + 1);
  }
  char shape[128];
  dl_sizestr(shape, sizeof shape, ndim, size);
  int64_t n = dl_numel_checked("readIDX", ndim, size);
  if (n < 0) return -1;
  size_t es = type_size(type);
  if ((uint64_t)n > (SIZE_MAX - header) / es)
    return dl_error("readIDX: '%s': %s %s elements overflow the address space", name,
                    shape, type_name(type));
  size_t need = (size_t)n * es, have = len - header;
  if (have < need)
    return dl_error("readIDX: '%s' is truncated: the header says %s %s (%zu bytes of data) "
                    "but only %zu bytes follow", name, shape, type_name(type), need, have);
  if (have > need)
    return dl_error("readIDX: '%s': size mismatch: the header says %s %s (%zu bytes of "
                    "data) but %zu bytes follow", name, shape, type_name(type), need, have);
  dl_dtype dt = want < 0 ? (dl_dtype)io_idx_dtype(type) : (dl_dtype)want;
  if ((int)dt >= DL_NTYPES)
    return dl_error("readIDX: unknown tensor type %d", want);
  if (!convertible(type, dt, scale))
    return dl_error("readIDX: '%s': cannot read %s elements%s into a %sTensor", name,
                    type_name(type), scale != 1 ? " with a scale" : "", dl_dtype_name(dt));
  if (out->dtype != dt) return dl_error("readIDX: the result tensor has the wrong type");
  if (dl_tensor_resize_contig("readIDX", out, ndim, size) < 0) return -1;
  const unsigned char *p = buf + header;
  DL_DISPATCH(dt, IDX_CONVERT)
  return 0;
}

int io_idx_read(const char *path, int want, double scale, dl_tensor *out) {
  char *buf;
  size_t len;
  if (io_read_all(path, IDX_MAX_BYTES, &buf, &len) < 0) return -1;
  int rc = io_idx_parse((const unsigned char *)buf, len, path, want, scale, out);
  free(buf);
  return rc;
}
