#include "lt.h"

void lt_open_math(lua_State *L) { (void)L; }
