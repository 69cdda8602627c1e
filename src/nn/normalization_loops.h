/* The typed loops of normalization.c, as plain functions. normalization.c includes this
   file once per floating type, with T the element type and FN(name) the function's name
   for it (name_float, name_double); nothing else from the includer is used. Arrays are
   contiguous; an absent weight or bias (or gradient of one) is NULL. Statistics are
   accumulated in double whatever T is. */

/* x and y are n x c x s; statistics per channel c. train: the batch's mean and biased
   variance, saved in smean and sinvstd, move the running statistics by momentum (rvar
   with the unbiased variance); else the running statistics are used. */
static void FN(batchnorm_forward)(T *y, T *rmean, T *rvar, T *smean, T *sinvstd, const T *x,
                                  const T *w, const T *b, int64_t n, int64_t c, int64_t s,
                                  int train, double momentum, double eps) {
  double m = (double)n * (double)s;
  for (int64_t ch = 0; ch < c; ch++) {
    double mean, invstd;
    if (train) {
      double sum = 0, ss = 0;
      for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < s; k++) sum += x[(i * c + ch) * s + k];
      mean = sum / m;
      for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < s; k++) {
          double d = x[(i * c + ch) * s + k] - mean;
          ss += d * d;
        }
      invstd = 1.0 / sqrt(ss / m + eps);
      smean[ch] = (T)mean;
      sinvstd[ch] = (T)invstd;
      double unbiased = m > 1 ? ss / (m - 1) : ss;
      rmean[ch] = (T)(momentum * mean + (1 - momentum) * rmean[ch]);
      rvar[ch] = (T)(momentum * unbiased + (1 - momentum) * rvar[ch]);
    } else {
      mean = rmean[ch];
      invstd = 1.0 / sqrt(rvar[ch] + eps);
    }
    double wc = w ? w[ch] : 1.0, bc = b ? b[ch] : 0.0;
    for (int64_t i = 0; i < n; i++)
      for (int64_t k = 0; k < s; k++) {
        int64_t e = (i * c + ch) * s + k;
        y[e] = (T)((x[e] - mean) * invstd * wc + bc);
      }
  }
}

/* mean and var are the saved mean and inverse std (train) or the running mean and
   variance; gi (may be NULL) is set, gw and gb accumulated with scale. */
static void FN(batchnorm_backward)(T *gi, T *gw, T *gb, const T *x, const T *g, const T *w,
                                   const T *mean_v, const T *var_v, int64_t n, int64_t c,
                                   int64_t s, int train, double scale, double eps) {
  double m = (double)n * (double)s;
  for (int64_t ch = 0; ch < c; ch++) {
    double mean = mean_v[ch];
    double invstd = train ? (double)var_v[ch] : 1.0 / sqrt(var_v[ch] + eps);
    double wc = w ? w[ch] : 1.0, sum = 0, dotp = 0;
    for (int64_t i = 0; i < n; i++)
      for (int64_t k = 0; k < s; k++) {
        int64_t e = (i * c + ch) * s + k;
        sum += g[e];
        dotp += (x[e] - mean) * g[e];
      }
    if (gi) {
      /* training: the batch statistics depend on x too, hence the two projections */
      double k1 = train ? dotp * invstd * invstd / m : 0, gmean = train ? sum / m : 0;
      for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < s; k++) {
          int64_t e = (i * c + ch) * s + k;
          gi[e] = (T)((g[e] - (x[e] - mean) * k1 - gmean) * invstd * wc);
        }
    }
    if (gw) gw[ch] += (T)(scale * dotp * invstd);
    if (gb) gb[ch] += (T)(scale * sum);
  }
}

/* rows x d; mean and rstd get one value per row. */
static void FN(layernorm_forward)(T *y, T *mean, T *rstd, const T *x, const T *w, const T *b,
                                  int64_t rows, int64_t d, double eps) {
  for (int64_t r = 0; r < rows; r++) {
    const T *xr = x + r * d;
    T *yr = y + r * d;
    /* the statistics accumulate in double whatever T is; simd lets them reorder */
    double sum = 0, ss = 0;
#pragma omp simd reduction(+ : sum)
    for (int64_t j = 0; j < d; j++) sum += xr[j];
    double mu = sum / d;
#pragma omp simd reduction(+ : ss)
    for (int64_t j = 0; j < d; j++) ss += (xr[j] - mu) * (xr[j] - mu);
    double rs = 1.0 / sqrt(ss / d + eps);
    mean[r] = (T)mu;
    rstd[r] = (T)rs;
    const T m = (T)mu, s = (T)rs;
    if (w && b) {
#pragma omp simd
      for (int64_t j = 0; j < d; j++) yr[j] = (xr[j] - m) * s * w[j] + b[j];
    } else {
#pragma omp simd
      for (int64_t j = 0; j < d; j++) yr[j] = (xr[j] - m) * s * (w ? w[j] : 1) + (b ? b[j] : 0);
    }
  }
}

/* dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = g * w; gw += scale
   g xhat, gb += scale g. The row sums accumulate in double. */
static void FN(layernorm_backward)(T *gi, T *gw, T *gb, const T *x, const T *g, const T *w,
                                   const T *mean, const T *rstd, int64_t rows, int64_t d,
                                   double scale) {
  const T sc = (T)scale;
  for (int64_t r = 0; r < rows; r++) {
    const T *xr = x + r * d, *gr = g + r * d;
    const T m = mean[r], rs = rstd[r];
    if (gw) {
#pragma omp simd
      for (int64_t j = 0; j < d; j++) gw[j] += sc * gr[j] * ((xr[j] - m) * rs);
    }
    if (gb) {
#pragma omp simd
      for (int64_t j = 0; j < d; j++) gb[j] += sc * gr[j];
    }
    if (!gi) continue;
    double s1 = 0, s2 = 0;
#pragma omp simd reduction(+ : s1, s2)
    for (int64_t j = 0; j < d; j++) {
      T xhat = (xr[j] - m) * rs, dxhat = gr[j] * (w ? w[j] : 1);
      s1 += dxhat;
      s2 += dxhat * xhat;
    }
    const T a1 = (T)(s1 / d), a2 = (T)(s2 / d);
    T *gir = gi + r * d;
#pragma omp simd
    for (int64_t j = 0; j < d; j++) {
      T xhat = (xr[j] - m) * rs, dxhat = gr[j] * (w ? w[j] : 1);
      gir[j] = rs * (dxhat - a1 - xhat * a2);
    }
  }
}

/* Rows of x (rows x d) divided by their p-norm (sum |x|^p + eps)^(1/p), kept in norm. */
static void FN(normalize_forward)(T *y, T *norm, const T *x, int64_t rows, int64_t d, double p,
                                  double eps) {
  for (int64_t r = 0; r < rows; r++) {
    double nr;
    if (isinf(p)) { /* the max norm, plus eps (Torch7's) */
      double m = 0;
      for (int64_t j = 0; j < d; j++) m = fmax(m, fabs((double)x[r * d + j]));
      nr = m + eps;
    } else {
      double s = 0;
      for (int64_t j = 0; j < d; j++)
        s += p == 2 ? (double)x[r * d + j] * x[r * d + j] : pow(fabs((double)x[r * d + j]), p);
      nr = pow(s + eps, 1.0 / p);
    }
    norm[r] = (T)nr;
    for (int64_t j = 0; j < d; j++) y[r * d + j] = (T)(x[r * d + j] / nr);
  }
}

/* dx_j = g_j / n - (sum_i g_i x_i) dn_j / n^2 with dn_j = d n / d x_j: for a finite p,
   |x_j|^(p-1) sign(x_j) n^(1-p) (0 where x_j = 0, the subgradient when p < 1); for the max
   norm, sign(x_k) at the first k of largest |x_k| and 0 elsewhere. */
static void FN(normalize_backward)(T *gi, const T *x, const T *g, const T *norm, int64_t rows,
                                   int64_t d, double p) {
  for (int64_t r = 0; r < rows; r++) {
    double nr = norm[r], dot = 0;
    for (int64_t j = 0; j < d; j++) dot += (double)g[r * d + j] * x[r * d + j];
    int64_t kmax = 0;
    if (isinf(p))
      for (int64_t j = 1; j < d; j++)
        if (fabs((double)x[r * d + j]) > fabs((double)x[r * d + kmax])) kmax = j;
    double k = isinf(p) ? dot / (nr * nr) : dot / pow(nr, p + 1);
    for (int64_t j = 0; j < d; j++) {
      double xj = x[r * d + j], sg = xj > 0 ? 1 : xj < 0 ? -1 : 0, dn;
      if (isinf(p)) dn = j == kmax ? sg : 0;
      else dn = p == 2 ? xj : xj == 0 ? 0 : sg * pow(fabs(xj), p - 1);
      gi[r * d + j] = (T)(g[r * d + j] / nr - k * dn);
    }
  }
}
