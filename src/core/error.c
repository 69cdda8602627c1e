#include <stdarg.h>
#include <stdio.h>

#include "error.h"

/* Per thread, so that kernels running in OpenMP threads cannot garble it. */
static _Thread_local char errbuf[512];

int dl_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(errbuf, sizeof errbuf, fmt, ap);
  va_end(ap);
  return -1;
}

const char *dl_errmsg(void) { return errbuf[0] ? errbuf : "unknown error"; }

static _Thread_local char warnbuf[512];
static _Thread_local int warned;

void dl_warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(warnbuf, sizeof warnbuf, fmt, ap);
  va_end(ap);
  warned = 1;
}

const char *dl_takewarning(void) {
  if (!warned) return NULL;
  warned = 0;
  return warnbuf;
}
