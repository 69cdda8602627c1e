/* The typed loops of loss.c, as plain functions. loss.c includes this file once per
   floating type (through float_loops.h), with T the element type (float or double) and
   FN(name) the function's name for it (name_float, name_double); nothing else from the
   includer is used. Operands
   arrive contiguous and checked, absent optional ones as NULL; targets of the class
   criteria as 0-based class indices (-1: ignored). Sums are accumulated in double. */

static inline T FN(pos)(T v) { return v > 0 ? v : 0; }

/* One element's term of a pointwise criterion (the formulas of loss.h): x the input, t
   the target, m the margin, p the positive weight (1 without). */
static inline T FN(pw_term)(nn_loss k, T x, T t, T m, T p) {
  const T eps = (T)1e-12, d = x - t;
  switch (k) {
  case NN_LOSS_MSE: return d * d;
  case NN_LOSS_ABS: return fabs(d);
  case NN_LOSS_SMOOTHL1: return fabs(d) < 1 ? d * d / 2 : fabs(d) - (T)0.5;
  case NN_LOSS_BCE: return -(log(x + eps) * t + log(1 - x + eps) * (1 - t));
  /* log(1 + exp(-x)) = max(-x, 0) + log(1 + exp(-|x|)): exp never overflows */
  case NN_LOSS_BCELOGITS:
  case NN_LOSS_MULTILABELSOFTMARGIN:
    return (1 - t) * x + (1 + (p - 1) * t) * (log1p(exp(-fabs(x))) + FN(pos)(-x));
  case NN_LOSS_DISTKLDIV: return t > 0 ? t * (log(t) - x) : 0;
  case NN_LOSS_MARGIN: return FN(pos)(m - t * x);
  case NN_LOSS_SOFTMARGIN: return FN(pos)(-t * x) + log1p(exp(-fabs(t * x)));
  case NN_LOSS_HINGE: return t == 1 ? x : (t == -1 ? FN(pos)(m - x) : 0);
  default: return 0;
  }
}

/* Its derivative with respect to x. */
static inline T FN(pw_grad)(nn_loss k, T x, T t, T m, T p) {
  const T eps = (T)1e-12, d = x - t;
  switch (k) {
  case NN_LOSS_MSE: return 2 * d;
  case NN_LOSS_ABS: return d >= 0 ? 1 : -1;
  case NN_LOSS_SMOOTHL1: return d < -1 ? -1 : (d > 1 ? 1 : d);
  case NN_LOSS_BCE: return d / ((1 - x + eps) * (x + eps));
  case NN_LOSS_BCELOGITS:
  case NN_LOSS_MULTILABELSOFTMARGIN: return (1 - t) - (1 + (p - 1) * t) / (1 + exp(x));
  case NN_LOSS_DISTKLDIV: return t > 0 ? -t : 0;
  case NN_LOSS_MARGIN: return t * x < m ? -t : 0;
  case NN_LOSS_SOFTMARGIN: return -t / (1 + exp(t * x));
  case NN_LOSS_HINGE: return t == 1 ? 1 : ((t == -1 && m - x > 0) ? -1 : 0);
  default: return 0;
  }
}

/* The operands of a pointwise loop: weights w and p (NULL when absent) repeat every wn
   elements; g receives the gradient, each term scaled by norm. */
typedef struct {
  T *g;
  const T *x, *t, *w, *p;
  int64_t wn;
  T m, norm;
} FN(pw_ops);

/* Elements [i0, i1): their sum of weighted terms, or (grad) their gradients into o->g. j
   follows i mod wn without a division per element. Always inlined with a constant k, so
   that each kind gets a loop of its own formula (see pw_range). */
static inline __attribute__((always_inline)) double FN(pw_range_k)(nn_loss k,
                                                                  const FN(pw_ops) *o,
                                                                  int64_t i0, int64_t i1,
                                                                  int grad) {
  const T *x = o->x, *t = o->t, *w = o->w, *p = o->p;
  const T m = o->m;
  double s = 0;
  if (!w && !p) { /* the common case, without the weights' index: vectorisable */
    if (grad)
      for (int64_t i = i0; i < i1; i++) o->g[i] = FN(pw_grad)(k, x[i], t[i], m, 1) * o->norm;
    else
      for (int64_t i = i0; i < i1; i++) s += FN(pw_term)(k, x[i], t[i], m, 1);
    return s;
  }
  int64_t j = i0 % o->wn;
  for (int64_t i = i0; i < i1; i++) {
    T pj = p ? p[j] : 1;
    if (grad) {
      T gr = FN(pw_grad)(k, x[i], t[i], m, pj) * o->norm;
      o->g[i] = w ? w[j] * gr : gr;
    } else {
      T l = FN(pw_term)(k, x[i], t[i], m, pj);
      s += w ? (double)w[j] * l : (double)l;
    }
    if (++j == o->wn) j = 0;
  }
  return s;
}

static double FN(pw_range)(nn_loss k, const FN(pw_ops) *o, int64_t i0, int64_t i1, int grad) {
  switch (k) {
  case NN_LOSS_MSE: return FN(pw_range_k)(NN_LOSS_MSE, o, i0, i1, grad);
  case NN_LOSS_ABS: return FN(pw_range_k)(NN_LOSS_ABS, o, i0, i1, grad);
  case NN_LOSS_SMOOTHL1: return FN(pw_range_k)(NN_LOSS_SMOOTHL1, o, i0, i1, grad);
  case NN_LOSS_BCE: return FN(pw_range_k)(NN_LOSS_BCE, o, i0, i1, grad);
  case NN_LOSS_BCELOGITS:
  case NN_LOSS_MULTILABELSOFTMARGIN: return FN(pw_range_k)(NN_LOSS_BCELOGITS, o, i0, i1, grad);
  case NN_LOSS_DISTKLDIV: return FN(pw_range_k)(NN_LOSS_DISTKLDIV, o, i0, i1, grad);
  case NN_LOSS_MARGIN: return FN(pw_range_k)(NN_LOSS_MARGIN, o, i0, i1, grad);
  case NN_LOSS_SOFTMARGIN: return FN(pw_range_k)(NN_LOSS_SOFTMARGIN, o, i0, i1, grad);
  case NN_LOSS_HINGE: return FN(pw_range_k)(NN_LOSS_HINGE, o, i0, i1, grad);
  default: return 0;
  }
}

/* The whole range in blocks of NN_GRAIN elements, one thread a block: the loss (the sum
   of the terms), or with grad the gradient into o->g. */
static double FN(pw_run)(nn_loss k, const FN(pw_ops) *o, int64_t n, int grad) {
  const int64_t nblk = n / NN_GRAIN + 1;
  double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static) if (nblk > 1)
  for (int64_t b = 0; b < nblk; b++) {
    int64_t i1 = b + 1 < nblk ? (b + 1) * NN_GRAIN : n;
    sum += FN(pw_range)(k, o, b * NN_GRAIN, i1, grad);
  }
  return sum;
}

/* The entry points, with plain arguments for loss.c's dispatch. */
static double FN(pw_forward)(nn_loss k, const T *x, const T *t, const T *w, const T *p,
                             int64_t n, int64_t wn, double margin) {
  FN(pw_ops) o = {NULL, x, t, w, p, wn, (T)margin, 1};
  return FN(pw_run)(k, &o, n, 0);
}

static void FN(pw_backward)(nn_loss k, T *g, const T *x, const T *t, const T *w, const T *p,
                            int64_t n, int64_t wn, double margin, double norm) {
  FN(pw_ops) o = {g, x, t, w, p, wn, (T)margin, (T)norm};
  FN(pw_run)(k, &o, n, 1);
}

/* ClassNLLCriterion over batch rows of ncls log-probabilities: the sum of -w x[target]
   and the sum of the weights w (1 without class weights). */
static void FN(classnll_forward)(double *sum, double *total, const T *x, const int64_t *t,
                                 const T *w, int64_t batch, int64_t ncls) {
  double s = 0, tw = 0;
  for (int64_t i = 0; i < batch; i++) {
    if (t[i] < 0) continue;
    double wi = w ? (double)w[t[i]] : 1.0;
    s -= wi * (double)x[i * ncls + t[i]];
    tw += wi;
  }
  *sum = s;
  *total = tw;
}

/* g (batch x ncls) is zero but at each row's target: -w, divided by the total weight
   when size_average. Every target ignored (total 0) leaves g zero, as Torch7. */
static void FN(classnll_backward)(T *g, const int64_t *t, const T *w, int64_t batch,
                                  int64_t ncls, int size_average) {
  double total = 0;
  for (int64_t i = 0; i < batch * ncls; i++) g[i] = 0;
  for (int64_t i = 0; i < batch; i++)
    if (t[i] >= 0) total += w ? (double)w[t[i]] : 1.0;
  if (total <= 0) return;
  double norm = size_average ? 1.0 / total : 1.0;
  for (int64_t i = 0; i < batch; i++)
    if (t[i] >= 0) g[i * ncls + t[i]] = (T)(-(w ? (double)w[t[i]] : 1.0) * norm);
}

/* MultiMarginCriterion: the sum over rows of w[y] max(0, margin - x[y] + x[d])^p over the
   classes d other than the target y (not yet divided by ncls). */
static double FN(multimargin_forward)(const T *x, const int64_t *t, const T *w, int64_t batch,
                                      int64_t ncls, int p, double margin) {
  double sum = 0;
  for (int64_t i = 0; i < batch; i++) {
    const T *row = x + i * ncls;
    T xy = row[t[i]];
    for (int64_t d = 0; d < ncls; d++) {
      T z = (T)margin - xy + row[d];
      if (d == t[i] || z <= 0) continue;
      double h = p == 1 ? (double)z : (double)z * z;
      sum += w ? h * (double)w[t[i]] : h;
    }
  }
  return sum;
}

/* Its gradient, each term scaled by norm (1 / ncls, / batch when size_average). */
static void FN(multimargin_backward)(T *g, const T *x, const int64_t *t, const T *w,
                                     int64_t batch, int64_t ncls, int p, double margin,
                                     double norm) {
  for (int64_t i = 0; i < batch; i++) {
    const T *row = x + i * ncls;
    T *grow = g + i * ncls;
    T xy = row[t[i]];
    double gy = 0;
    for (int64_t d = 0; d < ncls; d++) {
      if (d == t[i]) continue;
      T z = (T)margin - xy + row[d];
      double h = z <= 0 ? 0 : (p == 1 ? norm : 2 * norm * (double)z);
      if (w) h *= (double)w[t[i]];
      grow[d] = (T)h;
      gy -= h;
    }
    grow[t[i]] = (T)gy;
  }
}

/* MarginRankingCriterion over n pairs of scores: sum max(0, -y (x1 - x2) + margin). */
static double FN(marginranking_forward)(const T *x1, const T *x2, const T *y, int64_t n,
                                        double margin) {
  double sum = 0;
  for (int64_t i = 0; i < n; i++) {
    double z = -(double)y[i] * ((double)x1[i] - x2[i]) + margin;
    if (z > 0) sum += z;
  }
  return sum;
}

static void FN(marginranking_backward)(T *g1, T *g2, const T *x1, const T *x2, const T *y,
                                       int64_t n, double margin, double norm) {
  for (int64_t i = 0; i < n; i++) {
    double z = -(double)y[i] * ((double)x1[i] - x2[i]) + margin;
    g1[i] = z > 0 ? (T)(-y[i] * norm) : 0;
    g2[i] = z > 0 ? (T)(y[i] * norm) : 0;
  }
}

/* The cosine of rows a and b of d elements; n1, n2 receive their squared norms plus eps. */
static double FN(cosine)(const T *a, const T *b, int64_t d, double *n1, double *n2) {
  double dot = 0, s1 = 1e-12, s2 = 1e-12;
  for (int64_t j = 0; j < d; j++) {
    dot += (double)a[j] * b[j];
    s1 += (double)a[j] * a[j];
    s2 += (double)b[j] * b[j];
  }
  *n1 = s1;
  *n2 = s2;
  return dot / sqrt(s1 * s2);
}

/* CosineEmbeddingCriterion over n pairs of rows of d: 1 - c where y = 1, max(0, c - margin)
   where y = -1. */
static double FN(cosineembedding_forward)(const T *x1, const T *x2, const T *y, int64_t n,
                                          int64_t d, double margin) {
  double sum = 0, n1, n2;
  for (int64_t i = 0; i < n; i++) {
    double c = FN(cosine)(x1 + i * d, x2 + i * d, d, &n1, &n2);
    if (y[i] == 1) sum += 1 - c;
    else if (y[i] == -1 && c > margin) sum += c - margin;
  }
  return sum;
}

/* dc/dx1 = x2 / sqrt(n1 n2) - c x1 / n1, and symmetrically for x2. */
static void FN(cosineembedding_backward)(T *g1, T *g2, const T *x1, const T *x2, const T *y,
                                         int64_t n, int64_t d, double margin, double norm) {
  double n1, n2;
  for (int64_t i = 0; i < n; i++) {
    const T *a = x1 + i * d, *b = x2 + i * d;
    T *ga = g1 + i * d, *gb = g2 + i * d;
    double c = FN(cosine)(a, b, d, &n1, &n2);
    double s = y[i] == 1 ? -norm : ((y[i] == -1 && c > margin) ? norm : 0);
    double inv = 1 / sqrt(n1 * n2);
    for (int64_t j = 0; j < d; j++) {
      ga[j] = (T)(s * (b[j] * inv - c * a[j] / n1));
      gb[j] = (T)(s * (a[j] * inv - c * b[j] / n2));
    }
  }
}
