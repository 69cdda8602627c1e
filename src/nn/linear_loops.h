/* The typed loop of linear.c, as a plain function. linear.c includes this file once per
   floating type, with T the element type and FN(name) the function's name for it
   (name_float, name_double); nothing else from the includer is used. */

/* b[j * bs] += scale * sum_i g[i * gs0 + j * gs1], over an n x nout gradOutput of any
   strides. */
static void FN(colsum)(T *b, int64_t bs, const T *g, int64_t gs0, int64_t gs1, int64_t n,
                       int64_t nout, double scale) {
  for (int64_t j = 0; j < nout; j++) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += g[i * gs0 + j * gs1];
    b[j * bs] += (T)(scale * s);
  }
}
