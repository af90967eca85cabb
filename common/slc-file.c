/* Whole-file reads.  See slc-file.h. */
#include "slc-file.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
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

/* Whether 'path' has a ".." component. */
static bool
has_dotdot(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")); p += 2) {
        if ((p == path || p[-1] == '/') && (p[2] == '/' || !p[2])) {
            return true;
        }
    }
    return false;
}

int
slc_path_confine(const char *root, const char *path, const char *key,
                 char *out, size_t size, struct slc_error *err)
{
    char joined[PATH_MAX], real[PATH_MAX], real_root[PATH_MAX];
    size_t len;

    if (!path || !*path || has_dotdot(path)) {
        return slc_error_set(err, SLC_EDENIED,
                             "%s: '%s' may not contain '..'", key,
                             path ? path : "");
    }
    snprintf(joined, sizeof joined, "%s%s%s",
             path[0] == '/' || !root ? "" : root,
             path[0] == '/' || !root ? "" : "/", path);
    if (!realpath(joined, real)) {
        return slc_error_set(err, SLC_EINVALID, "%s: '%s': %s", key, path,
                             strerror(errno));
    }
    if (root) {
        if (!realpath(root, real_root)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "%s: the files directory '%s': %s", key,
                                 root, strerror(errno));
        }
        len = strlen(real_root);
        if (strncmp(real, real_root, len) ||
            (real[len] != '/' && strcmp(real_root, "/"))) {
            return slc_error_set(err, SLC_EDENIED,
                                 "%s: '%s' is outside the files directory "
                                 "'%s' (files_dir)",
                                 key, path, root);
        }
    }
    if (strlen(real) >= size) {
        return slc_error_set(err, SLC_ETOOBIG, "%s: '%s': path too long",
                             key, path);
    }
    memcpy(out, real, strlen(real) + 1);
    return 0;
}
