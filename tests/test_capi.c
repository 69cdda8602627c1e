/* The C API (include/dlua.h) on the models of tests/corpus/capi (made by its
   make_models.lua, whose weight formulas w1, b1, w2, b2 below repeat): outputs against a
   scalar forward in double, the Double and ASCII files, every error path (a file that is
   missing, truncated, corrupted, not a module, a model returning a table, bad arguments,
   options of an unknown size, a wrong input size), and two threads with their own
   sessions of one model giving bit for bit the results of one session. Run from the
   project root (make test does). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/dlua.h"
#include "check.h"

#define CORPUS "tests/corpus/capi/"

static double w1(int i, int j) { return 0.1 * i - 0.2 * j + 0.05; }
static double b1(int i) { return 0.01 * i; }
static double w2(int i, int j) { return 0.3 * j - 0.1 * i; }
static double b2(int i) { return -0.02 * i; }

/* The model's forward on one sample x[4] in double. */
static void reference(const float *x, double *y) {
  double h[3];
  for (int i = 1; i <= 3; i++) {
    double s = b1(i);
    for (int j = 1; j <= 4; j++) s += w1(i, j) * x[j - 1];
    h[i - 1] = tanh(s);
  }
  for (int i = 1; i <= 2; i++) {
    double s = b2(i);
    for (int j = 1; j <= 3; j++) s += w2(i, j) * h[j - 1];
    y[i - 1] = s;
  }
}

static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = malloc(1 << 16);
  *n = buf ? fread(buf, 1, 1 << 16, f) : 0;
  fclose(f);
  return buf;
}

static int contains(const char *s, const char *part) { return s && strstr(s, part) != NULL; }

/* Runs the batch x (n x 4) through s and checks it against the reference. */
static void check_outputs(dlua_session *s, const float *x, int64_t n, double tol) {
  int64_t shape[2] = {n, 4};
  CHECK(dlua_session_run(s, x, 2, shape) == DLUA_OK);
  const float *y;
  const int64_t *ys;
  int nd;
  CHECK(dlua_session_output(s, &y, &nd, &ys) == DLUA_OK);
  CHECK(nd == 2 && ys[0] == n && ys[1] == 2);
  if (nd != 2 || ys[0] != n || ys[1] != 2) return;
  for (int64_t i = 0; i < n; i++) {
    double want[2];
    reference(x + 4 * i, want);
    CHECK_NEAR(y[2 * i], want[0], tol);
    CHECK_NEAR(y[2 * i + 1], want[1], tol);
  }
}

static const float X[12] = {0.5f, -1.0f, 2.0f, 0.25f, -0.75f, 1.5f, 0.0f, -2.0f,
                            3.0f, 0.125f, -0.5f, 1.0f};

static void test_outputs(void) {
  const char *files[] = {CORPUS "mlp.t7", CORPUS "mlp_double.t7"};
  for (int f = 0; f < 2; f++) {
    dlua_model *m;
    CHECK(dlua_model_open(&m, files[f], NULL) == DLUA_OK);
    CHECK(strcmp(dlua_model_class(m), "nn.Sequential") == 0);
    CHECK(strcmp(dlua_model_error(m), "") == 0);
    dlua_session *s;
    dlua_session_options so = {sizeof so, 2};
    CHECK(dlua_session_open(&s, m, &so) == DLUA_OK);
    dlua_model_free(m); /* a session outlives its model */
    check_outputs(s, X, 3, 1e-6);
    check_outputs(s, X + 4, 1, 1e-6); /* a smaller batch after a larger one */
    /* one sample as a 1-D input gives a 1-D output */
    int64_t shape[1] = {4};
    CHECK(dlua_session_run(s, X, 1, shape) == DLUA_OK);
    float out[2];
    size_t count = 0;
    CHECK(dlua_session_output_copy(s, out, 2, &count) == DLUA_OK && count == 2);
    double want[2];
    reference(X, want);
    CHECK_NEAR(out[0], want[0], 1e-6);
    CHECK_NEAR(out[1], want[1], 1e-6);
    CHECK(dlua_session_output_copy(s, out, 1, &count) == DLUA_ERR_ARGUMENT && count == 2);
    CHECK(contains(dlua_session_error(s), "the output has 2 floats, dst holds 1"));
    dlua_session_free(s);
  }
  /* an ASCII file, given the format */
  dlua_model *m;
  dlua_model_options mo = {sizeof mo, "ascii"};
  CHECK(dlua_model_open(&m, CORPUS "mlp_ascii.t7", &mo) == DLUA_OK);
  dlua_session *s;
  CHECK(dlua_session_open(&s, m, NULL) == DLUA_OK);
  check_outputs(s, X, 3, 1e-6);
  dlua_session_free(s);
  dlua_model_free(m);
  /* from memory */
  size_t n;
  char *bytes = slurp(CORPUS "mlp.t7", &n);
  CHECK(bytes != NULL);
  CHECK(dlua_model_open_memory(&m, bytes, n, NULL) == DLUA_OK);
  free(bytes);
  CHECK(dlua_session_open(&s, m, NULL) == DLUA_OK);
  check_outputs(s, X, 3, 1e-6);
  dlua_session_free(s);
  dlua_model_free(m);
}

/* Opens bytes that must fail with status st and a message containing part. */
static void check_bad_model(const char *bytes, size_t n, dlua_status st, const char *part) {
  dlua_model *m;
  CHECK(dlua_model_open_memory(&m, bytes, n, NULL) == st);
  CHECK(m != NULL && contains(dlua_model_error(m), part));
  if (!contains(dlua_model_error(m), part))
    fprintf(stderr, "  message: %s (wanted '%s')\n", dlua_model_error(m), part);
  /* a failed model makes no session */
  dlua_session *s;
  CHECK(dlua_session_open(&s, m, NULL) == DLUA_ERR_STATE);
  CHECK(contains(dlua_session_error(s), "the model failed to open"));
  dlua_session_free(s);
  dlua_model_free(m);
}

static void test_bad_files(void) {
  dlua_model *m;
  CHECK(dlua_model_open(&m, CORPUS "missing.t7", NULL) == DLUA_ERR_IO);
  CHECK(contains(dlua_model_error(m), "cannot open 'tests/corpus/capi/missing.t7'"));
  dlua_model_free(m);

  size_t n;
  char *bytes = slurp(CORPUS "mlp.t7", &n);
  CHECK(bytes != NULL && n > 1000);
  if (!bytes) return;
  /* truncated anywhere: nothing, inside the header, a class name, a tensor, the end */
  size_t cuts[] = {0, 3, 20, n / 4, n / 2, n - 9, n - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
    check_bad_model(bytes, cuts[i], DLUA_ERR_MODEL, "dlua_model_open_memory: deserialize: ");
  check_bad_model(bytes, n / 2, DLUA_ERR_MODEL, "t7: truncated");

  char *bad = malloc(n);
  memcpy(bad, bytes, n);
  bad[0] = 99; /* the first type tag */
  check_bad_model(bad, n, DLUA_ERR_MODEL, "deserialize: ");
  memcpy(bad, bytes, n);
  char *name = memmem(bad, n, "nn.Sequential", 13);
  CHECK(name != NULL);
  if (name) {
    name[12] = 'x'; /* a class no module registers */
    check_bad_model(bad, n, DLUA_ERR_MODEL, "nn.Sequentiax");
    memcpy(bad, bytes, n);
    memcpy(name - 4, "\xff\xff\xff\x7f", 4); /* its length: 2 GB */
    check_bad_model(bad, n, DLUA_ERR_MODEL, "truncated or corrupt");
  }
  free(bad);
  free(bytes);

  bytes = slurp(CORPUS "table.t7", &n);
  check_bad_model(bytes, n, DLUA_ERR_MODEL, "the file holds a table, not an nn module");
  free(bytes);

  /* a model returning a table opens, and fails to run */
  CHECK(dlua_model_open(&m, CORPUS "concat.t7", NULL) == DLUA_OK);
  dlua_session *s;
  CHECK(dlua_session_open(&s, m, NULL) == DLUA_OK);
  int64_t shape[2] = {1, 4};
  CHECK(dlua_session_run(s, X, 2, shape) == DLUA_ERR_RUN);
  CHECK(contains(dlua_session_error(s), "the model returned a table, not a tensor"));
  dlua_session_free(s);
  dlua_model_free(m);
}

static void test_bad_arguments(void) {
  dlua_model *m = NULL;
  CHECK(dlua_model_open(NULL, CORPUS "mlp.t7", NULL) == DLUA_ERR_ARGUMENT);
  CHECK(dlua_model_open(&m, NULL, NULL) == DLUA_ERR_ARGUMENT);
  CHECK(contains(dlua_model_error(m), "path is NULL"));
  dlua_model_free(m);
  CHECK(dlua_model_open_memory(&m, NULL, 3, NULL) == DLUA_ERR_ARGUMENT);
  dlua_model_free(m);
  dlua_model_options small = {sizeof(size_t), NULL};
  CHECK(dlua_model_open(&m, CORPUS "mlp.t7", &small) == DLUA_ERR_ARGUMENT);
  CHECK(contains(dlua_model_error(m), "set size = sizeof(dlua_model_options)"));
  dlua_model_free(m);
  dlua_model_options fmt = {sizeof fmt, "xml"};
  CHECK(dlua_model_open(&m, CORPUS "mlp.t7", &fmt) == DLUA_ERR_ARGUMENT);
  CHECK(contains(dlua_model_error(m), "format must be binary, ascii, b32 or b64, got 'xml'"));
  dlua_model_free(m);
  CHECK(strcmp(dlua_model_error(NULL), "dlua_model_error: the model is NULL") == 0);
  CHECK(strcmp(dlua_status_name(DLUA_ERR_MODEL), "DLUA_ERR_MODEL") == 0);
  CHECK(strcmp(dlua_status_name((dlua_status)42), "DLUA_ERR_UNKNOWN") == 0);
  dlua_model_free(NULL);
  dlua_session_free(NULL);

  CHECK(dlua_model_open(&m, CORPUS "mlp.t7", NULL) == DLUA_OK);
  dlua_session *s;
  CHECK(dlua_session_open(NULL, m, NULL) == DLUA_ERR_ARGUMENT);
  CHECK(dlua_session_open(&s, NULL, NULL) == DLUA_ERR_ARGUMENT);
  CHECK(contains(dlua_session_error(s), "the model is NULL"));
  dlua_session_free(s);
  dlua_session_options so = {sizeof so, -1};
  CHECK(dlua_session_open(&s, m, &so) == DLUA_ERR_ARGUMENT);
  CHECK(contains(dlua_session_error(s), "num_threads must be in [0, 1024], got -1"));
  dlua_session_free(s);
  so = (dlua_session_options){1, 1};
  CHECK(dlua_session_open(&s, m, &so) == DLUA_ERR_ARGUMENT);
  /* a session that failed to open refuses to run */
  int64_t four[1] = {4};
  CHECK(dlua_session_run(s, X, 1, four) == DLUA_ERR_STATE);
  CHECK(contains(dlua_session_error(s), "the session failed to open"));
  dlua_session_free(s);
  CHECK(dlua_session_run(NULL, X, 1, four) == DLUA_ERR_ARGUMENT);

  CHECK(dlua_session_open(&s, m, NULL) == DLUA_OK);
  const float *y;
  const int64_t *ys;
  int nd;
  CHECK(dlua_session_output(s, &y, &nd, &ys) == DLUA_ERR_STATE);
  CHECK(contains(dlua_session_error(s), "no output: the session has not run successfully"));
  int64_t shape[3] = {2, 4, 1};
  CHECK(dlua_session_run(s, X, 0, shape) == DLUA_ERR_ARGUMENT);
  CHECK(contains(dlua_session_error(s), "ndim must be in [1, 16], got 0"));
  CHECK(dlua_session_run(s, X, 17, shape) == DLUA_ERR_ARGUMENT);
  CHECK(dlua_session_run(s, NULL, 2, shape) == DLUA_ERR_ARGUMENT);
  CHECK(dlua_session_run(s, X, 2, NULL) == DLUA_ERR_ARGUMENT);
  int64_t zero[2] = {0, 4}, huge[2] = {INT64_MAX / 2, 4};
  CHECK(dlua_session_run(s, X, 2, zero) == DLUA_ERR_ARGUMENT);
  CHECK(contains(dlua_session_error(s), "shape[0] must be at least 1, got 0"));
  CHECK(dlua_session_run(s, X, 2, huge) == DLUA_ERR_ARGUMENT);
  CHECK(contains(dlua_session_error(s), "overflows"));
  /* the model refuses a wrong size, naming the module */
  int64_t wrong[2] = {4, 3};
  CHECK(dlua_session_run(s, X, 2, wrong) == DLUA_ERR_RUN);
  CHECK(contains(dlua_session_error(s), "dlua_session_run: In 1 module of nn.Sequential:\n"
                                        "nn.Linear: input of size 4x3, expected 4 features"));
  CHECK(!contains(dlua_session_error(s), "dlua_session:"));
  CHECK(dlua_session_output(s, &y, &nd, &ys) == DLUA_ERR_STATE); /* no stale output */
  /* and the session still runs */
  check_outputs(s, X, 3, 1e-6);
  CHECK(dlua_session_output(s, NULL, &nd, &ys) == DLUA_ERR_ARGUMENT);
  dlua_session_free(s);
  dlua_model_free(m);
}

/* ---- threads ---- */

#define BATCHES 40
#define BATCH 16

typedef struct {
  const dlua_model *model;
  const float *inputs; /* BATCHES x BATCH x 4 */
  float *outputs;      /* BATCHES x BATCH x 2 */
  int ok;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  dlua_session *s;
  w->ok = dlua_session_open(&s, w->model, NULL) == DLUA_OK;
  int64_t shape[2] = {BATCH, 4};
  for (int b = 0; b < BATCHES && w->ok; b++)
    w->ok = dlua_session_run(s, w->inputs + b * BATCH * 4, 2, shape) == DLUA_OK &&
            dlua_session_output_copy(s, w->outputs + b * BATCH * 2, BATCH * 2, NULL) == DLUA_OK;
  dlua_session_free(s);
  return NULL;
}

static void test_threads(void) {
  dlua_model *m;
  CHECK(dlua_model_open(&m, CORPUS "mlp.t7", NULL) == DLUA_OK);
  enum { N = BATCHES * BATCH };
  float *in = malloc(2 * N * 4 * sizeof(float)), *out = calloc(2 * N * 2, sizeof(float)),
        *one = calloc(2 * N * 2, sizeof(float));
  uint32_t r = 12345;
  for (int i = 0; i < 2 * N * 4; i++) {
    r = r * 1664525u + 1013904223u;
    in[i] = (float)((r >> 8) / 16777216.0 * 4.0 - 2.0);
  }
  /* one session, both halves */
  worker solo[2] = {{m, in, one, 0}, {m, in + N * 4, one + N * 2, 0}};
  work(&solo[0]);
  work(&solo[1]);
  CHECK(solo[0].ok && solo[1].ok);
  /* two threads at once, a session each */
  worker w[2] = {{m, in, out, 0}, {m, in + N * 4, out + N * 2, 0}};
  pthread_t t[2];
  for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  CHECK(w[0].ok && w[1].ok);
  CHECK(memcmp(out, one, 2 * N * 2 * sizeof(float)) == 0);
  double want[2];
  reference(in + 4 * (2 * N - 1), want);
  CHECK_NEAR(out[2 * (2 * N - 1)], want[0], 1e-6);
  free(in);
  free(out);
  free(one);
  dlua_model_free(m);
}

int main(void) {
  test_outputs();
  test_bad_files();
  test_bad_arguments();
  test_threads();
  return check_done("test_capi");
}
