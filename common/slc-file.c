/* Whole-file reads.  See slc-file.h. */
#include "slc-file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
slc_read_file(const char *path, size_t max_size, char **buf, size_t *size,
              struct slc_error *err)
{
    FILE *f = fopen(path, "rb");
    size_t len = 0, cap = 0;
    char *data = NULL;
    int rc = 0;

    *buf = NULL;
    *size = 0;
    if (!f) {
        return slc_error_set(err, SLC_EIO, "cannot open '%s': %s", path,
                             strerror(errno));
    }
    for (;;) {
        size_t n;

        if (len + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *ndata;

            if (len > max_size) {
                break;
            }
            ndata = realloc(data, ncap);
            if (!ndata) {
                rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
                break;
            }
            data = ndata;
            cap = ncap;
        }
        n = fread(data + len, 1, cap - len - 1, f);
        if (!n) {
            break;
        }
        len += n;
    }
    if (!rc && ferror(f)) {
        rc = slc_error_set(err, SLC_EIO, "cannot read '%s': %s", path,
                           strerror(errno));
    }
    if (!rc && len > max_size) {
        rc = slc_error_set(err, SLC_ETOOBIG,
                           "'%s' is larger than the limit of %zu bytes",
                           path, max_size);
    }
    fclose(f);
    if (rc) {
        free(data);
        return rc;
    }
    if (!data && !(data = malloc(1))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    data[len] = '\0';
    *buf = data;
    *size = len;
    return 0;
}
