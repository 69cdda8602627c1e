/* int8 matrix products (qgemm.h): a driver walks the output in tiles of up to 4 rows by
   64 columns (4 packed blocks); a path's tile function fills an int32 tile, and the
   driver's sink stores it raw (op_qgemm_s32) or through the float epilogue
   (op_qgemm_f32). A tile of weights (64 columns x kp bytes) is reused for every row of
   A before the next, so it stays in cache.

   The machine paths carry __attribute__((target)) so that a build without -march=native
   (the sanitizer build) still has them; which one runs is decided at run time. */
#include "qgemm.h"

#include <math.h>
#include <omp.h>
#include <string.h>

#include "../core/error.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define QG_X86 1
#endif

#define TILE_M 4
#define TILE_NB 4 /* packed blocks of 16 columns per tile */
#define TILE_N (16 * TILE_NB)

int64_t op_qpad_k(int64_t k) { return (k + 3) / 4 * 4; }
int64_t op_qpad_n(int64_t n) { return (n + 15) / 16 * 16; }

void op_qpack(int8_t *dst, const int8_t *w, int64_t n, int64_t k, int64_t ldw) {
  int64_t kp = op_qpad_k(k), np = op_qpad_n(n), g4 = kp / 4;
  memset(dst, 0, (size_t)(np * kp));
  for (int64_t j = 0; j < n; j++)
    for (int64_t t = 0; t < k; t++)
      dst[(((j / 16) * g4 + t / 4) * 16 + j % 16) * 4 + t % 4] = w[j * ldw + t];
}

void op_qunpack(int8_t *w, int64_t ldw, const int8_t *packed, int64_t n, int64_t k) {
  int64_t g4 = op_qpad_k(k) / 4;
  for (int64_t j = 0; j < n; j++)
    for (int64_t t = 0; t < k; t++)
      w[j * ldw + t] = packed[(((j / 16) * g4 + t / 4) * 16 + j % 16) * 4 + t % 4];
}

/* ---- quantizing activations ---- */

static void quantize_row(uint8_t *q, const float *x, int64_t k, int64_t kp, float scale,
                         int32_t zero) {
  float inv = 1.0f / scale, z = (float)zero;
  for (int64_t t = 0; t < k; t++) {
    float v = x[t] * inv + z;
    v = v > 0.0f ? v : 0.0f; /* a NaN fails the test and becomes 0 */
    v = v < 255.0f ? v : 255.0f;
    q[t] = (uint8_t)__builtin_rintf(v);
  }
  for (int64_t t = k; t < kp; t++) q[t] = 0;
}

#ifdef QG_X86
/* The same two loops on 16 floats at a time. The operand order of min and max makes a NaN
   lane keep the running value (as the scalar comparisons skip it), and a NaN product
   become 0; the multiply and the add stay separate roundings, as in the scalar loop. */
__attribute__((target("avx512f,avx512bw"))) static void range512(const float *x, int64_t k,
                                                                  float *lo, float *hi) {
  __m512 vlo = _mm512_setzero_ps(), vhi = _mm512_setzero_ps();
  for (int64_t t = 0; t < k; t += 16) {
    __mmask16 mk = k - t >= 16 ? 0xffff : (__mmask16)((1u << (k - t)) - 1);
    __m512 v = _mm512_maskz_loadu_ps(mk, x + t); /* masked lanes are 0, in range anyway */
    vlo = _mm512_min_ps(v, vlo);
    vhi = _mm512_max_ps(v, vhi);
  }
  *lo = _mm512_reduce_min_ps(vlo);
  *hi = _mm512_reduce_max_ps(vhi);
}

__attribute__((target("avx512f,avx512bw"))) static void quantize512(uint8_t *q, const float *x,
                                                                     int64_t k, int64_t kp,
                                                                     float scale, int32_t zero) {
  __m512 inv = _mm512_set1_ps(1.0f / scale), z = _mm512_set1_ps((float)zero);
  __m512 top = _mm512_set1_ps(255.0f), bottom = _mm512_setzero_ps();
  for (int64_t t = 0; t < kp; t += 16) {
    __mmask16 mk = k - t >= 16 ? 0xffff : k > t ? (__mmask16)((1u << (k - t)) - 1) : 0;
    __mmask16 mp = kp - t >= 16 ? 0xffff : (__mmask16)((1u << (kp - t)) - 1);
    __m512 v = _mm512_add_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(mk, x + t), inv), z);
    v = _mm512_min_ps(_mm512_max_ps(v, bottom), top);
    __m512i i = _mm512_maskz_cvtps_epi32(mk, v); /* rounds to nearest even; padding 0 */
    _mm512_mask_cvtepi32_storeu_epi8(q + t, mp, i);
  }
}
#endif

void op_qquantize_rows(uint8_t *dst, int64_t ldd, const float *x, int64_t ldx, int64_t m,
                       int64_t k, const float *scale, const int32_t *zero, float *rscale,
                       int32_t *rzero) {
  int64_t kp = op_qpad_k(k);
#ifdef QG_X86
  int wide = op_qgemm_path() == OP_QPATH_AVX512VNNI;
#else
  int wide = 0;
#endif
  for (int64_t i = 0; i < m; i++) {
    const float *xi = x + i * ldx;
    float s;
    int32_t z;
    if (scale) {
      s = *scale;
      z = *zero;
    } else {
      float lo = 0.0f, hi = 0.0f;
#ifdef QG_X86
      if (wide)
        range512(xi, k, &lo, &hi);
      else
#endif
        for (int64_t t = 0; t < k; t++) {
          lo = xi[t] < lo ? xi[t] : lo;
          hi = xi[t] > hi ? xi[t] : hi;
        }
      s = (hi - lo) / 255.0f;
      if (!(s > 0.0f) || !isfinite(s)) s = 1.0f; /* an all-zero row (or inf): any scale */
      float zf = __builtin_rintf(-lo / s);
      z = zf < 0 ? 0 : zf > 255 ? 255 : (int32_t)zf;
      rscale[i] = s;
      rzero[i] = z;
    }
#ifdef QG_X86
    if (wide)
      quantize512(dst + i * ldd, xi, k, kp, s, z);
    else
#endif
      quantize_row(dst + i * ldd, xi, k, kp, s, z);
  }
}

/* ---- tiles: t[r * TILE_N + c] = sum over the kp inputs, rows a + r * lda, nb blocks ---- */

typedef void (*tile_fn)(int32_t *t, const uint8_t *a, int64_t lda, const int8_t *wp,
                        int64_t kp, int mr, int nb);

static void tile_scalar(int32_t *t, const uint8_t *a, int64_t lda, const int8_t *wp,
                        int64_t kp, int mr, int nb) {
  for (int r = 0; r < mr; r++)
    for (int b = 0; b < nb; b++)
      for (int c = 0; c < 16; c++) {
        int32_t s = 0;
        const int8_t *w = wp + b * kp * 16 + c * 4;
        for (int64_t g = 0; g < kp / 4; g++)
          for (int i = 0; i < 4; i++) s += (int32_t)a[r * lda + g * 4 + i] * w[g * 64 + i];
        t[r * TILE_N + b * 16 + c] = s;
      }
}

#ifdef QG_X86
/* AVX-512 VNNI: one zmm of weights is a block's 16 columns x 4 inputs; the 4 inputs of a
   row, broadcast, multiply it with vpdpbusd into 16 int32 sums. MR x NB accumulators. */
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) static inline void
tile512_body(int32_t *t, const uint8_t *a, int64_t lda, const int8_t *wp, int64_t kp,
             const int MR, const int NB) {
  __m512i acc[TILE_M][TILE_NB];
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int b = 0; b < NB; b++) acc[r][b] = _mm512_setzero_si512();
  for (int64_t g = 0; g < kp / 4; g++) {
    __m512i w[TILE_NB];
    #pragma GCC unroll 4
    for (int b = 0; b < NB; b++) w[b] = _mm512_loadu_si512(wp + (b * kp / 4 + g) * 64);
    #pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      int32_t x4;
      memcpy(&x4, a + r * lda + g * 4, 4);
      __m512i x = _mm512_set1_epi32(x4);
      #pragma GCC unroll 4
      for (int b = 0; b < NB; b++) acc[r][b] = _mm512_dpbusd_epi32(acc[r][b], x, w[b]);
    }
  }
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int b = 0; b < NB; b++) _mm512_storeu_si512(t + r * TILE_N + b * 16, acc[r][b]);
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void
tile_avx512vnni(int32_t *t, const uint8_t *a, int64_t lda, const int8_t *wp, int64_t kp,
                int mr, int nb) {
  switch (mr * 8 + nb) { /* constant sizes, so the accumulators stay in registers */
  case 012: tile512_body(t, a, lda, wp, kp, 1, 2); break;
  case 013: tile512_body(t, a, lda, wp, kp, 1, 3); break;
  case 014: tile512_body(t, a, lda, wp, kp, 1, 4); break;
  case 021: tile512_body(t, a, lda, wp, kp, 2, 1); break;
  case 022: tile512_body(t, a, lda, wp, kp, 2, 2); break;
  case 023: tile512_body(t, a, lda, wp, kp, 2, 3); break;
  case 024: tile512_body(t, a, lda, wp, kp, 2, 4); break;
  case 031: tile512_body(t, a, lda, wp, kp, 3, 1); break;
  case 032: tile512_body(t, a, lda, wp, kp, 3, 2); break;
  case 033: tile512_body(t, a, lda, wp, kp, 3, 3); break;
  case 034: tile512_body(t, a, lda, wp, kp, 3, 4); break;
  case 041: tile512_body(t, a, lda, wp, kp, 4, 1); break;
  case 042: tile512_body(t, a, lda, wp, kp, 4, 2); break;
  case 043: tile512_body(t, a, lda, wp, kp, 4, 3); break;
  case 044: tile512_body(t, a, lda, wp, kp, 4, 4); break;
  default: tile512_body(t, a, lda, wp, kp, 1, 1); break;
  }
}

/* AVX-VNNI: the same on 256 bits, twice (qgemm_vnni256.h): the VEX form of CPUs with
   AVX-VNNI, and the EVEX form of AVX-512 VL + VNNI, which is the same instruction on the
   same registers; it stands in for the path on CPUs without AVX-VNNI (such as AMD Zen 4),
   so that the code of the path is tested there too. */
#define QG_TARGET "avx2,avxvnni"
#define QG_DPBUSD _mm256_dpbusd_avx_epi32
#define QG_NAME(x) x##_vex
#include "qgemm_vnni256.h"
#define QG_TARGET "avx2,avx512f,avx512vl,avx512vnni"
#define QG_DPBUSD _mm256_dpbusd_epi32
#define QG_NAME(x) x##_evex
#include "qgemm_vnni256.h"

/* AVX2 without VNNI: vpmaddubsw would add two u8 x s8 products in int16 and saturate
   (2 x 255 x 127 > 32767), so both operands are widened to int16 and multiplied with
   vpmaddwd, whose pair sums are int32. 16 weight bytes (4 columns x 4 inputs) widen to one
   ymm; the row's 4 inputs, widened and repeated, multiply it into [c0: i0+i1, c0: i2+i3,
   c1: ...], two partial sums per column, added when the tile is stored. */
__attribute__((target("avx2"), always_inline)) static inline void
tileavx2_body(int32_t *t, const uint8_t *a, int64_t lda, const int8_t *wp, int64_t kp,
              const int MR) {
  __m256i acc[2][4];
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int q = 0; q < 4; q++) acc[r][q] = _mm256_setzero_si256();
  for (int64_t g = 0; g < kp / 4; g++) {
    __m256i w[4];
    #pragma GCC unroll 4
    for (int q = 0; q < 4; q++)
      w[q] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(wp + g * 64 + q * 16)));
    #pragma GCC unroll 4
    for (int r = 0; r < MR; r++) {
      int32_t x4;
      memcpy(&x4, a + r * lda + g * 4, 4);
      __m256i x = _mm256_broadcastq_epi64(_mm_cvtepu8_epi16(_mm_cvtsi32_si128(x4)));
      #pragma GCC unroll 4
      for (int q = 0; q < 4; q++) acc[r][q] = _mm256_add_epi32(acc[r][q], _mm256_madd_epi16(w[q], x));
    }
  }
  #pragma GCC unroll 4
  for (int r = 0; r < MR; r++)
    #pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
      int32_t s[8];
      _mm256_storeu_si256((__m256i *)s, acc[r][q]);
      for (int c = 0; c < 4; c++) t[r * TILE_N + q * 4 + c] = s[2 * c] + s[2 * c + 1];
    }
}

__attribute__((target("avx2"))) static void tile_avx2(int32_t *t, const uint8_t *a,
                                                      int64_t lda, const int8_t *wp,
                                                      int64_t kp, int mr, int nb) {
  for (int b = 0; b < nb; b++) {
    const int8_t *w = wp + b * kp * 16;
    for (int r = 0; r < mr; r += 2) {
      int32_t *tb = t + r * TILE_N + b * 16;
      if (mr - r >= 2)
        tileavx2_body(tb, a + r * lda, lda, w, kp, 2);
      else
        tileavx2_body(tb, a + r * lda, lda, w, kp, 1);
    }
  }
}
#endif

/* ---- paths ---- */

static op_qpath forced = OP_QPATH_AUTO;

int op_qgemm_supported(op_qpath p) {
  switch (p) {
  case OP_QPATH_AUTO:
  case OP_QPATH_SCALAR: return 1;
#ifdef QG_X86
  case OP_QPATH_AVX2: return __builtin_cpu_supports("avx2");
  case OP_QPATH_AVXVNNI: /* or its EVEX stand-in */
    return __builtin_cpu_supports("avx2") &&
           (__builtin_cpu_supports("avxvnni") ||
            (__builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")));
  case OP_QPATH_AVX512VNNI:
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vnni");
#endif
  default: return 0;
  }
}

op_qpath op_qgemm_path(void) {
  if (forced != OP_QPATH_AUTO) return forced;
  for (int p = OP_QPATH_COUNT - 1; p > OP_QPATH_SCALAR; p--)
    if (op_qgemm_supported((op_qpath)p)) return (op_qpath)p;
  return OP_QPATH_SCALAR;
}

const char *op_qgemm_pathname(op_qpath p) {
  static const char *const names[] = {"auto", "scalar", "avx2", "avxvnni", "avx512vnni"};
  return (unsigned)p < OP_QPATH_COUNT ? names[p] : NULL;
}

int op_qgemm_setpath(op_qpath p) {
  if ((unsigned)p >= OP_QPATH_COUNT) return dl_error("qgemm: unknown path %d", (int)p);
  if (!op_qgemm_supported(p))
    return dl_error("qgemm: this CPU cannot run the %s path", op_qgemm_pathname(p));
  forced = p;
  return 0;
}

static tile_fn tile_for(op_qpath p) {
  switch (p) {
#ifdef QG_X86
  case OP_QPATH_AVX512VNNI: return tile_avx512vnni;
  case OP_QPATH_AVXVNNI:
    return __builtin_cpu_supports("avxvnni") ? tile_avxvnni_vex : tile_avxvnni_evex;
  case OP_QPATH_AVX2: return tile_avx2;
#endif
  default: return tile_scalar;
  }
}

/* ---- the driver ---- */

typedef struct {
  int32_t *c; /* raw sink */
  int64_t ldc;
  const op_qepilogue *e; /* or the float one */
} sink;

static void store(const sink *s, const int32_t *t, int64_t i0, int64_t j0, int mr, int nc) {
  if (!s->e) {
    for (int r = 0; r < mr; r++)
      memcpy(s->c + (i0 + r) * s->ldc + j0, t + r * TILE_N, (size_t)nc * sizeof(int32_t));
    return;
  }
  const op_qepilogue *e = s->e;
  const int32_t *ws = e->wsum + j0;
  const float *wsc = e->wscale + j0, *b = e->bias ? e->bias + j0 : NULL;
  float v[TILE_M][TILE_N];
  for (int r = 0; r < mr; r++) {
    int64_t ai = e->per_row ? i0 + r : 0;
    int32_t z = e->azero[ai];
    float sc = e->ascale[ai];
    const int32_t *tr = t + r * TILE_N;
    /* the exact integer sum of (q - zero) * w: wraps only where the true value does not;
       a row of the tile at a time, in loops the compiler vectorizes */
    float *vr = v[r];
    for (int c = 0; c < nc; c++) vr[c] = (float)(tr[c] - z * ws[c]) * (sc * wsc[c]);
    if (b)
      for (int c = 0; c < nc; c++) vr[c] += b[c];
    if (e->relu)
      for (int c = 0; c < nc; c++) vr[c] = vr[c] > 0.0f ? vr[c] : 0.0f;
  }
  float *o = e->out + i0 * e->rs + j0 * e->cs;
  if (e->cs == 1) {
    for (int r = 0; r < mr; r++) memcpy(o + r * e->rs, v[r], (size_t)nc * sizeof(float));
  } else { /* transposed (a convolution's planes): the tile's rows are adjacent there */
    for (int c = 0; c < nc; c++)
      for (int r = 0; r < mr; r++) o[c * e->cs + r * e->rs] = v[r][c];
  }
}

/* Column-tile groups [g0, g1) of the product, every row. */
static void run_range(const sink *s, tile_fn f, const uint8_t *a, int64_t lda,
                      const int8_t *wp, int64_t m, int64_t n, int64_t kp, int64_t g0,
                      int64_t g1) {
  int32_t t[TILE_M * TILE_N];
  int64_t nblocks = op_qpad_n(n) / 16;
  for (int64_t g = g0; g < g1; g++) {
    int64_t b0 = g * TILE_NB;
    int nb = (int)(nblocks - b0 < TILE_NB ? nblocks - b0 : TILE_NB);
    int64_t j0 = b0 * 16;
    int nc = (int)(n - j0 < nb * 16 ? n - j0 : nb * 16);
    for (int64_t i = 0; i < m; i += TILE_M) {
      int mr = (int)(m - i < TILE_M ? m - i : TILE_M);
      f(t, a + i * lda, lda, wp + b0 * kp * 16, kp, mr, nb);
      store(s, t, i, j0, mr, nc);
    }
  }
}

/* Threads share out the column tiles when there is enough work for each. */
#define QG_THREAD_WORK ((int64_t)1 << 22)

static void run(const sink *s, const uint8_t *a, int64_t lda, const int8_t *wp, int64_t m,
                int64_t n, int64_t k) {
  if (m <= 0 || n <= 0) return;
  int64_t kp = op_qpad_k(k), ngroups = (op_qpad_n(n) / 16 + TILE_NB - 1) / TILE_NB;
  tile_fn f = tile_for(op_qgemm_path());
  int nt = 1;
  if (m * n * kp >= QG_THREAD_WORK && ngroups > 1 && !omp_in_parallel())
    nt = omp_get_max_threads();
  if (nt <= 1) {
    run_range(s, f, a, lda, wp, m, n, kp, 0, ngroups);
    return;
  }
#pragma omp parallel num_threads(nt)
  {
    int id = omp_get_thread_num(), cnt = omp_get_num_threads();
    int64_t g0 = ngroups * id / cnt, g1 = ngroups * (id + 1) / cnt;
    run_range(s, f, a, lda, wp, m, n, kp, g0, g1);
  }
}

void op_qgemm_s32(int32_t *c, int64_t ldc, const uint8_t *a, int64_t lda, const int8_t *wp,
                  int64_t m, int64_t n, int64_t k) {
  sink s = {c, ldc, NULL};
  run(&s, a, lda, wp, m, n, k);
}

void op_qgemm_f32(const op_qepilogue *e, const uint8_t *a, int64_t lda, const int8_t *wp,
                  int64_t m, int64_t n, int64_t k) {
  sink s = {NULL, 0, e};
  run(&s, a, lda, wp, m, n, k);
}
