/* The typed loops of attention.c, as plain functions, included once per floating type
   (T the element type, FN(name) the function's name for it; GEMM is op_sgemm_raw or
   op_dgemm_raw (gemm.h), EXP exp or expf). q, k, v, out and the gradients are attn_heads
   (a head's rows at a leading dimension of their own); the masks, probabilities and dropout are
   contiguous. attention.c has checked the sizes (and that they fit BLAS's int); work holds
   two T x S blocks per thread of the nt the loops may use. mask_all is nonzero when the
   additive mask has one T x S block per batch entry and head.

   The heads are independent, so the loops over them run in parallel (each thread with its
   own scratch); BLAS called inside a parallel region runs on the calling thread. */

/* row-major C (m x n) = alpha op(A) op(B) + beta C */
static void FN(attn_gemm)(int ta, int tb, int64_t m, int64_t n, int64_t k, double alpha,
                          const T *a, int64_t lda, const T *b, int64_t ldb, double beta, T *c,
                          int64_t ldc) {
  /* k == 0 gives beta C (gemm.h), where BLAS itself would leave C alone */
  GEMM(ta, tb, m, n, k, (T)alpha, a, lda, b, ldb, (T)beta, c, ldc);
}

/* head (b, h) of an operand */
static T *FN(head)(const attn_heads *a, int64_t b, int64_t h) {
  return (T *)a->data + b * a->sb + h * a->sh;
}

static void FN(attn_forward)(const attn_heads *out, T *P, T *work, const attn_heads *q,
                             const attn_heads *k, const attn_heads *v, const T *mask,
                             int mask_all, const uint8_t *pad, const T *drop, int causal,
                             double scale, int64_t B, int64_t H, int64_t Tq, int64_t S,
                             int64_t D, int64_t Dv, int nt) {
  const int64_t TS = Tq * S;
#pragma omp parallel for num_threads(nt) if (nt > 1 && B * H * TS * (D + Dv) >= NN_GRAIN)
  for (int64_t bh = 0; bh < B * H; bh++) {
    const int64_t b = bh / H, h = bh % H;
    T *p = P + bh * TS, *wk = work ? work + omp_get_thread_num() * 2 * TS : NULL;
    const uint8_t *pb = pad ? pad + b * S : NULL;
    const T *mb = mask ? mask + (mask_all ? bh * TS : 0) : NULL;
    FN(attn_gemm)(0, 1, Tq, S, D, scale, FN(head)(q, b, h), q->st, FN(head)(k, b, h), k->st, 0,
                  p, S);
    for (int64_t i = 0; i < Tq; i++) {
      T *row = p + i * S;
      /* keys past last are the future of query i: weight 0, and no exp spent on them */
      int64_t last = causal ? i + S - Tq : S - 1;
      if (last > S - 1) last = S - 1;
      for (int64_t j = last + 1 < 0 ? 0 : last + 1; j < S; j++) row[j] = 0;
      int64_t n = last + 1; /* the keys a query may see, 0 when it sees none */
      T mx = -INFINITY;
      /* the reductions may reorder (simd): max is exact in any order, and the sum's
         rounding differs from the sequential one by a few ulp of the row's total */
#pragma omp simd reduction(max : mx)
      for (int64_t j = 0; j < n; j++) {
        T s = row[j] + (mb ? mb[i * S + j] : 0);
        s = pb && pb[j] ? -INFINITY : s;
        row[j] = s;
        mx = s > mx ? s : mx;
      }
      if (mx == -INFINITY) { /* every key masked: no weights, not 0/0 */
        for (int64_t j = 0; j < n; j++) row[j] = 0;
        continue;
      }
#pragma omp simd
      for (int64_t j = 0; j < n; j++) row[j] = EXP(row[j] - mx);
      T sum = 0;
#pragma omp simd reduction(+ : sum)
      for (int64_t j = 0; j < n; j++) sum += row[j];
      T r = 1 / sum;
#pragma omp simd
      for (int64_t j = 0; j < n; j++) row[j] *= r;
    }
    const T *w = p;
    if (drop) {
      const T *db = drop + bh * TS;
      for (int64_t j = 0; j < TS; j++) wk[j] = p[j] * db[j];
      w = wk;
    }
    FN(attn_gemm)(0, 0, Tq, Dv, S, 1, w, S, FN(head)(v, b, h), v->st, 0, FN(head)(out, b, h),
                  out->st);
  }
}

/* With W = P * drop: gv = W^T go, dW = go v^T, dP = dW * drop, and the softmax's
   dS = P * (dP - rowsum(P * dP)); gq = scale dS k, gk = scale dS^T q. */
static void FN(attn_backward)(const attn_heads *gq, const attn_heads *gk, const attn_heads *gv,
                              T *work, const attn_heads *q, const attn_heads *k,
                              const attn_heads *v, const T *P, const T *drop,
                              const attn_heads *go, double scale, int64_t B, int64_t H,
                              int64_t Tq, int64_t S, int64_t D, int64_t Dv, int nt) {
  const int64_t TS = Tq * S;
#pragma omp parallel for num_threads(nt) if (nt > 1 && B * H * TS * (D + Dv) >= NN_GRAIN)
  for (int64_t bh = 0; bh < B * H; bh++) {
    const int64_t b = bh / H, h = bh % H;
    T *w = work + omp_get_thread_num() * 2 * TS, *ds = w + TS;
    const T *p = P + bh * TS, *db = drop ? drop + bh * TS : NULL, *gob = FN(head)(go, b, h);
    const T *wp = p;
    if (db) {
      for (int64_t j = 0; j < TS; j++) w[j] = p[j] * db[j];
      wp = w;
    }
    FN(attn_gemm)(1, 0, S, Dv, Tq, 1, wp, S, gob, go->st, 0, FN(head)(gv, b, h), gv->st);
    FN(attn_gemm)(0, 1, Tq, S, Dv, 1, gob, go->st, FN(head)(v, b, h), v->st, 0, ds, S);
    for (int64_t i = 0; i < Tq; i++) {
      T *d = ds + i * S;
      const T *pr = p + i * S;
      if (db)
        for (int64_t j = 0; j < S; j++) d[j] *= db[i * S + j];
      T dot = 0;
#pragma omp simd reduction(+ : dot)
      for (int64_t j = 0; j < S; j++) dot += pr[j] * d[j];
#pragma omp simd
      for (int64_t j = 0; j < S; j++) d[j] = pr[j] * (d[j] - dot);
    }
    FN(attn_gemm)(0, 0, Tq, D, S, scale, ds, S, FN(head)(k, b, h), k->st, 0, FN(head)(gq, b, h),
                  gq->st);
    FN(attn_gemm)(1, 0, S, D, Tq, scale, ds, S, FN(head)(q, b, h), q->st, 0, FN(head)(gk, b, h),
                  gk->st);
  }
}
