/* Storage: a refcounted, 64-byte aligned block of elements of one type.
   Tensors are views on a storage; several tensors may share one. */
#ifndef DL_STORAGE_H
#define DL_STORAGE_H

#include <stdint.h>

#include "dtype.h"

typedef struct dl_storage {
  void *data;
  int64_t size;   /* in elements */
  dl_dtype dtype;
  int refcount;
  struct dl_storage *base; /* a view's storage (data points into it), or NULL */
  int nviews;              /* views of this storage alive */
} dl_storage;

/* A new storage of n elements (uninitialised), refcount 1; NULL and an error when
   n is negative, the byte count overflows, or memory runs out. */
dl_storage *dl_storage_new(dl_dtype t, int64_t n);
/* A storage of n elements that are elements offset..offset+n-1 (0-based) of base, as
   Torch7's torch.LongStorage(storage, offset, size): writes through either are seen by
   both. It holds a reference to base; neither can be resized while the view lives. NULL
   and an error when the range does not fit in base. */
dl_storage *dl_storage_view(dl_storage *base, int64_t offset, int64_t n);
void dl_storage_retain(dl_storage *s);
void dl_storage_release(dl_storage *s);
/* Grows (or shrinks) to n elements, keeping the first min(old, n) elements. Refuses to
   shrink a storage that has other references, since tensors viewing it would index past
   its end, and to resize a storage view or a storage that views point into (the block
   moves). */
int dl_storage_resize(dl_storage *s, int64_t n);

/* Bytes allocated by storages since the process started (never decreases): the Lua
   bindings step the garbage collector by the difference, since Lua cannot see them. */
int64_t dl_storage_allocated(void);
/* Bytes held by live storages now. */
int64_t dl_storage_live(void);

#endif
