#include "dtype.h"

static const size_t sizes[DL_NTYPES] = {sizeof(float), sizeof(double), sizeof(int64_t),
                                        sizeof(uint8_t)};
static const char *names[DL_NTYPES] = {"Float", "Double", "Long", "Byte"};

size_t dl_dtype_size(dl_dtype t) { return t < DL_NTYPES ? sizes[t] : 0; }
const char *dl_dtype_name(dl_dtype t) { return t < DL_NTYPES ? names[t] : "?"; }
int dl_dtype_isfloat(dl_dtype t) { return t == DL_FLOAT || t == DL_DOUBLE; }
