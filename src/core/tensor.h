/* Tensor: a strided view (sizes, strides, offset) on a shared storage.
   A tensor with ndim 0 is empty, as in Torch7. Dimensions are 0-based here; error
   messages print them 1-based, as the script that caused them wrote them. */
#ifndef DL_TENSOR_H
#define DL_TENSOR_H

#include <stdint.h>

#include "dtype.h"
#include "error.h"
#include "storage.h"

#define DL_MAXDIM 16

typedef struct dl_tensor {
  dl_storage *storage; /* NULL while nothing was ever allocated */
  int64_t offset;      /* in elements */
  int ndim;
  dl_dtype dtype;
  int64_t size[DL_MAXDIM];
  int64_t stride[DL_MAXDIM]; /* in elements; 0 for expanded dimensions */
} dl_tensor;

void dl_tensor_init(dl_tensor *t, dl_dtype dt);
/* Drops the reference to the storage and leaves t empty. */
void dl_tensor_free(dl_tensor *t);

int64_t dl_tensor_numel(const dl_tensor *t);
int dl_tensor_iscontiguous(const dl_tensor *t);
int dl_tensor_samesize(const dl_tensor *a, const dl_tensor *b);
/* True when writing a could change what reading b gives: the same storage, and the
   ranges of elements they reach intersect (conservative: interleaved views count). */
int dl_tensor_overlaps(const dl_tensor *a, const dl_tensor *b);
/* True when a and b are the same view: storage, offset, sizes and strides. Elementwise
   kernels may then write a while reading b, element by element. */
int dl_tensor_sameview(const dl_tensor *a, const dl_tensor *b);
/* Address of the first element; NULL for a tensor without storage. */
void *dl_tensor_data(const dl_tensor *t);

/* Product of sizes with overflow check; -1 and an error on overflow or negative size. */
int64_t dl_numel_checked(const char *fn, int ndim, const int64_t *size);
/* Formats sizes as "2x3x4" into buf (for error messages); returns buf. */
char *dl_sizestr(char *buf, int n, int ndim, const int64_t *size);

/* Gives t the sizes, as Torch7's THTensor_resizeNd. When t already has exactly these
   sizes (same ndim) it is left alone: strides, offset and storage unchanged, so a
   non-contiguous view stays one, and a result tensor that is a view keeps writing into
   its parent. Otherwise t becomes contiguous at its offset, reusing its storage when
   large enough and growing it otherwise (views on the same storage see the growth).
   So a caller that writes the result through a raw pointer must not assume it is
   contiguous: write through the strides (op_foreach), use a contiguous scratch
   (op_scratch_open in ops/copy.h), or use dl_tensor_resize_contig. */
int dl_tensor_resize(dl_tensor *t, int ndim, const int64_t *size);
int dl_tensor_resize_as(dl_tensor *t, const dl_tensor *like);
/* dl_tensor_resize, then -1 and an error naming fn when t is still not contiguous (a
   view that already had the sizes). For kernels that fill buffers they own (nn outputs
   and gradInputs, scratch buffers) through a raw pointer: a view there is refused
   rather than written as if it were contiguous. */
int dl_tensor_resize_contig(const char *fn, dl_tensor *t, int ndim, const int64_t *size);
/* A fresh contiguous tensor of the given sizes, on a storage of its own. */
int dl_tensor_new(dl_tensor *t, dl_dtype dt, int ndim, const int64_t *size);

/* dst becomes the same view as src (shares the storage). dst must be initialised. */
void dl_tensor_set(dl_tensor *dst, const dl_tensor *src);
/* View on storage s; stride NULL means contiguous. Checks that it fits in s. */
int dl_tensor_set_storage(dl_tensor *t, dl_storage *s, int64_t offset, int ndim,
                          const int64_t *size, const int64_t *stride);

/* Views: each changes t in place, sharing its storage. */
int dl_tensor_narrow(dl_tensor *t, int dim, int64_t start, int64_t len);
int dl_tensor_select(dl_tensor *t, int dim, int64_t index); /* needs ndim >= 2 */
int dl_tensor_transpose(dl_tensor *t, int d1, int d2);
int dl_tensor_permute(dl_tensor *t, int n, const int *perm);
int dl_tensor_unfold(dl_tensor *t, int dim, int64_t size, int64_t step);
int dl_tensor_squeeze(dl_tensor *t);
int dl_tensor_squeeze_dim(dl_tensor *t, int dim);
int dl_tensor_unsqueeze(dl_tensor *t, int dim);
/* View with new sizes (one may be -1, inferred); fails when the strides do not allow it. */
int dl_tensor_view(dl_tensor *t, int ndim, const int64_t *size);
/* Expands size-1 dimensions (stride 0) and prepends new ones, as NumPy broadcasting. */
int dl_tensor_expand(dl_tensor *t, int ndim, const int64_t *size);

/* Broadcast shape of a and b into size (returns its ndim), or -1 and an error naming fn. */
int dl_broadcast_shape(const char *fn, const dl_tensor *a, const dl_tensor *b, int64_t *size);

#endif
