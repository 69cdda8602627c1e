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

#endif
