/* Embedding (nn.LookupTable): rows of a weight matrix picked by indices, and the
   gradient scattered back into them. Float and double weights, any strides; indices are
   a LongTensor of any shape. Every kernel takes fn, the name of what the script called,
   first, and begins its errors with it (see prelude.h). */
#ifndef NN_EMBEDDING_H
#define NN_EMBEDDING_H

#include "../core/tensor.h"

/* out (resized to index's sizes x D) gets the rows weight[index - base]. weight is V x D.
   An index outside [base, base+V) is an error naming it and its position. */
int nn_lookup_forward(const char *fn, dl_tensor *out, const dl_tensor *weight,
                      const dl_tensor *index, int64_t base);
/* gradWeight[index - base] += scale * gradOut rows, skipping rows whose index equals
   padding (pass a value below base for none). */
int nn_lookup_backward(const char *fn, dl_tensor *gradWeight, const dl_tensor *index,
                       const dl_tensor *gradOut, double scale, int64_t base, int64_t padding);

#endif
