/* The typed PReLU loops of activation.c, as plain functions. activation.c includes this
   file once per floating type, with T the element type and FN(name) the function's name
   for it (name_float, name_double); nothing else from the includer is used. Arrays are
   contiguous, laid out bs x np x ks (batch, channel, plane). */

static void FN(prelu_forward)(T *y, const T *x, const T *w, int64_t bs, int64_t np,
                              int64_t ks) {
#pragma omp parallel for if (bs * np * ks > NN_GRAIN)
  for (int64_t r = 0; r < bs * np; r++) {
    T wc = w[r % np];
    const T *xr = x + r * ks;
    T *yr = y + r * ks;
    for (int64_t k = 0; k < ks; k++) yr[k] = xr[k] > 0 ? xr[k] : wc * xr[k];
  }
}

static void FN(prelu_backward)(T *gi, const T *g, const T *x, const T *w, int64_t bs,
                               int64_t np, int64_t ks) {
#pragma omp parallel for if (bs * np * ks > NN_GRAIN)
  for (int64_t r = 0; r < bs * np; r++) {
    T wc = w[r % np];
    const T *xr = x + r * ks, *gr = g + r * ks;
    T *gir = gi + r * ks;
    for (int64_t k = 0; k < ks; k++) gir[k] = xr[k] > 0 ? gr[k] : wc * gr[k];
  }
}

/* Channels sum over batch and plane: plain serial loops, deterministic sums. */
static void FN(prelu_accgrad)(T *gw, const T *g, const T *x, int64_t bs, int64_t np,
                              int64_t ks, double scale) {
  for (int64_t c = 0; c < np; c++) {
    double sum = 0;
    for (int64_t bi = 0; bi < bs; bi++) {
      const T *xr = x + (bi * np + c) * ks, *gr = g + (bi * np + c) * ks;
      for (int64_t k = 0; k < ks; k++)
        if (xr[k] <= 0) sum += (double)gr[k] * xr[k];
    }
    gw[c] += (T)(scale * sum);
  }
}
