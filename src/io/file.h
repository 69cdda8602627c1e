/* Whole-file reading, gzip or plain (zlib reads both the same way). */
#ifndef IO_FILE_H
#define IO_FILE_H

#include <stddef.h>

/* Reads the file at path, decompressing gzip; *out is malloc'ed (NUL-terminated) and
   *len set. Returns -1 with an error naming the path when it cannot be read, or when it
   would exceed max_bytes once decompressed. */
int io_read_all(const char *path, size_t max_bytes, char **out, size_t *len);

#endif
