#include "lt.h"

void lt_open_nn(lua_State *L) { (void)L; }
