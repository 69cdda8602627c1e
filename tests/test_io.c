/* Whole-file reading (io_read_all: plain, gzip, size limits, corrupt data) and the
   atomic save's temporaries (io_atomic_*), on files made here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "core/error.h"
#include "io/atomic.h"
#include "io/file.h"

static int has(const char *msg, const char *part) { return strstr(msg, part) != NULL; }

static char dir[] = "/tmp/test_io_XXXXXX";

static void put(const char *path, const void *data, size_t n) {
  FILE *f = fopen(path, "wb");
  fwrite(data, 1, n, f);
  fclose(f);
}

static void put_gz(const char *path, const void *data, size_t n) {
  gzFile f = gzopen(path, "wb");
  gzwrite(f, data, (unsigned)n);
  gzclose(f);
}

static void test_read_all(void) {
  char path[256], *buf;
  size_t len;
  snprintf(path, sizeof path, "%s/plain", dir);
  put(path, "hello", 5);
  CHECK(io_read_all(path, 1 << 20, &buf, &len) == 0 && len == 5 && !strcmp(buf, "hello"));
  free(buf);
  /* a limit that is no power of two is the limit: exactly it passes, one more fails */
  size_t big = 100000;
  char *data = malloc(big + 1);
  memset(data, 'x', big + 1);
  put(path, data, big);
  CHECK(io_read_all(path, big, &buf, &len) == 0 && len == big);
  free(buf);
  CHECK(io_read_all(path, big - 1, &buf, &len) < 0 && has(dl_errmsg(), "larger than 99999 bytes"));
  CHECK(io_read_all(path, 10, &buf, &len) < 0 && has(dl_errmsg(), "larger than 10 bytes"));
  /* the limit counts decompressed bytes */
  snprintf(path, sizeof path, "%s/packed.gz", dir);
  put_gz(path, data, big + 1);
  CHECK(io_read_all(path, big, &buf, &len) < 0 && has(dl_errmsg(), "larger than"));
  CHECK(io_read_all(path, big + 1, &buf, &len) == 0 && len == big + 1 && buf[big] == 'x');
  free(buf);
  /* a gzip stream cut short, or whose data does not match its CRC, is corrupt */
  FILE *f = fopen(path, "rb");
  unsigned char gz[4096];
  size_t gn = fread(gz, 1, sizeof gz, f);
  fclose(f);
  put(path, gz, gn / 2);
  CHECK(io_read_all(path, 1 << 20, &buf, &len) < 0 && has(dl_errmsg(), "truncated"));
  gz[gn - 8] ^= 0x5a; /* the CRC of the data */
  put(path, gz, gn);
  CHECK(io_read_all(path, 1 << 20, &buf, &len) < 0 && has(dl_errmsg(), "corrupt"));
  CHECK(io_read_all("/nonexistent/x", 10, &buf, &len) < 0 && has(dl_errmsg(), "cannot open"));
  free(data);
}

static void test_atomic(void) {
  char target[256], *temp;
  snprintf(target, sizeof target, "%s/model.t7", dir);
  int fd = io_atomic_begin(target, &temp);
  CHECK(fd >= 0 && has(temp, "model.t7.tmp-"));
  CHECK(write(fd, "abc", 3) == 3);
  close(fd);
  CHECK(io_atomic_commit(temp, target) == 0 && access(temp, F_OK) != 0 && access(target, F_OK) == 0);
  free(temp);
  /* a temporary of a process that is gone is swept; one of this process is not */
  char stale[300];
  snprintf(stale, sizeof stale, "%s.tmp-%d-abcdef", target, 999999999);
  put(stale, "x", 1);
  snprintf(stale + strlen(target), sizeof stale - strlen(target), ".tmp-%ld-abcdef", (long)getpid());
  put(stale, "x", 1);
  CHECK(io_atomic_sweep(target) == 1 && access(stale, F_OK) == 0);
  remove(stale);
  /* a folder too long for the sweep's buffer is not swept at all: cut short, it would
     name another folder */
  size_t n = 5000;
  char *longpath = malloc(n + 20);
  memset(longpath, 'a', n);
  longpath[0] = '/';
  strcpy(longpath + n, "/model.t7");
  CHECK(io_atomic_sweep(longpath) == 0);
  CHECK(io_atomic_begin(longpath, &temp) < 0 && has(dl_errmsg(), "cannot create"));
  CHECK(temp == NULL);
  free(longpath);
  remove(target);
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  test_read_all();
  test_atomic();
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) return 1;
  return check_done("test_io");
}
