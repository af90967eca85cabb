/* What slicectl's REST command files share.  slicectl-rest.c: the
 * session, calls, the command groups, descriptors, NSs and slices;
 * slicectl-args.c: arguments; slicectl-output.c: --output, tables,
 * records, generic show, delete, create and update; slicectl-wait.c:
 * --wait; slicectl-ops.c: operations, scaling, chains; slicectl-infra.c:
 * VIM accounts, SDN controllers, PDUs; slicectl-admin.c: users,
 * projects, roles, tokens; slicectl-nssmf.c: NSSMF accounts and NSSIs;
 * slicectl-subs.c: subscriptions.  Not for use outside slicer/cli/. */
#ifndef SLC_SLICECTL_INTERNAL_H
#define SLC_SLICECTL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "rest-client.h"
#include "slicectl-rest.h"

#define SLC_CTL_NS_OPS "/nslcm/v1/ns_lcm_op_occs"
#define SLC_CTL_NSI_OPS "/nsilcm/v1/nsi_lcm_op_occs"

struct remote {
    const struct slc_remote_opts *o;
    struct slc_client client;
    char token[128];
};

/* ---- calls (slicectl-rest.c) ---- */

/* Sends a request and reads its status and reply (new reference in
 * '*out', may be NULL) whatever the status.  0, or
 * SLC_CTL_EXIT_UNREACHABLE with the transport error printed. */
int slc_ctl_request(struct remote *r, const char *method, const char *path,
                    const char *type, const char *body, size_t size,
                    long *status, json_t **out);
/* Sends a request; the reply's document in '*out' (may be NULL).  0,
 * SLC_CTL_EXIT_REFUSED for an HTTP error (its detail printed) or
 * SLC_CTL_EXIT_UNREACHABLE.  'path' is under /osm, or beside it when
 * 'root' (/nsmf, /3GPPManagement). */
int slc_ctl_call(struct remote *r, bool root, const char *method,
                 const char *path, json_t **out);
/* The same with 'body' (taken; may be NULL) sent as JSON. */
int slc_ctl_call_json(struct remote *r, const char *method, const char *path,
                      json_t *body, json_t **out);
int slc_ctl_call_root_json(struct remote *r, const char *method,
                           const char *path, json_t *body, json_t **out);
/* Where $SLICER_TOKEN_FILE or ~/.slicer-token is. */
void slc_ctl_token_path(char *buf, size_t size);

/* ---- arguments ---- */

/* The string member 'key' of 'o', or "-". */
const char *slc_ctl_str(const json_t *o, const char *key);
/* A mapping given to 'option' in JSON or YAML ("{port: 80}"); 1 with the
 * problem printed when it is not one. */
int slc_ctl_parse_params(const char *option, const char *text, json_t **out);
/* A YAML or JSON file as a JSON value (new), or NULL with the problem
 * printed (its file:line:column). */
json_t *slc_ctl_load_file(const char *path);
/* The _id of the NS instance (or slice instance, 'nsi') 'arg' names: the
 * one instance of that name, in 'buf'; else 'arg' itself (an _id, or a
 * name the call that follows reports as not found). */
const char *slc_ctl_instance(struct remote *r, bool nsi, const char *arg,
                             char *buf, size_t size);
/* Prints "slicectl: usage: USAGE" and returns SLC_CTL_EXIT_USAGE. */
int slc_ctl_usage(const char *usage);

/* Options that become members of a request's body, as a table: --flag
 * VALUE sets 'key' (a dotted path makes objects) to a string, an integer
 * or true ('type' 's', 'i', 'b' for an option without a value, 'y' for a
 * YAML mapping). */
struct slc_ctl_field {
    const char *flag;
    const char *key;
    char type;
};
/* Parses argv (with getopt_long, from argv[1]; positional arguments stay
 * at argv[optind..]) for the fields of 'fields' ending with {0} and
 * 'wait' (may be NULL: no --wait).  The body (new) in '*body'.  0, or
 * SLC_CTL_EXIT_USAGE with the problem printed. */
int slc_ctl_parse_fields(const struct slc_ctl_field *fields, int argc,
                         char **argv, json_t **body, bool *wait);

/* ---- output (slicectl-output.c) ---- */

/* Whether --output asks for JSON or YAML rather than text. */
bool slc_ctl_structured(const struct remote *r);
/* Prints a document as JSON (in table mode too) or YAML. */
void slc_ctl_print_doc(const struct remote *r, const json_t *v);
/* Prints a record: JSON or YAML, or in table mode a FIELD VALUE table of
 * its members (nested values as compact JSON; _admin and _links left
 * out). */
void slc_ctl_print_record(const struct remote *r, const json_t *v);
/* The answer of a command that made or changed something: the reply
 * document with --output json|yaml (an empty object for none), else
 * 'line' and a newline. */
void slc_ctl_said(const struct remote *r, const json_t *reply,
                  const char *line);

/* POSTs 'body' (taken) to 'path' and prints the new record's id (or the
 * reply with --output json|yaml).  0 or an exit code. */
int slc_ctl_create(struct remote *r, const char *path, json_t *body);
/* PATCHes 'body' (taken) to 'path' and says "updated WHAT ID". */
int slc_ctl_update(struct remote *r, const char *path, json_t *body,
                   const char *what, const char *id);

/* "2026-12-04 06:50:12" (local time) of seconds since the epoch, a
 * number or a string; "-" for none. */
void slc_ctl_format_time(const json_t *t, char *out, size_t size);

/* One column of a list: a string or number member of the row (a dotted
 * path, "_admin.nsiState"; "a|b": a, else b), or what 'format' makes of
 * the row; "-" when it has none. */
struct slc_ctl_column {
    const char *title;
    const char *path;
    bool of_item;              /* read from the listed item, not the row */
    void (*format)(const json_t *row, char *out, size_t size);
};

/* What a list command GETs and how it prints it: one line per row, where
 * the rows are the listed items or an array in each ('rows'); each row
 * may be followed by indented lines of its own array 'sub_rows'. */
struct slc_ctl_listing {
    const char *url;
    bool root;                 /* beside /osm, not under it */
    const struct slc_ctl_column *columns; /* ending with {0} */
    const char *rows;
    const char *sub_rows;
    const struct slc_ctl_column *sub_columns;
    const char *arg;           /* the one argument the URL ends with, for
                                  usage ("NS_ID"); NULL: none */
};

/* Prints 'list' (an array) as --output says: a table with a header line
 * and aligned columns, or the document. */
void slc_ctl_print_listing(const struct remote *r,
                           const struct slc_ctl_listing *l,
                           const json_t *list);
/* CMD [ARG]: GETs the listing's URL (followed by ARG when it takes one)
 * and prints it. */
int slc_ctl_run_listing(struct remote *r, const struct slc_ctl_listing *l,
                        int argc, char **argv);
/* CMD ID: GETs 'url'/ID and prints the record. */
int slc_ctl_show(struct remote *r, const char *url, int argc, char **argv);
/* CMD ID [--force]: DELETEs 'url'/ID (?FORCE=true) and says so; 'what'
 * names the record ("vim account"). */
int slc_ctl_delete(struct remote *r, const char *url, const char *what,
                   int argc, char **argv);

/* ---- --wait (slicectl-wait.c) ---- */

/* Follows operation 'op' of collection 'ops' (SLC_CTL_NS_OPS or
 * SLC_CTL_NSI_OPS) until it ends: on a terminal, one line redrawn (a
 * bar, steps done / total, elapsed seconds, state); otherwise a plain
 * line whenever the steps or the state change; then the final state.
 * With --output json|yaml the progress goes to stderr and the final
 * record to stdout.  0 when COMPLETED, else SLC_CTL_EXIT_REFUSED,
 * _UNREACHABLE or _TIMEOUT. */
int slc_ctl_wait(struct remote *r, const char *ops, const char *op);

/* ---- commands ---- */

/* A command: 'run', or one of the generic ones: a listing, a show or a
 * delete of the records under 'url'. */
struct slc_ctl_command {
    const char *name;
    int (*run)(struct remote *r, int argc, char **argv);
    const char *usage;
    const struct slc_ctl_listing *list;
    const char *show;          /* GET show/ID */
    const char *del;           /* DELETE del/ID, and 'what' it is */
    const char *what;
};

/* The groups of commands, each ending with {0}. */
extern const struct slc_ctl_command slc_ctl_ops_commands[];
extern const struct slc_ctl_command slc_ctl_infra_commands[];
extern const struct slc_ctl_command slc_ctl_admin_commands[];
extern const struct slc_ctl_command slc_ctl_nssmf_commands[];
extern const struct slc_ctl_command slc_ctl_subscription_commands[];

/* slicectl-ops.c: prints one chain of an NS (GET .../chains): its
 * classifier, its hops with their counters, what was delivered. */
void slc_ctl_print_chain(const json_t *chain);

#endif
