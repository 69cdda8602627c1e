/* A tiny C test harness: CHECK(cond) and CHECK_NEAR(a, b, tol) count and report, and
   check_done() prints "N passed, N failed" and gives the exit status. */
#ifndef CHECK_H
#define CHECK_H

#include <math.h>
#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                    \
  do {                                                                 \
    if (cond) {                                                        \
      check_passed++;                                                  \
    } else {                                                           \
      check_failed++;                                                  \
      fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
    }                                                                  \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                          \
  do {                                                                 \
    double check_a = (a), check_b = (b);                               \
    if (fabs(check_a - check_b) <= (tol)) {                            \
      check_passed++;                                                  \
    } else {                                                           \
      check_failed++;                                                  \
      fprintf(stderr, "%s:%d: %s = %.10g, expected %.10g (tol %g)\n", __FILE__, __LINE__, \
              #a, check_a, check_b, (double)(tol));                    \
    }                                                                  \
  } while (0)

static int check_done(const char *name) {
  printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
  return check_failed ? 1 : 0;
}

#endif
