/* Histograms: Torch7's histc (of every element) and bhistc (of each row of a matrix).
   nbins equal bins cover [lo, hi]; an element v in range falls in bin
   floor((v - lo) / (hi - lo) * nbins), hi itself in the last one; elements outside the
   range, and NaN, are not counted. lo == hi (Torch7's default 0, 0) takes the range from
   the data, its smallest and largest value (NaN ignored); when those are equal too the
   range is [v - 1, v + 1]. A range that is still not finite, or lo > hi, is an error.
   Float, Double and Long tensors; the counts take x's type (a Byte count would wrap at
   256). res is resized and may share storage with x. */
#ifndef OP_HISTOGRAM_H
#define OP_HISTOGRAM_H

#include "../core/tensor.h"

/* res: 1D of nbins. */
int op_hist_histc(const char *fn, dl_tensor *res, const dl_tensor *x, int64_t nbins, double lo,
                  double hi);
/* x: 2D (rows x n); res: rows x nbins, row r the histogram of x's row r. The range, when
   taken from the data, is that of the whole matrix, as in Torch7. */
int op_hist_bhistc(const char *fn, dl_tensor *res, const dl_tensor *x, int64_t nbins,
                   double lo, double hi);

#endif
