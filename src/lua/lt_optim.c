#include "lt.h"

void lt_open_optim(lua_State *L) { (void)L; }
