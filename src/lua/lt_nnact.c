#include "lt.h"

void lt_open_nnact(lua_State *L) { (void)L; }
