/* OSM packages: a tar.gz (or zip) holding a descriptor file, icons,
 * scripts and a checksums file.  Finding the descriptor in one is all the
 * catalogue needs; libarchive does the reading. */
#ifndef SLC_PACKAGE_H
#define SLC_PACKAGE_H

#include <jansson.h>
#include <stddef.h>

#include "slc-error.h"

/* Extracts the descriptor file of the package in 'buf': the first YAML or
 * JSON file at most two directories deep whose top-level keys name a
 * descriptor (vnfd, nsd, nst, pnfd, with or without a module prefix).
 * On success '*out' (caller frees, NUL-terminated), '*out_size' and
 * '*path' (its path in the package, caller frees).  Entries over
 * 'max_entry' bytes are skipped.  SLC_EINVALID naming the problem when the
 * archive is unreadable or holds no descriptor. */
int slc_package_descriptor(const char *buf, size_t size, size_t max_entry,
                           char **out, size_t *out_size, char **path,
                           struct slc_error *err);

/* The files of the package's scripts/ folder ("scripts/NAME" or
 * "TOP/scripts/NAME"), as a new object {NAME: text}: each at most
 * SLC_PACKAGE_SCRIPT_MAX bytes of text without NUL, SLC_PACKAGE_SCRIPTS_MAX
 * in all; SLC_EINVALID naming the file otherwise.  An archive without
 * that folder gives an empty object. */
#define SLC_PACKAGE_SCRIPT_MAX (64u << 10)
#define SLC_PACKAGE_SCRIPTS_MAX (1u << 20)
int slc_package_scripts(const char *buf, size_t size, json_t **out,
                        struct slc_error *err);

#endif
