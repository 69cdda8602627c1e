#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "storage.h"

#define DL_ALIGN 64

/* atomic: the C API runs sessions on several threads at once (docs/c_api.md) */
static _Atomic int64_t allocated, live;

/* Tensor blocks of a few MB come and go every batch. By default glibc maps each one
   afresh (or trims the heap top after each free), and the page faults of refilling them
   cost more than the arithmetic. Keeping blocks below 64 MB on the heap, and trimming
   only past 256 MB, lets freed blocks be reused warm. Set once, on first allocation. */
static void tune_malloc(void) {
  static _Atomic int done;
  if (done) return;
  done = 1;
#ifdef M_MMAP_THRESHOLD
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 16 << 20);
#endif
}

static void *aligned_bytes(int64_t nbytes) {
  tune_malloc();
  /* aligned_alloc wants a multiple of the alignment; a zero-size block still gets a
     real pointer so that data is never NULL for a live storage. */
  size_t rounded = ((size_t)nbytes + DL_ALIGN - 1) / DL_ALIGN * DL_ALIGN;
  if (rounded == 0) rounded = DL_ALIGN;
  return aligned_alloc(DL_ALIGN, rounded);
}

static int byte_count(dl_dtype t, int64_t n, int64_t *nbytes) {
  int64_t es = (int64_t)dl_dtype_size(t);
  if (n < 0) return dl_error("storage: negative size %lld", (long long)n);
  if (n > (INT64_MAX - DL_ALIGN) / es)
    return dl_error("storage: size %lld overflows", (long long)n);
  *nbytes = n * es;
  return 0;
}

dl_storage *dl_storage_new(dl_dtype t, int64_t n) {
  int64_t nbytes = 0;
  if (byte_count(t, n, &nbytes)) return NULL;
  dl_storage *s = malloc(sizeof *s);
  void *data = aligned_bytes(nbytes);
  if (!s || !data) {
    free(s);
    free(data);
    dl_error("not enough memory for %lld elements of %s (%lld bytes)", (long long)n,
             dl_dtype_name(t), (long long)nbytes);
    return NULL;
  }
  s->data = data;
  s->size = n;
  s->dtype = t;
  s->refcount = 1;
  s->base = NULL;
  s->nviews = 0;
  allocated += nbytes;
  live += nbytes;
  return s;
}

dl_storage *dl_storage_view(dl_storage *base, int64_t offset, int64_t n) {
  if (offset < 0 || n < 0 || offset > base->size || n > base->size - offset) {
    dl_error("storage: elements %lld to %lld out of range for a storage of %lld",
             (long long)offset + 1, (long long)(offset + n), (long long)base->size);
    return NULL;
  }
  dl_storage *s = malloc(sizeof *s);
  if (!s) {
    dl_error("not enough memory for a storage view");
    return NULL;
  }
  s->data = (char *)base->data + offset * (int64_t)dl_dtype_size(base->dtype);
  s->size = n;
  s->dtype = base->dtype;
  s->refcount = 1;
  s->base = base;
  s->nviews = 0;
  base->nviews++;
  dl_storage_retain(base);
  return s;
}

void dl_storage_retain(dl_storage *s) {
  if (s) s->refcount++;
}

void dl_storage_release(dl_storage *s) {
  if (!s || --s->refcount > 0) return;
  if (s->base) { /* a view: its elements are the base's */
    s->base->nviews--;
    dl_storage_release(s->base);
    free(s);
    return;
  }
  live -= s->size * (int64_t)dl_dtype_size(s->dtype);
  free(s->data);
  free(s);
}

int dl_storage_resize(dl_storage *s, int64_t n) {
  int64_t nbytes = 0, es = (int64_t)dl_dtype_size(s->dtype);
  if (byte_count(s->dtype, n, &nbytes)) return -1;
  if (n == s->size) return 0;
  if (s->base) return dl_error("cannot resize a storage that is a view of another storage");
  if (s->nviews > 0)
    return dl_error("cannot resize a storage of %lld elements while %d storage views point "
                    "into it", (long long)s->size, s->nviews);
  /* A tensor viewing this storage would index past the end of a shrunk block. */
  if (n < s->size && s->refcount > 1)
    return dl_error("cannot shrink a storage of %lld elements to %lld while %d other "
                    "references (tensors or storages) view it", (long long)s->size,
                    (long long)n, s->refcount - 1);
  void *data = aligned_bytes(nbytes);
  if (!data)
    return dl_error("not enough memory for %lld elements of %s (%lld bytes)", (long long)n,
                    dl_dtype_name(s->dtype), (long long)nbytes);
  int64_t keep = n < s->size ? n : s->size;
  if (keep > 0) memcpy(data, s->data, (size_t)(keep * es));
  free(s->data);
  live += nbytes - s->size * es;
  allocated += nbytes;
  s->data = data;
  s->size = n;
  return 0;
}

int64_t dl_storage_allocated(void) { return allocated; }
int64_t dl_storage_live(void) { return live; }
