/* MT19937 after Matsumoto and Nishimura (2002 initialisation), in the shape Torch7's
   THRandom.c gives it (same outputs for the same seed), and Torch7's distributions. */
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "rng.h"

#define MT_M 397
#define MATRIX_A 0x9908b0dfu
#define UMASK 0x80000000u
#define LMASK 0x7fffffffu
#define MIXBITS(u, v) (((u)&UMASK) | ((v)&LMASK))
#define TWIST(u, v) ((MIXBITS(u, v) >> 1) ^ ((v)&1u ? MATRIX_A : 0u))

/* One per thread: the C API runs a Lua state on each of several threads (docs/c_api.md),
   and each state's torch.manualSeed and draws must not race with the others'. */
dl_rng *dl_rng_default(void) {
  static _Thread_local dl_rng g;
  if (!g.seeded) dl_rng_seed(&g, 5489);
  return &g;
}

void dl_rng_seed(dl_rng *g, uint64_t seed) {
  memset(g, 0, sizeof *g);
  g->initial_seed = seed;
  g->state[0] = (uint32_t)seed;
  for (int j = 1; j < DL_MT_N; j++)
    g->state[j] = 1812433253u * (g->state[j - 1] ^ (g->state[j - 1] >> 30)) + (uint32_t)j;
  g->left = 1;
  g->seeded = 1;
}

uint64_t dl_rng_seed_random(dl_rng *g) {
  uint64_t s = 0;
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd < 0 || read(fd, &s, sizeof s) != (ssize_t)sizeof s) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    s = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec;
  }
  if (fd >= 0) close(fd);
  s &= (UINT64_C(1) << 53) - 1;
  dl_rng_seed(g, s);
  return s;
}

uint64_t dl_rng_initial_seed(const dl_rng *g) { return g->initial_seed; }

static void next_state(dl_rng *g) {
  uint32_t *p = g->state;
  int j;
  g->left = DL_MT_N;
  g->next = 0;
  for (j = DL_MT_N - MT_M + 1; --j; p++) *p = p[MT_M] ^ TWIST(p[0], p[1]);
  for (j = MT_M; --j; p++) *p = p[MT_M - DL_MT_N] ^ TWIST(p[0], p[1]);
  *p = p[MT_M - DL_MT_N] ^ TWIST(p[0], g->state[0]);
}

uint32_t dl_rng_u32(dl_rng *g) {
  if (--g->left == 0) next_state(g);
  uint32_t y = g->state[g->next++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

double dl_rng_uniform01(dl_rng *g) { return (double)dl_rng_u32(g) * (1.0 / 4294967296.0); }

int64_t dl_rng_range(dl_rng *g, int64_t a, int64_t b) {
  uint64_t width = (uint64_t)b - (uint64_t)a + 1; /* 0 for the whole int64 range */
  uint64_t u = dl_rng_u32(g);
  return (int64_t)((uint64_t)a + (width ? u % width : u));
}

double dl_rng_uniform(dl_rng *g, double a, double b) { return dl_rng_uniform01(g) * (b - a) + a; }

/* Box-Muller: one pair of uniforms gives two normals; the second is kept for the next
   call, exactly as Torch7 does, so sequences match it value for value. */
double dl_rng_normal(dl_rng *g, double mean, double stdv) {
  if (!g->normal_valid) {
    g->normal_x = dl_rng_uniform01(g);
    g->normal_y = dl_rng_uniform01(g);
    g->normal_rho = sqrt(-2. * log(1.0 - g->normal_y));
    g->normal_valid = 1;
    return g->normal_rho * cos(2. * M_PI * g->normal_x) * stdv + mean;
  }
  g->normal_valid = 0;
  return g->normal_rho * sin(2. * M_PI * g->normal_x) * stdv + mean;
}

double dl_rng_exponential(dl_rng *g, double lambda) {
  return -1. / lambda * log(1 - dl_rng_uniform01(g));
}

double dl_rng_cauchy(dl_rng *g, double median, double sigma) {
  return median + sigma * tan(M_PI * (dl_rng_uniform01(g) - 0.5));
}

/* mean and stdv are those of the log-normal variable itself, not of its logarithm. */
/* exp of a normal of that mean and standard deviation: Torch7's parametrisation (its
   test checks the mean and std of log(x)), and NumPy's and PyTorch's. */
double dl_rng_lognormal(dl_rng *g, double mean, double stdv) {
  return exp(dl_rng_normal(g, mean, stdv));
}

double dl_rng_geometric(dl_rng *g, double p) {
  return floor(log(1 - dl_rng_uniform01(g)) / log(p)) + 1;
}

/* u < p rather than Torch7's u <= p: u can be exactly 0, and p = 0 must never give 1. */
double dl_rng_bernoulli(dl_rng *g, double p) { return dl_rng_uniform01(g) < p ? 1.0 : 0.0; }

int dl_rng_check(const char *fn, dl_rng_dist d, double a, double b) {
  switch (d) {
  case DL_RNG_UNIFORM:
    if (!(a <= b) || !isfinite(a) || !isfinite(b))
      return dl_error("%s: bounds a = %g and b = %g must be finite with a <= b", fn, a, b);
    break;
  case DL_RNG_NORMAL:
  case DL_RNG_LOGNORMAL:
    if (!(b > 0)) return dl_error("%s: standard deviation %g must be > 0", fn, b);
    break;
  case DL_RNG_EXPONENTIAL:
    if (!(a > 0)) return dl_error("%s: lambda %g must be > 0", fn, a);
    break;
  case DL_RNG_CAUCHY:
    if (!(b > 0)) return dl_error("%s: sigma %g must be > 0", fn, b);
    break;
  case DL_RNG_GEOMETRIC:
    if (!(a > 0 && a < 1)) return dl_error("%s: p = %g must be > 0 and < 1", fn, a);
    break;
  case DL_RNG_BERNOULLI:
    if (!(a >= 0 && a <= 1)) return dl_error("%s: p = %g must be >= 0 and <= 1", fn, a);
    break;
  }
  return 0;
}

double dl_rng_draw(dl_rng *g, dl_rng_dist d, double a, double b) {
  switch (d) {
  case DL_RNG_UNIFORM: return dl_rng_uniform(g, a, b);
  case DL_RNG_NORMAL: return dl_rng_normal(g, a, b);
  case DL_RNG_EXPONENTIAL: return dl_rng_exponential(g, a);
  case DL_RNG_CAUCHY: return dl_rng_cauchy(g, a, b);
  case DL_RNG_LOGNORMAL: return dl_rng_lognormal(g, a, b);
  case DL_RNG_GEOMETRIC: return dl_rng_geometric(g, a);
  case DL_RNG_BERNOULLI: return dl_rng_bernoulli(g, a);
  }
  return 0;
}

size_t dl_rng_state_size(void) { return sizeof(dl_rng); }

void dl_rng_get_state(const dl_rng *g, void *buf) { memcpy(buf, g, sizeof *g); }

int dl_rng_set_state(dl_rng *g, const void *buf, size_t n) {
  dl_rng s;
  if (n != sizeof s)
    return dl_error("setRNGState: state has %zu bytes, expected %zu", n, sizeof s);
  memcpy(&s, buf, sizeof s);
  /* after a twist, left + next == N + 1; with left == 1 the next call twists anyway */
  int counters_ok = s.left >= 1 && s.left <= DL_MT_N && s.next >= 0 && s.next <= DL_MT_N &&
                    (s.left == 1 || s.left + s.next == DL_MT_N + 1);
  if (s.seeded != 1 || !counters_ok || (s.normal_valid != 0 && s.normal_valid != 1))
    return dl_error("setRNGState: invalid state (not made by getRNGState)");
  *g = s;
  return 0;
}
