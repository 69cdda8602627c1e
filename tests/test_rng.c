/* MT19937 against its published outputs, the state round trip, and the fills' order. */
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "check.h"
#include "core/rng.h"
#include "ops/random.h"

static void test_mt19937(void) {
  /* the reference mt19937ar.c with init_genrand(5489) */
  static const uint32_t first[5] = {3499211612u, 581869302u, 3890346734u, 3586334585u, 545404204u};
  dl_rng g;
  dl_rng_seed(&g, 5489);
  for (int i = 0; i < 5; i++) CHECK(dl_rng_u32(&g) == first[i]);
  /* C++11 fixes the 10000th output of the default-seeded mt19937 */
  dl_rng_seed(&g, 5489);
  uint32_t v = 0;
  for (int i = 0; i < 10000; i++) v = dl_rng_u32(&g);
  CHECK(v == 4123659995u);
  CHECK(dl_rng_initial_seed(&g) == 5489);
  /* uniform is one output over 2^32 */
  dl_rng_seed(&g, 5489);
  CHECK_NEAR(dl_rng_uniform01(&g), 3499211612.0 / 4294967296.0, 0);
  /* the default generator starts at 5489 too */
  CHECK(dl_rng_u32(dl_rng_default()) == 3499211612u);
}

static void test_normal_pairs(void) {
  dl_rng g;
  dl_rng_seed(&g, 5489);
  double u1 = 3499211612.0 / 4294967296.0, u2 = 581869302.0 / 4294967296.0;
  double rho = sqrt(-2 * log(1 - u2));
  CHECK_NEAR(dl_rng_normal(&g, 0, 1), rho * cos(2 * M_PI * u1), 1e-15);
  CHECK_NEAR(dl_rng_normal(&g, 3, 2), rho * sin(2 * M_PI * u1) * 2 + 3, 1e-14);
  /* the third call starts a new pair */
  double u3 = 3890346734.0 / 4294967296.0, u4 = 3586334585.0 / 4294967296.0;
  CHECK_NEAR(dl_rng_normal(&g, 0, 1), sqrt(-2 * log(1 - u4)) * cos(2 * M_PI * u3), 1e-15);
  /* reseeding drops the cached value */
  dl_rng_seed(&g, 5489);
  CHECK_NEAR(dl_rng_normal(&g, 0, 1), rho * cos(2 * M_PI * u1), 1e-15);
}

static void test_state(void) {
  dl_rng g, h;
  unsigned char buf[sizeof(dl_rng)];
  dl_rng_seed(&g, 42);
  dl_rng_normal(&g, 0, 1); /* leaves a cached normal in the state */
  for (int i = 0; i < 700; i++) dl_rng_u32(&g);
  CHECK(dl_rng_state_size() == sizeof(dl_rng));
  dl_rng_get_state(&g, buf);
  dl_rng_seed(&h, 1);
  CHECK(dl_rng_set_state(&h, buf, sizeof buf) == 0);
  int same = 1;
  for (int i = 0; i < 1000; i++) same &= dl_rng_u32(&g) == dl_rng_u32(&h);
  CHECK(same);
  CHECK(dl_rng_normal(&g, 0, 1) == dl_rng_normal(&h, 0, 1));
  /* wrong size and corrupt counters are refused */
  CHECK(dl_rng_set_state(&h, buf, sizeof buf - 1) < 0);
  CHECK(strstr(dl_errmsg(), "setRNGState") != NULL);
  dl_rng bad = g;
  bad.next = 100000;
  bad.left = 5;
  CHECK(dl_rng_set_state(&h, &bad, sizeof bad) < 0);
  bad = g;
  bad.seeded = 0;
  CHECK(dl_rng_set_state(&h, &bad, sizeof bad) < 0);
}

static void test_checks(void) {
  CHECK(dl_rng_check("uniform", DL_RNG_UNIFORM, 2, 1) < 0);
  CHECK(strstr(dl_errmsg(), "uniform:") != NULL);
  CHECK(dl_rng_check("uniform", DL_RNG_UNIFORM, 1, 1) == 0);
  CHECK(dl_rng_check("normal", DL_RNG_NORMAL, 0, 0) < 0);
  CHECK(dl_rng_check("bernoulli", DL_RNG_BERNOULLI, 1.5, 0) < 0);
  CHECK(dl_rng_check("bernoulli", DL_RNG_BERNOULLI, 1, 0) == 0);
  CHECK(dl_rng_check("geometric", DL_RNG_GEOMETRIC, 1, 0) < 0);
  CHECK(dl_rng_check("exponential", DL_RNG_EXPONENTIAL, -1, 0) < 0);
}

/* Same seed, same numbers: contiguous or strided, one thread or several. */
static void test_fill_order(void) {
  dl_rng g;
  int64_t n = 200000, size2[2] = {400, 500};
  dl_tensor a, b, bt;
  dl_tensor_new(&a, DL_DOUBLE, 1, &n);
  dl_rng_seed(&g, 7);
  CHECK(op_normal(&g, &a, 0, 1) == 0);
  /* b is 500x400; its transpose is a strided 400x500 view filled in its row-major order */
  int64_t tsize[2] = {500, 400};
  dl_tensor_new(&b, DL_DOUBLE, 2, tsize);
  dl_tensor_init(&bt, DL_DOUBLE);
  dl_tensor_set(&bt, &b);
  dl_tensor_transpose(&bt, 0, 1);
#ifdef _OPENMP
  omp_set_num_threads(2);
#endif
  dl_rng_seed(&g, 7);
  CHECK(op_normal(&g, &bt, 0, 1) == 0);
  const double *pa = dl_tensor_data(&a), *pb = dl_tensor_data(&b);
  int same = 1;
  for (int64_t i = 0; i < size2[0]; i++)
    for (int64_t j = 0; j < size2[1]; j++) same &= pa[i * 500 + j] == pb[j * 400 + i];
  CHECK(same);
#ifdef _OPENMP
  omp_set_num_threads(1);
#endif
  dl_tensor_free(&a);
  dl_tensor_free(&b);
  dl_tensor_free(&bt);
}

static void test_fills(void) {
  dl_rng g;
  dl_rng_seed(&g, 3);
  int64_t n = 100000;
  dl_tensor f, l;
  dl_tensor_new(&f, DL_FLOAT, 1, &n);
  dl_tensor_new(&l, DL_LONG, 1, &n);
  CHECK(op_uniform(&g, &f, -2, 3) == 0);
  const float *pf = dl_tensor_data(&f);
  double sum = 0, lo = 1e9, hi = -1e9;
  for (int64_t i = 0; i < n; i++) {
    sum += pf[i];
    lo = fmin(lo, pf[i]);
    hi = fmax(hi, pf[i]);
  }
  CHECK(lo >= -2 && hi < 3);
  CHECK_NEAR(sum / n, 0.5, 0.03);
  CHECK(op_uniform(&g, &l, 0, 1) < 0); /* floats only */
  CHECK(op_random_range(&g, &l, -3, 4) == 0);
  const int64_t *pl = dl_tensor_data(&l);
  int64_t counts[8] = {0}, bad = 0;
  for (int64_t i = 0; i < n; i++) {
    if (pl[i] < -3 || pl[i] > 4) bad++;
    else counts[pl[i] + 3]++;
  }
  CHECK(bad == 0);
  for (int c = 0; c < 8; c++) CHECK_NEAR(counts[c] / (double)n, 0.125, 0.01);
  CHECK(op_random_range(&g, &l, 4, 3) < 0);
  CHECK(op_bernoulli(&g, &l, 0.25) == 0);
  int64_t ones = 0;
  for (int64_t i = 0; i < n; i++) ones += pl[i];
  CHECK_NEAR(ones / (double)n, 0.25, 0.01);
  CHECK(op_bernoulli(&g, &l, -0.1) < 0);
  dl_tensor_free(&f);
  dl_tensor_free(&l);
}

static void test_multinomial_randperm(void) {
  dl_rng g;
  dl_rng_seed(&g, 11);
  int64_t four = 4, n = 40000;
  dl_tensor p, res;
  dl_tensor_new(&p, DL_DOUBLE, 1, &four);
  double *pp = dl_tensor_data(&p);
  pp[0] = 1, pp[1] = 1, pp[2] = 0.5, pp[3] = 0;
  dl_tensor_init(&res, DL_LONG);
  CHECK(op_multinomial(&g, &res, &p, n, 1, 0) == 0);
  CHECK(res.ndim == 1 && res.size[0] == n);
  int64_t counts[4] = {0};
  const int64_t *r = dl_tensor_data(&res);
  for (int64_t i = 0; i < n; i++) counts[r[i]]++;
  CHECK_NEAR(counts[0] / (double)n, 0.4, 0.015);
  CHECK_NEAR(counts[2] / (double)n, 0.2, 0.015);
  CHECK(counts[3] == 0);
  /* without replacement: 3 draws use up the three non-zero categories */
  CHECK(op_multinomial(&g, &res, &p, 3, 0, 1) == 0);
  r = dl_tensor_data(&res);
  CHECK(r[0] != r[1] && r[1] != r[2] && r[0] != r[2] && r[0] <= 3 && r[1] <= 3 && r[2] <= 3);
  CHECK(op_multinomial(&g, &res, &p, 4, 0, 1) < 0); /* only 3 non-zero */
  pp[0] = -1;
  CHECK(op_multinomial(&g, &res, &p, 1, 1, 1) < 0);
  dl_tensor_free(&res);
  dl_tensor_free(&p);

  dl_tensor perm;
  dl_tensor_init(&perm, DL_LONG);
  CHECK(op_randperm(&g, &perm, 1000, 1) == 0);
  int seen[1001] = {0}, ok = 1;
  const int64_t *q = dl_tensor_data(&perm);
  for (int i = 0; i < 1000; i++) {
    ok &= q[i] >= 1 && q[i] <= 1000 && !seen[q[i]];
    if (q[i] >= 1 && q[i] <= 1000) seen[q[i]] = 1;
  }
  CHECK(ok);
  CHECK(op_randperm(&g, &perm, 0, 1) < 0);
  dl_tensor_free(&perm);
}

int main(void) {
  test_mt19937();
  test_normal_pairs();
  test_state();
  test_checks();
  test_fill_order();
  test_fills();
  test_multinomial_randperm();
  return check_done("test_rng");
}
