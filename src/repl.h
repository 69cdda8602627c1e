/* The dlua executable: dlua.c runs scripts and options as lua.c does; repl.c is the
   interactive loop (line editing, history, completion, printing of results). */
#ifndef DLUA_REPL_H
#define DLUA_REPL_H

#include <lua.h>

#define DLUA_VERSION "dlua 0.1.0"

/* Name used in messages ("dlua: ..."). */
extern const char *dlua_progname;

/* Calls the function under narg arguments on the stack in protected mode, with a
   traceback handler, and with Ctrl-C interrupting it. Returns the status. */
int dlua_docall(lua_State *L, int narg, int nres);
/* Prints the error message at the top of the stack (if status is not OK) and pops it. */
int dlua_report(lua_State *L, int status);
/* Prints a message to stderr, prefixed with the program name when it is not NULL. */
void dlua_message(const char *pname, const char *msg);

/* Runs the read-eval-print loop until end of input. With a terminal on stdin it uses
   libedit (history in ~/.dlua_history, tab completion); otherwise plain lines. */
void repl_run(lua_State *L);

#endif
