#include "dtype.h"

#include <math.h>
#include <string.h>

static const size_t sizes[DL_NTYPES] = {sizeof(float),  sizeof(double),  sizeof(int64_t),
                                        sizeof(uint8_t), sizeof(int8_t), sizeof(int16_t),
                                        sizeof(int32_t), sizeof(dl_half)};
static const char *names[DL_NTYPES] = {"Float", "Double", "Long", "Byte",
                                       "Char",  "Short",  "Int",  "Half"};

size_t dl_dtype_size(dl_dtype t) { return t < DL_NTYPES ? sizes[t] : 0; }
const char *dl_dtype_name(dl_dtype t) { return t < DL_NTYPES ? names[t] : "?"; }
int dl_dtype_isfloat(dl_dtype t) { return t == DL_FLOAT || t == DL_DOUBLE; }
int dl_dtype_ismath(dl_dtype t) { return t < DL_HALF; }

/* binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. From the float's
   bits: the exponent is rebiased; below 2^-14 the value is a subnormal, a multiple of
   2^-24; the bits shifted out decide the rounding (above half up, exactly half to even).
   A carry out of the fraction moves into the exponent, which is what rounding up to the
   next binade (or to infinity) needs. */
dl_half dl_half_from_float(float f) {
  uint32_t x;
  memcpy(&x, &f, sizeof x);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  uint32_t exp = (x >> 23) & 0xffu, man = x & 0x7fffffu;
  dl_half h;
  if (exp == 0xff) { /* inf, or NaN kept NaN (quiet, the top fraction bits kept) */
    h.bits = (uint16_t)(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0));
    return h;
  }
  int e = (int)exp - 127 + 15;
  if (e >= 31) { /* too large: infinity */
    h.bits = (uint16_t)(sign | 0x7c00u);
    return h;
  }
  uint32_t full, shift;
  if (e <= 0) { /* subnormal (or zero): the implicit bit joins the fraction */
    if (e < -10) { /* below half the smallest subnormal: rounds to zero */
      h.bits = sign;
      return h;
    }
    full = man | 0x800000u;
    shift = (uint32_t)(14 - e); /* 13 + (1 - e) */
    e = 0;
  } else {
    full = man;
    shift = 13;
  }
  uint32_t q = full >> shift, rest = full & ((1u << shift) - 1), half = 1u << (shift - 1);
  if (rest > half || (rest == half && (q & 1u))) q++;
  h.bits = (uint16_t)(sign | (((uint32_t)e << 10) + q));
  return h;
}

/* Through float would round twice (double to float, float to half): a double that lies
   just past a half-way point of binary16 could land on it. Rounding to float with the
   sticky bit kept (the lowest fraction bit set when bits were lost) avoids that, since
   float keeps 13 more fraction bits than half. */
dl_half dl_half_from_double(double d) {
  if (!isfinite(d) || fabs(d) >= 65536.0) return dl_half_from_float((float)d);
  float f = (float)d;
  double back = (double)f;
  if (back != d && f != 0) { /* inexact: truncate toward zero and set the sticky bit */
    if (fabs(back) > fabs(d)) f = nextafterf(f, 0.0f);
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    x |= 1u;
    memcpy(&f, &x, sizeof x);
  } else if (f == 0 && d != 0) { /* far below the smallest subnormal half */
    f = d > 0 ? 1e-30f : -1e-30f;
  }
  return dl_half_from_float(f);
}

float dl_half_to_float(dl_half h) {
  uint32_t sign = (uint32_t)(h.bits & 0x8000u) << 16, exp = (h.bits >> 10) & 0x1fu,
           man = h.bits & 0x3ffu, x;
  if (exp == 0x1f) {
    x = sign | 0x7f800000u | (man << 13);
  } else if (exp == 0) {
    if (man == 0) {
      x = sign;
    } else { /* subnormal: man * 2^-24, exact in float */
      float f = ldexpf((float)man, -24);
      return sign ? -f : f;
    }
  } else {
    x = sign | ((exp - 15 + 127) << 23) | (man << 13);
  }
  float f;
  memcpy(&f, &x, sizeof f);
  return f;
}
