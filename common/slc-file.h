/* Reading whole files into memory, with a size limit, and keeping file
 * names a request gives inside one directory. */
#ifndef SLC_FILE_H
#define SLC_FILE_H

#include <stddef.h>

#include "slc-error.h"

/* Reads the file at 'path' into a new NUL-terminated buffer ('*buf', freed
 * by the caller; '*size' excludes the terminator).  Fails with SLC_EIO
 * (naming the path and the system's reason), SLC_ETOOBIG when the file is
 * larger than 'max_size' bytes, or SLC_ENOMEM; then '*buf' is NULL. */
int slc_read_file(const char *path, size_t max_size, char **buf,
                  size_t *size, struct slc_error *err);

/* Resolves 'path' (relative to 'root', or absolute) to the real path of
 * an existing file under 'root' into 'out': a path with a ".." component,
 * or one that leaves 'root' through a symbolic link, is SLC_EDENIED naming
 * 'key', the path and the root; a missing or unreadable one SLC_EINVALID
 * naming the system's reason.  A NULL 'root' confines nothing (the path
 * must still exist). */
int slc_path_confine(const char *root, const char *path, const char *key,
                     char *out, size_t size, struct slc_error *err);

#endif
