/* The typed loops of the image kernels, written once with T (the element type) and
   FN(name); image.c includes this file once per tensor type with IMG_KIND 0 (Float,
   Double), 1 (Long) or 2 (Byte), which decides how a computed value is stored. Every
   loop reads and writes through the geometry's strides (img_geom in image.c). */

/* A computed value as a T: Byte rounds and clamps to [0, 255], Long rounds. */
static inline T FN(put)(double x) {
#if IMG_KIND == 2
  if (!(x > 0)) return 0;
  if (x >= 255) return 255;
  return (T)(x + 0.5);
#elif IMG_KIND == 1
  return (T)llround(x);
#else
  return (T)x;
#endif
}

/* a[y * w + x] = channel k of s, as doubles */
static void FN(load)(double *a, const T *s, const img_geom *g, int64_t k) {
  for (int64_t y = 0; y < g->h; y++)
    for (int64_t x = 0; x < g->w; x++) a[y * g->w + x] = (double)s[k * g->sc + y * g->sh + x * g->sw];
}

/* channel k of d = a */
static void FN(store)(T *d, const img_geom *g, int64_t k, const double *a) {
  for (int64_t y = 0; y < g->h; y++)
    for (int64_t x = 0; x < g->w; x++) d[k * g->sc + y * g->sh + x * g->sw] = FN(put)(a[y * g->w + x]);
}

/* image.scale 'simple': the source pixel floor(x * sw / dw), exactly (integers). */
static void FN(scale_simple)(T *d, const img_geom *dg, const T *s, const img_geom *sg) {
  for (int64_t k = 0; k < dg->c; k++)
    for (int64_t y = 0; y < dg->h; y++) {
      int64_t sy = y * sg->h / dg->h;
      for (int64_t x = 0; x < dg->w; x++) {
        int64_t sx = x * sg->w / dg->w;
        d[k * dg->sc + y * dg->sh + x * dg->sw] = s[k * sg->sc + sy * sg->sh + sx * sg->sw];
      }
    }
}

/* image.rotate: for each destination pixel, the source point it comes from (img_src),
   nearest or bilinear; points that fall outside give 0. */
static void FN(rotate)(T *d, const img_geom *dg, const T *s, const img_geom *g, double cs,
                       double sn, int bilinear) {
  double xc = (g->w - 1) / 2.0, yc = (g->h - 1) / 2.0;
  for (int64_t y = 0; y < g->h; y++)
    for (int64_t x = 0; x < g->w; x++) {
      double rx = cs * (x - xc) - sn * (y - yc) + xc, ry = cs * (y - yc) + sn * (x - xc) + yc;
      int64_t t[4];
      double wt[4];
      int n = bilinear ? img_bilinear_taps(g, rx, ry, t, wt) : img_nearest_tap(g, rx, ry, t, wt);
      for (int64_t k = 0; k < g->c; k++) {
        double v = 0;
        for (int i = 0; i < n; i++) v += wt[i] * (double)s[k * g->sc + t[i]];
        d[k * dg->sc + y * dg->sh + x * dg->sw] = n ? FN(put)(v) : 0;
      }
    }
}

/* image.translate: d(x, y) = s(x - dx, y - dy), 0 where that is outside. */
static void FN(translate)(T *d, const img_geom *dg, const T *s, const img_geom *sg,
                          int64_t dx, int64_t dy) {
  for (int64_t k = 0; k < dg->c; k++)
    for (int64_t y = 0; y < dg->h; y++)
      for (int64_t x = 0; x < dg->w; x++) {
        int64_t sx = x - dx, sy = y - dy;
        int in = sx >= 0 && sx < sg->w && sy >= 0 && sy < sg->h;
        d[k * dg->sc + y * dg->sh + x * dg->sw] = in ? s[k * sg->sc + sy * sg->sh + sx * sg->sw] : 0;
      }
}

/* Colour conversions, pixel by pixel: the three inputs are read before any output is
   written, so d may be s itself. HSV, HSL and normalized RGB of Byte images work on
   0..255 as 0..1. */
static void FN(convert)(T *d, const img_geom *dg, const T *s, const img_geom *sg,
                        img_color conv) {
  double unit = IMG_KIND == 2 && conv >= IMG_RGB2HSV && conv <= IMG_RGB2NRGB ? 255.0 : 1.0;
  for (int64_t y = 0; y < sg->h; y++)
    for (int64_t x = 0; x < sg->w; x++) {
      const T *p = s + y * sg->sh + x * sg->sw;
      double in[3] = {(double)p[0] / unit, (double)p[sg->sc] / unit, (double)p[2 * sg->sc] / unit};
      double out[3];
      int n = img_color_pixel(conv, in, out);
      T *q = d + y * dg->sh + x * dg->sw;
      for (int i = 0; i < n; i++) q[i * dg->sc] = FN(put)(out[i] * unit);
    }
}
