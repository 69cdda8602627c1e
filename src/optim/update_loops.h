/* The typed loops of update.c, as plain functions. update.c includes this file once per
   floating type, with T the element type (float or double) and FN(name) the function's
   name for it (name_float, name_double); nothing else from the includer is used.
   Coefficients arrive as double and are rounded to T once, before the loop, so the loop
   body is pure T arithmetic and vectorises. Absent optional buffers are NULL. */

/* simd: GCC 12 at -O2 vectorises loops of unknown trip count only when told to */
#define UPDATE_FOR _Pragma("omp parallel for simd schedule(static) if (n >= OP_GRAIN)")

static void FN(sgd)(T *xp, const T *gp, T *bp, const T *lp, const T *wp, int64_t n,
                    const optim_sgd_cfg *c) {
  const T lr = (T)c->lr, wd = (T)c->wd, mom = (T)c->mom, damp1 = (T)(1 - c->damp);
  const int nesterov = c->nesterov, init = c->init;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i];
    if (wd != 0) g += wd * xp[i];
    else if (wp) g += wp[i] * xp[i];
    if (bp) {
      T b = init ? g : mom * bp[i] + damp1 * g;
      bp[i] = b;
      g = nesterov ? g + mom * b : b;
    }
    if (lp) g *= lp[i];
    xp[i] -= lr * g;
  }
}

static void FN(nag_lookahead)(T *xp, T *cp, const T *vp, int64_t n, double mom) {
  const T m = (T)mom;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    cp[i] = xp[i];
    xp[i] += m * vp[i];
  }
}

static void FN(nag)(T *xp, const T *gp, T *cp, T *vp, const T *lp, int64_t n, double lr,
                    double wd, double mom) {
  const T r = (T)lr, w = (T)wd, m = (T)mom;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i] + w * xp[i]; /* no branch: vectorises */
    if (lp) g *= lp[i];
    T vi = m * vp[i] - r * g;
    vp[i] = vi;
    cp[i] += vi;
    xp[i] = cp[i];
  }
}

static void FN(adam)(T *xp, const T *gp, T *mp, T *vp, int64_t n, double step, double b1,
                     double b2, double eps, double wd) {
  const T s = (T)step, a1 = (T)b1, a2 = (T)b2, e = (T)eps, w = (T)wd;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i] + w * xp[i]; /* no branch: vectorises */
    T mi = a1 * mp[i] + (1 - a1) * g;
    T vi = a2 * vp[i] + (1 - a2) * g * g;
    mp[i] = mi;
    vp[i] = vi;
    xp[i] -= s * mi / (sqrt(vi) + e);
  }
}

/* The decay multiplies x before the gradient step, and the gradient was taken at the
   undecayed x: the order PyTorch's AdamW uses. A mask dp (0 or 1 per element, or any
   factor) scales the decay per parameter: PyTorch's parameter groups with and without
   weight decay, on one flat vector. */
static void FN(adamw)(T *xp, const T *gp, T *mp, T *vp, const T *dp, int64_t n, double lr,
                      double b1, double b2, double eps, double wd, double bc1, double bc2) {
  const T lrwd = (T)(lr * wd), decay = (T)(1 - lr * wd), s = (T)(lr / bc1);
  const T rbc2 = (T)sqrt(bc2), a1 = (T)b1, a2 = (T)b2, e = (T)eps;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i], d = dp ? 1 - lrwd * dp[i] : decay;
    T mi = a1 * mp[i] + (1 - a1) * g;
    T vi = a2 * vp[i] + (1 - a2) * g * g;
    mp[i] = mi;
    vp[i] = vi;
    xp[i] = xp[i] * d - s * mi / (sqrt(vi) / rbc2 + e);
  }
}

static void FN(adamax)(T *xp, const T *gp, T *mp, T *up, int64_t n, double step, double b1,
                       double b2, double eps) {
  const T s = (T)step, a1 = (T)b1, a2 = (T)b2, e = (T)eps;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i];
    T mi = a1 * mp[i] + (1 - a1) * g;
    T ui = a2 * up[i], ag = fabs(g) + e;
    if (ag > ui) ui = ag;
    mp[i] = mi;
    up[i] = ui;
    xp[i] -= s * mi / ui;
  }
}

static void FN(adagrad)(T *xp, const T *gp, T *vp, int64_t n, double lr, double wd) {
  const T r = (T)lr, w = (T)wd;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i] + w * xp[i]; /* no branch: vectorises */
    T vi = vp[i] + g * g;
    vp[i] = vi;
    xp[i] -= r * g / (sqrt(vi) + (T)1e-10);
  }
}

static void FN(adadelta)(T *xp, const T *gp, T *vp, T *ap, int64_t n, double rho,
                         double eps, double wd) {
  const T r = (T)rho, e = (T)eps, w = (T)wd;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i] + w * xp[i]; /* no branch: vectorises */
    T vi = r * vp[i] + (1 - r) * g * g;
    T delta = sqrt(ap[i] + e) / sqrt(vi + e) * g;
    vp[i] = vi;
    xp[i] -= delta;
    ap[i] = r * ap[i] + (1 - r) * delta * delta;
  }
}

static void FN(rmsprop)(T *xp, const T *gp, T *mp, int64_t n, double lr, double alpha,
                        double eps, double wd) {
  const T r = (T)lr, a = (T)alpha, e = (T)eps, w = (T)wd;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i] + w * xp[i]; /* no branch: vectorises */
    T mi = a * mp[i] + (1 - a) * g * g;
    mp[i] = mi;
    xp[i] -= r * g / (sqrt(mi) + e);
  }
}

static void FN(asgd)(T *xp, const T *gp, T *ap, int64_t n, double eta, double lambda,
                     double mu) {
  const T decay = (T)(1 - lambda * eta), e = (T)eta, u = (T)mu;
  const int average = mu != 1;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T xi = xp[i] * decay - e * gp[i];
    xp[i] = xi;
    ap[i] = average ? ap[i] + u * (xi - ap[i]) : xi;
  }
}

static void FN(rprop)(T *xp, const T *gp, T *pp, T *sp, int64_t n, double etaplus,
                      double etaminus, double stepmin, double stepmax) {
  const T up = (T)etaplus, down = (T)etaminus, lo = (T)stepmin, hi = (T)stepmax;
  UPDATE_FOR
  for (int64_t i = 0; i < n; i++) {
    T g = gp[i], p = g * pp[i], s = sp[i];
    if (p > 0) s *= up;
    else if (p < 0) s *= down;
    if (s > hi) s = hi;
    if (s < lo) s = lo;
    if (p < 0) g = 0; /* sign flipped: step back off, no move */
    sp[i] = s;
    pp[i] = g;
    xp[i] -= (g > 0) ? s : (g < 0) ? -s : 0;
  }
}

/* Reductions accumulate in double whatever T is, so a float dot over a million
   elements keeps its digits; the sum order within a thread is fixed, so results are
   reproducible for one thread count. */
static double FN(dot)(const T *ap, const T *bp, int64_t n) {
  double s = 0;
  _Pragma("omp parallel for schedule(static) reduction(+:s) if (n >= OP_GRAIN)")
  for (int64_t i = 0; i < n; i++) s += (double)ap[i] * (double)bp[i];
  return s;
}

static double FN(asum)(const T *ap, int64_t n) {
  double s = 0;
  _Pragma("omp parallel for schedule(static) reduction(+:s) if (n >= OP_GRAIN)")
  for (int64_t i = 0; i < n; i++) s += fabs((double)ap[i]);
  return s;
}

/* beta == 0 ignores what y held, even NaN. */
static void FN(axpby)(T *yp, const T *xp, int64_t n, double alpha, double beta) {
  const T a = (T)alpha, b = (T)beta;
  if (beta == 0) {
    UPDATE_FOR
    for (int64_t i = 0; i < n; i++) yp[i] = a * xp[i];
  } else {
    UPDATE_FOR
    for (int64_t i = 0; i < n; i++) yp[i] = b * yp[i] + a * xp[i];
  }
}

#undef UPDATE_FOR
