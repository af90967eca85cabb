/* Reading whole files into memory, with a size limit. */
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

#endif
