/* The typed loops of maxmin.c, as plain functions. maxmin.c includes this file once per
   floating type, with T the element type and FN(name) the function's name for it
   (name_float, name_double); nothing else from the includer is used. The input is
   contiguous, seen as a x n x b around the reduced dimension (n long). */

static void FN(maxmin_forward)(T *out, int64_t *ix, const T *x, int64_t a, int64_t n, int64_t b,
                               int ismax, int64_t base) {
  for (int64_t i = 0; i < a; i++)
    for (int64_t k = 0; k < b; k++) {
      const T *row = x + i * n * b + k;
      int64_t best = 0;
      T v = row[0];
      for (int64_t j = 1; j < n && v == v; j++) {
        T y = row[j * b];
        if (y != y || (ismax ? y > v : y < v)) {
          v = y;
          best = j;
        }
      }
      out[i * b + k] = v;
      ix[i * b + k] = best + base;
    }
}

/* gi (zeroed) gets g at the positions ix; out-of-range positions are skipped. */
static void FN(maxmin_backward)(T *gi, const T *g, const int64_t *ix, int64_t a, int64_t n,
                                int64_t b, int64_t base) {
  for (int64_t i = 0; i < a; i++)
    for (int64_t k = 0; k < b; k++) {
      int64_t j = ix[i * b + k] - base;
      if (j >= 0 && j < n) gi[(i * n + j) * b + k] = g[i * b + k];
    }
}
