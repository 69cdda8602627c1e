#include "lt.h"

void lt_open_io(lua_State *L) { (void)L; }
