#include "lt.h"

void lt_open_blas(lua_State *L) { (void)L; }
