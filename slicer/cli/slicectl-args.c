/* What slicectl's REST commands share to read their arguments: usage
 * errors, YAML or JSON mappings given to an option, and options that map
 * one to one onto members of a request's body (a table of flags). */
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-diag.h"
#include "slc-yaml.h"
#include "slicectl-internal.h"

const char *
slc_ctl_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "-";
}

int
slc_ctl_usage(const char *usage)
{
    fprintf(stderr, "slicectl: usage: %s\n", usage);
    return SLC_CTL_EXIT_USAGE;
}

int
slc_ctl_parse_params(const char *option, const char *text, json_t **out)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc = NULL;
    int rc = slc_yaml_load(text, strlen(text), option, NULL, &doc, &diags);

    *out = rc ? NULL : json_incref(slc_yaml_root(doc));
    if (!rc && !json_is_object(*out)) {
        fprintf(stderr, "slicectl: %s: give a mapping, e.g. '{port: 80}'\n",
                option);
        rc = 1;
    } else if (rc) {
        char msg[512] = "not YAML";

        if (diags.len) {
            slc_diag_format(&diags.items[0], msg, sizeof msg);
        }
        fprintf(stderr, "slicectl: %s\n", msg);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    slc_yaml_free(doc);
    slc_diags_clear(&diags);
    return rc ? 1 : 0;
}

/* Sets dotted 'key' of 'body' to 'v' (taken), making the objects on the
 * way. */
static void
set_path(json_t *body, const char *key, json_t *v)
{
    char path[128], *dot, *k = path;
    json_t *o = body;

    snprintf(path, sizeof path, "%s", key);
    while ((dot = strchr(k, '.'))) {
        json_t *next;

        *dot = '\0';
        next = json_object_get(o, k);
        if (!json_is_object(next)) {
            next = json_object();
            json_object_set_new(o, k, next);
        }
        o = next;
        k = dot + 1;
    }
    if (json_is_object(v) && json_is_object(json_object_get(o, k))) {
        /* --config after --sdn-controller: both */
        json_object_update(json_object_get(o, k), v);
        json_decref(v);
        return;
    }
    json_object_set_new(o, k, v);
}

/* The value of field 'f' given 'text': 0, or 1 with the problem
 * printed. */
static int
field_value(const struct slc_ctl_field *f, const char *text, json_t *body)
{
    char option[64];
    json_t *v = NULL;
    char *end;
    long n;

    snprintf(option, sizeof option, "--%s", f->flag);
    switch (f->type) {
    case 'i':
        n = strtol(text, &end, 10);
        if (!*text || *end) {
            fprintf(stderr, "slicectl: %s '%s' is not a number\n", option,
                    text);
            return 1;
        }
        v = json_integer(n);
        break;
    case 'b':
        v = json_true();
        break;
    case 'y':
        if (slc_ctl_parse_params(option, text, &v)) {
            return 1;
        }
        break;
    default:
        v = json_string(text);
        break;
    }
    set_path(body, f->key, v);
    return 0;
}

#define MAX_FIELDS 24

int
slc_ctl_parse_fields(const struct slc_ctl_field *fields, int argc,
                     char **argv, json_t **body, bool *wait)
{
    struct option opts[MAX_FIELDS + 2] = {{0}};
    json_t *b = json_object();
    size_t n = 0;
    int opt;

    for (; fields[n].flag && n < MAX_FIELDS; n++) {
        opts[n] = (struct option){fields[n].flag,
                                  fields[n].type == 'b' ? no_argument
                                                        : required_argument,
                                  NULL, 256 + (int)n};
    }
    if (wait) {
        *wait = false;
        opts[n] = (struct option){"wait", no_argument, NULL, 'w'};
    }
    optind = 0; /* a fresh scan: positional arguments may come first */
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 'w' && wait) {
            *wait = true;
        } else if (opt < 256 ||
                   field_value(&fields[opt - 256], optarg, b)) {
            json_decref(b);
            *body = NULL;
            return SLC_CTL_EXIT_USAGE;
        }
    }
    *body = b;
    return 0;
}

json_t *
slc_ctl_load_file(const char *path)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc = NULL;
    json_t *v = NULL;

    if (!slc_yaml_load_file(path, NULL, &doc, &diags)) {
        v = json_incref(slc_yaml_root(doc));
    } else {
        char msg[512] = "cannot read it";

        if (diags.len) {
            slc_diag_format(&diags.items[0], msg, sizeof msg);
        }
        fprintf(stderr, "slicectl: %s: %s\n", path, msg);
    }
    slc_yaml_free(doc);
    slc_diags_clear(&diags);
    return v;
}

/* Whether 'arg' is written as a record's _id (a UUID). */
static bool
looks_like_id(const char *arg)
{
    if (strlen(arg) != 36) {
        return false;
    }
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? arg[i] != '-' : !strchr("0123456789abcdef", arg[i])) {
            return false;
        }
    }
    return true;
}

const char *
slc_ctl_instance(struct remote *r, bool nsi, const char *arg, char *buf,
                 size_t size)
{
    char path[512];
    char *name = curl_easy_escape(NULL, arg, 0);
    json_t *list = NULL;
    long status = 0;

    if (looks_like_id(arg) || !name) {
        curl_free(name);
        return arg;
    }
    snprintf(path, sizeof path, "%s?name=%s",
             nsi ? "/nsilcm/v1/netslice_instances" : "/nslcm/v1/ns_instances",
             name);
    curl_free(name);
    if (!slc_ctl_request(r, "GET", path, NULL, NULL, 0, &status, &list) &&
        status == 200 && json_array_size(list) == 1) {
        snprintf(buf, size, "%s", slc_ctl_str(json_array_get(list, 0), "_id"));
        arg = buf;
    }
    json_decref(list);
    return arg;
}
