/* The typed loops of embedding.c, as plain functions. embedding.c includes this file once
   per floating type, with T the element type and FN(name) the function's name for it
   (name_float, name_double); nothing else from the includer is used. The weight has
   strides ws0, ws1; indices and gradients are contiguous. */

/* out[i] = weight row ix[i] - base, for n indices of rows of d. */
static void FN(lookup_forward)(T *out, const T *w, int64_t ws0, int64_t ws1, const int64_t *ix,
                               int64_t n, int64_t d, int64_t base) {
  for (int64_t i = 0; i < n; i++) {
    const T *row = w + (ix[i] - base) * ws0;
    for (int64_t j = 0; j < d; j++) out[i * d + j] = row[j * ws1];
  }
}

/* gradWeight row ix[i] - base += scale * g[i], skipping the padding index. */
static void FN(lookup_backward)(T *gw, int64_t ws0, int64_t ws1, const T *g, const int64_t *ix,
                                int64_t n, int64_t d, int64_t base, int64_t padding,
                                double scale) {
  for (int64_t i = 0; i < n; i++) {
    if (ix[i] == padding) continue;
    T *row = gw + (ix[i] - base) * ws0;
    for (int64_t j = 0; j < d; j++) row[j * ws1] += (T)(scale * g[i * d + j]);
  }
}
