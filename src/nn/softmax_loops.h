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

/* One row of the family's softmax: along dim elements inner apart, at base. The max comes
   first, so that exp never overflows. y may be x (the row is read before it is written). */
static void FN(softmax_forward)(T *yd, const T *xd, int64_t outer, int64_t dim, int64_t inner,
                                nn_softmax_kind k) {
  const T sign = k == NN_SOFTMIN ? -1 : 1;
#pragma omp parallel for if (outer * dim * inner > NN_GRAIN)
  for (int64_t r = 0; r < outer * inner; r++) {
    int64_t base = (r / inner) * dim * inner + r % inner;
    const T *x = xd + base;
    T *y = yd + base;
    T max = sign * x[0];
    for (int64_t i = 1; i < dim; i++)
      if (sign * x[i * inner] > max) max = sign * x[i * inner];
    double sum = 0;
    for (int64_t i = 0; i < dim; i++) {
      T e = exp(sign * x[i * inner] - max);
      sum += e;
      if (k != NN_LOGSOFTMAX) y[i * inner] = e;
    }
    if (k == NN_LOGSOFTMAX) {
      T lse = max + (T)log(sum);
      for (int64_t i = 0; i < dim; i++) y[i * inner] = x[i * inner] - lse;
    } else {
      T inv = (T)(1 / sum);
      for (int64_t i = 0; i < dim; i++) y[i * inner] *= inv;
    }
  }
}

static void FN(softmax_backward)(T *gid, const T *gd, const T *yd, int64_t outer, int64_t dim,
                                 int64_t inner, nn_softmax_kind k) {
#pragma omp parallel for if (outer * dim * inner > NN_GRAIN)
  for (int64_t r = 0; r < outer * inner; r++) {
    int64_t base = (r / inner) * dim * inner + r % inner;
    const T *y = yd + base, *g = gd + base;
    T *gi = gid + base;
    double sum = 0;
    if (k == NN_LOGSOFTMAX) {
      for (int64_t i = 0; i < dim; i++) sum += g[i * inner];
      for (int64_t i = 0; i < dim; i++) gi[i * inner] = g[i * inner] - exp(y[i * inner]) * (T)sum;
    } else {
      T sign = k == NN_SOFTMIN ? -1 : 1;
      for (int64_t i = 0; i < dim; i++) sum += (double)g[i * inner] * y[i * inner];
      for (int64_t i = 0; i < dim; i++)
        gi[i * inner] = sign * y[i * inner] * (g[i * inner] - (T)sum);
    }
  }
}
