/* Errors. A core function that fails records a message and returns -1 (or NULL);
   the caller passes it on, and the Lua bindings raise it as a Lua error. The message
   names the function, the argument and the sizes, in the 1-based terms a script uses. */
#ifndef DL_ERROR_H
#define DL_ERROR_H

#if defined(__GNUC__)
#define DL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DL_PRINTF(a, b)
#endif

/* Records the message (printf-style) and returns -1. */
int dl_error(const char *fmt, ...) DL_PRINTF(1, 2);
/* The last message recorded on this thread. */
const char *dl_errmsg(void);
/* Records a warning (printf-style) for the caller to show: a call that succeeded but
   relied on a deprecated form (Torch7's same-count elementwise pairing). One is kept per
   thread; a newer one replaces it. The Lua bindings print it at the script's line. */
void dl_warn(const char *fmt, ...) DL_PRINTF(1, 2);
/* The pending warning of this thread, or NULL; taking it clears it. The text stays valid
   until the next dl_warn on this thread. */
const char *dl_takewarning(void);

#endif
