/* The typed loop of signal.c, as a plain function. signal.c includes this file once per
   type, with T the element type, ACC its accumulator and FN(name) the function's name for
   it. It uses signal.c's sig_plan, defined before the include. Every array is contiguous;
   the kernels are already reversed when convolving, so this only correlates. */

/* out[q] = sum over i < p->nsum of correlate(in plane q*in_q + i*in_i, kernel plane
   q*ker_q + i*ker_i), each output row (q, z, y) computed on its own, in parallel. */
static void FN(correlate)(T *out, const T *in, const T *ker, const sig_plan *p) {
  const int64_t id = p->in[0], ih = p->in[1], iw = p->in[2];
  const int64_t kd = p->ker[0], kh = p->ker[1], kw = p->ker[2];
  const int64_t od = p->out[0], oh = p->out[1], ow = p->out[2];
  const int64_t pd = p->pad[0], ph = p->pad[1], pw = p->pad[2];
  const int64_t isz = id * ih * iw, ksz = kd * kh * kw, rows = p->nout * od * oh;
#pragma omp parallel for schedule(static) if (p->work >= 2.0 * OP_GRAIN && rows > 1)
  for (int64_t r = 0; r < rows; r++) {
    const int64_t q = r / (od * oh), z = (r / oh) % od, y = r % oh;
    /* the kernel offsets that land inside the image, per dimension */
    const int64_t zlo = pd > z ? pd - z : 0, zhi = id + pd - z < kd ? id + pd - z : kd;
    const int64_t ylo = ph > y ? ph - y : 0, yhi = ih + ph - y < kh ? ih + ph - y : kh;
    T *o = out + r * ow;
    for (int64_t x = 0; x < ow; x++) {
      const int64_t xlo = pw > x ? pw - x : 0, xhi = iw + pw - x < kw ? iw + pw - x : kw;
      ACC s = 0;
      for (int64_t i = 0; i < p->nsum; i++) {
        const T *ip = in + (q * p->in_q + i * p->in_i) * isz;
        const T *kp = ker + (q * p->ker_q + i * p->ker_i) * ksz;
        for (int64_t kz = zlo; kz < zhi; kz++)
          for (int64_t ky = ylo; ky < yhi; ky++) {
            /* an index, not a pointer: before the row's start when x < pw, never read */
            const int64_t base = ((z - pd + kz) * ih + (y - ph + ky)) * iw + (x - pw);
            const T *krow = kp + (kz * kh + ky) * kw;
            for (int64_t kx = xlo; kx < xhi; kx++) s += (ACC)ip[base + kx] * (ACC)krow[kx];
          }
      }
      o[x] = (T)s;
    }
  }
}
