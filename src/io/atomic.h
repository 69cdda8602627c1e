/* Atomic replacement of a file: write a temporary next to the target, then rename it
   over the target, so that a crash mid-write leaves the previous file whole.

   Temporaries are named "<target>.tmp-<pid>-XXXXXX". A save killed mid-write leaves
   its temporary behind; io_atomic_sweep removes those of the same target whose process
   is gone (no process with that pid on this machine), so they do not pile up. */
#ifndef IO_ATOMIC_H
#define IO_ATOMIC_H

#include <stdio.h>

/* Creates the temporary for target, with the usual permissions (umask), after sweeping
   stale ones. *temp is malloc'ed (the caller frees it). Returns the open descriptor, or
   -1 and an error naming target. */
int io_atomic_begin(const char *target, char **temp);
/* Renames temp (already written, synced and closed) over target and syncs the folder.
   Returns -1 and an error on failure; temp is left for the caller to remove. */
int io_atomic_commit(const char *temp, const char *target);
/* Removes the stale temporaries of target (see above); returns how many. */
int io_atomic_sweep(const char *target);

#endif
