/* The image package's kernels (torch._image): PNG, JPEG and PGM/PPM codecs, resampling,
   rotation, translation, colour spaces. lua/image/init.lua parses Torch7's argument
   forms and passes the name of the function the script called as the last argument
   (fn), which every error begins with. */
#include <stdlib.h>
#include <string.h>

#include "../image/image.h"
#include "../io/jpeg.h"
#include "../io/png.h"
#include "../io/pnm.h"
#include "../io/raster.h"
#include "lt.h"

static const char *checkfn(lua_State *L, int idx) { return luaL_optstring(L, idx, "image"); }

/* 1 for PNG, 2 for JPEG, 3 for PGM/PPM */
static int checkformat(lua_State *L, int idx, const char *fn) {
  const char *f = luaL_checkstring(L, idx);
  if (strcmp(f, "png") == 0) return 1;
  if (strcmp(f, "jpeg") == 0) return 2;
  if (strcmp(f, "pnm") == 0) return 3;
  return lt_error(L, "%s: unknown image format '%s' (expected png, jpeg or pnm)", fn, f);
}

/* The bytes of a string or of a contiguous ByteTensor at idx. A result the caller will
   resize (out, or NULL) must not share the tensor's storage: growing it would move the
   bytes being read. */
static const unsigned char *checkbytes(lua_State *L, int idx, size_t *len, const char *fn,
                                       const dl_tensor *out) {
  if (lua_type(L, idx) == LUA_TSTRING) return (const unsigned char *)lua_tolstring(L, idx, len);
  dl_tensor *t = lt_totensor(L, idx);
  if (t && out && out->storage && out->storage == t->storage)
    lt_error(L, "%s: the result shares memory with the encoded bytes (argument %d)", fn, idx);
  if (!t || t->dtype != DL_BYTE)
    lt_error(L, "%s: argument %d: expected a ByteTensor or a string of encoded bytes, got %s",
             fn, idx, t ? lt_typename(t->dtype) : luaL_typename(L, idx));
  if (!dl_tensor_iscontiguous(t))
    lt_error(L, "%s: argument %d: the ByteTensor of encoded bytes must be contiguous", fn, idx);
  *len = (size_t)dl_tensor_numel(t);
  return *len ? dl_tensor_data(t) : (const unsigned char *)"";
}

/* decode(out, bytes, format, name, fn): out (any type) = the decoded CxHxW image. */
static int image_decode(lua_State *L) {
  const char *fn = checkfn(L, 5);
  dl_tensor *out = lt_checktensor(L, 1, fn);
  int format = checkformat(L, 3, fn);
  const char *name = luaL_optstring(L, 4, "<memory>");
  size_t len;
  const unsigned char *buf = checkbytes(L, 2, &len, fn, out);
  LT_TRY(L, format == 1   ? io_png_decode(fn, name, buf, len, out)
            : format == 2 ? io_jpeg_decode(fn, name, buf, len, out)
                          : io_pnm_decode(fn, name, buf, len, out));
  lt_gcstep(L);
  return 0;
}

/* encode(img, format, quality, fn): a new 1-D ByteTensor holding the encoded file. */
static int image_encode(lua_State *L) {
  const char *fn = checkfn(L, 4);
  lt_checktensor(L, 1, fn);
  int format = checkformat(L, 2, fn);
  int64_t quality = lt_optint(L, 3, 75, fn);
  if (quality < 1 || quality > 100) lt_error(L, "%s: quality must be in [1, 100], got %lld", fn, (long long)quality);
  dl_tensor *res = lt_newtensor(L, DL_BYTE);
  dl_tensor *img = lt_checktensor(L, 1, fn); /* again: the allocation may have run Lua */
  unsigned char *buf;
  size_t len;
  LT_TRY(L, format == 1   ? io_png_encode(fn, img, &buf, &len)
            : format == 2 ? io_jpeg_encode(fn, img, (int)quality, &buf, &len)
                          : io_pnm_encode(fn, img, &buf, &len));
  int64_t n = (int64_t)len;
  int rc = dl_tensor_resize_contig(fn, res, 1, &n);
  if (rc == 0) memcpy(dl_tensor_data(res), buf, len);
  free(buf);
  if (rc < 0) lt_fail(L);
  lt_gcstep(L);
  return 1;
}

/* write(path, bytes, fn): writes the bytes to path atomically (src/io/atomic.h). */
static int image_write(lua_State *L) {
  const char *fn = checkfn(L, 3);
  const char *path = luaL_checkstring(L, 1);
  size_t len;
  const unsigned char *buf = checkbytes(L, 2, &len, fn, NULL);
  LT_TRY(L, io_raster_write(fn, path, buf, len));
  return 0;
}

static img_mode checkmode(lua_State *L, int idx, const char *fn, int cubic) {
  const char *m = luaL_optstring(L, idx, cubic ? "bilinear" : "simple");
  if (strcmp(m, "simple") == 0) return IMG_SIMPLE;
  if (strcmp(m, "bilinear") == 0) return IMG_BILINEAR;
  if (cubic && strcmp(m, "bicubic") == 0) return IMG_BICUBIC;
  return lt_error(L, "%s: mode must be one of: simple | bilinear%s, got '%s'", fn,
                  cubic ? " | bicubic" : "", m);
}

/* scale(dst, src, mode, fn) */
static int image_scale(lua_State *L) {
  const char *fn = checkfn(L, 4);
  img_mode mode = checkmode(L, 3, fn, 1);
  LT_TRY(L, img_scale(fn, lt_checktensor(L, 1, fn), lt_checktensor(L, 2, fn), mode));
  lt_gcstep(L);
  return 0;
}

/* rotate(dst, src, theta, mode, fn) */
static int image_rotate(lua_State *L) {
  const char *fn = checkfn(L, 5);
  double theta = lt_checknum(L, 3, fn);
  img_mode mode = checkmode(L, 4, fn, 0);
  LT_TRY(L, img_rotate(fn, lt_checktensor(L, 1, fn), lt_checktensor(L, 2, fn), theta, mode));
  lt_gcstep(L);
  return 0;
}

/* translate(dst, src, dx, dy, fn): dx, dy are truncated to integers, as Torch7 does. */
static int image_translate(lua_State *L) {
  const char *fn = checkfn(L, 5);
  double dx = lt_checknum(L, 3, fn), dy = lt_checknum(L, 4, fn);
  if (!(dx > -9e15 && dx < 9e15 && dy > -9e15 && dy < 9e15))
    lt_error(L, "%s: the shift must be finite, got (%g, %g)", fn, dx, dy);
  LT_TRY(L, img_translate(fn, lt_checktensor(L, 1, fn), lt_checktensor(L, 2, fn),
                          (int64_t)dx, (int64_t)dy));
  lt_gcstep(L);
  return 0;
}

/* convert(dst, src, conversion, fn): conversion is rgb2yuv, yuv2rgb, rgb2y, rgb2hsv,
   hsv2rgb, rgb2hsl, hsl2rgb, rgb2nrgb, rgb2lab or lab2rgb. */
static int image_convert(lua_State *L) {
  static const char *const names[] = {"rgb2yuv", "yuv2rgb", "rgb2y",   "rgb2hsv", "hsv2rgb",
                                      "rgb2hsl", "hsl2rgb", "rgb2nrgb", "rgb2lab", "lab2rgb",
                                      NULL};
  const char *fn = checkfn(L, 4);
  int conv = luaL_checkoption(L, 3, NULL, names);
  LT_TRY(L, img_convert(fn, lt_checktensor(L, 1, fn), lt_checktensor(L, 2, fn), (img_color)conv));
  lt_gcstep(L);
  return 0;
}

static const luaL_Reg funcs[] = {{"decode", image_decode},       {"encode", image_encode},
                                 {"write", image_write},         {"scale", image_scale},
                                 {"rotate", image_rotate},       {"translate", image_translate},
                                 {"convert", image_convert},     {NULL, NULL}};

void lt_open_image(lua_State *L) { lt_register_in(L, "_image", funcs); }
