/* Convolution and cross-correlation of images with kernels: Torch7's conv2, xcorr2, conv3
   and xcorr3. The prefix op_sig_ ("signal") keeps these apart from nn's convolution layers
   (src/nn/conv.c), which are strided, padded, batched GEMMs with a bias; these are the
   textbook operations of signal processing, on every tensor type.

   nsp is the number of spatial dimensions (2 or 3). With S = nsp, x and k are one of:
     x S-D, k S-D:                 one image, one kernel; the result is S-D;
     x (p x S), k (p x S):         plane i of x with kernel i; the result is p x S;
     x (p x S), k (q x p x S):     result plane j = sum over i of x[i] with k[j][i] (the
                                   matrix-vector form); the result is q x S.
   full = 0 is the valid mode ('V': only where the kernel fits inside the image, each size
   i - k + 1, the image at least as large as the kernel); full = 1 the full mode ('F':
   every overlap, each size i + k - 1, the image zero outside). flip = 1 convolves (the
   kernel reversed in every spatial dimension), flip = 0 cross-correlates.

   res is resized and takes x's type; k must have x's type. Floats accumulate in double,
   integers in int64 (a Byte result wraps modulo 256). res may share storage with x or k. */
#ifndef OP_SIGNAL_H
#define OP_SIGNAL_H

#include "../core/tensor.h"

int op_sig_conv(const char *fn, dl_tensor *res, const dl_tensor *x, const dl_tensor *k, int nsp,
                int full, int flip);

#endif
