#include "lt.h"

void lt_open_reduction(lua_State *L) { (void)L; }
