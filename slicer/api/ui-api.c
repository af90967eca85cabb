/* The web page (slicer/ui/, embedded at build time): GET /ui sends the
 * browser to /ui/index.html, GET /ui/{file} serves a file of it.  The
 * files are public (no data in them); the page logs in and reads the API
 * with the user's token, as slicectl does. */
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "rest-internal.h"

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
};

static int
ui_root(struct slc_call *c)
{
    c->resp->status = 303;
    snprintf(c->resp->location, sizeof c->resp->location, "/ui/index.html");
    return 0;
}

static int
ui_file(struct slc_call *c)
{
    const char *name = c->params[0];

    for (const struct slc_embedded *f = slc_ui_files; f->name; f++) {
        const char *dot = strrchr(f->name, '.');
        char *copy;

        if (strcmp(f->name, name)) {
            continue;
        }
        copy = malloc(f->len + 1);
        if (!copy) {
            return slc_rest_fail(c, 503, SLC_ENOMEM, "out of memory");
        }
        memcpy(copy, f->data, f->len + 1);
        c->resp->status = 200;
        c->resp->raw = copy;
        c->resp->raw_size = f->len;
        c->resp->raw_type = "application/octet-stream";
        /* the page has no inline script or style: nothing but its own
         * files runs; and it is re-read when slicerd is upgraded */
        c->resp->headers = "Content-Security-Policy: default-src 'self'; "
                           "frame-ancestors 'none'\r\n"
                           "X-Content-Type-Options: nosniff\r\n"
                           "Cache-Control: no-cache\r\n";
        for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++) {
            if (!strcmp(dot, types[i].ext)) {
                c->resp->raw_type = types[i].type;
            }
        }
        return 0;
    }
    return slc_rest_fail(c, 404, SLC_ENOTFOUND, "the page has no file '%.64s'",
                         name);
}

const struct slc_route slc_ui_routes[] = {
    {"GET", "/ui", ui_root, SLC_ROUTE_PUBLIC},
    {"GET", "/ui/{file}", ui_file, SLC_ROUTE_PUBLIC},
    {NULL},
};
