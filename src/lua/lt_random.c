#include "lt.h"

void lt_open_random(lua_State *L) { (void)L; }
