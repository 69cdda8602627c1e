/* libFuzzer target over the IDX reader (src/io/idx.c and the gzip reading of
   src/io/file.c), calling what torch._io.readIDX and parseIDX (src/lua/lt_idx.c) call,
   in the same order: when no type is asked for, the type is peeked first and then asked
   for explicitly. The first input byte picks how the rest is read:
     bits 0-2: the tensor type asked for: 0 none (the file's own), 1 Float, 2 Double,
               3 Long, 4 Byte, 5-7 none;
     bits 3-4: the scale: 1, 1/255 (what fashionMNIST uses), -0.5, 1e300 (Float
               elements overflow to inf); the integer types refuse all but 1;
     bit 5:    through a file (io_idx_peek_file + io_idx_read: gzip or plain, as zlib
               reads both) instead of io_idx_peek + io_idx_parse on the bytes in memory.
   Every size is bounded by the input (a gzip input by its decompressed bytes, at most
   about 1000 times the input), so any crash, leak, hang or huge allocation is a bug in
   the reader. Build and run: make fuzz-idx FUZZ_TIME=600 (see docs/fuzzing.md). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/idx.h"

static const int wants[8] = {-1, DL_FLOAT, DL_DOUBLE, DL_LONG, DL_BYTE, -1, -1, -1};
static const double scales[4] = {1, 1.0 / 255, -0.5, 1e300};

/* The input as a file: one per process, created and unlinked at once and rewritten for
   each input, named through /proc so that nothing is left behind, even after a crash. */
static const char *as_file(const uint8_t *data, size_t size) {
  static char path[64];
  static int fd = -1;
  if (fd < 0) {
    char tmpl[] = "/tmp/fuzz_idx.XXXXXX";
    if ((fd = mkstemp(tmpl)) < 0) return NULL;
    unlink(tmpl);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size) return NULL;
  return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  int mode = data[0], want = wants[mode & 7];
  double scale = scales[mode >> 3 & 3];
  const unsigned char *buf = data + 1;
  size_t len = size - 1;
  const char *path = mode & 32 ? as_file(buf, len) : NULL;
  if (mode & 32 && !path) return 0;
  if (want < 0) want = path ? io_idx_peek_file(path) : io_idx_peek(buf, len, "fuzz");
  if (want < 0) return 0;
  dl_tensor t;
  dl_tensor_init(&t, (dl_dtype)want);
  if (path) io_idx_read(path, want, scale, &t);
  else io_idx_parse(buf, len, "fuzz", want, scale, &t);
  dl_tensor_free(&t);
  return 0;
}
