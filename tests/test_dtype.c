/* The element types: sizes and names, IEEE binary16 (Half) conversions against bit
   patterns computed by hand, and copies between every pair of types through op_copy. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "core/dtype.h"
#include "core/tensor.h"
#include "ops/copy.h"

static uint16_t hf(float f) { return dl_half_from_float(f).bits; }
static uint16_t hd(double d) { return dl_half_from_double(d).bits; }
static float fh(uint16_t b) { return dl_half_to_float((dl_half){b}); }

static void test_sizes(void) {
  static const size_t want[DL_NTYPES] = {4, 8, 8, 1, 1, 2, 4, 2};
  static const char *names[DL_NTYPES] = {"Float", "Double", "Long", "Byte",
                                         "Char",  "Short",  "Int",  "Half"};
  for (int t = 0; t < DL_NTYPES; t++) {
    CHECK(dl_dtype_size((dl_dtype)t) == want[t]);
    CHECK(strcmp(dl_dtype_name((dl_dtype)t), names[t]) == 0);
    CHECK(dl_dtype_ismath((dl_dtype)t) == (t != DL_HALF));
  }
  CHECK(!dl_dtype_isfloat(DL_HALF) && !dl_dtype_isfloat(DL_CHAR));
}

static void test_half_from_float(void) {
  /* exact values: sign, 5 exponent bits (bias 15), 10 fraction bits */
  CHECK(hf(1.0f) == 0x3c00);
  CHECK(hf(-2.0f) == 0xc000);
  CHECK(hf(0.5f) == 0x3800);
  CHECK(hf(0.0f) == 0x0000);
  CHECK(hf(-0.0f) == 0x8000);
  CHECK(hf(65504.0f) == 0x7bff);         /* the largest finite half */
  CHECK(hf(0x1p-14f) == 0x0400);         /* the smallest normal */
  CHECK(hf(0x1p-24f) == 0x0001);         /* the smallest subnormal */
  CHECK(hf(1023 * 0x1p-24f) == 0x03ff);  /* the largest subnormal */
  /* rounding to nearest, ties to even */
  CHECK(hf(1.0f + 0x1p-11f) == 0x3c00);             /* tie: down to the even 1.0 */
  CHECK(hf(1.0f + 3 * 0x1p-11f) == 0x3c02);         /* tie: up to the even 1+2^-9 */
  CHECK(hf(1.0f + 0x1p-11f + 0x1p-20f) == 0x3c01);  /* above half way: up */
  CHECK(hf(1.0f + 0x1p-11f - 0x1p-20f) == 0x3c00);  /* below half way: down */
  CHECK(hf(2.0f - 0x1p-11f) == 0x4000);  /* 1.11111111111b: a tie, up to the even 2.0 */
  CHECK(hf(0.1f) == 0x2e66);                        /* 0.0999755859375 */
  CHECK(hf(-0.1f) == 0xae66);
  CHECK(hf(1.0f / 3) == 0x3555);
  /* subnormal rounding */
  CHECK(hf(0x1p-25f) == 0x0000);         /* half the smallest subnormal: tie to even 0 */
  CHECK(hf(0x1p-25f * 1.5f) == 0x0001);  /* above the tie */
  CHECK(hf(3 * 0x1p-25f) == 0x0002);     /* 1.5 subnormal steps: tie to even 2 */
  CHECK(hf(5 * 0x1p-25f) == 0x0002);     /* 2.5 steps: tie to even 2 */
  CHECK(hf(0x1p-26f) == 0x0000);
  CHECK(hf(-0x1p-30f) == 0x8000);        /* underflow keeps the sign */
  CHECK(hf(0x1p-14f - 0x1p-25f) == 0x0400); /* the largest subnormal + half a step: tie up to even 0x400 */
  /* overflow, infinities, NaN */
  CHECK(hf(65519.0f) == 0x7bff);         /* below the half-way point to 65536 */
  CHECK(hf(65520.0f) == 0x7c00);         /* the tie rounds to even: infinity */
  CHECK(hf(1e10f) == 0x7c00);
  CHECK(hf(-1e10f) == 0xfc00);
  CHECK(hf(INFINITY) == 0x7c00);
  CHECK(hf(-INFINITY) == 0xfc00);
  uint16_t n = hf(NAN);
  CHECK((n & 0x7c00) == 0x7c00 && (n & 0x03ff) != 0);
  /* a NaN whose payload lives only in the low float bits stays a NaN */
  uint32_t lownan = 0x7f800001u;
  float fl;
  memcpy(&fl, &lownan, sizeof fl);
  n = hf(fl);
  CHECK((n & 0x7c00) == 0x7c00 && (n & 0x03ff) != 0);
}

static void test_half_from_double(void) {
  CHECK(hd(1.0) == 0x3c00);
  CHECK(hd(0.1) == 0x2e66);
  CHECK(hd(65504.0) == 0x7bff);
  CHECK(hd(65520.0) == 0x7c00);
  CHECK(hd(65519.99) == 0x7bff);
  CHECK(hd(1e300) == 0x7c00);
  CHECK(hd(-1e-300) == 0x8000);
  CHECK(hd(1.0 + 0x1p-11) == 0x3c00);  /* an exact tie */
  /* just above a tie by less than float keeps: rounding through float would give the
     tie (then down to even); rounded once it goes up */
  CHECK(hd(1.0 + 0x1p-11 + 0x1p-40) == 0x3c01);
  CHECK(hd(1.0 + 0x1p-11 - 0x1p-40) == 0x3c00);
  CHECK(hd(0x1p-25 + 0x1p-60) == 0x0001); /* above the subnormal tie */
  CHECK(hd(0x1p-25) == 0x0000);
  CHECK(isnan(fh(hd(NAN))));
  CHECK(hd(-INFINITY) == 0xfc00);
}

static void test_half_to_float(void) {
  CHECK(fh(0x3c00) == 1.0f);
  CHECK(fh(0xc000) == -2.0f);
  CHECK(fh(0x7bff) == 65504.0f);
  CHECK(fh(0x0001) == 0x1p-24f);
  CHECK(fh(0x03ff) == 1023 * 0x1p-24f);
  CHECK(fh(0x8001) == -0x1p-24f);
  CHECK(fh(0x0400) == 0x1p-14f);
  CHECK(fh(0x3555) == 0.333251953125f);
  CHECK(fh(0x7c00) == INFINITY);
  CHECK(fh(0xfc00) == -INFINITY);
  CHECK(isnan(fh(0x7e00)) && isnan(fh(0x7c01)) && isnan(fh(0xfe00)));
  CHECK(fh(0x8000) == 0.0f && signbit(fh(0x8000)));
  /* every finite half survives the round trip through float, through double, and the
     values increase with the bit pattern */
  int bad = 0;
  float prev = -INFINITY;
  for (uint32_t b = 0; b < 0x10000; b++) {
    float f = fh((uint16_t)b);
    if (isnan(f)) {
      if (!isnan(fh(hf(f)))) bad++;
      continue;
    }
    if (hf(f) != b || hd((double)f) != b) bad++;
    if (b >= 0x8000 || b > 0x7c00) continue;
    if (b > 0 && !(f > prev)) bad++;
    prev = f;
  }
  CHECK(bad == 0);
}

/* Copies of {-2.5, 1, 300, 70000} into every type and back to double, against the C
   conversions written out: floats truncate toward zero into integers, integers wrap. */
static void test_copies(void) {
  const double src[4] = {-2.5, 1, 300, 70000};
  int64_t n = 4;
  static const double want[DL_NTYPES][4] = {
      {-2.5, 1, 300, 70000},                   /* Float */
      {-2.5, 1, 300, 70000},                   /* Double */
      {-2, 1, 300, 70000},                     /* Long */
      {254, 1, 44, 112},                       /* Byte: -2 mod 256, 300 mod 256, 70000 mod 256 */
      {-2, 1, 44, 112},                        /* Char */
      {-2, 1, 300, 4464},                      /* Short: 70000 - 65536 */
      {-2, 1, 300, 70000},                     /* Int */
      {-2.5, 1, 300, INFINITY},                /* Half: 70000 overflows */
  };
  dl_tensor d, t, back;
  dl_tensor_init(&d, DL_DOUBLE);
  CHECK(dl_tensor_new(&d, DL_DOUBLE, 1, &n) == 0);
  memcpy(dl_tensor_data(&d), src, sizeof src);
  for (int ty = 0; ty < DL_NTYPES; ty++) {
    dl_tensor_init(&t, (dl_dtype)ty);
    dl_tensor_init(&back, DL_DOUBLE);
    CHECK(op_clone(&t, &d, (dl_dtype)ty) == 0);
    CHECK(op_clone(&back, &t, DL_DOUBLE) == 0);
    const double *b = dl_tensor_data(&back);
    for (int i = 0; i < 4; i++) CHECK(b[i] == want[ty][i]);
    /* and from this type into every other, against the double round trip */
    for (int to = 0; to < DL_NTYPES; to++) {
      dl_tensor u, ub, ref;
      /* Half's infinity has no integer value (C leaves the conversion undefined) */
      if (ty == DL_HALF && !dl_dtype_isfloat((dl_dtype)to) && to != DL_HALF) continue;
      dl_tensor_init(&u, (dl_dtype)to);
      dl_tensor_init(&ub, DL_DOUBLE);
      dl_tensor_init(&ref, (dl_dtype)to);
      CHECK(op_clone(&u, &t, (dl_dtype)to) == 0);
      CHECK(op_clone(&ref, &back, (dl_dtype)to) == 0); /* the same values, from doubles */
      CHECK(memcmp(dl_tensor_data(&u), dl_tensor_data(&ref), 4 * dl_dtype_size((dl_dtype)to)) == 0);
      dl_tensor_free(&u);
      dl_tensor_free(&ub);
      dl_tensor_free(&ref);
    }
    dl_tensor_free(&t);
    dl_tensor_free(&back);
  }
  /* fill and element access of a strided Half view */
  int64_t sz[2] = {3, 2};
  dl_tensor h, col;
  dl_tensor_init(&h, DL_HALF);
  CHECK(dl_tensor_new(&h, DL_HALF, 2, sz) == 0);
  op_fill(&h, 0.1);
  for (int i = 0; i < 6; i++) CHECK(((dl_half *)dl_tensor_data(&h))[i].bits == 0x2e66);
  dl_tensor_init(&col, DL_HALF);
  dl_tensor_set(&col, &h);
  CHECK(dl_tensor_select(&col, 1, 1) == 0); /* the second column: stride 2 */
  op_fill(&col, -65504);
  const dl_half *hp = dl_tensor_data(&h);
  CHECK(hp[0].bits == 0x2e66 && hp[1].bits == 0xfbff && hp[3].bits == 0xfbff && hp[5].bits == 0xfbff);
  op_set(&h, h.offset + 2, 1.0 + 0x1p-11 + 0x1p-40);
  CHECK(hp[2].bits == 0x3c01);
  CHECK(op_get(&h, 1) == -65504.0);
  dl_tensor_free(&col);
  dl_tensor_free(&h);
  dl_tensor_free(&d);
}

int main(void) {
  test_sizes();
  test_half_from_float();
  test_half_from_double();
  test_half_to_float();
  test_copies();
  return check_done("test_dtype");
}
