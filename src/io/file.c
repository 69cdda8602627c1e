#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "../core/error.h"
#include "file.h"

int io_read_all(const char *path, size_t max_bytes, char **out, size_t *len) {
  gzFile f = gzopen(path, "rb");
  if (!f) return dl_error("read: cannot open '%s': %s", path, strerror(errno ? errno : ENOENT));
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    if (n == cap) {
      if (cap >= max_bytes) break;
      char *grown = realloc(buf, cap * 2 + 1);
      if (!grown) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = grown;
      cap *= 2;
    }
    int got = gzread(f, buf + n, (unsigned)(cap - n));
    if (got < 0) {
      int code;
      const char *msg = gzerror(f, &code);
      dl_error("read: '%s' is corrupt after %zu bytes: %s", path, n, msg);
      free(buf);
      gzclose(f);
      return -1;
    }
    if (got == 0) break;
    n += (size_t)got;
  }
  gzclose(f);
  if (!buf) return dl_error("read: not enough memory for '%s'", path);
  if (n == cap && cap >= max_bytes) {
    free(buf);
    return dl_error("read: '%s' is larger than %zu bytes", path, max_bytes);
  }
  buf[n] = 0;
  *out = buf;
  *len = n;
  return 0;
}
