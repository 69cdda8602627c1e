/* What every nn kernel starts with: the argument checks, each with one wording, the
   contiguous-input helper, the output resize, and the one parallel grain.

   Every kernel takes `fn`, the name of what the script called ("nn.SpatialConvolution",
   passed down by the binding), and begins its messages with it; a check returns -1 with
   dl_error set, so a kernel writes `if (nn_check_float(fn, "input", in) < 0) return -1;`.
   `what` names the argument as the user knows it: "input", "gradOutput", "weight". */
#ifndef NN_PRELUDE_H
#define NN_PRELUDE_H

#include "../core/error.h"
#include "../core/tensor.h"

/* Loops of fewer elements (or multiply-adds) than this stay on one thread: below it the
   cost of waking OpenMP's threads exceeds the work. */
#define NN_GRAIN 32768

/* t is a Float or Double tensor. */
int nn_check_float(const char *fn, const char *what, const dl_tensor *t);
/* t (when not NULL) has type dt, the input's: "weight is a Double tensor, input a Float". */
int nn_check_type(const char *fn, const char *what, const dl_tensor *t, dl_dtype dt);
/* t has ndim dimensions, or one of two counts (lo or hi: the 3D or batched 4D image). */
int nn_check_ndim(const char *fn, const char *what, const dl_tensor *t, int lo, int hi);
/* t has the sizes of like (a gradOutput against the output, say). */
int nn_check_samesize(const char *fn, const char *what, const dl_tensor *t,
                      const dl_tensor *like);
/* t has the n sizes given in size. */
int nn_check_size(const char *fn, const char *what, const dl_tensor *t, int n,
                  const int64_t *size);
/* t (when not NULL) has n elements. */
int nn_check_numel(const char *fn, const char *what, const dl_tensor *t, int64_t n);
/* t has the n elements that like implies (a target for an input, say): "target of size 5,
   expected 6 elements for input of size 2x3". */
int nn_check_count(const char *fn, const char *what, const dl_tensor *t, int64_t n,
                   const char *likewhat, const dl_tensor *like);
/* t (when not NULL) is a vector of n elements of type dt (weights, biases, statistics). */
int nn_check_vec(const char *fn, const char *what, const dl_tensor *t, int64_t n, dl_dtype dt);
/* t is a Float or Double image, C x H x W or a batch N x C x H x W, of planes planes
   (any number when planes is 0). */
int nn_check_image(const char *fn, const char *what, const dl_tensor *t, int64_t planes);

/* dst becomes a contiguous version of src: a view of it when src already is contiguous,
   a copy otherwise. Free it with dl_tensor_free. */
int nn_contiguous(dl_tensor *dst, const dl_tensor *src);
/* a and b become contiguous versions of x and y, or neither does (-1); nn_free_pair frees
   both and returns rc: the prologue and epilogue of a kernel with two such operands. */
int nn_contiguous_pair(dl_tensor *a, const dl_tensor *x, dl_tensor *b, const dl_tensor *y);
int nn_free_pair(dl_tensor *a, dl_tensor *b, int rc);
/* out takes like's sizes, unless it is like's very memory (an in-place layer). */
int nn_resize_out(dl_tensor *out, const dl_tensor *like);

/* Contiguous stand-ins of a kernel's vector arguments (weights, biases, statistics), so
   that its loops take plain pointers: a view of each vector when it is contiguous (the
   modules' own buffers always are), else a copy, written back by nn_vecs_close for the
   vectors the kernel updates. Absent (NULL) vectors give NULL. */
#define NN_MAXVECS 8
typedef struct {
  int n, rc;
  dl_tensor *t[NN_MAXVECS], w[NN_MAXVECS];
  int update[NN_MAXVECS];
} nn_vecs;
void nn_vecs_init(nn_vecs *v);
/* The data of t's stand-in; NULL when t is NULL, or on failure (v->rc is then -1). */
void *nn_vecs_add(nn_vecs *v, const dl_tensor *t, int update);
/* Writes the updated stand-ins back when rc and v->rc are 0, frees them all; returns
   rc, or -1 when anything failed. */
int nn_vecs_close(nn_vecs *v, int rc);

#endif
