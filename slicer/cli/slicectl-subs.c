/* slicectl's commands on subscriptions to SOL005 lifecycle notifications
 * of NS instances (/osm/nslcm/v1/subscriptions) and slices
 * (/osm/nsilcm/v1/subscriptions), as osmclient's subscription-create
 * --event_type ns|nsi --event_file sends them, or built from options. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicectl-internal.h"

static const struct {
    const char *type, *url;
} apis[] = {
    {"ns", "/nslcm/v1/subscriptions"},
    {"nsi", "/nsilcm/v1/subscriptions"},
};

#define N_APIS (sizeof apis / sizeof apis[0])

/* The API of --event-type 'type'; NULL with the problem printed. */
static const char *
api_url(const char *type)
{
    for (size_t i = 0; i < N_APIS; i++) {
        if (!strcmp(apis[i].type, type)) {
            return apis[i].url;
        }
    }
    fprintf(stderr, "slicectl: --event-type '%s' is not ns or nsi\n", type);
    return NULL;
}

#define CREATE_USAGE                                                        \
    "subscription-create [--event-type ns|nsi] --callback-uri URI "         \
    "[--filter YAML]\n"                                                     \
    "                [--auth-user U --auth-password P] "                    \
    "[--event-file FILE]"

/* subscription-create: the body of --event-file (filter, callbackUri,
 * authentication), then the options'. */
static int
cmd_create(struct remote *r, int argc, char **argv)
{
    static const struct slc_ctl_field fields[] = {
        {"event-type", "type", 's'},
        {"callback-uri", "callbackUri", 's'},
        {"filter", "filter", 'y'},
        {"auth-user", "authentication.paramsBasic.userName", 's'},
        {"auth-password", "authentication.paramsBasic.password", 's'},
        {"event-file", "file", 's'},
        {0},
    };
    const char *type, *url, *file;
    json_t *body, *event = NULL, *auth;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    if (rc || optind != argc) {
        json_decref(body);
        return slc_ctl_usage(CREATE_USAGE);
    }
    type = json_string_value(json_object_get(body, "type"));
    url = api_url(type ? type : "ns");
    file = json_string_value(json_object_get(body, "file"));
    if (!url || (file && !json_is_object(event = slc_ctl_load_file(file)))) {
        json_decref(body);
        json_decref(event);
        return SLC_CTL_EXIT_USAGE;
    }
    json_object_del(body, "type");
    json_object_del(body, "file");
    auth = json_object_get(body, "authentication");
    if (auth) {
        json_object_set_new(auth, "authType", json_pack("[s]", "BASIC"));
    }
    if (event) {
        json_object_update(event, body);
        json_decref(body);
        body = event;
    }
    if (!json_object_get(body, "callbackUri") &&
        !json_object_get(body, "CallbackUri")) {
        json_decref(body);
        return slc_ctl_usage(CREATE_USAGE);
    }
    return slc_ctl_create(r, url, body);
}

/* "NsLcmOperationOccurrenceNotification,..." of a filter. */
static void
format_types(const json_t *row, char *out, size_t size)
{
    const json_t *t;
    size_t i, len = 0;

    snprintf(out, size, "all");
    json_array_foreach(json_object_get(json_object_get(row, "filter"),
                                       "notificationTypes"),
                       i, t)
    {
        len += (size_t)snprintf(out + len, len < size ? size - len : 0,
                                "%s%s", i ? "," : "",
                                json_string_value(t) ?: "?");
    }
}

static const struct slc_ctl_listing listing = {
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id|id"}, {"EVENT", "_kind"},
        {"CALLBACK", "callbackUri"},
        {"NOTIFICATIONS", .format = format_types}, {0}},
};

/* subscription-list [--event-type ns|nsi]: both kinds unless one is
 * named. */
static int
cmd_list(struct remote *r, int argc, char **argv)
{
    static const struct slc_ctl_field fields[] = {
        {"event-type", "type", 's'},
        {0},
    };
    json_t *body, *all = json_array(), *list, *item;
    const char *type;
    size_t j;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    if (rc || optind != argc) {
        json_decref(body);
        json_decref(all);
        return slc_ctl_usage("subscription-list [--event-type ns|nsi]");
    }
    type = json_string_value(json_object_get(body, "type"));
    if (type && !api_url(type)) {
        rc = SLC_CTL_EXIT_USAGE;
    }
    for (size_t i = 0; i < N_APIS && !rc; i++) {
        if (type && strcmp(type, apis[i].type)) {
            continue;
        }
        rc = slc_ctl_call(r, false, "GET", apis[i].url, &list);
        json_array_foreach(rc ? NULL : list, j, item)
        {
            json_t *row = json_copy(item);

            if (!slc_ctl_structured(r)) {
                json_object_set_new(row, "_kind",
                                    json_string(apis[i].type));
            }
            json_array_append_new(all, row);
        }
        json_decref(list);
    }
    if (!rc) {
        slc_ctl_print_listing(r, &listing, all);
    }
    json_decref(body);
    json_decref(all);
    return rc;
}

/* The collection of subscription 'id' ('--event-type' or the one that
 * has it) and its record; 0 or an exit code with the problem printed. */
static int
find_sub(struct remote *r, int argc, char **argv, const char *usage,
         const char **url, json_t **d)
{
    static const struct slc_ctl_field fields[] = {
        {"event-type", "type", 's'},
        {0},
    };
    json_t *body;
    const char *type;
    char path[512];
    long status = 404;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    *d = NULL;
    if (rc || optind != argc - 1) {
        json_decref(body);
        return slc_ctl_usage(usage);
    }
    type = json_string_value(json_object_get(body, "type"));
    for (size_t i = 0; i < N_APIS && !rc && status == 404; i++) {
        if (type && strcmp(type, apis[i].type)) {
            continue;
        }
        *url = apis[i].url;
        json_decref(*d);
        *d = NULL;
        snprintf(path, sizeof path, "%s/%s", *url, argv[optind]);
        rc = slc_ctl_request(r, "GET", path, NULL, NULL, 0, &status, d);
    }
    json_decref(body);
    if (!rc && status >= 400) {
        fprintf(stderr, "slicectl: subscription %s: %ld %s\n", argv[optind],
                status,
                json_string_value(json_object_get(*d, "detail"))
                    ?: "not found");
        json_decref(*d);
        *d = NULL;
        rc = SLC_CTL_EXIT_REFUSED;
    }
    return rc;
}

static int
cmd_show(struct remote *r, int argc, char **argv)
{
    const char *url;
    json_t *d;
    int rc = find_sub(r, argc, argv,
                      "subscription-show ID [--event-type ns|nsi]", &url,
                      &d);

    if (!rc) {
        slc_ctl_print_record(r, d);
    }
    json_decref(d);
    return rc;
}

static int
cmd_delete(struct remote *r, int argc, char **argv)
{
    const char *url;
    char path[512], line[600];
    json_t *d, *reply = NULL;
    int rc = find_sub(r, argc, argv,
                      "subscription-delete ID [--event-type ns|nsi]", &url,
                      &d);

    json_decref(d);
    if (rc) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/%s", url, argv[optind]);
    rc = slc_ctl_call(r, false, "DELETE", path, &reply);
    if (!rc) {
        snprintf(line, sizeof line, "deleted subscription %s", argv[optind]);
        slc_ctl_said(r, reply, line);
    }
    json_decref(reply);
    return rc;
}

const struct slc_ctl_command slc_ctl_subscription_commands[] = {
    {"subscription-create", cmd_create, CREATE_USAGE},
    {"subscription-list", cmd_list, "subscription-list [--event-type ns|nsi]"},
    {"subscription-show", cmd_show,
     "subscription-show ID [--event-type ns|nsi]"},
    {"subscription-delete", cmd_delete,
     "subscription-delete ID [--event-type ns|nsi]"},
    {0},
};
