#include <stdio.h>
#include <string.h>

#include "tensor.h"

void dl_tensor_init(dl_tensor *t, dl_dtype dt) {
  memset(t, 0, sizeof *t);
  t->dtype = dt;
}

void dl_tensor_free(dl_tensor *t) {
  dl_storage_release(t->storage);
  dl_tensor_init(t, t->dtype);
}

int64_t dl_tensor_numel(const dl_tensor *t) {
  if (t->ndim == 0) return 0;
  int64_t n = 1;
  for (int d = 0; d < t->ndim; d++) n *= t->size[d];
  return n;
}

int dl_tensor_iscontiguous(const dl_tensor *t) {
  int64_t expected = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->size[d] != 1 && t->stride[d] != expected) return 0;
    expected *= t->size[d];
  }
  return 1;
}

int dl_tensor_samesize(const dl_tensor *a, const dl_tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (int d = 0; d < a->ndim; d++)
    if (a->size[d] != b->size[d]) return 0;
  return 1;
}

void *dl_tensor_data(const dl_tensor *t) {
  if (!t->storage) return NULL;
  return (char *)t->storage->data + t->offset * (int64_t)dl_dtype_size(t->dtype);
}

char *dl_sizestr(char *buf, int n, int ndim, const int64_t *size) {
  int used = 0;
  buf[0] = 0;
  if (ndim == 0) snprintf(buf, n, "[empty]");
  for (int d = 0; d < ndim && used < n; d++)
    used += snprintf(buf + used, n - used, d ? "x%lld" : "%lld", (long long)size[d]);
  return buf;
}

int64_t dl_numel_checked(const char *fn, int ndim, const int64_t *size) {
  int64_t n = 1;
  char buf[256];
  if (ndim < 0 || ndim > DL_MAXDIM)
    return dl_error("%s: %d dimensions (at most %d)", fn, ndim, DL_MAXDIM);
  for (int d = 0; d < ndim; d++) {
    if (size[d] < 0)
      return dl_error("%s: negative size %lld in dimension %d (sizes %s)", fn,
                      (long long)size[d], d + 1, dl_sizestr(buf, sizeof buf, ndim, size));
    if (size[d] > 0 && n > INT64_MAX / 16 / size[d])
      return dl_error("%s: sizes %s overflow", fn, dl_sizestr(buf, sizeof buf, ndim, size));
    n *= size[d];
  }
  return ndim == 0 ? 0 : n;
}

static void contiguous_strides(dl_tensor *t) {
  int64_t s = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    t->stride[d] = s;
    s *= t->size[d] > 0 ? t->size[d] : 1;
  }
}

/* Whether every element of t lies inside its storage: false only when C code shrank the
   storage under the view (Lua cannot: dl_storage_resize refuses while a tensor holds a
   reference), which the resize below repairs. */
static int fits_storage(const dl_tensor *t) {
  int64_t last = t->offset;
  for (int d = 0; d < t->ndim; d++) {
    if (t->size[d] == 0) return 1;
    last += (t->size[d] - 1) * t->stride[d];
  }
  return last < t->storage->size;
}

int dl_tensor_resize(dl_tensor *t, int ndim, const int64_t *size) {
  int64_t n = dl_numel_checked("resize", ndim, size);
  if (n < 0) return -1;
  /* Already these sizes: left alone, as Torch7's THTensor_resizeNd, so that a result
     given as a view (res = x:t(), x:narrow(...)) keeps writing into its parent. */
  if (t->storage && t->ndim == ndim && memcmp(t->size, size, sizeof(int64_t) * ndim) == 0 &&
      fits_storage(t))
    return 0;
  char buf[256], msg[300];
  int failed = 0;
  if (!t->storage) {
    t->storage = dl_storage_new(t->dtype, n);
    t->offset = 0;
    failed = !t->storage;
  } else if (t->offset > INT64_MAX - n) { /* an empty view may sit at any offset */
    return dl_error("resize: sizes %s at storage offset %lld overflow",
                    dl_sizestr(buf, sizeof buf, ndim, size), (long long)t->offset + 1);
  } else if (t->offset + n > t->storage->size) {
    failed = dl_storage_resize(t->storage, t->offset + n) != 0;
  }
  if (failed) {
    snprintf(msg, sizeof msg, "%s", dl_errmsg());
    return dl_error("resize: sizes %s: %s", dl_sizestr(buf, sizeof buf, ndim, size), msg);
  }
  t->ndim = ndim;
  memcpy(t->size, size, sizeof(int64_t) * ndim);
  contiguous_strides(t);
  return 0;
}

int dl_tensor_resize_as(dl_tensor *t, const dl_tensor *like) {
  return dl_tensor_resize(t, like->ndim, like->size);
}

int dl_tensor_resize_contig(const char *fn, dl_tensor *t, int ndim, const int64_t *size) {
  char b1[256], b2[256];
  if (dl_tensor_resize(t, ndim, size) < 0) return -1;
  if (dl_tensor_iscontiguous(t)) return 0;
  dl_sizestr(b2, sizeof b2, t->ndim, t->stride);
  for (char *c = b2; *c; c++)
    if (*c == 'x') *c = ',';
  return dl_error("%s: the result is a non-contiguous view (size %s, strides %s); this "
                  "kernel needs a contiguous tensor", fn,
                  dl_sizestr(b1, sizeof b1, t->ndim, t->size), b2);
}

int dl_tensor_new(dl_tensor *t, dl_dtype dt, int ndim, const int64_t *size) {
  dl_tensor_init(t, dt);
  return dl_tensor_resize(t, ndim, size);
}

void dl_tensor_set(dl_tensor *dst, const dl_tensor *src) {
  if (dst == src) return;
  dl_storage_retain(src->storage);
  dl_storage_release(dst->storage);
  *dst = *src;
}

int dl_tensor_set_storage(dl_tensor *t, dl_storage *s, int64_t offset, int ndim,
                          const int64_t *size, const int64_t *stride) {
  char buf[256];
  int64_t n = dl_numel_checked("set", ndim, size);
  if (n < 0) return -1;
  if (s && s->dtype != t->dtype)
    return dl_error("set: storage of type %s for a tensor of type %s",
                    dl_dtype_name(s->dtype), dl_dtype_name(t->dtype));
  if (offset < 0) return dl_error("set: negative storage offset %lld", (long long)offset + 1);
  /* the farthest element reached, with the real strides (contiguous ones when none are
     given), must lie inside the storage; computed so that it cannot wrap */
  int64_t cstride[DL_MAXDIM], last = offset, acc = 1;
  for (int d = ndim - 1; d >= 0; d--) {
    cstride[d] = acc;
    if (size[d] > 0 && __builtin_mul_overflow(acc, size[d], &acc)) acc = INT64_MAX;
  }
  for (int d = 0; d < ndim; d++) {
    int64_t st = stride ? stride[d] : cstride[d], reach;
    if (st < 0) return dl_error("set: negative stride %lld", (long long)st);
    if (size[d] > 0 && (__builtin_mul_overflow(size[d] - 1, st, &reach) ||
                        __builtin_add_overflow(last, reach, &last)))
      return dl_error("set: sizes %s with these strides overflow",
                      dl_sizestr(buf, sizeof buf, ndim, size));
  }
  if (n > 0 && (!s || last >= s->size))
    return dl_error("set: sizes %s at offset %lld need %lld elements, storage has %lld",
                    dl_sizestr(buf, sizeof buf, ndim, size), (long long)offset + 1,
                    (long long)last + 1, (long long)(s ? s->size : 0));
  dl_storage_retain(s);
  dl_storage_release(t->storage);
  t->storage = s;
  t->offset = offset;
  t->ndim = ndim;
  memcpy(t->size, size, sizeof(int64_t) * ndim);
  if (stride)
    memcpy(t->stride, stride, sizeof(int64_t) * ndim);
  else
    contiguous_strides(t);
  return 0;
}

static int check_dim(const char *fn, const dl_tensor *t, int dim) {
  if (dim < 0 || dim >= t->ndim)
    return dl_error("%s: dimension %d out of range for a %dD tensor", fn, dim + 1, t->ndim);
  return 0;
}

int dl_tensor_narrow(dl_tensor *t, int dim, int64_t start, int64_t len) {
  if (check_dim("narrow", t, dim)) return -1;
  if (start < 0 || start >= t->size[dim] + (len == 0))
    return dl_error("narrow: index %lld out of range for dimension %d (size %lld)",
                    (long long)start + 1, dim + 1, (long long)t->size[dim]);
  if (len < 0 || len > t->size[dim] - start) /* start <= size here: cannot wrap */
    return dl_error("narrow: size %lld at index %lld out of range for dimension %d (size %lld)",
                    (long long)len, (long long)start + 1, dim + 1, (long long)t->size[dim]);
  t->offset += start * t->stride[dim];
  t->size[dim] = len;
  return 0;
}

int dl_tensor_select(dl_tensor *t, int dim, int64_t index) {
  if (check_dim("select", t, dim)) return -1;
  if (t->ndim < 2) return dl_error("select: needs a tensor of at least 2 dimensions");
  if (index < 0 || index >= t->size[dim])
    return dl_error("select: index %lld out of range for dimension %d (size %lld)",
                    (long long)index + 1, dim + 1, (long long)t->size[dim]);
  t->offset += index * t->stride[dim];
  for (int d = dim; d < t->ndim - 1; d++) {
    t->size[d] = t->size[d + 1];
    t->stride[d] = t->stride[d + 1];
  }
  t->ndim--;
  return 0;
}

int dl_tensor_transpose(dl_tensor *t, int d1, int d2) {
  if (check_dim("transpose", t, d1) || check_dim("transpose", t, d2)) return -1;
  int64_t s = t->size[d1], st = t->stride[d1];
  t->size[d1] = t->size[d2];
  t->stride[d1] = t->stride[d2];
  t->size[d2] = s;
  t->stride[d2] = st;
  return 0;
}

int dl_tensor_permute(dl_tensor *t, int n, const int *perm) {
  int seen[DL_MAXDIM] = {0};
  int64_t size[DL_MAXDIM], stride[DL_MAXDIM];
  if (n != t->ndim)
    return dl_error("permute: %d dimensions given for a %dD tensor", n, t->ndim);
  for (int d = 0; d < n; d++) {
    if (check_dim("permute", t, perm[d])) return -1;
    if (seen[perm[d]]++) return dl_error("permute: dimension %d repeated", perm[d] + 1);
    size[d] = t->size[perm[d]];
    stride[d] = t->stride[perm[d]];
  }
  memcpy(t->size, size, sizeof(int64_t) * n);
  memcpy(t->stride, stride, sizeof(int64_t) * n);
  return 0;
}

int dl_tensor_unfold(dl_tensor *t, int dim, int64_t size, int64_t step) {
  if (t->ndim == 0 && dim == 0) return dl_error("unfold: empty tensor");
  if (check_dim("unfold", t, dim)) return -1;
  if (t->ndim >= DL_MAXDIM) return dl_error("unfold: too many dimensions");
  if (size < 0 || size > t->size[dim])
    return dl_error("unfold: size %lld larger than dimension %d (size %lld)", (long long)size,
                    dim + 1, (long long)t->size[dim]);
  if (step <= 0) return dl_error("unfold: step %lld must be positive", (long long)step);
  int64_t nstride;
  if (__builtin_mul_overflow(t->stride[dim], step, &nstride))
    return dl_error("unfold: step %lld overflows the stride", (long long)step);
  t->size[t->ndim] = size;
  t->stride[t->ndim] = t->stride[dim];
  t->size[dim] = (t->size[dim] - size) / step + 1;
  t->stride[dim] = nstride;
  t->ndim++;
  return 0;
}

int dl_tensor_squeeze_dim(dl_tensor *t, int dim) {
  if (check_dim("squeeze", t, dim)) return -1;
  if (t->size[dim] != 1 || t->ndim == 1) return 0;
  for (int d = dim; d < t->ndim - 1; d++) {
    t->size[d] = t->size[d + 1];
    t->stride[d] = t->stride[d + 1];
  }
  t->ndim--;
  return 0;
}

int dl_tensor_squeeze(dl_tensor *t) {
  int n = 0;
  for (int d = 0; d < t->ndim; d++) {
    if (t->size[d] == 1) continue;
    t->size[n] = t->size[d];
    t->stride[n] = t->stride[d];
    n++;
  }
  /* all ones: Torch7 keeps a 1-element 1-D tensor */
  if (n == 0 && t->ndim > 0) {
    t->size[0] = 1;
    t->stride[0] = 1;
    n = 1;
  }
  t->ndim = n;
  return 0;
}

int dl_tensor_unsqueeze(dl_tensor *t, int dim) {
  if (dim < 0 || dim > t->ndim)
    return dl_error("unsqueeze: dimension %d out of range for a %dD tensor", dim + 1, t->ndim);
  if (t->ndim >= DL_MAXDIM) return dl_error("unsqueeze: too many dimensions");
  /* size 1 would claim an element that an empty tensor does not have */
  if (t->ndim == 0) return dl_error("unsqueeze: cannot unsqueeze an empty tensor");
  for (int d = t->ndim; d > dim; d--) {
    t->size[d] = t->size[d - 1];
    t->stride[d] = t->stride[d - 1];
  }
  t->size[dim] = 1;
  t->stride[dim] = dim < t->ndim ? t->size[dim + 1] * t->stride[dim + 1] : 1;
  t->ndim++;
  return 0;
}

int dl_tensor_view(dl_tensor *t, int ndim, const int64_t *sizein) {
  char b1[256], b2[256];
  int64_t size[DL_MAXDIM], stride[DL_MAXDIM];
  int infer = -1;
  int64_t known = 1, numel = dl_tensor_numel(t);
  if (ndim < 1 || ndim > DL_MAXDIM) return dl_error("view: %d dimensions", ndim);
  for (int d = 0; d < ndim; d++) {
    size[d] = sizein[d];
    if (size[d] == -1) {
      if (infer >= 0) return dl_error("view: only one size can be -1");
      infer = d;
    } else if (size[d] < 0) {
      return dl_error("view: negative size %lld", (long long)size[d]);
    } else {
      if (size[d] > 0 && known > INT64_MAX / size[d]) return dl_error("view: sizes overflow");
      known *= size[d];
    }
  }
  if (infer >= 0) {
    if (known == 0 || numel % known)
      return dl_error("view: cannot infer size -1 for %lld elements (sizes %s)",
                      (long long)numel, dl_sizestr(b1, sizeof b1, ndim, sizein));
    size[infer] = numel / known;
    known = numel;
  }
  if (known != numel)
    return dl_error("view: sizes %s (%lld elements) do not match a tensor of size %s "
                    "(%lld elements)",
                    dl_sizestr(b1, sizeof b1, ndim, size), (long long)known,
                    dl_sizestr(b2, sizeof b2, t->ndim, t->size), (long long)numel);
  /* The new sizes split or merge chunks of old dimensions; each chunk must be
     contiguous in itself (the rule PyTorch's view uses). */
  if (numel == 0) {
    int64_t s = 1;
    for (int d = ndim - 1; d >= 0; d--) {
      stride[d] = s;
      s *= size[d] > 0 ? size[d] : 1;
    }
  } else {
    int vd = ndim - 1;
    int64_t base = t->stride[t->ndim - 1], tnumel = 1, vnumel = 1;
    for (int td = t->ndim - 1; td >= 0; td--) {
      tnumel *= t->size[td];
      if (td == 0 || (t->size[td - 1] != 1 && t->stride[td - 1] != tnumel * base)) {
        while (vd >= 0 && (vnumel < tnumel || size[vd] == 1)) {
          stride[vd] = vnumel * base;
          vnumel *= size[vd];
          vd--;
        }
        if (vnumel != tnumel) break;
        if (td > 0) {
          base = t->stride[td - 1];
          tnumel = vnumel = 1;
        }
      }
    }
    if (vd != -1 || vnumel != tnumel)
      return dl_error("view: sizes %s are incompatible with the strides of a tensor of "
                      "size %s; call contiguous() first",
                      dl_sizestr(b1, sizeof b1, ndim, size),
                      dl_sizestr(b2, sizeof b2, t->ndim, t->size));
  }
  t->ndim = ndim;
  memcpy(t->size, size, sizeof(int64_t) * ndim);
  memcpy(t->stride, stride, sizeof(int64_t) * ndim);
  return 0;
}

int dl_tensor_expand(dl_tensor *t, int ndim, const int64_t *size) {
  char b1[256], b2[256];
  int64_t nsize[DL_MAXDIM], nstride[DL_MAXDIM];
  /* an empty tensor (ndim 0) has no element to repeat, as in Torch7 */
  if (t->ndim == 0 && ndim > 0)
    return dl_error("expand: cannot expand an empty tensor to %s",
                    dl_sizestr(b2, sizeof b2, ndim, size));
  if (ndim < t->ndim || ndim > DL_MAXDIM)
    return dl_error("expand: cannot expand a tensor of size %s to %s",
                    dl_sizestr(b1, sizeof b1, t->ndim, t->size),
                    dl_sizestr(b2, sizeof b2, ndim, size));
  for (int d = ndim - 1; d >= 0; d--) {
    int od = d - (ndim - t->ndim);
    int64_t osz = od >= 0 ? t->size[od] : 1, ost = od >= 0 ? t->stride[od] : 0;
    int64_t want = size[d] == -1 ? osz : size[d];
    if (want == osz) {
      nsize[d] = osz;
      nstride[d] = ost;
    } else if (osz == 1 && want >= 0) {
      nsize[d] = want;
      nstride[d] = 0;
    } else {
      return dl_error("expand: cannot expand a tensor of size %s to %s (dimension %d)",
                      dl_sizestr(b1, sizeof b1, t->ndim, t->size),
                      dl_sizestr(b2, sizeof b2, ndim, size), d + 1);
    }
  }
  t->ndim = ndim;
  if (dl_numel_checked("expand", ndim, nsize) < 0) return -1;
  memcpy(t->size, nsize, sizeof(int64_t) * ndim);
  memcpy(t->stride, nstride, sizeof(int64_t) * ndim);
  return 0;
}

int dl_broadcast_shape(const char *fn, const dl_tensor *a, const dl_tensor *b, int64_t *size) {
  char b1[256], b2[256];
  int n = a->ndim > b->ndim ? a->ndim : b->ndim;
  /* Torch7's empty tensors do not broadcast (expanding one would read no storage) */
  if ((a->ndim == 0) != (b->ndim == 0))
    return dl_error("%s: an operand is empty and the other has size %s", fn,
                    a->ndim ? dl_sizestr(b1, sizeof b1, a->ndim, a->size)
                            : dl_sizestr(b1, sizeof b1, b->ndim, b->size));
  for (int d = n - 1; d >= 0; d--) {
    int da = d - (n - a->ndim), db = d - (n - b->ndim);
    int64_t sa = da >= 0 ? a->size[da] : 1, sb = db >= 0 ? b->size[db] : 1;
    if (sa == sb || sb == 1)
      size[d] = sa;
    else if (sa == 1)
      size[d] = sb;
    else
      return dl_error("%s: sizes %s and %s do not broadcast (dimension %d: %lld vs %lld)", fn,
                      dl_sizestr(b1, sizeof b1, a->ndim, a->size),
                      dl_sizestr(b2, sizeof b2, b->ndim, b->size), d + 1, (long long)sa,
                      (long long)sb);
  }
  return n;
}

/* The first and last storage elements t reaches; 0 when it has no element. */
static int reach(const dl_tensor *t, int64_t *lo, int64_t *hi) {
  if (!t->storage || dl_tensor_numel(t) == 0) return 0;
  *lo = *hi = t->offset;
  for (int d = 0; d < t->ndim; d++) /* strides are never negative */
    *hi += (t->size[d] - 1) * t->stride[d];
  return 1;
}

int dl_tensor_overlaps(const dl_tensor *a, const dl_tensor *b) {
  int64_t alo, ahi, blo, bhi;
  if (!a->storage || a->storage != b->storage) return 0;
  if (!reach(a, &alo, &ahi) || !reach(b, &blo, &bhi)) return 0;
  return alo <= bhi && blo <= ahi;
}

int dl_tensor_sameview(const dl_tensor *a, const dl_tensor *b) {
  if (a->storage != b->storage || a->offset != b->offset || a->ndim != b->ndim) return 0;
  for (int d = 0; d < a->ndim; d++)
    if (a->size[d] != b->size[d] || (a->size[d] > 1 && a->stride[d] != b->stride[d])) return 0;
  return 1;
}
