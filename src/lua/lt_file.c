#include "lt.h"

void lt_open_file(lua_State *L) { (void)L; }
