/* Element types. One kernel source serves every type through DL_DISPATCH. */
#ifndef DL_DTYPE_H
#define DL_DTYPE_H

#include <stddef.h>
#include <stdint.h>

/* Appended in the order they were added, so that tables indexed by dtype keep their rows.
   Char is signed (int8_t), Short int16_t, Int int32_t, as Torch7 on x86. Half is IEEE
   binary16 (dl_half): storage, copies and conversions only, as in Torch7; no math
   dispatches on it (DL_DISPATCH skips it, so kernels must refuse it, see dl_dtype_ismath). */
typedef enum {
  DL_FLOAT,
  DL_DOUBLE,
  DL_LONG,
  DL_BYTE,
  DL_CHAR,
  DL_SHORT,
  DL_INT,
  DL_HALF,
  DL_NTYPES
} dl_dtype;

/* A binary16 value's bits (see dl_half_from_float / dl_half_to_float in dtype.c). */
typedef struct {
  uint16_t bits;
} dl_half;

size_t dl_dtype_size(dl_dtype t);
const char *dl_dtype_name(dl_dtype t);     /* "Float", "Double", "Long", "Byte", "Char", ... */
int dl_dtype_isfloat(dl_dtype t);          /* Float and Double (the types with float math) */
int dl_dtype_ismath(dl_dtype t);           /* every type but Half */

/* IEEE binary16 conversions: float to half rounds to nearest, ties to even, with
   subnormals, overflow to infinity and NaN kept a (quiet) NaN; half to float is exact. */
dl_half dl_half_from_float(float f);
dl_half dl_half_from_double(double d);
float dl_half_to_float(dl_half h);

/* DL_DISPATCH(dtype, MACRO): expands MACRO(ctype) in the case of dtype.
   MACRO is a statement that may use the C type it is given. Half has no case. */
#define DL_DISPATCH(dt, M)                          \
  switch (dt) {                                     \
  case DL_FLOAT: { M(float); } break;               \
  case DL_DOUBLE: { M(double); } break;             \
  case DL_LONG: { M(int64_t); } break;              \
  case DL_BYTE: { M(uint8_t); } break;              \
  case DL_CHAR: { M(int8_t); } break;               \
  case DL_SHORT: { M(int16_t); } break;             \
  case DL_INT: { M(int32_t); } break;               \
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
