/* dlua's packed GEMM (see gemm.h; the design and the figures are in docs/gemm.md).

   The GotoBLAS/BLIS loop nest over general strides, A(i, p) = a[i rsa + p csa],
   B(p, j) = b[p rsb + j csb], C(i, j) = c[i rsc + j csc]:

     for jc in n, NC columns        B block KC x NC: packed when it pays (below), in L2
       for pc in k, KC steps
         for ic in m, MC rows       A block MC x KC: packed when it pays
           for ir in MC, MR rows    A's micro-panel MR x KC stays in L1 ...
             for jr in NC, NR cols  ... while B's panels stream from L2
               micro-kernel: the MR x NR tile of C

   The micro-kernel (gemm_kernel.h) reads A through strides and B along unit-stride rows,
   with masked edges, so packing is an optimisation, not a requirement: small products
   (the deep learning shapes: a batch of 64 against a layer) skip it and read the
   operands where they lie; B is packed when its rows are not unit-stride (a transposed
   B) or when the product is large. A product whose B would need packing but whose A is
   smaller is computed as C^T = op(B)^T op(A)^T instead (C written through its strides).
   Threads split C into column (or row) strips, one per thread, each running the loop
   nest above with its own buffers (thread-local, reused across calls). */
#include "gemm.h"

#include <cblas.h>
#include <omp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../core/error.h"
#include "gemm_kernel.h"

#define KC 256
#define NC 512
#define MC 240
/* products with at least this many multiply-adds pack both operands (the cache blocking
   pays for the copies); smaller ones pack only what the kernel cannot read in place */
#define PACK_WORK (1 << 24)
/* products below this many multiply-adds stay on one thread */
#define THREAD_WORK (1 << 18)

/* ---- the setting ------------------------------------------------------------------------ */

enum { MODE_AUTO, MODE_DLUA, MODE_OPENBLAS };
static const char *mode_names[] = {"auto", "dlua", "openblas"};
static int mode = MODE_AUTO;
static const op_gemm_ukernel *kern;
static pthread_once_t once = PTHREAD_ONCE_INIT;
/* each thread's packing buffers, freed when the thread exits (a C API user's threads come
   and go) */
static pthread_key_t buf_key;
static int buf_key_ok;

static int mode_index(const char *name) {
  for (int i = 0; i < 3; i++)
    if (strcmp(name, mode_names[i]) == 0) return i;
  return -1;
}

static void init(void) {
  kern = op_gemm_avx512();
  if (!kern) kern = op_gemm_avx2();
  const char *env = getenv("DLUA_GEMM");
  int i = env ? mode_index(env) : -1;
  if (i >= 0) mode = i;
  buf_key_ok = pthread_key_create(&buf_key, free) == 0;
}

static void setup(void) { pthread_once(&once, init); }

int op_gemm_setmode(const char *fn, const char *name) {
  setup();
  int i = mode_index(name);
  if (i < 0)
    return dl_error("%s: unknown GEMM '%s' (expected 'auto', 'dlua' or 'openblas')", fn, name);
  mode = i;
  return 0;
}

const char *op_gemm_getmode(void) {
  setup();
  return mode_names[mode];
}

const char *op_gemm_kernel(void) {
  setup();
  return kern ? kern->name : "none";
}

int op_gemm_usekernel(const char *name) {
  setup();
  const op_gemm_ukernel *k = strcmp(name, "avx512") == 0 ? op_gemm_avx512()
                             : strcmp(name, "avx2") == 0 ? op_gemm_avx2()
                                                         : NULL;
  if (!k) return dl_error("gemm: kernel '%s' is not available on this CPU", name);
  kern = k;
  return 0;
}

/* ---- packing ----------------------------------------------------------------------------- */

/* B's block (kc x nc from b) into panels of nr columns: panel q holds element (p, j) at
   out[q kc nr + p nr + j]. The last panel is narrower (the kernel masks it). */
static void pack_b(int nr, int64_t kc, int64_t nc, const float *b, int64_t rsb, int64_t csb,
                   float *out) {
  for (int64_t j0 = 0; j0 < nc; j0 += nr) {
    int64_t w = nc - j0 < nr ? nc - j0 : nr;
    float *o = out + j0 * kc;
    const float *s = b + j0 * csb;
    if (csb == 1) {
      for (int64_t p = 0; p < kc; p++) memcpy(o + p * nr, s + p * rsb, (size_t)w * sizeof(float));
    } else { /* a transposed B: read along p, 16 steps at a time for the writes */
      for (int64_t p0 = 0; p0 < kc; p0 += 16) {
        int64_t pe = kc - p0 < 16 ? kc : p0 + 16;
        for (int64_t j = 0; j < w; j++) {
          const float *sj = s + j * csb;
          for (int64_t p = p0; p < pe; p++) o[p * nr + j] = sj[p * rsb];
        }
      }
    }
  }
}

/* A's block (mc x kc) into micro-panels of mr rows: panel r holds (i, p) at
   out[r kc mr + p mr + i]; the last panel is shorter. */
static void pack_a(int mr, int64_t mc, int64_t kc, const float *a, int64_t rsa, int64_t csa,
                   float *out) {
  for (int64_t i0 = 0; i0 < mc; i0 += mr) {
    int64_t h = mc - i0 < mr ? mc - i0 : mr;
    float *o = out + i0 * kc;
    const float *s = a + i0 * rsa;
    if (csa == 1) {
      for (int64_t i = 0; i < h; i++)
        for (int64_t p = 0; p < kc; p++) o[p * h + i] = s[i * rsa + p];
    } else {
      for (int64_t p = 0; p < kc; p++)
        for (int64_t i = 0; i < h; i++) o[p * h + i] = s[i * rsa + p * csa];
    }
  }
}

/* ---- the loop nest on one thread --------------------------------------------------------- */

typedef struct {
  int64_t m, n, k;
  float alpha, beta;
  const float *a, *b;
  float *c;
  int64_t rsa, csa, rsb, csb, rsc, csc;
} problem;

static _Thread_local float *tls_buf;

/* KC x NC of B, MC x KC of A and one tile, 64-byte aligned; NULL if out of memory. The
   thread-local pointer is the fast path; the key owns the buffer, so that the thread's
   exit frees it. */
static float *buffers(void) {
  if (tls_buf) return tls_buf;
  setup();
  if (!buf_key_ok) return NULL;
  float *b = aligned_alloc(64, sizeof(float) * (KC * NC + MC * KC + 6 * 64 + 64));
  if (b && pthread_setspecific(buf_key, b) != 0) {
    free(b);
    b = NULL;
  }
  return tls_buf = b;
}

/* The plain triple loop, for a thread that could not get its buffers. */
static void gemm_scalar(const problem *P) {
  for (int64_t i = 0; i < P->m; i++)
    for (int64_t j = 0; j < P->n; j++) {
      double s = 0;
      for (int64_t p = 0; p < P->k; p++)
        s += (double)P->a[i * P->rsa + p * P->csa] * P->b[p * P->rsb + j * P->csb];
      float *cij = P->c + i * P->rsc + j * P->csc;
      *cij = (float)(P->alpha * s + (P->beta == 0 ? 0 : P->beta * *cij));
    }
}

/* One block's operands as the tiles read them. */
typedef struct {
  const float *a, *b;
  int64_t rsa, csa, ldb, kc;
  int packa, packb;
  float be;
} block;

/* The tile at (ir, jr) of the block whose C corner is c. */
static void tile_at(const op_gemm_ukernel *K, const problem *P, const block *B, float *tbuf,
                    float *c, int64_t ir, int64_t jr, int mr, int nr) {
  const int NR = K->nr;
  const float *at = B->packa ? B->a + ir * B->kc : B->a + ir * B->rsa;
  int64_t rsa = B->packa ? 1 : B->rsa, csa = B->packa ? mr : B->csa;
  const float *bt = B->packb ? B->b + jr * B->kc : B->b + jr;
  float *ct = c + ir * P->rsc + jr * P->csc;
  if (P->csc == 1) {
    K->tile(mr, nr, B->kc, at, rsa, csa, bt, B->ldb, ct, P->rsc, P->alpha, B->be);
    return;
  }
  K->tile(mr, nr, B->kc, at, rsa, csa, bt, B->ldb, tbuf, NR, 1, 0);
  for (int j = 0; j < nr; j++)
    for (int i = 0; i < mr; i++) {
      float *cij = ct + i * P->rsc + j * P->csc;
      *cij = P->alpha * tbuf[i * NR + j] + (B->be == 0 ? 0 : B->be * *cij);
    }
}

static void gemm_serial(const op_gemm_ukernel *K, const problem *P) {
  float *buf = buffers();
  if (!buf) {
    gemm_scalar(P);
    return;
  }
  float *bp = buf, *ap = buf + KC * NC, *tbuf = ap + MC * KC;
  const int MR = K->mr, NR = K->nr;
  int big = P->m * P->n * P->k >= PACK_WORK;
  block B = {0};
  B.packb = P->csb != 1 || (big && P->m > 2 * MR);
  B.packa = big && P->n > 2 * NR;
  /* K in as few steps as the buffers allow: a narrow C takes deeper panels (up to 1024
     steps), so that C is read and written once and a small product has one pass */
  int64_t ncap = P->n < NC ? (P->n + NR - 1) / NR * NR : NC;
  int64_t kmax = B.packa ? KC : KC * NC / ncap;
  if (kmax > 1024) kmax = 1024;
  int64_t ksteps = (P->k + kmax - 1) / kmax, kstep = (P->k + ksteps - 1) / ksteps;
  for (int64_t jc = 0; jc < P->n; jc += NC) {
    int64_t nc = P->n - jc < NC ? P->n - jc : NC;
    for (int64_t pc = 0; pc < P->k; pc += kstep) {
      B.kc = P->k - pc < kstep ? P->k - pc : kstep;
      B.be = pc == 0 ? P->beta : 1;
      const float *bblk = P->b + pc * P->rsb + jc * P->csb;
      if (B.packb) {
        if (P->csb != 1 && P->rsb == 1 && K->pack_bt && P->csb < INT32_MAX / 16)
          K->pack_bt(B.kc, nc, bblk, P->csb, bp);
        else pack_b(NR, B.kc, nc, bblk, P->rsb, P->csb, bp);
      }
      B.b = B.packb ? bp : bblk;
      B.ldb = B.packb ? NR : P->rsb;
      for (int64_t ic = 0; ic < P->m; ic += MC) {
        int64_t mc = P->m - ic < MC ? P->m - ic : MC;
        const float *ablk = P->a + ic * P->rsa + pc * P->csa;
        if (B.packa) pack_a(MR, mc, B.kc, ablk, P->rsa, P->csa, ap);
        B.a = B.packa ? ap : ablk;
        B.rsa = P->rsa, B.csa = P->csa;
        float *c = P->c + ic * P->rsc + jc * P->csc;
        for (int64_t ir = 0; ir < mc; ir += MR)
          for (int64_t jr = 0; jr < nc; jr += NR)
            tile_at(K, P, &B, tbuf, c, ir, jr, (int)(mc - ir < MR ? mc - ir : MR),
                    (int)(nc - jr < NR ? nc - jr : NR));
      }
    }
  }
}

/* ---- a few rows against a transposed B: dot products ------------------------------------ */

/* C = alpha A B^T + beta C with A (m x k) and B (n x k) both rows along k: each element a
   dot product of two unit-stride rows, four rows of A at a time sharing the loads of B's
   row. For m below 16 and k from 128 this beats packing B (a k x n transpose for a
   handful of rows); shorter dot products lose to their reductions. */
static void gemm_dots(int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                      int64_t lda, const float *b, int64_t ldb, float beta, float *c,
                      int64_t ldc, int nt) {
#pragma omp parallel for num_threads(nt) if (nt > 1)
  for (int64_t j = 0; j < n; j++) {
    const float *bj = b + j * ldb;
    for (int64_t i0 = 0; i0 < m; i0 += 4) {
      int64_t h = m - i0 < 4 ? m - i0 : 4;
      const float *a0 = a + i0 * lda;
      float s[4] = {0, 0, 0, 0};
      if (h == 4) {
        const float *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
        for (int64_t p = 0; p < k; p++) {
          s0 += a0[p] * bj[p];
          s1 += a1[p] * bj[p];
          s2 += a2[p] * bj[p];
          s3 += a3[p] * bj[p];
        }
        s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3;
      } else {
        for (int64_t i = 0; i < h; i++) {
          const float *ai = a0 + i * lda;
          float si = 0;
#pragma omp simd reduction(+ : si)
          for (int64_t p = 0; p < k; p++) si += ai[p] * bj[p];
          s[i] = si;
        }
      }
      for (int64_t i = 0; i < h; i++) {
        float *cij = c + (i0 + i) * ldc + j;
        *cij = alpha * s[i] + (beta == 0 ? 0 : beta * *cij);
      }
    }
  }
}

/* ---- orientation and threads ------------------------------------------------------------- */

void op_sgemm_dlua(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                   float *c, int64_t ldc) {
  setup();
  const op_gemm_ukernel *K = kern;
  problem P = {m, n, k, alpha, beta, a, b, c, ta ? 1 : lda, ta ? lda : 1, tb ? 1 : ldb,
               tb ? ldb : 1, ldc, 1};
  int threads = omp_in_parallel() || m * n * k < THREAD_WORK ? 1 : omp_get_max_threads();
  if (!ta && tb && m < 16 && k >= 128) {
    gemm_dots(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
    return;
  }
  /* A transposed B must be packed (k n copies); C^T = op(B)^T op(A)^T instead packs
     op(A)^T (m k copies, none when A is transposed) but writes C through a tile buffer
     (m n scalar stores, counted twice). The cheaper wins, when m fills the vectors. */
  if (tb && m >= 16 && (ta ? 0 : m * k) + 2 * m * n < k * n) {
    problem T = {n, m, k, alpha, beta, b, a, c, P.csb, P.rsb, P.csa, P.rsa, 1, ldc};
    P = T;
  }
  int nt = threads;
  /* strips along the longer side of C, whole tiles each */
  int alongn = P.n >= P.m;
  int64_t len = alongn ? P.n : P.m, unit = alongn ? K->nr : K->mr;
  int64_t units = (len + unit - 1) / unit;
  if (nt > units) nt = (int)units;
  if (nt <= 1) {
    gemm_serial(K, &P);
    return;
  }
#pragma omp parallel num_threads(nt)
  {
    int t = omp_get_thread_num(), nth = omp_get_num_threads();
    int64_t lo = units * t / nth * unit, hi = units * (t + 1) / nth * unit;
    if (hi > len) hi = len;
    if (lo < hi) {
      problem S = P;
      if (alongn) {
        S.n = hi - lo;
        S.b += lo * P.csb;
        S.c += lo * P.csc;
      } else {
        S.m = hi - lo;
        S.a += lo * P.rsa;
        S.c += lo * P.rsc;
      }
      gemm_serial(K, &S);
    }
  }
}

/* ---- the entry points -------------------------------------------------------------------- */

/* C = beta C over m x n (beta == 0: zeros, C not read), one function per type. */
#define SCALE_C(name, T)                                                        \
  static void name(int64_t m, int64_t n, T beta, T *c, int64_t ldc) {           \
    for (int64_t i = 0; i < m; i++)                                             \
      for (int64_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j]; \
  }
SCALE_C(scale_float, float)
SCALE_C(scale_double, double)
#undef SCALE_C

/* Where auto sends a float product to dlua's kernel: the shape classes it won on the
   AVX-512 machine of docs/gemm.md (process CPU time, 75 shapes x 4 transposes). It loses
   on narrow products (m or n below 16: the tile's rows or lanes go unused), on short
   ones (k below 64, except with a transposed B), with both operands transposed, and on
   the largest (OpenBLAS's kernel is some 8% faster at 1024^3). The AVX2 kernel never
   beat OpenBLAS's Haswell one, so auto leaves an AVX2 CPU to OpenBLAS. */
static int auto_dlua(int ta, int tb, int64_t m, int64_t n, int64_t k) {
  if (strcmp(kern->name, "avx512") != 0) return 0;
  if (m < 16 || n < 16 || (ta && tb) || m * n * k >= ((int64_t)1 << 27)) return 0;
  return k >= 64 || (tb && k >= 16);
}

/* one row or one column of C through OpenBLAS's gemv: y = alpha op(M) x + beta y */
static void sgemv_route(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha,
                        const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                        float *c, int64_t ldc) {
  if (m == 1) /* C row = op(B)^T a-row; B stored k x n (tb = 0) or n x k (tb = 1) */
    cblas_sgemv(CblasRowMajor, tb ? CblasNoTrans : CblasTrans, tb ? (int)n : (int)k,
                tb ? (int)k : (int)n, alpha, b, (int)ldb, a, ta ? (int)lda : 1, beta, c, 1);
  else /* C column = op(A) b-column; A stored m x k (ta = 0) or k x m (ta = 1) */
    cblas_sgemv(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, ta ? (int)k : (int)m,
                ta ? (int)m : (int)k, alpha, a, (int)lda, b, tb ? 1 : (int)ldb, beta, c,
                (int)ldc);
}

void op_sgemm_raw(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                  int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    scale_float(m, n, beta, c, ldc);
    return;
  }
  setup();
  if (kern && (mode == MODE_DLUA || (mode == MODE_AUTO && auto_dlua(ta, tb, m, n, k)))) {
    op_sgemm_dlua(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else if (mode == MODE_AUTO && (m == 1 || n == 1)) {
    sgemv_route(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
  }
}

void op_dgemm_raw(int ta, int tb, int64_t m, int64_t n, int64_t k, double alpha,
                  const double *a, int64_t lda, const double *b, int64_t ldb, double beta,
                  double *c, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0) {
    scale_double(m, n, beta, c, ldc);
    return;
  }
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
              (int)m, (int)n, (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}
