/* libFuzzer target over the C .t7 reader: the structural walker io_t7_scan, in binary,
   ascii and 'b32' modes (the first input byte picks the mode), with one user class
   known so that class objects are walked too. Everything it reads is bounded by the
   input, so any crash, leak, hang or huge allocation is a bug in src/io/t7.c.
   Build and run: make fuzz FUZZ_TIME=600 (see docs/serialization.md). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/t7.h"

static int known(const char *name) { return strcmp(name, "nn.Linear") == 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  io_t7 c;
  if (io_t7_open_mem(&c, data + 1, (int64_t)size - 1, 1, 0) < 0) return 0;
  c.ascii = data[0] == 'a';
  c.longsize = data[0] == '4' ? 4 : 8;
  io_t7_scan(&c, known);
  io_t7_close(&c);
  return 0;
}
