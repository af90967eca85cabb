/* GET /openapi.yaml: the OpenAPI 3 document of every endpoint slicerd
 * serves.  Its source is openapi.yaml beside this file, embedded at build
 * time (embed.py); tests/slicer/test-openapi.sh holds it to the routing
 * table and to a validator. */
#include <stdlib.h>
#include <string.h>

#include "rest-internal.h"

extern const char slc_openapi_yaml[];
extern const size_t slc_openapi_yaml_len;

static int
openapi_get(struct slc_call *c)
{
    char *text = malloc(slc_openapi_yaml_len + 1);

    if (!text) {
        return slc_rest_fail(c, 503, SLC_ENOMEM, "out of memory");
    }
    memcpy(text, slc_openapi_yaml, slc_openapi_yaml_len + 1);
    c->resp->status = 200;
    c->resp->raw = text;
    c->resp->raw_size = slc_openapi_yaml_len;
    c->resp->raw_type = "application/yaml";
    return 0;
}

const struct slc_route slc_openapi_routes[] = {
    {"GET", "/openapi.yaml", openapi_get, SLC_ROUTE_PUBLIC},
    {NULL},
};
