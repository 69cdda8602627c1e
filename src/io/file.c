#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../core/error.h"
#include "file.h"

static int corrupt(gzFile f, const char *path, size_t n) {
  int code;
  return dl_error("read: '%s' is corrupt after %zu bytes: %s", path, n, gzerror(f, &code));
}

int io_read_all(const char *path, size_t max_bytes, char **out, size_t *len) {
  gzFile f = gzopen(path, "rb");
  if (!f) return dl_error("read: cannot open '%s': %s", path, strerror(errno ? errno : ENOENT));
  /* the buffer never grows past max_bytes, whatever max_bytes is */
  size_t cap = max_bytes < ((size_t)1 << 16) ? max_bytes : (size_t)1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  int rc = 0;
  while (buf) {
    if (n == cap) {
      if (cap >= max_bytes) { /* full: a file of exactly max_bytes ends here */
        char extra;
        int more = gzread(f, &extra, 1);
        if (more != 0)
          rc = more < 0 ? corrupt(f, path, n)
                        : dl_error("read: '%s' is larger than %zu bytes", path, max_bytes);
        break;
      }
      size_t grow = cap > max_bytes - cap ? max_bytes : cap * 2;
      char *grown = realloc(buf, grow + 1);
      if (!grown) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap = grow;
    }
    /* gzread takes an unsigned count and returns an int: past 2^31 bytes a wider
       request would be truncated (a 0 read as the end of the file) or refused */
    size_t ask = cap - n < ((size_t)1 << 30) ? cap - n : (size_t)1 << 30;
    int got = gzread(f, buf + n, (unsigned)ask);
    if (got < 0) rc = corrupt(f, path, n);
    if (got <= 0) break;
    n += (size_t)got;
  }
  /* zlib reports a gzip stream cut short only here, not as a failed gzread */
  if (gzclose(f) == Z_BUF_ERROR && rc == 0 && buf)
    rc = dl_error("read: '%s' is truncated: its gzip stream ends after %zu bytes", path, n);
  if (!buf) return dl_error("read: not enough memory for '%s'", path);
  if (rc < 0) {
    free(buf);
    return -1;
  }
  buf[n] = 0;
  *out = buf;
  *len = n;
  return 0;
}
