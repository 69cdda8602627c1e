/* libFuzzer target over the .t7 loader: io_t7_scan, which reads every storage and
   tensor with the functions torch.load runs for them (src/io/t7_check.c: dimension
   count, sizes, strides, offset, storage type and size, the farthest element, the
   expansion limit), and walks tables and class objects as File.lua's readObject does.
   The first input byte picks the mode: 'a' ascii, '4' 4-byte longs ('b32'), 'x' binary
   accepting expanded views ({expanded = true}), anything else binary. One user class
   (nn.Linear) is known, so that class objects are walked too. Each tensor accepted has
   its first and farthest elements read, so a check that lets a view past its storage
   shows as an ASan report. Everything is bounded by the input: any crash, leak, hang or
   huge allocation is a bug in src/io.
   Build and run: make fuzz FUZZ_TIME=600 (see docs/fuzzing.md). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/tensor.h"
#include "io/t7.h"

static int known(const char *name) { return strcmp(name, "nn.Linear") == 0; }

static volatile unsigned char sink;

static void touch(const struct dl_tensor *t, void *ud) {
  (void)ud;
  if (dl_tensor_numel(t) == 0) return;
  int64_t last = t->offset;
  for (int d = 0; d < t->ndim; d++) last += (t->size[d] - 1) * t->stride[d];
  size_t es = dl_dtype_size(t->dtype);
  const unsigned char *p = t->storage->data;
  sink ^= p[(size_t)t->offset * es];
  sink ^= p[(size_t)last * es + es - 1];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  io_t7 c;
  if (io_t7_open_mem(&c, data + 1, (int64_t)size - 1, 1, 0) < 0) return 0;
  c.ascii = data[0] == 'a';
  c.longsize = data[0] == '4' ? 4 : 8;
  io_t7_scan_opts opts = {known, data[0] == 'x', touch, NULL};
  io_t7_scan(&c, &opts);
  io_t7_close(&c);
  return 0;
}
