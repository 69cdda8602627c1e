/* Indexing kernels. Slices are taken as size-1 narrows built on the stack (no
   reference is taken, since they never outlive the call), so one op_copy / op_fill
   serves every type. Element moves between tensors of one type are byte copies. */
#include <string.h>

#include "copy.h"
#include "indexing.h"
#include "iter.h"

/* ---- helpers ---- */

/* Row-major walk over a tensor's element offsets (in elements, storage-relative). */
typedef struct {
  int ndim;
  int64_t off;
  const int64_t *size, *stride;
  int64_t i[DL_MAXDIM];
} walker;

static void walk_init(walker *w, const dl_tensor *t) {
  w->ndim = t->ndim;
  w->off = t->offset;
  w->size = t->size;
  w->stride = t->stride;
  memset(w->i, 0, sizeof w->i);
}

static void walk_next(walker *w) {
  for (int d = w->ndim - 1; d >= 0; d--) {
    w->off += w->stride[d];
    if (++w->i[d] < w->size[d]) return;
    w->off -= w->stride[d] * w->size[d];
    w->i[d] = 0;
  }
}

static char *elem_ptr(const dl_tensor *t, int64_t off) {
  return (char *)t->storage->data + off * (int64_t)dl_dtype_size(t->dtype);
}

static void to_elem(dl_dtype dt, double v, void *buf) {
#define TO_ELEM(T) *(T *)buf = (T)v;
  DL_DISPATCH(dt, TO_ELEM)
#undef TO_ELEM
}

static int is_nonzero(dl_dtype dt, const char *p) {
  int nz = 0;
#define NZ(T) nz = *(const T *)p != 0;
  DL_DISPATCH(dt, NZ)
#undef NZ
  return nz;
}

/* The size-1 slice of t at i along dim; it borrows t's storage reference. */
static dl_tensor slice(const dl_tensor *t, int dim, int64_t i) {
  dl_tensor s = *t;
  s.offset += i * t->stride[dim];
  s.size[dim] = 1;
  return s;
}

static int check_dim(const char *fn, const dl_tensor *t, int dim) {
  if (t->ndim == 0) return dl_error("%s: the tensor is empty", fn);
  if (dim < 0 || dim >= t->ndim)
    return dl_error("%s: dimension %d out of range for a %dD tensor", fn, dim + 1, t->ndim);
  return 0;
}

/* An index tensor: LongTensor, of ndim dimensions (ndim < 0: 1D or empty). */
static int check_idx_type(const char *fn, const dl_tensor *idx, int ndim) {
  if (idx->dtype != DL_LONG)
    return dl_error("%s: the index must be a LongTensor, not a %sTensor", fn,
                    dl_dtype_name(idx->dtype));
  if (ndim < 0 && idx->ndim > 1)
    return dl_error("%s: the index must be a 1D LongTensor, got %dD", fn, idx->ndim);
  if (ndim >= 0 && idx->ndim != ndim)
    return dl_error("%s: the index must have %d dimensions like the tensor, got %d", fn, ndim,
                    idx->ndim);
  return 0;
}

/* Every value of idx lies in 1..size. */
static int check_idx_range(const char *fn, const dl_tensor *idx, int dim, int64_t size) {
  int64_t n = dl_tensor_numel(idx);
  if (n == 0) return 0;
  walker w;
  walk_init(&w, idx);
  for (int64_t k = 0; k < n; k++, walk_next(&w)) {
    int64_t v = *(const int64_t *)elem_ptr(idx, w.off);
    if (v < 1 || v > size)
      return dl_error("%s: index %lld out of range for dimension %d (size %lld)", fn,
                      (long long)v, dim + 1, (long long)size);
  }
  return 0;
}

static int64_t idx_at(const dl_tensor *idx, int64_t k) {
  return *(const int64_t *)elem_ptr(idx, idx->offset + k * idx->stride[0]) - 1;
}

static int same_type(const char *fn, const dl_tensor *a, const dl_tensor *b, const char *what) {
  if (a->dtype != b->dtype)
    return dl_error("%s: %s must be a %sTensor like the tensor, not a %sTensor", fn, what,
                    dl_dtype_name(a->dtype), dl_dtype_name(b->dtype));
  return 0;
}

/* ---- index, indexCopy, indexAdd, indexFill ---- */

int op_ix_index(dl_tensor *res, const dl_tensor *src, int dim, const dl_tensor *idx) {
  if (check_dim("index", src, dim) || check_idx_type("index", idx, -1) ||
      check_idx_range("index", idx, dim, src->size[dim]))
    return -1;
  if (res->storage && res->storage == src->storage)
    return dl_error("index: the result must not share the source's storage");
  int64_t n = dl_tensor_numel(idx), size[DL_MAXDIM];
  memcpy(size, src->size, sizeof size);
  size[dim] = n;
  if (dl_tensor_resize(res, src->ndim, size)) return -1;
  if (n == 0) return 0;
  if (dim == 0 && res->dtype == src->dtype && dl_tensor_iscontiguous(src) &&
      dl_tensor_iscontiguous(res)) {
    /* whole rows: the minibatch case, one memcpy per row */
    size_t es = dl_dtype_size(src->dtype);
    size_t row = (size_t)(dl_tensor_numel(src) / src->size[0]) * es;
    char *d = dl_tensor_data(res), *s = dl_tensor_data(src);
    for (int64_t k = 0; k < n; k++) memcpy(d + k * row, s + idx_at(idx, k) * row, row);
    return 0;
  }
  for (int64_t k = 0; k < n; k++) {
    dl_tensor d = slice(res, dim, k), s = slice(src, dim, idx_at(idx, k));
    if (op_copy(&d, &s)) return -1;
  }
  return 0;
}

/* src must have t's sizes except size[dim] = n. */
static int check_slices(const char *fn, const dl_tensor *t, int dim, int64_t n,
                        const dl_tensor *src) {
  char b1[256], b2[256];
  int ok = src->ndim == t->ndim;
  for (int d = 0; ok && d < t->ndim; d++) ok = src->size[d] == (d == dim ? n : t->size[d]);
  if (!ok) {
    int64_t want[DL_MAXDIM];
    memcpy(want, t->size, sizeof want);
    want[dim] = n;
    return dl_error("%s: source of size %s, expected %s (%lld indices along dimension %d)", fn,
                    dl_sizestr(b1, sizeof b1, src->ndim, src->size),
                    dl_sizestr(b2, sizeof b2, t->ndim, want), (long long)n, dim + 1);
  }
  return 0;
}

static int index_prepare(const char *fn, const dl_tensor *t, int dim, const dl_tensor *idx) {
  if (check_dim(fn, t, dim) || check_idx_type(fn, idx, -1) ||
      check_idx_range(fn, idx, dim, t->size[dim]))
    return -1;
  return 0;
}

int op_ix_index_copy(dl_tensor *t, int dim, const dl_tensor *idx, const dl_tensor *src) {
  int64_t n = dl_tensor_numel(idx);
  if (index_prepare("indexCopy", t, dim, idx) || check_slices("indexCopy", t, dim, n, src))
    return -1;
  for (int64_t k = 0; k < n; k++) {
    dl_tensor d = slice(t, dim, idx_at(idx, k)), s = slice(src, dim, k);
    if (op_copy(&d, &s)) return -1;
  }
  return 0;
}

static void add_loop(char **data, const int64_t *st, int64_t n, void *ctx) {
  dl_dtype dt = *(const dl_dtype *)ctx;
  char *d = data[0], *s = data[1];
#define ADD(T) \
  for (int64_t i = 0; i < n; i++, d += st[0], s += st[1]) *(T *)d = (T)(*(T *)d + *(T *)s);
  DL_DISPATCH(dt, ADD)
#undef ADD
}

int op_ix_index_add(dl_tensor *t, int dim, const dl_tensor *idx, const dl_tensor *src) {
  int64_t n = dl_tensor_numel(idx);
  if (index_prepare("indexAdd", t, dim, idx) || check_slices("indexAdd", t, dim, n, src) ||
      same_type("indexAdd", t, src, "the source"))
    return -1;
  dl_dtype dt = t->dtype;
  /* one slice at a time, in index order, so that repeated indices accumulate */
  for (int64_t k = 0; k < n; k++) {
    dl_tensor d = slice(t, dim, idx_at(idx, k)), s = slice(src, dim, k);
    const dl_tensor *ts[2] = {&d, &s};
    op_foreach(2, ts, add_loop, &dt);
  }
  return 0;
}

int op_ix_index_fill(dl_tensor *t, int dim, const dl_tensor *idx, double v) {
  if (index_prepare("indexFill", t, dim, idx)) return -1;
  int64_t n = dl_tensor_numel(idx);
  for (int64_t k = 0; k < n; k++) {
    dl_tensor d = slice(t, dim, idx_at(idx, k));
    op_fill(&d, v);
  }
  return 0;
}

/* ---- gather, scatter ---- */

/* idx: LongTensor with t's ndim, no larger than `bound` except along dim. */
static int check_gs_idx(const char *fn, const dl_tensor *t, int dim, const dl_tensor *idx,
                        const dl_tensor *bound, int all_dims) {
  char b1[256], b2[256];
  if (check_dim(fn, t, dim) || check_idx_type(fn, idx, t->ndim)) return -1;
  for (int d = 0; d < t->ndim; d++)
    if ((all_dims || d != dim) && idx->size[d] > bound->size[d])
      return dl_error("%s: index of size %s is larger than the tensor's %s in dimension %d", fn,
                      dl_sizestr(b1, sizeof b1, idx->ndim, idx->size),
                      dl_sizestr(b2, sizeof b2, bound->ndim, bound->size), d + 1);
  return check_idx_range(fn, idx, dim, t->size[dim]);
}

/* Offset in t of the position w.i with coordinate dim replaced by the index value. */
static int64_t gs_offset(const dl_tensor *t, int dim, const walker *w, int64_t v) {
  int64_t off = t->offset;
  for (int d = 0; d < t->ndim; d++) off += (d == dim ? v : w->i[d]) * t->stride[d];
  return off;
}

int op_ix_gather(dl_tensor *res, const dl_tensor *src, int dim, const dl_tensor *idx) {
  if (check_gs_idx("gather", src, dim, idx, src, 0) ||
      same_type("gather", src, res, "the result"))
    return -1;
  if (res->storage && res->storage == src->storage)
    return dl_error("gather: the result must not share the source's storage");
  if (dl_tensor_resize(res, idx->ndim, idx->size)) return -1;
  int64_t n = dl_tensor_numel(idx);
  size_t es = dl_dtype_size(src->dtype);
  walker wi, wr;
  walk_init(&wi, idx);
  walk_init(&wr, res);
  for (int64_t k = 0; k < n; k++, walk_next(&wi), walk_next(&wr)) {
    int64_t v = *(const int64_t *)elem_ptr(idx, wi.off) - 1;
    memcpy(elem_ptr(res, wr.off), elem_ptr(src, gs_offset(src, dim, &wi, v)), es);
  }
  return 0;
}

/* Scatters src's elements (or the value in buf when src is NULL). */
static int scatter(const char *fn, dl_tensor *t, int dim, const dl_tensor *idx,
                   const dl_tensor *src, const void *buf) {
  if (check_gs_idx(fn, t, dim, idx, t, 0)) return -1;
  if (src && src->ndim != t->ndim)
    return dl_error("%s: the source has %d dimensions, the tensor %d", fn, src->ndim, t->ndim);
  if (src && (same_type(fn, t, src, "the source") || check_gs_idx(fn, t, dim, idx, src, 1)))
    return -1;
  int64_t n = dl_tensor_numel(idx);
  size_t es = dl_dtype_size(t->dtype);
  walker wi, ws;
  walk_init(&wi, idx);
  for (int64_t k = 0; k < n; k++, walk_next(&wi)) {
    int64_t v = *(const int64_t *)elem_ptr(idx, wi.off) - 1;
    const void *from = buf;
    if (src) {
      ws.off = src->offset;
      for (int d = 0; d < src->ndim; d++) ws.off += wi.i[d] * src->stride[d];
      from = elem_ptr(src, ws.off);
    }
    memcpy(elem_ptr(t, gs_offset(t, dim, &wi, v)), from, es);
  }
  return 0;
}

int op_ix_scatter(dl_tensor *t, int dim, const dl_tensor *idx, const dl_tensor *src) {
  return scatter("scatter", t, dim, idx, src, NULL);
}

int op_ix_scatter_fill(dl_tensor *t, int dim, const dl_tensor *idx, double v) {
  char buf[16];
  to_elem(t->dtype, v, buf);
  return scatter("scatter", t, dim, idx, NULL, buf);
}

/* ---- masks ---- */

/* Checks the mask and returns its count of nonzeros, or -1. *m becomes the mask as
   read against t: the mask itself when the element counts match, else the mask
   broadcast to t's sizes (a view borrowing its storage). */
static int64_t mask_count(const char *fn, const dl_tensor *t, const dl_tensor *mask,
                          dl_tensor *m) {
  char b1[256], b2[256];
  if (mask->dtype != DL_BYTE)
    return dl_error("%s: the mask must be a ByteTensor, not a %sTensor", fn,
                    dl_dtype_name(mask->dtype));
  *m = *mask;
  int64_t n = dl_tensor_numel(mask);
  if (n != dl_tensor_numel(t)) {
    int ok = mask->ndim <= t->ndim && n > 0;
    for (int d = 0; ok && d < mask->ndim; d++) {
      int64_t ms = mask->size[mask->ndim - 1 - d], ts = t->size[t->ndim - 1 - d];
      ok = ms == ts || ms == 1;
    }
    if (!ok || dl_tensor_expand(m, t->ndim, t->size))
      return dl_error("%s: mask of size %s does not match or broadcast to the tensor's size %s",
                      fn, dl_sizestr(b1, sizeof b1, mask->ndim, mask->size),
                      dl_sizestr(b2, sizeof b2, t->ndim, t->size));
    n = dl_tensor_numel(m);
  }
  int64_t count = 0;
  walker w;
  walk_init(&w, m);
  for (int64_t k = 0; k < n; k++, walk_next(&w)) count += *elem_ptr(m, w.off) != 0;
  return count;
}

int op_ix_masked_select(dl_tensor *res, const dl_tensor *src, const dl_tensor *mask) {
  dl_tensor m;
  int64_t count = mask_count("maskedSelect", src, mask, &m);
  if (count < 0 || same_type("maskedSelect", src, res, "the result")) return -1;
  if (res->storage && res->storage == src->storage)
    return dl_error("maskedSelect: the result must not share the source's storage");
  if (dl_tensor_resize(res, 1, &count)) return -1;
  int64_t n = dl_tensor_numel(src);
  size_t es = dl_dtype_size(src->dtype);
  walker ws, wm;
  walk_init(&ws, src);
  walk_init(&wm, &m);
  /* res may be a strided view of count elements (resize keeps it): step by its stride */
  int64_t out = res->offset, step = count > 0 ? res->stride[0] : 0;
  for (int64_t k = 0; k < n; k++, walk_next(&ws), walk_next(&wm))
    if (*elem_ptr(&m, wm.off)) {
      memcpy(elem_ptr(res, out), elem_ptr(src, ws.off), es);
      out += step;
    }
  return 0;
}

/* Writes src's next element (or buf when src is NULL) where the mask is set. */
static int masked_write(const char *fn, dl_tensor *t, const dl_tensor *mask,
                        const dl_tensor *src, const void *buf) {
  char b1[256];
  dl_tensor m;
  int64_t count = mask_count(fn, t, mask, &m);
  if (count < 0) return -1;
  if (src) {
    if (same_type(fn, t, src, "the source")) return -1;
    if (dl_tensor_numel(src) < count)
      return dl_error("%s: source of size %s has %lld elements, the mask selects %lld", fn,
                      dl_sizestr(b1, sizeof b1, src->ndim, src->size),
                      (long long)dl_tensor_numel(src), (long long)count);
  }
  int64_t n = dl_tensor_numel(t);
  size_t es = dl_dtype_size(t->dtype);
  walker wt, wm, ws;
  walk_init(&wt, t);
  walk_init(&wm, &m);
  if (src) walk_init(&ws, src);
  for (int64_t k = 0; k < n; k++, walk_next(&wt), walk_next(&wm)) {
    if (!*elem_ptr(&m, wm.off)) continue;
    if (src) {
      memcpy(elem_ptr(t, wt.off), elem_ptr(src, ws.off), es);
      walk_next(&ws);
    } else {
      memcpy(elem_ptr(t, wt.off), buf, es);
    }
  }
  return 0;
}

int op_ix_masked_copy(dl_tensor *t, const dl_tensor *mask, const dl_tensor *src) {
  return masked_write("maskedCopy", t, mask, src, NULL);
}

int op_ix_masked_fill(dl_tensor *t, const dl_tensor *mask, double v) {
  char buf[16];
  to_elem(t->dtype, v, buf);
  return masked_write("maskedFill", t, mask, NULL, buf);
}

int op_ix_nonzero(dl_tensor *res, const dl_tensor *src) {
  if (res->dtype != DL_LONG) return dl_error("nonzero: the result must be a LongTensor");
  int64_t n = dl_tensor_numel(src), count = 0;
  walker w;
  walk_init(&w, src);
  for (int64_t k = 0; k < n; k++, walk_next(&w)) count += is_nonzero(src->dtype, elem_ptr(src, w.off));
  int64_t size[2] = {count, src->ndim};
  if (dl_tensor_resize(res, 2, size)) return -1;
  /* res may be a strided view of these sizes (resize keeps it): write through strides */
  int64_t row = res->offset;
  walk_init(&w, src);
  for (int64_t k = 0; k < n; k++, walk_next(&w)) {
    if (!is_nonzero(src->dtype, elem_ptr(src, w.off))) continue;
    for (int d = 0; d < src->ndim; d++)
      *(int64_t *)elem_ptr(res, row + d * res->stride[1]) = w.i[d] + 1;
    row += res->stride[0];
  }
  return 0;
}
