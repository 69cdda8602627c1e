/* Float exp, tanh, erfc and the normal CDF for the nn kernels' float loops, as pure
   arithmetic: libm's expf/erff are calls that keep a loop from vectorising, and in the
   gate loops of the recurrent kernels and in GELU they took more time than the GEMMs
   around them. Double loops keep libm (the float64 gradient checks compare to 1e-12).
   A file that includes this and wants its loops vectorised compiles with
   no-trapping-math (GCC will not if-convert a clamp in front of a float-to-int
   conversion while traps are modelled). */
#ifndef DLUA_NN_FASTMATH_H
#define DLUA_NN_FASTMATH_H

#include <stdint.h>

/* Always inlined: a call inside a loop stops its vectorisation, and in a file with many
   loops (activation.c's table) GCC's inliner gives up on plain static inline. */
#if defined(__GNUC__)
#define NN_FASTMATH static inline __attribute__((always_inline))
#else
#define NN_FASTMATH static inline
#endif

/* Cephes' expf: range reduction by ln 2 in two parts, a degree-5 polynomial, the
   exponent put in by integer arithmetic. Within 2 ulp of expf over [-87, 88]; inputs
   outside are clamped (exp(-87) is 1.6e-38). */
NN_FASTMATH float nn_fast_expf(float x) {
  x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
  /* floor by truncating a positive number: floorf itself does not vectorise here */
  int32_t ni = (int32_t)(x * 1.44269504088896341f + 128.5f) - 128;
  float n = (float)ni;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  union {
    int32_t i;
    float f;
  } e = {.i = (ni + 127) << 23};
  return p * e.f;
}

/* tanh(v) = 2 sigmoid(2v) - 1: absolute error within a few float ulps of 1, which is what
   a gate's value needs. */
NN_FASTMATH float nn_fast_tanhf(float v) {
  return 2.0f / (1.0f + nn_fast_expf(-2.0f * v)) - 1.0f;
}

/* tanh to within a few float ulps everywhere (the modules' Tanh; the gates use the
   cheaper nn_fast_tanhf): Cephes' odd polynomial below |x| = 0.625, where 1 - 2/(e^2x + 1)
   would cancel, and that form above it. */
NN_FASTMATH float nn_fast_tanhf_exact(float x) {
  float a = x < 0 ? -x : x, z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  float small = p * z * x + x;
  float big = 1.0f - 2.0f / (nn_fast_expf(2.0f * a) + 1.0f);
  big = x < 0 ? -big : big;
  return a < 0.625f ? small : big;
}

/* The standard normal CDF Phi(x) = erfc(|x| / sqrt 2) / 2 for x < 0 (1 minus that for
   x >= 0), with erfc(z) = t exp(-z^2 + P(t)), t = 1/(1 + z/2) and P the degree-9
   Chebyshev fit of Press et al. (Numerical Recipes' erfcc): relative error below 1.2e-7
   over the whole range, the tail included, which Phi of a very negative x needs (1 + erf(x)
   computed from erf would cancel to nothing). z^2 = x^2/2 is taken from x itself, split as
   (ah^2 + (a - ah)(a + ah))/2 with ah = |x| cut to 12 bits so that ah^2 is exact: a z
   rounded first, or z^2 rounded whole, is off by an ulp of ~100 in the exponent at
   x = -12, a 1e-5 relative error in the result. */
NN_FASTMATH float nn_fast_phif(float x) {
  float a = x < 0 ? -x : x;
  /* past |x| = 13 Phi(-|x|) is below float's normal range: 0 (and 1 for x > 0); the clamp
     keeps inf and NaN out of the arithmetic (NaN still propagates through x * Phi) */
  int tail = !(a < 13.0f);
  a = tail ? 13.0f : a;
  float t = 1.0f / (1.0f + 0.35355339059327376f * a); /* 1/(1 + z/2), z = a/sqrt 2 */
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  /* Veltkamp's split: ah holds a's 12 leading bits (pure arithmetic, so it vectorises) */
  float c = a * 4097.0f, ah = c - (c - a);
  float half_erfc = 0.5f * t * nn_fast_expf(-0.5f * ah * ah) *
                    nn_fast_expf(-0.5f * (a - ah) * (a + ah) + p);
  half_erfc = tail ? 0.0f : half_erfc;
  return x < 0 ? half_erfc : 1.0f - half_erfc;
}

#endif
