/* Element types. One kernel source serves every type through DL_DISPATCH. */
#ifndef DL_DTYPE_H
#define DL_DTYPE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { DL_FLOAT, DL_DOUBLE, DL_LONG, DL_BYTE, DL_NTYPES } dl_dtype;

size_t dl_dtype_size(dl_dtype t);
const char *dl_dtype_name(dl_dtype t);     /* "Float", "Double", "Long", "Byte" */
int dl_dtype_isfloat(dl_dtype t);

/* DL_DISPATCH(dtype, MACRO): expands MACRO(ctype) in the case of dtype.
   MACRO is a statement that may use the C type it is given. */
#define DL_DISPATCH(dt, M)                          \
  switch (dt) {                                     \
  case DL_FLOAT: { M(float); } break;               \
  case DL_DOUBLE: { M(double); } break;             \
  case DL_LONG: { M(int64_t); } break;              \
  case DL_BYTE: { M(uint8_t); } break;              \
  default: break;                                   \
  }

/* Only the floating types, for math that has no integer meaning. */
#define DL_DISPATCH_FLOAT(dt, M)                    \
  switch (dt) {                                     \
  case DL_FLOAT: { M(float); } break;               \
  case DL_DOUBLE: { M(double); } break;             \
  default: break;                                   \
  }

#endif
