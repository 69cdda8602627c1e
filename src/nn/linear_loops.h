/* The typed loop of linear.c, as a plain function. linear.c includes this file once per
   floating type, with T the element type and FN(name) the function's name for it
   (name_float, name_double); nothing else from the includer is used. */

/* b[j * bs] += scale * sum_i g[i * gs0 + j * gs1], over an n x nout gradOutput of any
   strides. The sums run in double, down blocks of columns at a time, so that a row-major
   gradOutput is read in order (a column walk touched a cache line per element). */
static void FN(colsum)(T *b, int64_t bs, const T *g, int64_t gs0, int64_t gs1, int64_t n,
                       int64_t nout, double scale) {
  enum { BLOCK = 256 };
  double acc[BLOCK];
  for (int64_t j0 = 0; j0 < nout; j0 += BLOCK) {
    int64_t nb = nout - j0 < BLOCK ? nout - j0 : BLOCK;
    for (int64_t j = 0; j < nb; j++) acc[j] = 0;
    for (int64_t i = 0; i < n; i++) {
      const T *gr = g + i * gs0 + j0 * gs1;
      if (gs1 == 1) {
#pragma omp simd
        for (int64_t j = 0; j < nb; j++) acc[j] += gr[j];
      } else {
        for (int64_t j = 0; j < nb; j++) acc[j] += gr[j * gs1];
      }
    }
    for (int64_t j = 0; j < nb; j++) b[(j0 + j) * bs] += (T)(scale * acc[j]);
  }
}
