/* Reading OSM packages with libarchive (see package.h). */
#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "package.h"
#include "slc-yaml.h"

static bool
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && !strcasecmp(s + n - m, suffix);
}

static int
depth_of(const char *path)
{
    int d = 0;

    for (const char *p = path; *p; p++) {
        d += *p == '/' && p[1];
    }
    return d;
}

/* True when the YAML/JSON text has a top-level key naming a descriptor. */
static bool
looks_like_descriptor(const char *text, size_t size)
{
    static const char *const words[] = {"vnfd", "nsd", "nst", "pnfd",
                                        NULL};
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc;
    const char *key;
    json_t *v;
    bool yes = false;

    if (slc_yaml_load(text, size, "package entry", NULL, &doc, &diags)) {
        slc_diags_clear(&diags);
        return false;
    }
    json_object_foreach(slc_yaml_root(doc), key, v)
    {
        const char *colon = strchr(key, ':');
        const char *bare = colon ? colon + 1 : key;

        for (size_t i = 0; words[i]; i++) {
            yes |= !strncmp(bare, words[i], strlen(words[i]));
        }
    }
    slc_yaml_free(doc);
    return yes;
}

/* A libarchive reader of the tar(.gz) or zip in 'buf' into '*out';
 * SLC_EINVALID when it is neither. */
static int
open_archive(const char *buf, size_t size, struct archive **out,
             struct slc_error *err)
{
    struct archive *a = archive_read_new();
    int rc;

    *out = NULL;
    if (!a) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    if (archive_read_open_memory(a, buf, size) != ARCHIVE_OK) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "package: not a tar.gz or zip archive (%s)",
                           archive_error_string(a));
        archive_read_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

int
slc_package_descriptor(const char *buf, size_t size, size_t max_entry,
                       char **out, size_t *out_size, char **path,
                       struct slc_error *err)
{
    struct archive *a;
    struct archive_entry *e;
    int rc = SLC_EINVALID, r = ARCHIVE_OK;
    bool reported = false;
    size_t entries = 0;

    *out = NULL;
    *path = NULL;
    if ((rc = open_archive(buf, size, &a, err))) {
        return rc;
    }
    rc = SLC_EINVALID;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(e);
        la_int64_t esize = archive_entry_size(e);
        char *text;
        la_ssize_t got;

        entries++;
        if (archive_entry_filetype(e) != AE_IFREG || !name ||
            depth_of(name) > 2 || esize <= 0 || (size_t)esize > max_entry ||
            !(has_suffix(name, ".yaml") || has_suffix(name, ".yml") ||
              has_suffix(name, ".json"))) {
            continue;
        }
        text = malloc((size_t)esize + 1);
        if (!text) {
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
            reported = true;
            break;
        }
        got = archive_read_data(a, text, (size_t)esize);
        if (got != esize) {
            free(text);
            rc = slc_error_set(err, SLC_EINVALID,
                               "package: cannot read '%s' (%s)", name,
                               archive_error_string(a));
            reported = true;
            break;
        }
        text[esize] = '\0';
        if (looks_like_descriptor(text, (size_t)esize)) {
            *out = text;
            *out_size = (size_t)esize;
            *path = strdup(name);
            rc = *path ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
            break;
        }
        free(text);
    }
    if (rc == SLC_EINVALID && !reported) {
        if (r != ARCHIVE_EOF && r != ARCHIVE_OK) {
            slc_error_set(err, SLC_EINVALID, "package: unreadable archive "
                          "(%s)", archive_error_string(a));
        } else {
            slc_error_set(err, SLC_EINVALID,
                          "package: none of its %zu entries is a descriptor "
                          "(a .yaml, .yml or .json file with a vnfd, nsd, "
                          "nst or pnfd key)",
                          entries);
        }
    }
    if (rc) {
        free(*out);
        free(*path);
        *out = *path = NULL;
    }
    archive_read_free(a);
    return rc;
}

/* The NAME of "scripts/NAME" or "TOP/scripts/NAME", else NULL. */
static const char *
script_name(const char *path)
{
    const char *p = strncmp(path, "./", 2) ? path : path + 2;
    const char *slash = strchr(p, '/');

    if (slash && strncmp(p, "scripts/", 8)) {
        p = slash + 1; /* the package's top folder */
    }
    if (strncmp(p, "scripts/", 8) || !p[8] || strchr(p + 8, '/')) {
        return NULL;
    }
    return p + 8;
}

int
slc_package_scripts(const char *buf, size_t size, json_t **out,
                    struct slc_error *err)
{
    struct archive *a;
    struct archive_entry *e;
    size_t total = 0;
    int rc = open_archive(buf, size, &a, err), r;

    *out = rc ? NULL : json_object();
    if (rc) {
        return rc;
    }
    while (!rc && (r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *path = archive_entry_pathname(e);
        const char *name = path ? script_name(path) : NULL;
        la_int64_t esize = archive_entry_size(e);
        char *text;

        if (!name || archive_entry_filetype(e) != AE_IFREG) {
            continue;
        }
        if (esize < 0 || (size_t)esize > SLC_PACKAGE_SCRIPT_MAX ||
            total + (size_t)esize > SLC_PACKAGE_SCRIPTS_MAX) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "package: %s is over the limit of a script "
                               "(%u KiB each, %u KiB in all)",
                               path, SLC_PACKAGE_SCRIPT_MAX >> 10,
                               SLC_PACKAGE_SCRIPTS_MAX >> 10);
            break;
        }
        text = malloc((size_t)esize + 1);
        if (!text) {
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
            break;
        }
        if (archive_read_data(a, text, (size_t)esize) != esize) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "package: cannot read '%s' (%s)", path,
                               archive_error_string(a));
        } else {
            json_t *v;

            text[esize] = '\0';
            v = strlen(text) == (size_t)esize
                    ? json_stringn(text, (size_t)esize)
                    : NULL;
            if (!v) {
                rc = slc_error_set(err, SLC_EINVALID,
                                   "package: %s is not a text file (UTF-8, "
                                   "no NUL)",
                                   path);
            } else {
                json_object_set_new(*out, name, v);
                total += (size_t)esize;
            }
        }
        free(text);
    }
    archive_read_free(a);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}
