/* Classifies Fashion-MNIST test images with a model saved by torch.save, through the C
   API (include/dlua.h), and prints the accuracy.

     infer MODEL [--data DIR] [--count N] [--batch B] [--threads T] [--predictions FILE]

   MODEL takes a batch of {B, 1, 28, 28} images with pixels in [0, 1] (as
   dl.datasets.fashionMNIST gives them) and returns {B, classes} scores; the class is the
   highest score. DIR holds t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz
   (default /usr/share/datasets/fashion-mnist); N images are classified (default all),
   B at a time (default 100), by T threads (default 1), each with its own session of the
   one model. FILE gets one predicted class (1-based) per line.

   Build: cc infer.c -ldlua -lz -lpthread (make builds it as $(BUILD)/examples/infer). */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dlua.h"

typedef struct {
  float *pixels; /* n x 28 x 28, in [0, 1] */
  unsigned char *labels;
  int64_t n;
} testset;

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads a gzip-compressed IDX file: its element bytes (malloc'ed) after a header of
   `ndim` sizes, which go into size[]. */
static unsigned char *read_idx(const char *path, int ndim, uint32_t *size, size_t *count) {
  gzFile f = gzopen(path, "rb");
  if (!f) {
    fprintf(stderr, "infer: cannot open %s: %s\n", path, strerror(errno));
    return NULL;
  }
  unsigned char head[16];
  int hn = 4 + 4 * ndim;
  unsigned char *data = NULL;
  if (gzread(f, head, (unsigned)hn) != hn || be32(head) != (uint32_t)(0x800 + ndim)) {
    fprintf(stderr, "infer: %s is not an IDX file of %d dimensions\n", path, ndim);
    goto done;
  }
  *count = 1;
  for (int d = 0; d < ndim; d++) {
    size[d] = be32(head + 4 + 4 * d);
    *count *= size[d];
  }
  data = malloc(*count ? *count : 1);
  if (!data || gzread(f, data, (unsigned)*count) != (int)*count) {
    fprintf(stderr, "infer: %s: truncated\n", path);
    free(data);
    data = NULL;
  }
done:
  gzclose(f);
  return data;
}

static int load_testset(const char *dir, int64_t want, testset *t) {
  char path[4096];
  uint32_t isz[3], lsz[1];
  size_t ni, nl;
  snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte.gz", dir);
  unsigned char *img = read_idx(path, 3, isz, &ni);
  snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte.gz", dir);
  unsigned char *lab = img ? read_idx(path, 1, lsz, &nl) : NULL;
  if (!lab || isz[1] != 28 || isz[2] != 28 || isz[0] != lsz[0]) {
    if (lab) fprintf(stderr, "infer: the images are not 28x28 or not one per label\n");
    free(img);
    free(lab);
    return -1;
  }
  t->n = want > 0 && want < (int64_t)isz[0] ? want : (int64_t)isz[0];
  t->pixels = malloc((size_t)t->n * 784 * sizeof(float));
  if (!t->pixels) {
    free(img);
    free(lab);
    return -1;
  }
  for (size_t i = 0; i < (size_t)t->n * 784; i++) t->pixels[i] = img[i] / 255.0f;
  t->labels = lab;
  free(img);
  return 0;
}

typedef struct {
  const dlua_model *model;
  const testset *data;
  int64_t batch;
  int thread, nthreads; /* this thread runs batches thread, thread + nthreads, ... */
  int *predicted;       /* 0-based classes, one per image */
  int failed;
} job;

static void *classify(void *arg) {
  job *j = arg;
  dlua_session *s;
  if (dlua_session_open(&s, j->model, NULL) != DLUA_OK) {
    fprintf(stderr, "infer: %s\n", s ? dlua_session_error(s) : "out of memory");
    dlua_session_free(s);
    j->failed = 1;
    return NULL;
  }
  int64_t nbatches = (j->data->n + j->batch - 1) / j->batch;
  for (int64_t b = j->thread; b < nbatches && !j->failed; b += j->nthreads) {
    int64_t first = b * j->batch;
    int64_t len = j->data->n - first < j->batch ? j->data->n - first : j->batch;
    int64_t shape[4] = {len, 1, 28, 28};
    const float *out;
    const int64_t *oshape;
    int ondim;
    if (dlua_session_run(s, j->data->pixels + first * 784, 4, shape) != DLUA_OK ||
        dlua_session_output(s, &out, &ondim, &oshape) != DLUA_OK) {
      fprintf(stderr, "infer: %s\n", dlua_session_error(s));
      j->failed = 1;
      break;
    }
    if (ondim != 2 || oshape[0] != len) {
      fprintf(stderr, "infer: the model's output is not {%lld, classes}\n", (long long)len);
      j->failed = 1;
      break;
    }
    for (int64_t i = 0; i < len; i++) {
      const float *row = out + i * oshape[1];
      int best = 0;
      for (int64_t c = 1; c < oshape[1]; c++)
        if (row[c] > row[best]) best = (int)c;
      j->predicted[first + i] = best;
    }
  }
  dlua_session_free(s);
  return NULL;
}

static int usage(void) {
  fprintf(stderr, "usage: infer MODEL [--data DIR] [--count N] [--batch B] [--threads T] "
                  "[--predictions FILE]\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *model_path = NULL, *dir = "/usr/share/datasets/fashion-mnist", *preds = NULL;
  long long count = 0, batch = 100, nthreads = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-') {
      if (model_path) return usage();
      model_path = a;
    } else if (i + 1 >= argc) return usage();
    else if (!strcmp(a, "--data")) dir = argv[++i];
    else if (!strcmp(a, "--count")) count = atoll(argv[++i]);
    else if (!strcmp(a, "--batch")) batch = atoll(argv[++i]);
    else if (!strcmp(a, "--threads")) nthreads = atoll(argv[++i]);
    else if (!strcmp(a, "--predictions")) preds = argv[++i];
    else return usage();
  }
  if (!model_path || batch < 1 || nthreads < 1 || nthreads > 64 || count < 0) return usage();

  dlua_model *model;
  if (dlua_model_open(&model, model_path, NULL) != DLUA_OK) {
    fprintf(stderr, "infer: %s\n", model ? dlua_model_error(model) : "out of memory");
    dlua_model_free(model);
    return 1;
  }
  testset data;
  if (load_testset(dir, count, &data) < 0) {
    dlua_model_free(model);
    return 1;
  }
  int *predicted = calloc((size_t)data.n, sizeof *predicted);
  job jobs[64];
  pthread_t threads[64];
  int failed = !predicted;
  for (int t = 0; t < nthreads && !failed; t++) {
    jobs[t] = (job){model, &data, batch, t, (int)nthreads, predicted, 0};
    if (pthread_create(&threads[t], NULL, classify, &jobs[t]) != 0) {
      fprintf(stderr, "infer: cannot start thread %d\n", t + 1);
      nthreads = t;
      failed = 1;
    }
  }
  for (int t = 0; t < nthreads && predicted; t++) {
    pthread_join(threads[t], NULL);
    failed |= jobs[t].failed;
  }
  int64_t correct = 0;
  if (!failed) {
    FILE *f = preds ? fopen(preds, "w") : NULL;
    if (preds && !f) {
      fprintf(stderr, "infer: cannot write %s: %s\n", preds, strerror(errno));
      failed = 1;
    }
    for (int64_t i = 0; i < data.n; i++) {
      correct += predicted[i] == data.labels[i];
      if (f) fprintf(f, "%d\n", predicted[i] + 1);
    }
    if (f) fclose(f);
    if (!failed)
      printf("%s: %lld test images, accuracy %.4f (%lld thread%s)\n", dlua_model_class(model),
             (long long)data.n, (double)correct / (double)data.n, nthreads,
             nthreads > 1 ? "s" : "");
  }
  free(predicted);
  free(data.pixels);
  free(data.labels);
  dlua_model_free(model);
  return failed ? 1 : 0;
}
