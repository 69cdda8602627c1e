/* Atomic file replacement and the sweep of temporaries left by killed saves. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/error.h"
#include "atomic.h"

/* The folder part of path ("." when none) into buf; returns the base name in path, or
   NULL when the folder does not fit in buf (cut short, it would name another folder). */
static const char *split_path(const char *path, char *buf, size_t cap) {
  const char *slash = strrchr(path, '/');
  if (!slash) {
    snprintf(buf, cap, ".");
    return path;
  }
  size_t n = (size_t)(slash - path);
  if (n == 0) n = 1; /* "/x": the root */
  if (n >= cap) return NULL;
  memcpy(buf, path, n);
  buf[n] = 0;
  return slash + 1;
}

/* True when name is "<base>.tmp-<pid>-XXXXXX" and no process <pid> exists. */
static int is_stale(const char *name, const char *base) {
  size_t bl = strlen(base);
  if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp-", 5) != 0) return 0;
  const char *p = name + bl + 5;
  char *end;
  errno = 0;
  long pid = strtol(p, &end, 10);
  if (errno || end == p || *end != '-' || strlen(end + 1) != 6 || pid <= 0) return 0;
  if (pid == (long)getpid()) return 0;
  return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

int io_atomic_sweep(const char *target) {
  char dir[4096], path[8192];
  const char *base = split_path(target, dir, sizeof dir);
  if (!base) return 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  int removed = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!is_stale(e->d_name, base)) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (remove(path) == 0) removed++;
  }
  closedir(d);
  return removed;
}

int io_atomic_begin(const char *target, char **temp) {
  size_t n = strlen(target) + 40;
  *temp = malloc(n);
  if (!*temp) return dl_error("save: out of memory");
  io_atomic_sweep(target);
  snprintf(*temp, n, "%s.tmp-%ld-XXXXXX", target, (long)getpid());
  int fd = mkstemp(*temp);
  if (fd < 0) {
    int e = errno;
    free(*temp);
    *temp = NULL;
    return dl_error("save: cannot create a temporary file next to '%s': %s", target, strerror(e));
  }
  /* mkstemp makes the file private; a saved file gets the usual permissions */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  return fd;
}

int io_atomic_commit(const char *temp, const char *target) {
  if (rename(temp, target) != 0)
    return dl_error("save: cannot rename the temporary file over '%s': %s", target,
                    strerror(errno));
  /* the rename itself is durable only once the folder is synced */
  char dir[4096];
  FILE *f = split_path(target, dir, sizeof dir) ? fopen(dir, "r") : NULL;
  if (f) {
    fsync(fileno(f));
    fclose(f);
  }
  return 0;
}
