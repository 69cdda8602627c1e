/* Reading a tensor or a storage from a .t7 file, with every check torch.load makes on
   it: dimension count, sizes, strides, storage offset, storage type, the farthest
   element against the storage, the element count against the bytes that remain, and the
   limit on expanded views. These are the only copies of those checks: the Lua binding
   (src/lua/lt_file.c, under File.lua's readObject) and the C walker io_t7_scan (and so
   the fuzz target, scripts/fuzz_t7.c) both call them.

   A tensor is read in two steps because its storage is an object of its own between
   them (possibly a reference to one read before): io_t7_read_tensor_header, then the
   caller reads the storage object, then io_t7_set_tensor. */
#ifndef IO_T7_CHECK_H
#define IO_T7_CHECK_H

#include "../core/tensor.h"
#include "t7.h"

/* Torch7's class names ("torch.FloatTensor", "torch.FloatStorage") and the file's
   element kind of each tensor type. */
const char *io_t7_tensor_class(dl_dtype dt);
const char *io_t7_storage_class(dl_dtype dt);
io_t7_kind io_t7_dtype_kind(dl_dtype dt);

/* A tensor's header as the file holds it, before its storage object. */
typedef struct {
  int32_t ndim;
  int64_t size[DL_MAXDIM], stride[DL_MAXDIM];
  int64_t offset; /* storageOffset, 1-based as in the file; not checked yet */
  int64_t at;     /* the byte offset of the header, for errors */
} io_t7_tensor_header;

/* Reads nDimension (0 to DL_MAXDIM, checked before the arrays are read), the sizes, the
   strides and the storage offset of a tensor of type dt. */
int io_t7_read_tensor_header(io_t7 *c, dl_dtype dt, io_t7_tensor_header *h);

/* Reads a storage's size and elements into s, resized to that size. The size is checked
   against the bytes that remain before s grows, so a corrupt size allocates nothing. */
int io_t7_read_storage(io_t7 *c, dl_storage *s);

/* Stride 0 lets a 100-byte file declare a legal view of 2^40 elements, over which any
   reduction runs for hours. Saved expanded views (a bias over a batch) are small, so a
   tensor of more than IO_T7_EXPAND_FLOOR elements and more than IO_T7_EXPAND_FACTOR
   times the elements of its storage is refused unless the caller trusts the file. */
#define IO_T7_EXPAND_FLOOR ((int64_t)1 << 24)
#define IO_T7_EXPAND_FACTOR 16

/* Makes t (initialised, of the tensor's type) the view that header h describes on s,
   the storage object read after the header (NULL for nil) at byte offset `at`. Checks
   that s is of t's type, the offset is at least 1, sizes and strides are not negative,
   the farthest element lies inside s (overflow-checked, dl_tensor_set_storage) and,
   unless `expanded`, the limit above. Returns 0, or -1 with an error and t unchanged. */
int io_t7_set_tensor(dl_tensor *t, const io_t7_tensor_header *h, dl_storage *s, int64_t at,
                     int expanded);

#endif
