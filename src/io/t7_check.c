/* The tensor and storage checks of torch.load; see t7_check.h. */
#include <stdio.h>
#include <string.h>

#include "../core/error.h"
#include "t7_check.h"

static const char *tensor_class[DL_NTYPES] = {
    "torch.FloatTensor", "torch.DoubleTensor", "torch.LongTensor", "torch.ByteTensor",
    "torch.CharTensor",  "torch.ShortTensor",  "torch.IntTensor",  "torch.HalfTensor"};
static const char *storage_class[DL_NTYPES] = {
    "torch.FloatStorage", "torch.DoubleStorage", "torch.LongStorage", "torch.ByteStorage",
    "torch.CharStorage",  "torch.ShortStorage",  "torch.IntStorage",  "torch.HalfStorage"};
/* the file's element kinds: Char is C's char (read as bytes), Int a 4-byte int */
static const io_t7_kind dtype_kind[DL_NTYPES] = {IO_T7_FLOAT, IO_T7_DOUBLE, IO_T7_LONG,
                                                 IO_T7_BYTE,  IO_T7_CHAR,   IO_T7_SHORT,
                                                 IO_T7_INT,   IO_T7_HALF};

const char *io_t7_tensor_class(dl_dtype dt) { return dt < DL_NTYPES ? tensor_class[dt] : "?"; }
const char *io_t7_storage_class(dl_dtype dt) { return dt < DL_NTYPES ? storage_class[dt] : "?"; }
io_t7_kind io_t7_dtype_kind(dl_dtype dt) { return dt < DL_NTYPES ? dtype_kind[dt] : IO_T7_BYTE; }

int io_t7_read_tensor_header(io_t7 *c, dl_dtype dt, io_t7_tensor_header *h) {
  h->at = c->pos;
  if (io_t7_read_int(c, &h->ndim, "the dimension count of a tensor") < 0) return -1;
  if (h->ndim < 0 || h->ndim > DL_MAXDIM)
    return dl_error("t7: corrupt file: a %s with %d dimensions at byte offset %lld (at most %d)",
                    io_t7_tensor_class(dt), h->ndim, (long long)h->at, DL_MAXDIM);
  if (io_t7_read(c, IO_T7_LONG, h->size, h->ndim, "the sizes of a tensor") < 0 ||
      io_t7_read(c, IO_T7_LONG, h->stride, h->ndim, "the strides of a tensor") < 0 ||
      io_t7_read_long(c, &h->offset, "the storage offset of a tensor") < 0)
    return -1;
  return 0;
}

int io_t7_read_storage(io_t7 *c, dl_storage *s) {
  io_t7_kind k = io_t7_dtype_kind(s->dtype);
  int64_t n;
  if (io_t7_read_long(c, &n, "the size of a storage") < 0 ||
      io_t7_check_count(c, k, n, "the data of a storage") < 0 || dl_storage_resize(s, n) < 0)
    return -1;
  return io_t7_read(c, k, s->data, n, "the data of a storage");
}

int io_t7_set_tensor(dl_tensor *t, const io_t7_tensor_header *h, dl_storage *s, int64_t at,
                     int expanded) {
  if (s && s->dtype != t->dtype)
    return dl_error("t7: corrupt file: a %s on a %s at byte offset %lld",
                    io_t7_tensor_class(t->dtype), io_t7_storage_class(s->dtype), (long long)at);
  /* before offset - 1 below: the fuzzer found INT64_MIN here */
  if (h->offset < 1)
    return dl_error("t7: corrupt file: tensor storage offset %lld (must be >= 1)",
                    (long long)h->offset);
  for (int d = 0; d < h->ndim; d++)
    if (h->size[d] < 0 || h->stride[d] < 0)
      return dl_error("t7: corrupt file: tensor size %lld, stride %lld in dimension %d",
                      (long long)h->size[d], (long long)h->stride[d], d + 1);
  /* built aside, so that t is left as it was when the expansion limit refuses it; a
     0-dimensional tensor is Torch7's empty tensor and keeps its storage if any */
  dl_tensor v;
  dl_tensor_init(&v, t->dtype);
  if (dl_tensor_set_storage(&v, s, h->offset - 1, h->ndim, h->size, h->stride) < 0) {
    char why[400];
    snprintf(why, sizeof why, "%s", dl_errmsg());
    return dl_error("t7: corrupt file: tensor at byte offset %lld: %s", (long long)at, why);
  }
  int64_t numel = dl_tensor_numel(&v), held = s ? s->size : 0;
  if (!expanded && numel > IO_T7_EXPAND_FLOOR && numel / IO_T7_EXPAND_FACTOR > held) {
    dl_tensor_free(&v);
    return dl_error("t7: a tensor of %lld elements on a storage of %lld at byte offset %lld: "
                    "refused (more than %d times its storage; torch.load(name, format, "
                    "{expanded = true}) accepts it)", (long long)numel, (long long)held,
                    (long long)at, IO_T7_EXPAND_FACTOR);
  }
  dl_tensor_set(t, &v);
  dl_tensor_free(&v);
  return 0;
}
