/* Image kernels (the `image` package): resampling, rotation, translation, colour
   spaces. Images are CxHxW or HxW tensors of any type, read and written through their
   strides; Byte and Long results are rounded (Byte ones clamped to [0, 255]). Prefix
   img_. Each kernel returns 0, or -1 with an error naming fn. */
#ifndef IMG_IMAGE_H
#define IMG_IMAGE_H

#include "../core/tensor.h"

typedef enum { IMG_SIMPLE, IMG_BILINEAR, IMG_BICUBIC } img_mode;

/* dst (already sized: same ndim and channels as src, any height and width) = src
   resampled, as Torch7's image.scale: 'simple' takes the nearest pixel at
   floor(x * src/dst); 'bilinear' interpolates linearly with the corners aligned when
   enlarging and averages the covered source pixels (area) when shrinking, one axis at
   a time (width, then height); 'bicubic' interpolates Catmull-Rom cubics with the
   corners aligned, extrapolating one pixel linearly at the borders. */
int img_scale(const char *fn, dl_tensor *dst, const dl_tensor *src, img_mode mode);
/* dst (resized as src) = src rotated by theta radians about its centre, anticlockwise
   on screen: dst(x, y) = src(c + R(theta)(x - c, y - c)); pixels from outside are 0.
   Nearest pixel, or bilinear (IMG_BILINEAR). */
int img_rotate(const char *fn, dl_tensor *dst, const dl_tensor *src, double theta,
               img_mode mode);
/* dst (resized as src) = src shifted by dx columns and dy rows; uncovered pixels 0. */
int img_translate(const char *fn, dl_tensor *dst, const dl_tensor *src, int64_t dx,
                  int64_t dy);

/* From IMG_RGB2HSV to IMG_RGB2NRGB, the conversions work in [0, 1] (Byte images scaled
   by 255); Lab takes Float and Double images only. */
typedef enum {
  IMG_RGB2YUV, IMG_YUV2RGB, IMG_RGB2Y, IMG_RGB2HSV, IMG_HSV2RGB, IMG_RGB2HSL, IMG_HSL2RGB,
  IMG_RGB2NRGB, IMG_RGB2LAB, IMG_LAB2RGB
} img_color;
/* dst = src (3xHxW) in another colour space: dst is resized to 3xHxW (1xHxW for
   IMG_RGB2Y). YUV is Torch7's (BT.601 analogue: Y = 0.299 R + 0.587 G + 0.114 B,
   U = 0.492 (B - Y), V = 0.877 (R - Y)); HSV and HSL have all three in [0, 1]; normalized
   RGB is each channel over R + G + B + 1e-6; Lab is CIE L*a*b* of sRGB under the D65
   white (L in [0, 100]). Byte images are taken as 0..255 standing
   for 0..1 for HSV, HSL and normalized RGB. dst may be src itself (the same view). */
int img_convert(const char *fn, dl_tensor *dst, const dl_tensor *src, img_color conv);

#endif
