/* Image kernels: resampling (scale), rotation, translation, colour spaces. The typed
   loops are in image_loops.h, included once per tensor type; the interpolating scales
   work on one channel at a time in doubles (a source plane, the rows resampled, then
   the columns), stored back with the type's rounding. */
#include "image.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The layout of an image: channels, height, width and their strides (sc is 0 for HxW). */
typedef struct {
  int64_t c, h, w, sc, sh, sw;
} img_geom;

static void geom_of(img_geom *g, const dl_tensor *t) {
  int n = t->ndim;
  g->c = n == 3 ? t->size[0] : 1;
  g->sc = n == 3 ? t->stride[0] : 0;
  g->h = t->size[n - 2], g->w = t->size[n - 1];
  g->sh = t->stride[n - 2], g->sw = t->stride[n - 1];
}

/* The one source offset nearest (rx, ry), weight 1; 0 taps when it is outside. */
static int img_nearest_tap(const img_geom *g, double rx, double ry, int64_t *t, double *wt) {
  double x = round(rx), y = round(ry);
  if (!(x >= 0 && x <= g->w - 1 && y >= 0 && y <= g->h - 1)) return 0;
  t[0] = (int64_t)y * g->sh + (int64_t)x * g->sw;
  wt[0] = 1;
  return 1;
}

/* The four bilinear taps around (rx, ry), as Torch7's rotateBilinear: within half a
   pixel outside the border the nearest border pixel stands in for the missing one;
   further out the point gives 0 taps. */
static int img_bilinear_taps(const img_geom *g, double rx, double ry, int64_t *t, double *wt) {
  if (!(rx > -2 && rx < g->w + 1 && ry > -2 && ry < g->h + 1)) return 0; /* NaN too */
  int64_t x0 = (int64_t)floor(rx), y0 = (int64_t)floor(ry), x1 = x0 + 1, y1 = y0 + 1;
  double fx = rx - x0, fy = ry - y0;
  if (x1 == g->w && fx < 0.5) x1 = x0;
  else if (x1 >= g->w) return 0;
  if (y1 == g->h && fy < 0.5) y1 = y0;
  else if (y1 >= g->h) return 0;
  if (x0 == -1 && fx > 0.5) x0 = x1;
  else if (x0 < 0) return 0;
  if (y0 == -1 && fy > 0.5) y0 = y1;
  else if (y0 < 0) return 0;
  t[0] = y0 * g->sh + x0 * g->sw, wt[0] = (1 - fx) * (1 - fy);
  t[1] = y0 * g->sh + x1 * g->sw, wt[1] = fx * (1 - fy);
  t[2] = y1 * g->sh + x0 * g->sw, wt[2] = (1 - fx) * fy;
  t[3] = y1 * g->sh + x1 * g->sw, wt[3] = fx * fy;
  return 4;
}

/* The hue in [0, 1) of a colour with maximum mx and chroma d > 0 (HSV and HSL share it). */
static double hue(double r, double g, double b, double mx, double d) {
  double h;
  if (mx == r) h = (g - b) / d + (g < b ? 6 : 0);
  else if (mx == g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return h / 6;
}

/* One RGB channel of an HSL colour: t is the hue shifted for the channel (wrapped). */
static double hue_channel(double p, double q, double t) {
  if (t < 0) t += 1;
  if (t > 1) t -= 1;
  if (t < 1.0 / 6) return p + (q - p) * 6 * t;
  if (t < 0.5) return q;
  if (t < 2.0 / 3) return p + (q - p) * (2.0 / 3 - t) * 6;
  return p;
}

/* sRGB's transfer curve, to linear light and back. */
static double srgb_expand(double v) {
  return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}
static double srgb_compress(double v) {
  return v <= 0.0031308 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055;
}

/* CIE Lab's f and its inverse, with the CIE constants epsilon = 216/24389 and
   kappa = 24389/27 (the linear segment near black). */
#define LAB_EPS (216.0 / 24389.0)
#define LAB_KAPPA (24389.0 / 27.0)
static double lab_f(double t) { return t > LAB_EPS ? cbrt(t) : (LAB_KAPPA * t + 16) / 116; }
static double lab_finv(double f) {
  double t = f * f * f;
  return t > LAB_EPS ? t : (116 * f - 16) / LAB_KAPPA;
}

/* The D65 white point (X, Z; Y = 1), and sRGB's primaries to XYZ and back. */
static const double D65_X = 0.950456, D65_Z = 1.088754;

/* One pixel from one colour space to another; returns the number of outputs. */
static int img_color_pixel(img_color conv, const double *in, double *out) {
  double r = in[0], g = in[1], b = in[2];
  switch (conv) {
  case IMG_RGB2YUV:
    out[0] = 0.299 * r + 0.587 * g + 0.114 * b;
    out[1] = -0.14713 * r - 0.28886 * g + 0.436 * b;
    out[2] = 0.615 * r - 0.51499 * g - 0.10001 * b;
    return 3;
  case IMG_YUV2RGB: /* in = Y, U, V */
    out[0] = r + 1.13983 * b;
    out[1] = r - 0.39465 * g - 0.58060 * b;
    out[2] = r + 2.03211 * g;
    return 3;
  case IMG_RGB2Y:
    out[0] = 0.299 * r + 0.587 * g + 0.114 * b;
    return 1;
  case IMG_RGB2HSV: {
    double mx = fmax(r, fmax(g, b)), mn = fmin(r, fmin(g, b)), d = mx - mn;
    out[0] = d > 0 ? hue(r, g, b, mx, d) : 0, out[1] = mx > 0 ? d / mx : 0, out[2] = mx;
    return 3;
  }
  case IMG_RGB2HSL: {
    double mx = fmax(r, fmax(g, b)), mn = fmin(r, fmin(g, b)), d = mx - mn, l = (mx + mn) / 2;
    out[0] = d > 0 ? hue(r, g, b, mx, d) : 0;
    out[1] = d > 0 ? (l > 0.5 ? d / (2 - mx - mn) : d / (mx + mn)) : 0;
    out[2] = l;
    return 3;
  }
  case IMG_HSL2RGB: { /* in = H, S, L */
    double h = r, s = g, l = b;
    if (s == 0) {
      out[0] = out[1] = out[2] = l;
    } else {
      double q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
      out[0] = hue_channel(p, q, h + 1.0 / 3);
      out[1] = hue_channel(p, q, h);
      out[2] = hue_channel(p, q, h - 1.0 / 3);
    }
    return 3;
  }
  case IMG_RGB2NRGB: {
    double sum = r + g + b + 1e-6;
    out[0] = r / sum, out[1] = g / sum, out[2] = b / sum;
    return 3;
  }
  case IMG_RGB2LAB: {
    double lr = srgb_expand(r), lg = srgb_expand(g), lb = srgb_expand(b);
    double X = (0.412453 * lr + 0.357580 * lg + 0.180423 * lb) / D65_X;
    double Y = 0.212671 * lr + 0.715160 * lg + 0.072169 * lb;
    double Z = (0.019334 * lr + 0.119193 * lg + 0.950227 * lb) / D65_Z;
    double fx = lab_f(X), fy = lab_f(Y), fz = lab_f(Z);
    out[0] = 116 * fy - 16, out[1] = 500 * (fx - fy), out[2] = 200 * (fy - fz);
    return 3;
  }
  case IMG_LAB2RGB: { /* in = L, a, b */
    double fy = (r + 16) / 116, fx = fy + g / 500, fz = fy - b / 200;
    double X = lab_finv(fx) * D65_X, Z = lab_finv(fz) * D65_Z;
    double Y = r > LAB_KAPPA * LAB_EPS ? fy * fy * fy : r / LAB_KAPPA;
    out[0] = srgb_compress(3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z);
    out[1] = srgb_compress(-0.9692660 * X + 1.8760108 * Y + 0.0415560 * Z);
    out[2] = srgb_compress(0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z);
    return 3;
  }
  default: { /* IMG_HSV2RGB: in = H, S, V */
    double h = r, s = g, v = b, f, p, q, t;
    double i = floor(h * 6);
    f = h * 6 - i, p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
    int sector = (int)fmod(fmod(i, 6) + 6, 6); /* hue wraps around */
    if (!(i == i)) sector = 0;                 /* NaN */
    const double rgb[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    out[0] = rgb[sector][0], out[1] = rgb[sector][1], out[2] = rgb[sector][2];
    return 3;
  }
  }
}

#define IMG_KIND 0
#define T float
#define FN(name) name##_float
#include "image_loops.h"
#undef FN
#undef T
#define T double
#define FN(name) name##_double
#include "image_loops.h"
#undef FN
#undef T
#undef IMG_KIND
#define IMG_KIND 1
#define T int64_t
#define FN(name) name##_long
#include "image_loops.h"
#undef FN
#undef T
#undef IMG_KIND
#define IMG_KIND 2
#define T uint8_t
#define FN(name) name##_byte
#include "image_loops.h"
#undef FN
#undef T
#undef IMG_KIND

/* --- argument checks ----------------------------------------------------------- */

static int check_image(const char *fn, const char *what, const dl_tensor *t) {
  char s[128];
  if ((t->ndim != 2 && t->ndim != 3) || dl_tensor_numel(t) == 0)
    return dl_error("%s: %s must be a CxHxW or HxW image, got a tensor of size %s", fn, what,
                    t->ndim ? dl_sizestr(s, sizeof s, t->ndim, t->size) : "[empty]");
  return 0;
}

/* Every entry point checks its destination here, so this is also where the element types
   the loops exist for are enforced (the switches below fall back on the Byte loops). */
static int check_dst(const char *fn, const dl_tensor *dst, const dl_tensor *src) {
  if (src->dtype != DL_FLOAT && src->dtype != DL_DOUBLE && src->dtype != DL_LONG &&
      src->dtype != DL_BYTE)
    return dl_error("%s: not supported for a %s tensor (Float, Double, Long or Byte images)",
                    fn, dl_dtype_name(src->dtype));
  if (dst->dtype != src->dtype)
    return dl_error("%s: the destination must be a %s tensor like the source, got a %s tensor",
                    fn, dl_dtype_name(src->dtype), dl_dtype_name(dst->dtype));
  return 0;
}

static int check_apart(const char *fn, const dl_tensor *dst, const dl_tensor *src) {
  if (dl_tensor_overlaps(dst, src))
    return dl_error("%s: the destination overlaps the source (in-place is not supported)", fn);
  return 0;
}

/* --- scale ------------------------------------------------------------------------ */

/* Resampling one axis from sn samples to dn is a weighted sum of source samples for
   each output (its taps), the same for every row (or column): off[i] .. off[i + 1] - 1
   index the taps of output i in idx (source positions) and w (weights). Built once per
   axis, then applied to whole rows, so the column pass reads rows contiguously. */
typedef struct {
  int64_t *off, *idx;
  double *w;
} img_taps;

static void tap(img_taps *t, int64_t *n, int64_t j, double w) {
  t->idx[*n] = j, t->w[*n] = w, (*n)++;
}

/* Bilinear: corners aligned when enlarging (output i samples source i (sn - 1) /
   (dn - 1), the last output the last source), the overlap-weighted mean of the covered
   source interval [i sn / dn, (i + 1) sn / dn) when shrinking, a copy when equal. */
static void taps_linear(img_taps *t, int64_t dn, int64_t sn) {
  int64_t n = 0;
  for (int64_t i = 0; i < dn; i++) {
    t->off[i] = n;
    if (dn == sn) {
      tap(t, &n, i, 1);
    } else if (dn > sn) {
      double pos = sn > 1 ? i * ((double)(sn - 1) / (double)(dn - 1)) : 0;
      int64_t j = (int64_t)pos;
      double f = pos - j;
      if (i == dn - 1 || j >= sn - 1) tap(t, &n, i == dn - 1 ? sn - 1 : j, 1);
      else if (f == 0) tap(t, &n, j, 1);
      else tap(t, &n, j, 1 - f), tap(t, &n, j + 1, f);
    } else {
      double step = (double)sn / (double)dn, a = i * step;
      double b = i == dn - 1 ? (double)sn : (i + 1) * step, sum = 0;
      int64_t first = n;
      for (int64_t j = (int64_t)a; j < sn && j < b; j++) {
        double w = fmin(b, (double)(j + 1)) - fmax(a, (double)j);
        if (w > 0) tap(t, &n, j, w), sum += w;
      }
      for (int64_t m = first; m < n; m++) t->w[m] /= sum;
    }
  }
  t->off[dn] = n;
}

/* Bicubic: Catmull-Rom on the aligned positions of taps_linear's enlarging case, for
   enlarging and shrinking alike. Past the ends the samples continue linearly
   (p[-1] = 2 p[0] - p[1]), folded into the weights of the two end samples. */
static void taps_cubic(img_taps *t, int64_t dn, int64_t sn) {
  int64_t n = 0;
  for (int64_t i = 0; i < dn; i++) {
    t->off[i] = n;
    if (dn == sn || sn == 1 || i == dn - 1) {
      tap(t, &n, dn == sn ? i : sn == 1 ? 0 : sn - 1, 1);
      continue;
    }
    double pos = i * ((double)(sn - 1) / (double)(dn - 1));
    int64_t j = (int64_t)pos;
    if (j > sn - 2) j = sn - 2;
    double x = pos - j, x2 = x * x, x3 = x2 * x;
    double w[4] = {0.5 * (-x + 2 * x2 - x3), 1 + 0.5 * (3 * x3 - 5 * x2),
                   0.5 * (x + 4 * x2 - 3 * x3), 0.5 * (x3 - x2)};
    if (j == 0) w[1] += 2 * w[0], w[2] -= w[0], w[0] = 0;          /* p0 = 2 p1 - p2 */
    if (j + 2 >= sn) w[2] += 2 * w[3], w[1] -= w[3], w[3] = 0;     /* p3 = 2 p2 - p1 */
    for (int m = 0; m < 4; m++)
      if (w[m] != 0) tap(t, &n, j - 1 + m, w[m]);
  }
  t->off[dn] = n;
}

/* The taps of one axis, malloc'ed in one block (freed with free(t->off)). */
static int taps_make(img_taps *t, img_mode mode, int64_t dn, int64_t sn) {
  size_t most = (size_t)(4 * dn + sn + 1); /* cubic: 4 an output; area: dn + sn in all */
  t->off = malloc(sizeof(int64_t) * ((size_t)dn + 1 + most) + sizeof(double) * most);
  if (!t->off) return -1;
  t->idx = t->off + dn + 1;
  t->w = (double *)(t->idx + most);
  if (mode == IMG_BICUBIC) taps_cubic(t, dn, sn);
  else taps_linear(t, dn, sn);
  return 0;
}

static void load_plane(double *a, const dl_tensor *t, const img_geom *g, int64_t k) {
  const void *p = dl_tensor_data(t);
  switch (t->dtype) {
  case DL_FLOAT: load_float(a, p, g, k); break;
  case DL_DOUBLE: load_double(a, p, g, k); break;
  case DL_LONG: load_long(a, p, g, k); break;
  default: load_byte(a, p, g, k); break;
  }
}

static void store_plane(dl_tensor *t, const img_geom *g, int64_t k, const double *a) {
  void *p = dl_tensor_data(t);
  switch (t->dtype) {
  case DL_FLOAT: store_float(p, g, k, a); break;
  case DL_DOUBLE: store_double(p, g, k, a); break;
  case DL_LONG: store_long(p, g, k, a); break;
  default: store_byte(p, g, k, a); break;
  }
}

int img_scale(const char *fn, dl_tensor *dst, const dl_tensor *src, img_mode mode) {
  char s1[128], s2[128];
  if (check_image(fn, "the source", src) < 0 || check_dst(fn, dst, src) < 0) return -1;
  if (dst->ndim != src->ndim || (src->ndim == 3 && dst->size[0] != src->size[0]) ||
      dl_tensor_numel(dst) == 0)
    return dl_error("%s: the destination (size %s) must have the source's dimensions and "
                    "channels (source size %s)", fn,
                    dst->ndim ? dl_sizestr(s1, sizeof s1, dst->ndim, dst->size) : "[empty]",
                    dl_sizestr(s2, sizeof s2, src->ndim, src->size));
  if (check_apart(fn, dst, src) < 0) return -1;
  img_geom sg, dg;
  geom_of(&sg, src);
  geom_of(&dg, dst);
  if (mode == IMG_SIMPLE) {
    void *d = dl_tensor_data(dst);
    const void *s = dl_tensor_data(src);
    switch (src->dtype) {
    case DL_FLOAT: scale_simple_float(d, &dg, s, &sg); break;
    case DL_DOUBLE: scale_simple_double(d, &dg, s, &sg); break;
    case DL_LONG: scale_simple_long(d, &dg, s, &sg); break;
    default: scale_simple_byte(d, &dg, s, &sg); break;
    }
    return 0;
  }
  img_taps tx = {0}, ty = {0};
  double n = (double)sg.h * sg.w + (double)sg.h * dg.w + (double)dg.h * dg.w;
  double *a = n * sizeof(double) < 9e18 ? malloc((size_t)n * sizeof(double)) : NULL;
  if (!a || taps_make(&tx, mode, dg.w, sg.w) < 0 || taps_make(&ty, mode, dg.h, sg.h) < 0) {
    free(a), free(tx.off);
    return dl_error("%s: out of memory for a %lldx%lld image", fn, (long long)dg.h,
                    (long long)dg.w);
  }
  double *rows = a + sg.h * sg.w, *out = rows + sg.h * dg.w;
  for (int64_t k = 0; k < sg.c; k++) {
    load_plane(a, src, &sg, k);
    /* the width: each source row to dg.w samples */
    for (int64_t y = 0; y < sg.h; y++) {
      const double *s = a + y * sg.w;
      double *d = rows + y * dg.w;
      for (int64_t x = 0; x < dg.w; x++) {
        double v = 0;
        for (int64_t m = tx.off[x]; m < tx.off[x + 1]; m++) v += tx.w[m] * s[tx.idx[m]];
        d[x] = v;
      }
    }
    /* the height: each output row a weighted sum of whole rows */
    for (int64_t y = 0; y < dg.h; y++) {
      double *d = out + y * dg.w;
      for (int64_t x = 0; x < dg.w; x++) d[x] = 0;
      for (int64_t m = ty.off[y]; m < ty.off[y + 1]; m++) {
        const double *s = rows + ty.idx[m] * dg.w;
        double w = ty.w[m];
        for (int64_t x = 0; x < dg.w; x++) d[x] += w * s[x];
      }
    }
    store_plane(dst, &dg, k, out);
  }
  free(a), free(tx.off), free(ty.off);
  return 0;
}

/* --- rotate, translate ------------------------------------------------------------ */

/* The checks and the resize of the kernels whose dst has src's size, and the two
   layouts. */
static int same_size(const char *fn, dl_tensor *dst, const dl_tensor *src, img_geom *dg,
                     img_geom *sg) {
  if (check_image(fn, "the source", src) < 0 || check_dst(fn, dst, src) < 0 ||
      check_apart(fn, dst, src) < 0 || dl_tensor_resize_as(dst, src) < 0 ||
      check_apart(fn, dst, src) < 0) /* again: an empty dst on src's storage grew */
    return -1;
  geom_of(sg, src);
  geom_of(dg, dst);
  return 0;
}

int img_rotate(const char *fn, dl_tensor *dst, const dl_tensor *src, double theta,
               img_mode mode) {
  img_geom g, dg;
  if (same_size(fn, dst, src, &dg, &g) < 0) return -1;
  double cs = cos(theta), sn = sin(theta);
  int bil = mode == IMG_BILINEAR;
  void *d = dl_tensor_data(dst);
  const void *s = dl_tensor_data(src);
  switch (src->dtype) {
  case DL_FLOAT: rotate_float(d, &dg, s, &g, cs, sn, bil); break;
  case DL_DOUBLE: rotate_double(d, &dg, s, &g, cs, sn, bil); break;
  case DL_LONG: rotate_long(d, &dg, s, &g, cs, sn, bil); break;
  default: rotate_byte(d, &dg, s, &g, cs, sn, bil); break;
  }
  return 0;
}

int img_translate(const char *fn, dl_tensor *dst, const dl_tensor *src, int64_t dx,
                  int64_t dy) {
  img_geom sg, dg;
  if (same_size(fn, dst, src, &dg, &sg) < 0) return -1;
  void *d = dl_tensor_data(dst);
  const void *s = dl_tensor_data(src);
  switch (src->dtype) {
  case DL_FLOAT: translate_float(d, &dg, s, &sg, dx, dy); break;
  case DL_DOUBLE: translate_double(d, &dg, s, &sg, dx, dy); break;
  case DL_LONG: translate_long(d, &dg, s, &sg, dx, dy); break;
  default: translate_byte(d, &dg, s, &sg, dx, dy); break;
  }
  return 0;
}

/* --- colour ----------------------------------------------------------------------- */

int img_convert(const char *fn, dl_tensor *dst, const dl_tensor *src, img_color conv) {
  char s1[128];
  if (check_dst(fn, dst, src) < 0) return -1;
  if (src->ndim != 3 || src->size[0] != 3 || dl_tensor_numel(src) == 0)
    return dl_error("%s: the source must be a 3xHxW image, got a tensor of size %s", fn,
                    src->ndim ? dl_sizestr(s1, sizeof s1, src->ndim, src->size) : "[empty]");
  if ((conv == IMG_RGB2LAB || conv == IMG_LAB2RGB) && !dl_dtype_isfloat(src->dtype))
    return dl_error("%s: Lab needs a Float or Double image, got a %s tensor", fn,
                    dl_dtype_name(src->dtype));
  /* in place is fine pixel by pixel, but not for rgb2y, whose resize would shrink src */
  int inplace = conv != IMG_RGB2Y && dl_tensor_sameview(dst, src);
  if (!inplace && check_apart(fn, dst, src) < 0) return -1;
  int64_t size[3] = {conv == IMG_RGB2Y ? 1 : 3, src->size[1], src->size[2]};
  if (dl_tensor_resize(dst, 3, size) < 0 || (!inplace && check_apart(fn, dst, src) < 0))
    return -1;
  img_geom sg, dg;
  geom_of(&sg, src);
  geom_of(&dg, dst);
  void *d = dl_tensor_data(dst);
  const void *s = dl_tensor_data(src);
  switch (src->dtype) {
  case DL_FLOAT: convert_float(d, &dg, s, &sg, conv); break;
  case DL_DOUBLE: convert_double(d, &dg, s, &sg, conv); break;
  case DL_LONG: convert_long(d, &dg, s, &sg, conv); break;
  default: convert_byte(d, &dg, s, &sg, conv); break;
  }
  return 0;
}
