/* The C API for inference (include/dlua.h, docs/c_api.md): the handles, their argument
   checks and error messages, and reading the model file. The model and the forward pass
   run in a Lua state of dlua's (src/lua/lt_capi.c, behind lt_capi.h, which names no Lua
   type: this file does not include lua.h). No function here aborts, exits or keeps state
   outside the handles it is given. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../include/dlua.h"
#include "../lua/lt_capi.h"

#define ERRLEN 512

struct dlua_model {
  char *bytes; /* the file, checked by loading it once */
  size_t n;
  char format[8];
  char cls[128];
  int ok;
  char err[ERRLEN];
};

struct dlua_session {
  lt_runtime *rt;
  int has_out;      /* the last run succeeded */
  const float *out; /* its output, inside rt */
  int out_ndim;
  const int64_t *out_shape;
  char err[ERRLEN];
};

static dlua_status fail(char *err, dlua_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static dlua_status fail(char *err, dlua_status st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, ERRLEN, fmt, ap);
  va_end(ap);
  return st;
}

const char *dlua_version(void) { return "dlua 0.1.0"; }

const char *dlua_status_name(dlua_status status) {
  static const char *const names[] = {"DLUA_OK",        "DLUA_ERR_ARGUMENT", "DLUA_ERR_IO",
                                      "DLUA_ERR_MODEL", "DLUA_ERR_RUN",      "DLUA_ERR_MEMORY",
                                      "DLUA_ERR_STATE"};
  if ((unsigned)status < sizeof names / sizeof names[0]) return names[status];
  return "DLUA_ERR_UNKNOWN";
}

/* The status of a runtime failure: st, or DLUA_ERR_MEMORY when memory ran out. */
static dlua_status runtime_status(const char *err, dlua_status st) {
  return strcmp(err, "out of memory") ? st : DLUA_ERR_MEMORY;
}

/* An options struct is NULL (the defaults) or at least as large as this version's: a
   later version's larger struct is read up to the fields this one knows. */
static int opt_size_ok(const void *opt, size_t size, size_t known) {
  return !opt || size >= known;
}

/* The options, then one load of m's bytes to check them. */
static dlua_status model_load(dlua_model *m, const dlua_model_options *opt) {
  const char *format = "binary";
  if (!opt_size_ok(opt, opt ? opt->size : 0, sizeof(dlua_model_options)))
    return fail(m->err, DLUA_ERR_ARGUMENT,
                "options: size %zu is not that of a dlua_model_options "
                "(set size = sizeof(dlua_model_options))",
                opt->size);
  if (opt && opt->format) format = opt->format;
  if (strcmp(format, "binary") && strcmp(format, "ascii") && strcmp(format, "b32") &&
      strcmp(format, "b64"))
    return fail(m->err, DLUA_ERR_ARGUMENT,
                "options: format must be binary, ascii, b32 or b64, got '%.32s'",
                format);
  snprintf(m->format, sizeof m->format, "%s", format);
  lt_runtime *rt;
  char err[ERRLEN];
  if (lt_runtime_open(&rt, m->bytes, m->n, m->format, 1, err, sizeof err) < 0)
    return fail(m->err, runtime_status(err, DLUA_ERR_MODEL),
                "%s", err);
  snprintf(m->cls, sizeof m->cls, "%s", lt_runtime_class(rt));
  lt_runtime_close(rt);
  m->ok = 1;
  return DLUA_OK;
}

/* Opens m from its bytes (m->bytes, m->n set): the options, then one load to check them.
   Messages begin with fn and, for a file, its path. */
static dlua_status model_check(dlua_model *m, const dlua_model_options *opt, const char *fn,
                               const char *path) {
  dlua_status st = model_load(m, opt);
  if (st != DLUA_OK) {
    char msg[ERRLEN];
    snprintf(msg, sizeof msg, "%s", m->err);
    if (path) fail(m->err, st, "%s: '%s': %s", fn, path, msg);
    else fail(m->err, st, "%s: %s", fn, msg);
  }
  return st;
}

static dlua_model *model_new(dlua_model **model) {
  if (model) *model = calloc(1, sizeof **model);
  return model ? *model : NULL;
}

dlua_status dlua_model_open(dlua_model **model, const char *path, const dlua_model_options *opt) {
  dlua_model *m = model_new(model);
  if (!model) return DLUA_ERR_ARGUMENT;
  if (!m) return DLUA_ERR_MEMORY;
  if (!path) return fail(m->err, DLUA_ERR_ARGUMENT, "dlua_model_open: path is NULL");
  FILE *f = fopen(path, "rb");
  if (!f)
    return fail(m->err, DLUA_ERR_IO, "dlua_model_open: cannot open '%s': %s", path,
                strerror(errno));
  /* read to the end in growing blocks: the size of a pipe or /proc file is not known */
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  int rerr = 0;
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) {
      rerr = ferror(f);
      break;
    }
    char *grown = cap <= ((size_t)-1) / 2 ? realloc(buf, cap * 2) : NULL;
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  fclose(f);
  if (!buf) return fail(m->err, DLUA_ERR_MEMORY, "dlua_model_open: '%s': out of memory", path);
  if (rerr) {
    free(buf);
    return fail(m->err, DLUA_ERR_IO, "dlua_model_open: error reading '%s'", path);
  }
  m->bytes = buf;
  m->n = n;
  return model_check(m, opt, "dlua_model_open", path);
}

dlua_status dlua_model_open_memory(dlua_model **model, const void *bytes, size_t n,
                                   const dlua_model_options *opt) {
  dlua_model *m = model_new(model);
  if (!model) return DLUA_ERR_ARGUMENT;
  if (!m) return DLUA_ERR_MEMORY;
  if (!bytes) return fail(m->err, DLUA_ERR_ARGUMENT, "dlua_model_open_memory: bytes is NULL");
  m->bytes = malloc(n ? n : 1);
  if (!m->bytes) return fail(m->err, DLUA_ERR_MEMORY, "dlua_model_open_memory: out of memory");
  memcpy(m->bytes, bytes, n);
  m->n = n;
  return model_check(m, opt, "dlua_model_open_memory", NULL);
}

const char *dlua_model_class(const dlua_model *model) { return model ? model->cls : ""; }

const char *dlua_model_error(const dlua_model *model) {
  return model ? model->err : "dlua_model_error: the model is NULL";
}

void dlua_model_free(dlua_model *model) {
  if (!model) return;
  free(model->bytes);
  free(model);
}

dlua_status dlua_session_open(dlua_session **session, const dlua_model *model,
                              const dlua_session_options *opt) {
  if (!session) return DLUA_ERR_ARGUMENT;
  dlua_session *s = *session = calloc(1, sizeof *s);
  if (!s) return DLUA_ERR_MEMORY;
  if (!model) return fail(s->err, DLUA_ERR_ARGUMENT, "dlua_session_open: the model is NULL");
  if (!model->ok)
    return fail(s->err, DLUA_ERR_STATE,
                "dlua_session_open: the model failed to open (dlua_model_error says why)");
  if (!opt_size_ok(opt, opt ? opt->size : 0, sizeof(dlua_session_options)))
    return fail(s->err, DLUA_ERR_ARGUMENT,
                "dlua_session_open: options: size %zu is not that of a dlua_session_options "
                "(set size = sizeof(dlua_session_options))",
                opt->size);
  int threads = opt ? opt->num_threads : 0;
  if (threads < 0 || threads > 1024)
    return fail(s->err, DLUA_ERR_ARGUMENT,
                "dlua_session_open: options: num_threads must be in [0, 1024], got %d", threads);
  char err[ERRLEN];
  if (lt_runtime_open(&s->rt, model->bytes, model->n, model->format, threads ? threads : 1, err,
                      sizeof err) < 0)
    return fail(s->err, runtime_status(err, DLUA_ERR_MODEL),
                "dlua_session_open: %s", err);
  return DLUA_OK;
}

const char *dlua_session_error(const dlua_session *session) {
  return session ? session->err : "dlua_session_error: the session is NULL";
}

void dlua_session_free(dlua_session *session) {
  if (!session) return;
  lt_runtime_close(session->rt);
  free(session);
}

dlua_status dlua_session_run(dlua_session *s, const float *input, int ndim,
                             const int64_t *shape) {
  if (!s) return DLUA_ERR_ARGUMENT;
  if (!s->rt)
    return fail(s->err, DLUA_ERR_STATE,
                "dlua_session_run: the session failed to open (dlua_session_error said why)");
  s->has_out = 0; /* a failed run leaves no output */
  if (ndim < 1 || ndim > DLUA_MAX_DIMS)
    return fail(s->err, DLUA_ERR_ARGUMENT,
                "dlua_session_run: ndim must be in [1, %d], got %d", DLUA_MAX_DIMS, ndim);
  if (!shape) return fail(s->err, DLUA_ERR_ARGUMENT, "dlua_session_run: shape is NULL");
  if (!input) return fail(s->err, DLUA_ERR_ARGUMENT, "dlua_session_run: input is NULL");
  int64_t numel = 1;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] < 1)
      return fail(s->err, DLUA_ERR_ARGUMENT,
                  "dlua_session_run: shape[%d] must be at least 1, got %lld", d,
                  (long long)shape[d]);
    if (numel > (INT64_MAX / (int64_t)sizeof(float)) / shape[d])
      return fail(s->err, DLUA_ERR_ARGUMENT, "dlua_session_run: the shape's size overflows");
    numel *= shape[d];
  }
  const float *out;
  int out_ndim;
  const int64_t *out_shape;
  char err[ERRLEN];
  if (lt_runtime_forward(s->rt, input, ndim, shape, &out, &out_ndim, &out_shape, err,
                         sizeof err) < 0)
    return fail(s->err, runtime_status(err, DLUA_ERR_RUN),
                "dlua_session_run: %s", err);
  s->has_out = 1;
  s->out = out;
  s->out_ndim = out_ndim;
  s->out_shape = out_shape;
  return DLUA_OK;
}

static dlua_status have_output(dlua_session *s, const char *fn) {
  if (!s->has_out)
    return fail(s->err, DLUA_ERR_STATE, "%s: no output: the session has not run successfully",
                fn);
  return DLUA_OK;
}

static size_t out_count(const dlua_session *s) {
  size_t n = 1;
  for (int d = 0; d < s->out_ndim; d++) n *= (size_t)s->out_shape[d];
  return s->out_ndim ? n : 0;
}

dlua_status dlua_session_output(dlua_session *s, const float **data, int *ndim,
                                const int64_t **shape) {
  if (!s) return DLUA_ERR_ARGUMENT;
  if (!data || !ndim || !shape)
    return fail(s->err, DLUA_ERR_ARGUMENT, "dlua_session_output: data, ndim and shape must not be NULL");
  dlua_status st = have_output(s, "dlua_session_output");
  if (st != DLUA_OK) return st;
  *data = s->out;
  *ndim = s->out_ndim;
  *shape = s->out_shape;
  return DLUA_OK;
}

dlua_status dlua_session_output_copy(dlua_session *s, float *dst, size_t capacity,
                                     size_t *count) {
  if (!s) return DLUA_ERR_ARGUMENT;
  dlua_status st = have_output(s, "dlua_session_output_copy");
  if (st != DLUA_OK) return st;
  size_t n = out_count(s);
  if (count) *count = n;
  if (!dst) return fail(s->err, DLUA_ERR_ARGUMENT, "dlua_session_output_copy: dst is NULL");
  if (n > capacity)
    return fail(s->err, DLUA_ERR_ARGUMENT,
                "dlua_session_output_copy: the output has %zu floats, dst holds %zu", n,
                capacity);
  if (n) memcpy(dst, s->out, n * sizeof(float));
  return DLUA_OK;
}
