/* Torch7's .t7 encoding at the byte level; see t7.h. Binary values are little-endian,
   as on the x86-64 machines that wrote nearly every Torch7 file. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/error.h"
#include "../core/tensor.h"
#include "t7.h"
#include "t7_check.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define T7_SWAP 1
#else
#define T7_SWAP 0
#endif

static const char *kind_name[] = {"byte", "char", "int", "long", "float", "double", "short", "half"};

static int file_elemsize(const io_t7 *c, io_t7_kind k) {
  switch (k) {
  case IO_T7_BYTE: case IO_T7_CHAR: return 1;
  case IO_T7_SHORT: case IO_T7_HALF: return 2;
  case IO_T7_INT: case IO_T7_FLOAT: return 4;
  case IO_T7_LONG: return c->longsize;
  default: return 8;
  }
}

static int mem_elemsize(io_t7_kind k) {
  return k == IO_T7_LONG ? 8 : k == IO_T7_INT || k == IO_T7_FLOAT ? 4 : k == IO_T7_DOUBLE ? 8
       : k == IO_T7_SHORT || k == IO_T7_HALF ? 2 : 1;
}

static void swap_bytes(void *p, int64_t n, int es) {
  if (!T7_SWAP || es == 1) return;
  unsigned char *b = p;
  for (int64_t i = 0; i < n; i++, b += es)
    for (int j = 0; j < es / 2; j++) {
      unsigned char t = b[j];
      b[j] = b[es - 1 - j];
      b[es - 1 - j] = t;
    }
}

/* ---- opening and closing ---- */

static void init(io_t7 *c) {
  memset(c, 0, sizeof *c);
  c->autospacing = 1;
  c->longsize = 8;
}

int io_t7_open_file(io_t7 *c, const char *path, const char *mode) {
  init(c);
  const char *cmode;
  if (!strcmp(mode, "r")) cmode = "rb", c->canread = 1;
  else if (!strcmp(mode, "w")) cmode = "wb", c->canwrite = 1;
  else if (!strcmp(mode, "rw")) cmode = "r+b", c->canread = c->canwrite = 1;
  else return dl_error("DiskFile: invalid mode '%s' (expected 'r', 'w' or 'rw')", mode);
  c->fp = fopen(path, cmode);
  if (!c->fp && !strcmp(mode, "rw")) c->fp = fopen(path, "w+b");
  if (!c->fp) return dl_error("DiskFile: cannot open '%s' in mode %s: %s", path, mode, strerror(errno));
  if (fseeko(c->fp, 0, SEEK_END) == 0) c->size = ftello(c->fp);
  if (c->size < 0) c->size = 0;
  fseeko(c->fp, 0, SEEK_SET);
  return 0;
}

int io_t7_open_mem(io_t7 *c, const void *data, int64_t len, int canread, int canwrite) {
  init(c);
  if (len < 0 || (uint64_t)len > SIZE_MAX) {
    c->closed = 1;
    return dl_error("MemoryFile: invalid length %lld", (long long)len);
  }
  c->canread = canread;
  c->canwrite = canwrite;
  c->cap = len > 64 ? len : 64;
  c->buf = malloc((size_t)c->cap);
  if (!c->buf) return dl_error("MemoryFile: out of memory for %lld bytes", (long long)c->cap);
  if (len > 0) memcpy(c->buf, data, (size_t)len);
  c->len = c->size = len;
  return 0;
}

int io_t7_sync(io_t7 *c) {
  if (c->closed) return dl_error("File: the file is closed");
  if (!c->fp) return 0;
  if (fflush(c->fp) != 0 || fsync(fileno(c->fp)) != 0)
    return dl_error("DiskFile: cannot write to disk: %s", strerror(errno));
  return 0;
}

int io_t7_close(io_t7 *c) {
  int r = 0;
  if (c->closed) return 0;
  c->closed = 1;
  if (c->fp && fclose(c->fp) != 0) r = dl_error("DiskFile: close failed: %s", strerror(errno));
  c->fp = NULL;
  free(c->buf);
  c->buf = NULL;
  return r;
}

int io_t7_seek(io_t7 *c, int64_t pos) {
  if (c->closed) return dl_error("File: the file is closed");
  if (pos < 0 || pos > c->size)
    return dl_error("seek: position %lld is outside the file (%lld bytes)", (long long)pos + 1,
                    (long long)c->size);
  if (c->fp && fseeko(c->fp, pos, SEEK_SET) != 0)
    return dl_error("seek: %s", strerror(errno));
  c->pos = pos;
  c->lastop = 0;
  return 0;
}

int io_t7_seek_end(io_t7 *c) { return io_t7_seek(c, c->size); }

/* ---- the cursor: exact reads and writes of bytes ---- */

static int check_open(io_t7 *c, int writing) {
  if (c->closed) return dl_error("File: the file is closed");
  if (writing && !c->canwrite) return dl_error("File: the file is not writable");
  if (!writing && !c->canread) return dl_error("File: the file is not readable");
  return 0;
}

/* Reads n bytes the caller checked are there. */
static int get_bytes(io_t7 *c, void *dst, int64_t n) {
  if (n == 0) return 0;
  if (c->fp) {
    if (c->lastop == 'w' && fseeko(c->fp, c->pos, SEEK_SET) != 0)
      return dl_error("read: seek failed: %s", strerror(errno));
    c->lastop = 'r';
    if (fread(dst, 1, (size_t)n, c->fp) != (size_t)n)
      return dl_error("read: the file ended or failed at byte offset %lld", (long long)c->pos);
  } else {
    memcpy(dst, c->buf + c->pos, (size_t)n);
  }
  c->pos += n;
  return 0;
}

static int put_bytes(io_t7 *c, const void *src, int64_t n) {
  if (n == 0) return 0;
  if (n < 0) return dl_error("write: negative count %lld", (long long)n);
  if (c->fp) {
    if (c->lastop == 'r' && fseeko(c->fp, c->pos, SEEK_SET) != 0)
      return dl_error("write: seek failed: %s", strerror(errno));
    c->lastop = 'w';
    if (fwrite(src, 1, (size_t)n, c->fp) != (size_t)n)
      return dl_error("write: cannot write %lld bytes: %s", (long long)n, strerror(errno));
  } else {
    if (n > INT64_MAX / 2 - c->pos) return dl_error("MemoryFile: size overflows");
    int64_t need = c->pos + n;
    if (need > c->cap) {
      int64_t cap = c->cap * 2 > need ? c->cap * 2 : need;
      unsigned char *b = realloc(c->buf, (size_t)cap);
      if (!b) return dl_error("MemoryFile: out of memory for %lld bytes", (long long)cap);
      c->buf = b;
      c->cap = cap;
    }
    memcpy(c->buf + c->pos, src, (size_t)n);
  }
  c->pos += n;
  if (c->pos > c->size) c->size = c->len = c->pos;
  return 0;
}

/* The next byte without consuming it, or -1 at the end. */
static int peek_byte(io_t7 *c) {
  if (c->pos >= c->size) return -1;
  if (!c->fp) return c->buf[c->pos];
  if (c->lastop == 'w' && fseeko(c->fp, c->pos, SEEK_SET) != 0) return -1;
  c->lastop = 'r';
  int ch = fgetc(c->fp);
  if (ch != EOF) ungetc(ch, c->fp);
  return ch == EOF ? -1 : ch;
}

static int get_byte(io_t7 *c) {
  unsigned char b;
  if (c->pos >= c->size || get_bytes(c, &b, 1) < 0) return -1;
  return b;
}

/* ---- counts ---- */

int io_t7_check_count(io_t7 *c, io_t7_kind k, int64_t n, const char *what) {
  if (n < 0)
    return dl_error("t7: negative count %lld for %s at byte offset %lld", (long long)n, what,
                    (long long)c->pos);
  int64_t es = c->ascii && k != IO_T7_BYTE && k != IO_T7_CHAR ? 1 : file_elemsize(c, k);
  int64_t rem = io_t7_remaining(c);
  if (n > rem / es && n == 1)
    return dl_error("t7: truncated file: %s needs %lld bytes at byte offset %lld, but only %lld remain",
                    what, (long long)es, (long long)c->pos, (long long)rem);
  if (n > rem / es)
    return dl_error("t7: truncated or corrupt: %s needs %lld %ss (%lld bytes) at byte offset "
                    "%lld, but only %lld bytes remain",
                    what, (long long)n, kind_name[k], n > INT64_MAX / es ? -1LL : (long long)(n * es),
                    (long long)c->pos, (long long)rem);
  return 0;
}

/* ---- binary ---- */

static int read_binary(io_t7 *c, io_t7_kind k, void *dst, int64_t n) {
  int fs = file_elemsize(c, k), ms = mem_elemsize(k);
  if (fs == ms) {
    if (get_bytes(c, dst, n * fs) < 0) return -1;
    swap_bytes(dst, n, fs);
    return 0;
  }
  /* 4-byte longs ('b32'), widened in chunks */
  int64_t *out = dst;
  int32_t tmp[1024];
  for (int64_t i = 0; i < n;) {
    int64_t m = n - i < 1024 ? n - i : 1024;
    if (get_bytes(c, tmp, m * 4) < 0) return -1;
    swap_bytes(tmp, m, 4);
    for (int64_t j = 0; j < m; j++) out[i + j] = tmp[j];
    i += m;
  }
  return 0;
}

static int write_binary(io_t7 *c, io_t7_kind k, const void *src, int64_t n) {
  int fs = file_elemsize(c, k), ms = mem_elemsize(k);
  if (fs == ms && !T7_SWAP) return put_bytes(c, src, n * fs);
  unsigned char tmp[8192];
  const unsigned char *s = src;
  for (int64_t i = 0; i < n;) {
    int64_t m = n - i < 1024 ? n - i : 1024;
    if (fs == ms) {
      memcpy(tmp, s + i * ms, (size_t)(m * ms));
    } else {
      const int64_t *v = (const int64_t *)src + i;
      for (int64_t j = 0; j < m; j++) {
        if (v[j] < INT32_MIN || v[j] > INT32_MAX)
          return dl_error("writeLong: %lld does not fit in a 4-byte long", (long long)v[j]);
        int32_t w = (int32_t)v[j];
        memcpy(tmp + j * 4, &w, 4);
      }
    }
    swap_bytes(tmp, m, fs);
    if (put_bytes(c, tmp, m * fs) < 0) return -1;
    i += m;
  }
  return 0;
}

/* ---- ascii: numbers as text, as fscanf and fprintf wrote them ---- */

static int isspace_c(int ch) {
  return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

/* One whitespace-delimited token; the delimiter is left unread, as fscanf leaves it. */
static int read_token(io_t7 *c, char *tok, size_t cap, const char *what) {
  int ch;
  while ((ch = peek_byte(c)) >= 0 && isspace_c(ch)) get_byte(c);
  int64_t start = c->pos;
  size_t n = 0;
  while ((ch = peek_byte(c)) >= 0 && !isspace_c(ch)) {
    if (n + 1 >= cap)
      return dl_error("t7: corrupt ascii file: %s at byte offset %lld is not a number (too long)",
                      what, (long long)start);
    tok[n++] = (char)get_byte(c);
  }
  tok[n] = 0;
  if (n == 0)
    return dl_error("t7: truncated ascii file: %s expected at byte offset %lld, the file ends",
                    what, (long long)start);
  return 0;
}

static int read_ascii_number(io_t7 *c, io_t7_kind k, void *dst, const char *what) {
  char tok[128], *end;
  int64_t start;
  if (read_token(c, tok, sizeof tok, what) < 0) return -1;
  start = c->pos - (int64_t)strlen(tok);
  errno = 0;
  if (k == IO_T7_FLOAT || k == IO_T7_DOUBLE || k == IO_T7_HALF) {
    double v = strtod(tok, &end);
    if (*end) goto bad;
    if (k == IO_T7_FLOAT) *(float *)dst = (float)v;
    else if (k == IO_T7_HALF) *(dl_half *)dst = dl_half_from_float((float)v); /* as Torch7 */
    else *(double *)dst = v;
    return 0;
  }
  long long v = strtoll(tok, &end, 10);
  if (*end || errno == ERANGE) goto bad;
  if (k == IO_T7_LONG) {
    *(int64_t *)dst = v;
  } else if (k == IO_T7_SHORT) {
    if (v < INT16_MIN || v > INT16_MAX) goto bad;
    *(int16_t *)dst = (int16_t)v;
  } else {
    if (v < INT32_MIN || v > INT32_MAX) goto bad;
    *(int32_t *)dst = (int32_t)v;
  }
  return 0;
bad:
  return dl_error("t7: corrupt ascii file: %s at byte offset %lld: '%s' is not a valid %s", what,
                  (long long)start, tok, kind_name[k]);
}

static int read_ascii(io_t7 *c, io_t7_kind k, void *dst, int64_t n, const char *what) {
  if (k == IO_T7_BYTE || k == IO_T7_CHAR) {
    if (get_bytes(c, dst, n) < 0) return -1;
  } else {
    int ms = mem_elemsize(k);
    for (int64_t i = 0; i < n; i++)
      if (read_ascii_number(c, k, (char *)dst + i * ms, what) < 0) return -1;
  }
  if (c->autospacing && n > 0 && peek_byte(c) == '\n') get_byte(c);
  return 0;
}

static int write_ascii(io_t7 *c, io_t7_kind k, const void *src, int64_t n) {
  if (k == IO_T7_BYTE || k == IO_T7_CHAR) {
    if (put_bytes(c, src, n) < 0) return -1;
  } else {
    char s[64];
    for (int64_t i = 0; i < n; i++) {
      int len;
      switch (k) {
      case IO_T7_INT: len = snprintf(s, sizeof s, "%d", ((const int32_t *)src)[i]); break;
      case IO_T7_SHORT: len = snprintf(s, sizeof s, "%d", ((const int16_t *)src)[i]); break;
      case IO_T7_HALF:
        len = snprintf(s, sizeof s, "%.9g", (double)dl_half_to_float(((const dl_half *)src)[i]));
        break;
      case IO_T7_LONG: len = snprintf(s, sizeof s, "%lld", (long long)((const int64_t *)src)[i]); break;
      case IO_T7_FLOAT: len = snprintf(s, sizeof s, "%.9g", (double)((const float *)src)[i]); break;
      default: len = snprintf(s, sizeof s, "%.17g", ((const double *)src)[i]); break;
      }
      if (c->autospacing && i < n - 1) s[len++] = ' ';
      if (put_bytes(c, s, len) < 0) return -1;
    }
  }
  if (c->autospacing && n > 0 && put_bytes(c, "\n", 1) < 0) return -1;
  return 0;
}

/* ---- the public reads and writes ---- */

int io_t7_read(io_t7 *c, io_t7_kind k, void *dst, int64_t n, const char *what) {
  if (check_open(c, 0) < 0 || io_t7_check_count(c, k, n, what) < 0) return -1;
  return c->ascii ? read_ascii(c, k, dst, n, what) : read_binary(c, k, dst, n);
}

int io_t7_write(io_t7 *c, io_t7_kind k, const void *src, int64_t n) {
  if (check_open(c, 1) < 0) return -1;
  if (n < 0) return dl_error("write: negative count %lld", (long long)n);
  /* n elements of up to 8 bytes, in memory and in the file: n * size must not wrap */
  if (n > INT64_MAX / 8)
    return dl_error("write: %lld %ss overflow the byte count", (long long)n, kind_name[k]);
  return c->ascii ? write_ascii(c, k, src, n) : write_binary(c, k, src, n);
}

int io_t7_read_int(io_t7 *c, int32_t *v, const char *what) { return io_t7_read(c, IO_T7_INT, v, 1, what); }
int io_t7_read_long(io_t7 *c, int64_t *v, const char *what) { return io_t7_read(c, IO_T7_LONG, v, 1, what); }
int io_t7_read_double(io_t7 *c, double *v, const char *what) { return io_t7_read(c, IO_T7_DOUBLE, v, 1, what); }
int io_t7_write_int(io_t7 *c, int32_t v) { return io_t7_write(c, IO_T7_INT, &v, 1); }
int io_t7_write_long(io_t7 *c, int64_t v) { return io_t7_write(c, IO_T7_LONG, &v, 1); }
int io_t7_write_double(io_t7 *c, double v) { return io_t7_write(c, IO_T7_DOUBLE, &v, 1); }

int io_t7_read_raw(io_t7 *c, void *dst, int64_t n, const char *what) {
  if (check_open(c, 0) < 0) return -1;
  int64_t saved = c->ascii;
  c->ascii = 0; /* raw bytes: the count check is the binary one */
  int r = io_t7_check_count(c, IO_T7_CHAR, n, what);
  c->ascii = (int)saved;
  return r < 0 ? -1 : get_bytes(c, dst, n);
}

int io_t7_write_raw(io_t7 *c, const void *src, int64_t n) {
  if (check_open(c, 1) < 0) return -1;
  return put_bytes(c, src, n);
}

int io_t7_read_line(io_t7 *c, char **out, int64_t *len) {
  *out = NULL;
  *len = 0;
  if (check_open(c, 0) < 0) return -1;
  if (c->pos >= c->size) return dl_error("readString: end of file at byte offset %lld", (long long)c->pos);
  int64_t n = 0, cap = 64;
  char *s = malloc((size_t)cap);
  if (!s) return dl_error("readString: out of memory");
  int ch;
  while ((ch = get_byte(c)) >= 0 && ch != '\n') {
    if (n + 1 >= cap) {
      char *t = realloc(s, (size_t)(cap *= 2));
      if (!t) {
        free(s);
        return dl_error("readString: out of memory");
      }
      s = t;
    }
    s[n++] = (char)ch;
  }
  s[n] = 0;
  *out = s;
  *len = n;
  return 0;
}

/* ---- the structural walker ----
   File.lua's readObject in C, for C programs and the fuzz target: storages and tensors
   are read and checked by the same functions the Lua binding calls (t7_check.c), so
   what is walked here is what torch.load really runs; only the tables and class
   objects, which hold no sizes, are walked here instead of in Lua. */

#define SCAN_MAXDEPTH 2000
#define SCAN_MAXNAME 1024

/* What an object index stands for: a table, a storage, a tensor or another class. */
enum { OBJ_TABLE = 1, OBJ_STORAGE = 2, OBJ_TENSOR = 3, OBJ_OTHER = 4 };
typedef struct { int32_t key; int8_t used, what; dl_storage *storage; } scan_slot;

typedef struct {
  io_t7 *c;
  const io_t7_scan_opts *opts;
  scan_slot *slot;
  int64_t cap, n;
  int depth;
} scanner;

static scan_slot *lookup(scanner *s, int32_t key) {
  uint32_t h = (uint32_t)key * 2654435761u;
  for (int64_t i = 0; i < s->cap; i++) {
    scan_slot *e = &s->slot[(h + i) & (s->cap - 1)];
    if (!e->used || e->key == key) return e;
  }
  return NULL;
}

static scan_slot *insert(scanner *s, int32_t key) {
  if ((s->n + 1) * 2 > s->cap) {
    scanner t = *s;
    t.cap = s->cap ? s->cap * 2 : 64;
    t.n = 0;
    t.slot = calloc((size_t)t.cap, sizeof(scan_slot));
    if (!t.slot) return dl_error("t7: out of memory for the object index"), NULL;
    for (int64_t i = 0; i < s->cap; i++)
      if (s->slot[i].used) {
        scan_slot *e = lookup(&t, s->slot[i].key);
        *e = s->slot[i];
        t.n++;
      }
    free(s->slot);
    *s = t;
  }
  scan_slot *e = lookup(s, key);
  e->used = 1;
  e->key = key;
  s->n++;
  return e;
}

/* Skips n elements of kind k, checking they are there. */
static int skip(io_t7 *c, io_t7_kind k, int64_t n, const char *what) {
  if (io_t7_check_count(c, k, n, what) < 0) return -1;
  if (c->ascii && k != IO_T7_BYTE && k != IO_T7_CHAR) {
    int64_t v[1]; /* room for any kind's element */
    for (int64_t i = 0; i < n; i++)
      if (read_ascii_number(c, k, v, what) < 0) return -1;
  } else if (io_t7_seek(c, c->pos + n * file_elemsize(c, k)) < 0) {
    return -1;
  }
  if (c->ascii && c->autospacing && n > 0 && peek_byte(c) == '\n') get_byte(c);
  return 0;
}

/* A string read as int length + chars, into buf (at most cap-1 bytes). */
static int scan_name(io_t7 *c, char *buf, int cap, const char *what) {
  int32_t len;
  int64_t at = c->pos;
  if (io_t7_read_int(c, &len, what) < 0) return -1;
  if (len < 0 || len >= cap)
    return dl_error("t7: corrupt file: %s of %d bytes at byte offset %lld", what, len, (long long)at);
  if (io_t7_read(c, IO_T7_CHAR, buf, len, what) < 0) return -1;
  buf[len] = 0;
  return 0;
}

/* *what: 0 for nil, -1 for a number, string or boolean, else OBJ_*; *storage: the
   storage when it is one (owned by the object index). */
static int scan_object(scanner *s, int *what, dl_storage **storage);

static int scan_tensor(scanner *s, dl_dtype dt) {
  io_t7 *c = s->c;
  io_t7_tensor_header h;
  if (io_t7_read_tensor_header(c, dt, &h) < 0) return -1;
  int what = 0;
  dl_storage *st = NULL;
  int64_t at = c->pos;
  if (scan_object(s, &what, &st) < 0) return -1;
  if (what != 0 && what != OBJ_STORAGE)
    return dl_error("t7: corrupt file: the storage of a %s at byte offset %lld is not a storage",
                    io_t7_tensor_class(dt), (long long)at);
  dl_tensor t;
  dl_tensor_init(&t, dt);
  if (io_t7_set_tensor(&t, &h, st, at, s->opts->expanded) < 0) return -1;
  if (s->opts->tensor) s->opts->tensor(&t, s->opts->ud);
  dl_tensor_free(&t);
  return 0;
}

static int scan_torch(scanner *s, int32_t key) {
  io_t7 *c = s->c;
  char version[SCAN_MAXNAME], name[SCAN_MAXNAME];
  if (scan_name(c, version, sizeof version, "a class version") < 0) return -1;
  if (!strncmp(version, "V ", 2)) {
    if (scan_name(c, name, sizeof name, "a class name") < 0) return -1;
  } else {
    memcpy(name, version, sizeof name);
  }
  for (int t = 0; t < DL_NTYPES; t++) {
    if (!strcmp(name, io_t7_storage_class((dl_dtype)t))) {
      dl_storage *st = dl_storage_new((dl_dtype)t, 0);
      if (!st) return -1;
      scan_slot *self = lookup(s, key);
      self->what = OBJ_STORAGE;
      self->storage = st; /* released with the index, whatever happens next */
      return io_t7_read_storage(c, st);
    }
    if (!strcmp(name, io_t7_tensor_class((dl_dtype)t))) {
      lookup(s, key)->what = OBJ_TENSOR;
      return scan_tensor(s, (dl_dtype)t);
    }
  }
  if (!s->opts->known_class || !s->opts->known_class(name))
    return dl_error("t7: unknown class '%s' at byte offset %lld: refused", name, (long long)c->pos);
  lookup(s, key)->what = OBJ_OTHER;
  int what;
  dl_storage *st;
  int64_t at = c->pos;
  if (scan_object(s, &what, &st) < 0) return -1;
  if (what != OBJ_TABLE)
    return dl_error("t7: corrupt file: the fields of a %s at byte offset %lld are not a table",
                    name, (long long)at);
  return 0;
}

static int scan_object(scanner *s, int *what, dl_storage **storage) {
  io_t7 *c = s->c;
  int32_t tag, index, n;
  int64_t at = c->pos;
  *what = 0;
  *storage = NULL;
  if (io_t7_read_int(c, &tag, "an object type") < 0) return -1;
  switch (tag) {
  case IO_T7_TNIL: return 0;
  case IO_T7_TNUMBER: { double v; *what = -1; return io_t7_read_double(c, &v, "a number"); }
  case IO_T7_TBOOLEAN: { *what = -1; return io_t7_read_int(c, &n, "a boolean"); }
  case IO_T7_TSTRING:
    *what = -1;
    if (io_t7_read_int(c, &n, "the length of a string") < 0) return -1;
    return skip(c, IO_T7_CHAR, n, "a string");
  case IO_T7_TFUNCTION: case IO_T7_TRECUR_FUNCTION: case IO_T7_TLEGACY_RECUR_FUNCTION:
    return dl_error("t7: the file holds a function at byte offset %lld: functions are never loaded",
                    (long long)at);
  case IO_T7_TTABLE: case IO_T7_TTORCH: break;
  default:
    return dl_error("t7: corrupt file: unknown object type %d at byte offset %lld", tag, (long long)at);
  }
  if (io_t7_read_int(c, &index, "an object index") < 0) return -1;
  scan_slot *e = lookup(s, index);
  if (e && e->used) { /* a reference to an object read before (or being read: a cycle) */
    *what = e->what, *storage = e->storage;
    return 0;
  }
  if (++s->depth > SCAN_MAXDEPTH)
    return dl_error("t7: objects nested more than %d deep at byte offset %lld", SCAN_MAXDEPTH,
                    (long long)at);
  if (!(e = insert(s, index))) return -1;
  int r;
  if (tag == IO_T7_TTABLE) {
    e->what = OBJ_TABLE;
    r = io_t7_read_int(c, &n, "the size of a table");
    if (r == 0 && n < 0)
      r = dl_error("t7: corrupt file: table of %d entries at byte offset %lld", n, (long long)at);
    for (int32_t i = 0; r == 0 && i < n; i++) {
      int w;
      dl_storage *st;
      int64_t kat = c->pos;
      r = scan_object(s, &w, &st);
      if (r == 0 && w == 0)
        r = dl_error("t7: corrupt file: nil table key at byte offset %lld", (long long)kat);
      if (r == 0) r = scan_object(s, &w, &st);
    }
  } else {
    r = scan_torch(s, index);
  }
  s->depth--;
  e = lookup(s, index);
  *what = e->what, *storage = e->storage;
  return r;
}

int io_t7_scan(io_t7 *c, const io_t7_scan_opts *opts) {
  static const io_t7_scan_opts none = {0};
  scanner s = {c, opts ? opts : &none, NULL, 0, 0, 0};
  int what;
  dl_storage *st;
  int r = scan_object(&s, &what, &st);
  for (int64_t i = 0; i < s.cap; i++) dl_storage_release(s.slot[i].storage);
  free(s.slot);
  return r;
}
