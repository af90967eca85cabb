/* Files embedded in slicerd at build time (embed.py --table). */
#ifndef SLC_EMBEDDED_H
#define SLC_EMBEDDED_H

#include <stddef.h>

struct slc_embedded {
    const char *name;          /* base name; NULL ends a table */
    const char *data;          /* NUL-terminated */
    size_t len;
};

/* The web page's files (slicer/ui/). */
extern const struct slc_embedded slc_ui_files[];

#endif
