/* SDN port mappings: tables, PCI patterns, lookups.  See port-mapping.h. */
#include "port-mapping.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T struct slc_sdn_port
static const struct slc_field port_fields[] = {
    F_STR_REQ(T, "pci", pci),
    F_STR(T, "switch_port", switch_port),
    F_STR(T, "switch_id", switch_id),
    F_STR(T, "switch_dpid", switch_dpid),
    F_STR(T, "switch_mac", switch_mac),
    F_STR(T, "service_endpoint_id", service_endpoint_id),
    F_STR(T, "device_id", device_id),
    F_STR(T, "device_interface_id", device_interface_id),
    F_JSON(T, "service_mapping_info", service_mapping_info),
};
static const struct slc_schema port_schema =
    SLC_SCHEMA(T, "port", port_fields);
#undef T

#define T struct slc_sdn_compute
static const struct slc_field compute_fields[] = {
    F_STR_REQ(T, "compute_node", compute_node),
    {.key = "ports", .type = SLC_FT_LIST, .off = offsetof(T, ports),
     .len_off = offsetof(T, n_ports), .sub = &port_schema,
     .required = true},
};
static const struct slc_schema compute_schema =
    SLC_SCHEMA(T, "sdn-port-mapping", compute_fields);
#undef T

/* Matches one pattern element at 'p' against character 'c'; returns the
 * length of the element, or 0 when it does not match (or is malformed). */
static size_t
match_element(const char *p, char c, bool *ok)
{
    const char *end;

    if (*p != '[') {
        *ok = *p == c;
        return 1;
    }
    end = strchr(p, ']');
    if (!end) {
        *ok = false;
        return 0;
    }
    *ok = false;
    for (const char *q = p + 1; q < end; q++) {
        if (q + 2 < end && q[1] == '-') {
            *ok |= c >= q[0] && c <= q[2];
            q += 2;
        } else {
            *ok |= c == *q;
        }
    }
    return (size_t)(end - p) + 1;
}

bool
slc_pci_pattern_match(const char *pattern, const char *pci)
{
    const char *p = pattern, *s = pci;

    while (*p && *s) {
        bool ok;
        size_t n = match_element(p, *s, &ok);

        if (!n || !ok) {
            return false;
        }
        p += n;
        s++;
    }
    return !*p && !*s;
}

int
slc_pci_pattern_check(const char *pattern, struct slc_error *err)
{
    static const char shape[] = "xxxx:xx:xx.x"; /* x: a hex digit */
    size_t pos = 0;

    for (const char *p = pattern; *p; pos++) {
        const char *end = *p == '[' ? strchr(p, ']') : p;

        if (!end) {
            return slc_error_set(err, SLC_EINVALID,
                                 "PCI pattern '%s': '[' is not closed",
                                 pattern);
        }
        if (pos >= sizeof shape - 1) {
            return slc_error_set(err, SLC_EINVALID,
                                 "PCI pattern '%s' is longer than a PCI "
                                 "address (dddd:bb:ss.f)",
                                 pattern);
        }
        for (const char *q = *p == '[' ? p + 1 : p; q <= end; q++) {
            char c = *q;

            if (*p == '[' && (q == end || c == '-')) {
                if (c == '-' && (q[-1] == '[' || q[1] == ']' ||
                                 q[-1] > q[1])) {
                    return slc_error_set(err, SLC_EINVALID,
                                         "PCI pattern '%s': bad range in "
                                         "'%.*s'",
                                         pattern, (int)(end - p + 1), p);
                }
                continue;
            }
            bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                       (c >= 'A' && c <= 'F');
            if (shape[pos] == 'x' ? !hex : c != shape[pos]) {
                return slc_error_set(err, SLC_EINVALID,
                                     "PCI pattern '%s': '%c' cannot stand "
                                     "at position %zu of dddd:bb:ss.f",
                                     pattern, c, pos + 1);
            }
            if (*p != '[') {
                break;
            }
        }
        p = end + 1;
    }
    if (pos != sizeof shape - 1) {
        return slc_error_set(err, SLC_EINVALID,
                             "PCI pattern '%s' is shorter than a PCI "
                             "address (dddd:bb:ss.f)",
                             pattern);
    }
    return 0;
}

static void
check(struct slc_parse *p, const struct slc_port_mapping *m)
{
    for (size_t i = 0; i < m->n_computes; i++) {
        const struct slc_sdn_compute *c = &m->computes[i];

        for (size_t j = 0; j < c->n_ports; j++) {
            const struct slc_sdn_port *port = &c->ports[j];
            struct slc_error err;

            if (port->pci && slc_pci_pattern_check(port->pci, &err)) {
                slc_parse_error(p, &port->node, "pci", "%s", err.msg);
            }
            if (!port->switch_port && !port->service_endpoint_id) {
                slc_parse_error(p, &port->node, NULL,
                                "give switch_port (or service_endpoint_id)");
            }
            if (port->switch_id && port->switch_dpid) {
                slc_parse_error(p, &port->node, "switch_dpid",
                                "give switch_id or switch_dpid, not both");
            }
        }
    }
}

static int
from_json(json_t *root, struct slc_yaml_doc *doc, const char *name,
          struct slc_port_mapping **out, struct slc_diags *diags)
{
    struct slc_port_mapping *m = calloc(1, sizeof *m);
    size_t errors = diags->n_errors;
    struct slc_parse p;

    *out = NULL;
    if (!m) {
        slc_yaml_free(doc);
        return SLC_ENOMEM;
    }
    m->doc = doc;
    m->root = json_incref(root);
    p = (struct slc_parse){.arena = &m->arena, .doc = doc, .diags = diags,
                           .file = name};
    if (!json_is_array(root)) {
        slc_diags_add(diags, SLC_DIAG_ERROR, name,
                      doc ? slc_yaml_pos(doc, root) : (struct slc_pos){0, 0},
                      NULL, "sdn-port-mapping",
                      "expected a list of {compute_node, ports}");
    } else {
        m->n_computes = json_array_size(root);
        m->computes = slc_arena_calloc(&m->arena, m->n_computes + 1,
                                       sizeof *m->computes);
        for (size_t i = 0; m->computes && i < m->n_computes; i++) {
            char *path = slc_arena_printf(&m->arena, "sdn-port-mapping[%zu]",
                                          i);
            json_t *item = json_array_get(root, i);

            if (!path) {
                break;
            }
            if (!json_is_object(item)) {
                slc_diags_add(diags, SLC_DIAG_ERROR, name,
                              doc ? slc_yaml_pos(doc, item)
                                  : (struct slc_pos){0, 0},
                              NULL, path, "expected a mapping");
                continue;
            }
            slc_schema_parse(&p, &compute_schema, item, path,
                             &m->computes[i]);
        }
        check(&p, m);
    }
    if (diags->n_errors > errors) {
        slc_port_mapping_free(m);
        return SLC_EINVALID;
    }
    *out = m;
    return 0;
}

int
slc_port_mapping_load(const char *buf, size_t size, const char *name,
                      struct slc_port_mapping **out, struct slc_diags *diags)
{
    struct slc_yaml_doc *doc;
    int rc = slc_yaml_load(buf, size, name, NULL, &doc, diags);

    *out = NULL;
    return rc ? rc : from_json(slc_yaml_root(doc), doc, name, out, diags);
}

int
slc_port_mapping_from_json(json_t *array, const char *name,
                           struct slc_port_mapping **out,
                           struct slc_diags *diags)
{
    return from_json(array, NULL, name, out, diags);
}

void
slc_port_mapping_free(struct slc_port_mapping *m)
{
    if (!m) {
        return;
    }
    json_decref(m->root);
    slc_yaml_free(m->doc);
    slc_arena_free(&m->arena);
    free(m);
}

const struct slc_sdn_port *
slc_port_mapping_lookup(const struct slc_port_mapping *m,
                        const char *compute_node, const char *pci)
{
    for (size_t i = 0; i < m->n_computes; i++) {
        const struct slc_sdn_compute *c = &m->computes[i];

        if (!c->compute_node || strcmp(c->compute_node, compute_node)) {
            continue;
        }
        for (size_t j = 0; j < c->n_ports; j++) {
            if (c->ports[j].pci &&
                slc_pci_pattern_match(c->ports[j].pci, pci)) {
                return &c->ports[j];
            }
        }
    }
    return NULL;
}
