/* dlua.h: running a model saved by torch.save from a C (or C++) program.

   A dlua_model holds a checked model file; a dlua_session, made from a model, runs it:
   one session per thread, each owning its buffers (and its own Lua state), so sessions
   of one model run in parallel. A model is read-only once opened and may be shared by
   threads; a session must not be used by two threads at once.

   Every function returns a dlua_status. A handle keeps the message of its last error
   (dlua_model_error, dlua_session_error); opening a model or a session gives a handle
   even when it fails (unless memory runs out), so that the message can be read, and the
   handle must then be freed. Nothing here aborts or exits on bad input, and there is no
   global state: handles share nothing but the model's bytes.

   Options structs begin with their size, so that later versions can add fields: set
   `size = sizeof(struct)` (dlua_model_options opt = {sizeof opt}) or pass NULL for the
   defaults. See docs/c_api.md. Link with -ldlua (libdlua.so). */
#ifndef DLUA_H
#define DLUA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DLUA_API_VERSION 1
#define DLUA_MAX_DIMS 16

typedef enum dlua_status {
  DLUA_OK = 0,
  DLUA_ERR_ARGUMENT = 1, /* a NULL handle or pointer, a bad shape, an unknown options size */
  DLUA_ERR_IO = 2,       /* the model file cannot be opened or read */
  DLUA_ERR_MODEL = 3,    /* the bytes are not a usable model: truncated, corrupted, not an
                            nn module, a class this library does not have */
  DLUA_ERR_RUN = 4,      /* the model refused the input (a wrong size) or failed running */
  DLUA_ERR_MEMORY = 5,   /* out of memory */
  DLUA_ERR_STATE = 6     /* the handle failed to open, or there is no output yet */
} dlua_status;

typedef struct dlua_model dlua_model;
typedef struct dlua_session dlua_session;

typedef struct dlua_model_options {
  size_t size;        /* sizeof(dlua_model_options) */
  const char *format; /* "binary" (NULL: the default), "ascii" or "b32", as torch.load's */
} dlua_model_options;

typedef struct dlua_session_options {
  size_t size;     /* sizeof(dlua_session_options) */
  int num_threads; /* OpenMP threads of one run (0: 1, the right count for a session per
                      thread) */
} dlua_session_options;

/* The library's version ("dlua 0.x") and a status's name ("DLUA_ERR_MODEL"). */
const char *dlua_version(void);
const char *dlua_status_name(dlua_status status);

/* Opens the model file at path (or the n bytes at `bytes`, which are copied): reads it
   and checks it completely by loading it once as a session would. *model is set to a new
   handle, also on failure (then only dlua_model_error and dlua_model_free apply), or NULL
   when memory ran out or model is NULL. */
dlua_status dlua_model_open(dlua_model **model, const char *path, const dlua_model_options *opt);
dlua_status dlua_model_open_memory(dlua_model **model, const void *bytes, size_t n,
                                   const dlua_model_options *opt);
/* The model's class name ("nn.Sequential"), or "" when it failed to open. */
const char *dlua_model_class(const dlua_model *model);
/* The message of the model's error ("" when none); valid until the model is freed. */
const char *dlua_model_error(const dlua_model *model);
/* Frees the model (NULL is allowed). Sessions made from it stay usable. */
void dlua_model_free(dlua_model *model);

/* A new session running model (which it does not modify: several threads may make
   sessions of one model at once). *session is set as dlua_model_open sets *model. */
dlua_status dlua_session_open(dlua_session **session, const dlua_model *model,
                              const dlua_session_options *opt);
const char *dlua_session_error(const dlua_session *session);
void dlua_session_free(dlua_session *session);

/* Runs the model on the ndim-dimensional input of the given shape (row-major floats,
   copied): a batch of images is {batch, channels, height, width}. */
dlua_status dlua_session_run(dlua_session *session, const float *input, int ndim,
                             const int64_t *shape);
/* The last run's output: *data, *ndim and *shape point into the session, valid until its
   next run or free. */
dlua_status dlua_session_output(dlua_session *session, const float **data, int *ndim,
                                const int64_t **shape);
/* Copies the last run's output into dst, which holds `capacity` floats; *count (may be
   NULL) gets the element count. DLUA_ERR_ARGUMENT when it does not fit. */
dlua_status dlua_session_output_copy(dlua_session *session, float *dst, size_t capacity,
                                     size_t *count);

#ifdef __cplusplus
}
#endif

#endif
