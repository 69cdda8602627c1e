/* Random numbers: the Mersenne Twister MT19937 as Torch7 has it (TH/THRandom.c), so that a
   seed gives Torch7's sequence. The whole state lives in a dl_rng; every function takes its
   generator explicitly, so a C program may hold as many as it likes. dl_rng_default() is
   the one the Lua bindings use: one per thread. */
#ifndef DL_RNG_H
#define DL_RNG_H

#include <stddef.h>
#include <stdint.h>

#define DL_MT_N 624

/* Fixed-width fields without padding: the state is saved and restored as raw bytes
   (torch.getRNGState), so its layout must not depend on the compiler. */
typedef struct dl_rng {
  uint64_t initial_seed;
  uint32_t state[DL_MT_N];
  int32_t left;          /* outputs left before the next twist (1..DL_MT_N) */
  int32_t next;          /* index of the next state word (0..DL_MT_N) */
  int32_t seeded;        /* 1 once seeded: a state read back must have it */
  int32_t normal_valid;  /* Box-Muller keeps its second value for the next call */
  double normal_x, normal_y, normal_rho;
} dl_rng;

/* The process-wide generator; seeded with MT19937's default seed 5489 until reseeded. */
dl_rng *dl_rng_default(void);

/* Torch7's manualSeed: resets the whole state, including the cached normal value. */
void dl_rng_seed(dl_rng *g, uint64_t seed);
/* Seeds from /dev/urandom (the clock when that is unavailable); returns the seed,
   which is below 2^53 so that it survives a trip through a Lua float. */
uint64_t dl_rng_seed_random(dl_rng *g);
uint64_t dl_rng_initial_seed(const dl_rng *g);

/* The next 32-bit output. */
uint32_t dl_rng_u32(dl_rng *g);
/* Uniform on [0, 1) from one 32-bit output (a multiple of 2^-32), as Torch7. */
double dl_rng_uniform01(dl_rng *g);

/* An integer uniform on [a, b] (a <= b), as Torch7's random(a, b): a 32-bit output
   modulo the range's width. */
int64_t dl_rng_range(dl_rng *g, int64_t a, int64_t b);

/* Distributions, with Torch7's formulas. They do not check their parameters: callers
   check them first with dl_rng_check (the fills in ops/random.c do). */
double dl_rng_uniform(dl_rng *g, double a, double b);
double dl_rng_normal(dl_rng *g, double mean, double stdv);
double dl_rng_exponential(dl_rng *g, double lambda);
double dl_rng_cauchy(dl_rng *g, double median, double sigma);
double dl_rng_lognormal(dl_rng *g, double mean, double stdv);
/* Torch7's convention: P(k) = (1-p) p^(k-1), k >= 1 (p is the chance of going on). */
double dl_rng_geometric(dl_rng *g, double p);
/* 1 with probability p, else 0. */
double dl_rng_bernoulli(dl_rng *g, double p);

typedef enum {
  DL_RNG_UNIFORM,     /* a <= b */
  DL_RNG_NORMAL,      /* stdv > 0 */
  DL_RNG_EXPONENTIAL, /* lambda > 0 */
  DL_RNG_CAUCHY,      /* sigma > 0 */
  DL_RNG_LOGNORMAL,   /* mean > 0, stdv > 0 */
  DL_RNG_GEOMETRIC,   /* 0 < p < 1 */
  DL_RNG_BERNOULLI    /* 0 <= p <= 1 */
} dl_rng_dist;
/* 0, or -1 and an error naming fn and the bad parameter. */
int dl_rng_check(const char *fn, dl_rng_dist d, double a, double b);
/* One draw of distribution d with parameters a, b (b unused for one-parameter ones). */
double dl_rng_draw(dl_rng *g, dl_rng_dist d, double a, double b);

/* The state as bytes (torch.getRNGState / setRNGState). set checks the size and that
   the bookkeeping fields are in range, so a corrupt state cannot index out of bounds. */
size_t dl_rng_state_size(void);
void dl_rng_get_state(const dl_rng *g, void *buf);
int dl_rng_set_state(dl_rng *g, const void *buf, size_t n);

#endif
