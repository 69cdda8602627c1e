/* The typed loops of softmax.c, as plain functions. softmax.c includes this file once per
   floating type, with T the element type and FN(name) the function's name for it
   (name_float, name_double); nothing else from the includer is used. Arrays are
   contiguous; sums are kept in double. */

/* y = softmax over the c planes of x, seen as n x c x s. */
static void FN(spatial_softmax_forward)(T *y, const T *x, int64_t n, int64_t c, int64_t s) {
#pragma omp parallel for if (n * c * s > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t p = 0; p < s; p++) {
      const T *xp = x + b * c * s + p;
      T *yp = y + b * c * s + p;
      double m = xp[0], sum = 0;
      for (int64_t ch = 1; ch < c; ch++)
        if (xp[ch * s] > m) m = xp[ch * s];
      for (int64_t ch = 0; ch < c; ch++) sum += (yp[ch * s] = (T)exp(xp[ch * s] - m));
      for (int64_t ch = 0; ch < c; ch++) yp[ch * s] = (T)(yp[ch * s] / sum);
    }
}

static void FN(spatial_softmax_backward)(T *gi, const T *g, const T *y, int64_t n, int64_t c,
                                         int64_t s) {
#pragma omp parallel for if (n * c * s > NN_GRAIN)
  for (int64_t b = 0; b < n; b++)
    for (int64_t p = 0; p < s; p++) {
      int64_t base = b * c * s + p;
      double dot = 0;
      for (int64_t ch = 0; ch < c; ch++) dot += g[base + ch * s] * y[base + ch * s];
      for (int64_t ch = 0; ch < c; ch++)
        gi[base + ch * s] = (T)(y[base + ch * s] * (g[base + ch * s] - dot));
    }
}
