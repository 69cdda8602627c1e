#include "lt.h"

void lt_open_indexing(lua_State *L) { (void)L; }
