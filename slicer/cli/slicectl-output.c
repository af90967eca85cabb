/* slicectl's output (--output json|yaml|table): documents as JSON or YAML
 * (through common/'s YAML emitter), lists as tables with a header line
 * and columns as wide as their widest cell, records as FIELD VALUE
 * tables; and the generic list, show and delete commands built on them.
 * The calls are slicectl-rest.c's. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slc-yaml.h"
#include "slicectl-internal.h"

bool
slc_ctl_structured(const struct remote *r)
{
    return r->o->output != SLC_CTL_OUT_TABLE;
}

void
slc_ctl_print_doc(const struct remote *r, const json_t *v)
{
    char *text;

    if (r->o->output == SLC_CTL_OUT_YAML) {
        text = slc_yaml_dump(v, NULL);
        if (text) {
            fputs(text, stdout);
        }
    } else {
        text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                 JSON_ENCODE_ANY);
        if (text) {
            puts(text);
        }
    }
    free(text);
}

void
slc_ctl_said(const struct remote *r, const json_t *reply, const char *line)
{
    if (!slc_ctl_structured(r)) {
        puts(line);
    } else if (reply) {
        slc_ctl_print_doc(r, reply);
    } else {
        json_t *empty = json_object();

        slc_ctl_print_doc(r, empty);
        json_decref(empty);
    }
}

/* A value as one cell: strings as they are, numbers and booleans as
 * JSON writes them, "-" for null, nothing or "", anything else as
 * compact JSON (caller frees). */
static char *
cell_text(const json_t *v)
{
    if (json_is_string(v) && *json_string_value(v) &&
        !strpbrk(json_string_value(v), "\n\r\t")) {
        return strdup(json_string_value(v));
    }
    if (!v || json_is_null(v) ||
        (json_is_string(v) && !*json_string_value(v))) {
        return strdup("-");
    }
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY |
                             JSON_PRESERVE_ORDER);
}

/* The value at dotted 'path' of 'o', trying each '|' alternative; NULL
 * when none has one. */
static const json_t *
value_at(const json_t *o, const char *path)
{
    char alt[128], *save = NULL;

    snprintf(alt, sizeof alt, "%s", path);
    for (char *a = strtok_r(alt, "|", &save); a;
         a = strtok_r(NULL, "|", &save)) {
        const json_t *v = o;
        char *dot, *key = a;

        while (v && (dot = strchr(key, '.'))) {
            *dot = '\0';
            v = json_object_get(v, key);
            key = dot + 1;
        }
        v = json_object_get(v, key);
        if (v && !json_is_null(v)) {
            return v;
        }
    }
    return NULL;
}

/* A table being made: rows of cells (JSON arrays of strings), each with
 * its level (0: a row, 1: an indented sub-row).  Columns are as wide as
 * their widest cell among the rows of their level. */
struct table {
    json_t *rows;              /* [[level, cell, ...], ...] */
};

static void
table_add(struct table *t, int level, const struct slc_ctl_column *cols,
          const json_t *item, const json_t *row)
{
    json_t *cells = json_array();

    json_array_append_new(cells, json_integer(level));
    for (const struct slc_ctl_column *c = cols; c->path || c->format; c++) {
        char buf[256];
        char *text;

        if (c->format) {
            const char *s = buf;

            c->format(row, buf, sizeof buf);
            s += strspn(s, " ");
            text = strdup(*s ? s : "-");
        } else {
            text = cell_text(value_at(c->of_item ? item : row, c->path));
        }
        json_array_append_new(cells, json_string(text ? text : "-"));
        free(text);
    }
    json_array_append_new(t->rows, cells);
}

static void
table_header(struct table *t, int level, const struct slc_ctl_column *cols)
{
    json_t *cells = json_array();

    json_array_append_new(cells, json_integer(level));
    for (const struct slc_ctl_column *c = cols; c->path || c->format; c++) {
        json_array_append_new(cells, json_string(c->title ? c->title : ""));
    }
    json_array_append_new(t->rows, cells);
}

#define MAX_COLUMNS 16

static void
table_print(const struct table *t)
{
    size_t width[2][MAX_COLUMNS] = {{0}};
    const json_t *row, *cell;
    size_t i, k;

    json_array_foreach(t->rows, i, row)
    {
        int level = (int)json_integer_value(json_array_get(row, 0));

        for (k = 1; k < json_array_size(row) && k <= MAX_COLUMNS; k++) {
            size_t len = strlen(json_string_value(json_array_get(row, k)));

            if (len > width[level][k - 1]) {
                width[level][k - 1] = len;
            }
        }
    }
    json_array_foreach(t->rows, i, row)
    {
        int level = (int)json_integer_value(json_array_get(row, 0));
        size_t n = json_array_size(row);

        printf("%s", level ? "    " : "");
        json_array_foreach(row, k, cell)
        {
            if (k == 0) {
                continue;
            }
            /* the last column is not padded */
            printf("%s%-*s", k > 1 ? "  " : "",
                   k + 1 < n && k <= MAX_COLUMNS
                       ? (int)width[level][k - 1]
                       : 0,
                   json_string_value(cell));
        }
        putchar('\n');
    }
}

void
slc_ctl_print_listing(const struct remote *r,
                      const struct slc_ctl_listing *l, const json_t *list)
{
    struct table t = {.rows = json_array()};
    const json_t *item, *row, *sub;
    size_t i, j, k;

    if (slc_ctl_structured(r)) {
        slc_ctl_print_doc(r, list);
        json_decref(t.rows);
        return;
    }
    table_header(&t, 0, l->columns);
    json_array_foreach(list, i, item)
    {
        const json_t *rows = l->rows ? json_object_get(item, l->rows) : NULL;
        size_t n = l->rows ? json_array_size(rows) : 1;

        for (j = 0; j < n; j++) {
            row = l->rows ? json_array_get(rows, j) : item;
            table_add(&t, 0, l->columns, item, row);
            json_array_foreach(json_object_get(row, l->sub_rows ?: ""), k,
                               sub)
            {
                table_add(&t, 1, l->sub_columns, row, sub);
            }
        }
    }
    table_print(&t);
    json_decref(t.rows);
}

int
slc_ctl_run_listing(struct remote *r, const struct slc_ctl_listing *l,
                    int argc, char **argv)
{
    char url[512], usage[128];
    json_t *list;
    int rc;

    if (argc != (l->arg ? 2 : 1)) {
        snprintf(usage, sizeof usage, "%s%s%s", argv[0], l->arg ? " " : "",
                 l->arg ? l->arg : "");
        return slc_ctl_usage(usage);
    }
    snprintf(url, sizeof url, "%s%s", l->url, l->arg ? argv[1] : "");
    rc = slc_ctl_call(r, l->root, "GET", url, &list);
    if (!rc) {
        slc_ctl_print_listing(r, l, list);
    }
    json_decref(list);
    return rc;
}

void
slc_ctl_print_record(const struct remote *r, const json_t *v)
{
    static const struct slc_ctl_column cols[] = {
        {"FIELD", "field"}, {"VALUE", "value"}, {0},
    };
    struct table t = {.rows = json_array()};
    const char *key;
    const json_t *m;

    if (slc_ctl_structured(r) || !json_is_object(v)) {
        slc_ctl_print_doc(r, v);
        json_decref(t.rows);
        return;
    }
    table_header(&t, 0, cols);
    json_object_foreach((json_t *)v, key, m)
    {
        json_t *row;

        if (!strcmp(key, "_admin") || !strcmp(key, "_links")) {
            continue;
        }
        row = json_pack("{ss sO}", "field", key, "value", m);
        table_add(&t, 0, cols, row, row);
        json_decref(row);
    }
    table_print(&t);
    json_decref(t.rows);
}

int
slc_ctl_show(struct remote *r, const char *url, int argc, char **argv)
{
    char path[512], usage[128];
    json_t *d;
    int rc;

    if (argc != 2) {
        snprintf(usage, sizeof usage, "%s ID", argv[0]);
        return slc_ctl_usage(usage);
    }
    snprintf(path, sizeof path, "%s/%s", url, argv[1]);
    rc = slc_ctl_call(r, false, "GET", path, &d);
    if (!rc) {
        slc_ctl_print_record(r, d);
    }
    json_decref(d);
    return rc;
}

int
slc_ctl_delete(struct remote *r, const char *url, const char *what,
               int argc, char **argv)
{
    static const struct option opts[] = {
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    char path[512], usage[128], line[512];
    bool force = false, bad = false;
    json_t *d;
    int rc, opt;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
        force |= opt == 'f';
        bad |= opt != 'f';
    }
    if (bad || optind != argc - 1) {
        snprintf(usage, sizeof usage, "%s ID [--force]", argv[0]);
        return slc_ctl_usage(usage);
    }
    snprintf(path, sizeof path, "%s/%s%s", url, argv[optind],
             force ? "?FORCE=true" : "");
    rc = slc_ctl_call(r, false, "DELETE", path, &d);
    if (!rc) {
        snprintf(line, sizeof line, "deleted %s %s", what, argv[optind]);
        slc_ctl_said(r, d, line);
    }
    json_decref(d);
    return rc;
}

int
slc_ctl_create(struct remote *r, const char *path, json_t *body)
{
    json_t *reply = NULL;
    int rc = slc_ctl_call_json(r, "POST", path, body, &reply);

    if (!rc) {
        slc_ctl_said(r, reply, slc_ctl_str(reply, "id"));
    }
    json_decref(reply);
    return rc;
}

int
slc_ctl_update(struct remote *r, const char *path, json_t *body,
               const char *what, const char *id)
{
    json_t *reply = NULL;
    char line[512];
    int rc = slc_ctl_call_json(r, "PATCH", path, body, &reply);

    if (!rc) {
        snprintf(line, sizeof line, "updated %s %s", what, id);
        slc_ctl_said(r, reply, line);
    }
    json_decref(reply);
    return rc;
}

void
slc_ctl_format_time(const json_t *t, char *out, size_t size)
{
    time_t secs = (time_t)json_number_value(t);
    struct tm tm;

    if (json_is_string(t)) {
        secs = (time_t)atof(json_string_value(t));
    }
    if (!secs || !localtime_r(&secs, &tm) ||
        !strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm)) {
        snprintf(out, size, "-");
    }
}
