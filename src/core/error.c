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
