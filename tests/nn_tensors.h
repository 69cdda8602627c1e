/* Small tensors for the nn kernels' C tests: built from value lists, read back by
   logical index. */
#ifndef NN_TENSORS_H
#define NN_TENSORS_H

#include "core/tensor.h"
#include "ops/copy.h"

/* A new contiguous tensor of the given sizes holding v (zeros when v is NULL). */
static inline void make(dl_tensor *t, dl_dtype dt, int ndim, const int64_t *size,
                        const double *v) {
  dl_tensor_init(t, dt);
  dl_tensor_new(t, dt, ndim, size);
  int64_t n = dl_tensor_numel(t);
  for (int64_t i = 0; i < n; i++) op_set(t, i, v ? v[i] : 0);
}

static inline dl_tensor vec(dl_dtype dt, int64_t n, const double *v) {
  dl_tensor t;
  make(&t, dt, 1, &n, v);
  return t;
}

static inline dl_tensor mat(dl_dtype dt, int64_t r, int64_t c, const double *v) {
  dl_tensor t;
  int64_t sz[2] = {r, c};
  make(&t, dt, 2, sz, v);
  return t;
}

static inline dl_tensor empty(dl_dtype dt) {
  dl_tensor t;
  dl_tensor_init(&t, dt);
  return t;
}

/* Element i in storage order from the tensor's offset. */
static inline double at(const dl_tensor *t, int64_t i) { return op_get(t, t->offset + i); }

#endif
