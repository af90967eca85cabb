/* The infrastructure records: VIM accounts and SDN controllers
 * (/osm/admin/v1) and PDUs (/osm/pdu/v1): their checks (each driver checks
 * its own config; SDN assist's keys are checked here), what uses them, and
 * their secrets, stored but never returned by GET and never logged.
 * Neighbours: identity-api.c, rest.c; the drivers through the registries
 * of vim.h and sdn.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "http-server.h"
#include "host-inventory.h"
#include "port-mapping.h"
#include "slc-file.h"
#include "rest-internal.h"
#include "slc-id.h"
#include "slc-log.h"
#include "slice.h"

SLC_LOG_MODULE(infra_api);

#define VIMS "/osm/admin/v1/vim_accounts"
#define SDNS "/osm/admin/v1/sdns"
#define PDUS "/osm/pdu/v1/pdu_descriptors"
#define NSSMFS "/osm/admin/v1/nssmf_accounts"

/* ---- VIM accounts and SDN controllers ---- */

static const struct slc_body_field vim_fields[] = {
    {"name", SLC_BT_STR, true},
    {"vim_type", SLC_BT_STR, true},
    {"vim_url", SLC_BT_STR, true},
    {"vim_tenant_name", SLC_BT_STR | SLC_BT_NULL, false},
    {"vim_tenant_id", SLC_BT_STR | SLC_BT_NULL, false},
    {"vim_user", SLC_BT_STR | SLC_BT_NULL, false},
    {"vim_password", SLC_BT_STR | SLC_BT_NULL, false},
    {"description", SLC_BT_STR | SLC_BT_NULL, false},
    {"config", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"schema_version", SLC_BT_STR, false},
    {"schema_type", SLC_BT_STR, false},
    {"datacenter", SLC_BT_STR, false},
    {"vca", SLC_BT_STR, false},
    {"resources", SLC_BT_BOOL, false},
    {NULL},
};

static const struct slc_body_field sdn_fields[] = {
    {"name", SLC_BT_STR, true},
    {"type", SLC_BT_STR, true},
    {"url", SLC_BT_STR | SLC_BT_NULL, false},
    {"ip", SLC_BT_STR | SLC_BT_NULL, false},
    {"port", SLC_BT_INT | SLC_BT_NULL, false, .min = 1, .max = 65535},
    {"dpid", SLC_BT_STR | SLC_BT_NULL, false},
    {"user", SLC_BT_STR | SLC_BT_NULL, false},
    {"password", SLC_BT_STR | SLC_BT_NULL, false},
    {"version", SLC_BT_STR | SLC_BT_NULL, false},
    {"description", SLC_BT_STR | SLC_BT_NULL, false},
    {"config", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"schema_version", SLC_BT_STR, false},
    {NULL},
};

/* An external slice manager that provides slice subnets
 * (slice-managers.md §8 "as NSMF"): a slicer extension in the style of
 * OSM's VIM and SDN accounts. */
static const char *const nssmf_dialects[] = {"3gpp", "onap", "osm", NULL};

static const struct slc_body_field nssmf_fields[] = {
    {"name", SLC_BT_STR, true},
    {"description", SLC_BT_STR | SLC_BT_NULL, false},
    {"dialect", SLC_BT_STR, true, .values = nssmf_dialects},
    {"url", SLC_BT_STR, true},
    {"username", SLC_BT_STR, false},
    {"password", SLC_BT_STR | SLC_BT_NULL, false},
    {"project", SLC_BT_STR, false},
    {"vim_account", SLC_BT_STR, false},
    {"insecure", SLC_BT_BOOL, false},
    {"ca_file", SLC_BT_STR, false},
    {"poll_interval_ms", SLC_BT_INT, false, .min = 10, .max = 600000},
    /* the physical network of the VIMs that reaches the NSSMF's domain,
     * and the subnets of the links across (transport-ep.c) */
    {"physical_network", SLC_BT_STR | SLC_BT_NULL, false},
    {"transport_subnet_pool", SLC_BT_STR | SLC_BT_NULL, false},
    {"schema_version", SLC_BT_STR, false},
    {NULL},
};

/* The members holding secrets, never returned nor logged. */
static const char *const secret_keys[] = {"vim_password", "password", NULL};

static json_t *
without_secrets(const json_t *doc)
{
    json_t *v = json_deep_copy(doc);

    for (size_t i = 0; secret_keys[i]; i++) {
        if (json_object_get(v, secret_keys[i])) {
            json_object_set_new(v, secret_keys[i], json_string("********"));
        }
    }
    return v;
}

/* Checks the SDN-assist part of a VIM account config: the controller must
 * exist (by name or _id), the port mapping must parse. */
static int
check_sdn_assist(struct slc_call *c, json_t *config)
{
    json_t *ctl = json_object_get(config, "sdn-controller");
    json_t *map = json_object_get(config, "sdn-port-mapping");
    int rc = 0;

    if (ctl) {
        struct slc_record rec;

        if (!json_is_string(ctl)) {
            return slc_rest_fail(c, 422, SLC_EINVALID,
                                 "vim account: config.sdn-controller must "
                                 "be the name or _id of an SDN controller");
        }
        rc = slc_rest_get_in_scope(c, "sdns", "sdn controller",
                                   json_string_value(ctl), &rec);
        if (rc) {
            c->status = 422;
            return slc_error_prefix(&c->err,
                                    "vim account: config.sdn-controller");
        }
        json_object_set_new(config, "sdn-controller", json_string(rec.id));
        slc_record_clear(&rec);
    }
    if (map) {
        struct slc_diags diags = SLC_DIAGS_INIT;
        struct slc_port_mapping *m = NULL;

        rc = slc_port_mapping_from_json(map, "config.sdn-port-mapping", &m,
                                        &diags);
        if (!rc && slc_diags_has_errors(&diags)) {
            rc = SLC_EINVALID;
        }
        if (rc) {
            slc_diags_to_error(&diags, SLC_EINVALID, &c->err);
            c->status = 422;
            slc_error_prefix(&c->err, "vim account");
        }
        slc_port_mapping_free(m);
        slc_diags_clear(&diags);
    }
    return rc;
}

/* NS records with SDN-assist services, or chains with a part on the
 * fabric, on VIM account 'vim'. */
struct service_scan {
    const char *vim;
    char names[256];
    size_t count;
};

static int
scan_services(const char *coll, const struct slc_record *rec, void *arg)
{
    struct service_scan *sc = arg;
    const json_t *r;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(json_object_get(
                                           rec->doc, "_admin"),
                                           "deployed"),
                                       "resources"),
                       i, r)
    {
        const char *kind = json_string_value(json_object_get(r, "kind"))
                               ?: "";
        bool on_fabric = !strcmp(kind, "chain") &&
                         json_object_get(json_object_get(r, "spec"),
                                         "fabric_program");

        if ((!strcmp(kind, "sdn") || on_fabric) &&
            !strcmp(json_string_value(json_object_get(r, "vim")) ?: "",
                    sc->vim)) {
            size_t len = strlen(sc->names);

            snprintf(sc->names + len, sizeof sc->names - len, "%s'%s'",
                     len ? ", " : "", rec->name ? rec->name : rec->id);
            sc->count++;
            break;
        }
    }
    return 0;
}

/* A VIM account's sdn-controller does not change while services or chain
 * parts made on it exist: they would be orphaned on the old one. */
static int
check_controller_kept(struct slc_call *c, const json_t *body)
{
    const char *id = json_string_value(json_object_get(body, "_id"));
    const char *now = json_string_value(json_object_get(
        json_object_get(body, "config"), "sdn-controller"));
    struct service_scan sc = {.vim = id};
    struct slc_record old = {0};
    const char *was;
    int rc;

    if (!id || slc_store_get(c->api->st, "vim_accounts", id, &old,
                             &(struct slc_error){0})) {
        return 0;
    }
    was = json_string_value(json_object_get(
        json_object_get(old.doc, "config"), "sdn-controller"));
    rc = !was || (now && !strcmp(was, now))
             ? 0
             : slc_store_list(c->api->st, "nsrs", NULL, scan_services, &sc,
                              &c->err);
    if (!rc && sc.count) {
        rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                           "vim account '%s': config.sdn-controller cannot "
                           "change while NS %s have SDN-assist services or "
                           "chains on it",
                           old.name, sc.names);
    }
    slc_record_clear(&old);
    return rc;
}

/* Port 'j' of mapping entry 'i' against host 'h' of the inventories: its
 * PCI pattern must match a NIC or a VF of the host, and where the switch
 * port is a number, it must be the fabric port the inventory cables that
 * NIC to. */
static int
check_mapped_port(struct slc_call *c, const struct slc_port_mapping *m,
                  size_t i, size_t j, const struct slc_sdn_port *port,
                  const struct slc_host *h)
{
    const char *sp = port->switch_port;
    bool numeric = sp && *sp && strspn(sp, "0123456789") == strlen(sp);
    bool matched = false;

    for (size_t n = 0; n < h->n_numas; n++) {
        for (size_t k = 0; k < h->numas[n].n_nics; k++) {
            const struct slc_host_nic *nic = &h->numas[n].nics[k];
            const char *hit = nic->pci && slc_pci_pattern_match(port->pci,
                                                                nic->pci)
                                  ? nic->pci
                                  : NULL;

            for (size_t v = 0; !hit && v < nic->n_vfs; v++) {
                if (nic->vfs[v].pci &&
                    slc_pci_pattern_match(port->pci, nic->vfs[v].pci)) {
                    hit = nic->vfs[v].pci;
                }
            }
            if (!hit) {
                continue;
            }
            matched = true;
            if (slc_port_mapping_lookup(m, h->name, hit) != port) {
                continue; /* an earlier entry maps it: the first wins */
            }
            if (numeric && nic->fabric_port &&
                strtoull(sp, NULL, 10) != nic->fabric_port) {
                return slc_rest_fail(
                    c, 422, SLC_EINVALID,
                    "vim account: config.sdn-port-mapping[%zu].ports[%zu]: "
                    "%s (%s NIC %s on %s) is cabled to fabric port %llu, "
                    "not '%s' (config.hosts)",
                    i, j, hit, strcmp(hit, nic->pci) ? "a VF of" : "the",
                    nic->name ? nic->name : "?", h->name,
                    (unsigned long long)nic->fabric_port, sp);
            }
        }
    }
    if (!matched) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "vim account: config.sdn-port-mapping[%zu]."
                             "ports[%zu]: pci '%s' matches no NIC or VF of "
                             "host '%s' (config.hosts)",
                             i, j, port->pci, h->name);
    }
    return 0;
}

/* The port mapping against the host inventories, when the account has
 * both: every compute_node is a host of them, every port pattern names
 * its devices, and numbered switch ports are where they are cabled. */
static int
check_mapping_hosts(struct slc_call *c, const json_t *config)
{
    json_t *map = json_object_get(config, "sdn-port-mapping");
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_port_mapping *m = NULL;
    struct slc_inventory **invs = NULL;
    size_t n = 0;
    int rc = 0;

    if (!map || !json_object_get(config, "hosts")) {
        return 0;
    }
    if (slc_inventory_load_list(json_object_get(config, "hosts"), &invs, &n,
                                &c->err) ||
        slc_port_mapping_from_json(map, "config.sdn-port-mapping", &m,
                                   &diags)) {
        rc = SLC_EINVALID; /* both were checked just before */
        c->status = 422;
    }
    for (size_t i = 0; !rc && i < m->n_computes; i++) {
        const struct slc_sdn_compute *cn = &m->computes[i];
        const struct slc_host *h = NULL;
        char names[256] = "";
        size_t len = 0;

        for (size_t k = 0; k < n && !h; k++) {
            h = slc_inventory_find_host(invs[k], cn->compute_node);
        }
        for (size_t k = 0; !h && k < n; k++) {
            for (size_t q = 0; q < invs[k]->n_hosts && len < sizeof names;
                 q++) {
                len += (size_t)snprintf(names + len, sizeof names - len,
                                        "%s%s", len ? ", " : "",
                                        invs[k]->hosts[q].name);
            }
        }
        if (!h) {
            rc = slc_rest_fail(c, 422, SLC_EINVALID,
                               "vim account: config.sdn-port-mapping[%zu]."
                               "compute_node '%s' is not a host of "
                               "config.hosts (%s)",
                               i, cn->compute_node ? cn->compute_node : "",
                               names);
        }
        for (size_t j = 0; !rc && j < cn->n_ports; j++) {
            rc = check_mapped_port(c, m, i, j, &cn->ports[j], h);
        }
    }
    slc_port_mapping_free(m);
    slc_diags_clear(&diags);
    slc_inventory_free_list(invs, n);
    return rc;
}

/* Whether 'key' of the account's config is one a driver of 'class' (or
 * placement, for "hosts") reads from or runs on the daemon's host. */
static bool
is_host_key(const struct slc_vim_class *class, const char *key)
{
    /* the hosts, and how they are cabled to the fabric that every
     * project's services share (SDN assist programs what these name) */
    if (!strcmp(key, "hosts") || !strcmp(key, "sdn-port-mapping") ||
        !strcmp(key, "sdn-external-ports")) {
        return true;
    }
    for (size_t i = 0; class->host_keys && class->host_keys[i]; i++) {
        if (!strcmp(class->host_keys[i], key)) {
            return true;
        }
    }
    return false;
}

/* Configuration that touches the daemon's host is a system admin's: a
 * member may create accounts without it and change the rest of an
 * account an admin configured, never those keys (403). */
static int
check_host_keys(struct slc_call *c, const struct slc_vim_class *class,
                const json_t *body)
{
    const json_t *config = json_object_get(body, "config");
    const char *id = json_string_value(json_object_get(body, "_id"));
    struct slc_record old = {0};
    const char *key;
    const json_t *v;
    int rc = 0;

    if (c->who.admin || !json_is_object(config)) {
        return 0;
    }
    if (id && slc_store_get(c->api->st, "vim_accounts", id, &old, &c->err)) {
        return c->err.code;
    }
    json_object_foreach((json_t *)config, key, v)
    {
        const json_t *was = json_object_get(
            json_object_get(old.doc, "config"), key);

        if (is_host_key(class, key) && !(was && json_equal(was, v))) {
            char names[256];

            rc = slc_rest_fail(c, 403, SLC_EDENIED,
                               "vim account '%s': config.%s names what "
                               "slicerd reads or runs on its host; only a "
                               "user with an admin role sets it (user '%s' "
                               "has %s)",
                               json_string_value(
                                   json_object_get(body, "name")),
                               key, c->who.username,
                               slc_auth_role_names(c->api->tokens, &c->who,
                                                   names, sizeof names));
            break;
        }
    }
    slc_record_clear(&old);
    return rc;
}

/* config.hosts, which placement reads for every VIM type: each path must
 * be a file under files_dir (no "..", no symbolic link out of it), and is
 * stored as its real path; the files are loaded now, so that a missing,
 * unreadable or malformed one is a 422 naming the key and the path, never
 * a failure at instantiation. */
static int
check_hosts(struct slc_call *c, json_t *config)
{
    json_t *hosts = json_object_get(config, "hosts");
    /* one path or a list of them: the same walk over a list */
    json_t *list = json_is_string(hosts) ? json_pack("[O]", hosts)
                                         : json_incref(hosts);
    struct slc_inventory **invs = NULL;
    size_t n = 0, i;
    json_t *p;
    int rc = 0;

    json_array_foreach(json_is_array(list) ? list : NULL, i, p)
    {
        char real[4096];

        if (!json_is_string(p)) {
            continue; /* slc_inventory_load_list() names it */
        }
        rc = slc_path_confine(c->api->files_dir, json_string_value(p),
                              "config.hosts", real, sizeof real, &c->err);
        if (rc) {
            break;
        }
        json_array_set_new(list, i, json_string(real));
    }
    if (!rc && json_is_string(hosts)) {
        json_object_set(config, "hosts", json_array_get(list, 0));
    }
    json_decref(list);
    rc = rc ? rc
            : slc_inventory_load_list(json_object_get(config, "hosts"), &invs,
                                      &n, &c->err);
    slc_inventory_free_list(invs, n);
    if (rc) {
        c->status = 422;
    }
    return rc;
}

/* config.auto_heal, which the core reads for every VIM type: true,
 * false, or {max_per_hour: 1..3600}. */
static int
check_auto_heal(struct slc_call *c, const json_t *config)
{
    const json_t *ah = json_object_get(config, "auto_heal");
    const json_t *max = json_object_get(ah, "max_per_hour");

    if (!ah || json_is_boolean(ah) ||
        (json_is_object(ah) && json_object_size(ah) == (max ? 1u : 0u) &&
         (!max || (json_is_integer(max) && json_integer_value(max) >= 1 &&
                   json_integer_value(max) <= 3600)))) {
        return 0;
    }
    return slc_rest_fail(c, 422, SLC_EINVALID,
                         "vim account: config.auto_heal: expected true, "
                         "false or {max_per_hour: 1 to 3600}");
}

static int
check_vim(struct slc_call *c, json_t *body)
{
    const char *type = json_string_value(json_object_get(body, "vim_type"));
    json_t *config = json_object_get(body, "config");
    const struct slc_vim_class *class;
    int rc = slc_rest_check_name(c, "vim account",
                        json_string_value(json_object_get(body, "name")));

    if (rc) {
        return rc;
    }
    class = slc_vim_registry_lookup(c->api->vim_classes, type, &c->err);
    if (!class) {
        c->status = 422;
        return slc_error_prefix(&c->err, "vim account");
    }
    if ((rc = check_host_keys(c, class, body)) ||
        (rc = check_auto_heal(c, config))) {
        return rc;
    }
    if ((rc = check_hosts(c, config)) ||
        (class->check_config &&
         (rc = class->check_config(config, &c->err))) ||
        (rc = slc_engine_vim_probe(c->api->engine, body, &c->err))) {
        c->status = 422;
        return slc_error_prefix(&c->err, "vim account '%s'",
                                json_string_value(
                                    json_object_get(body, "name")));
    }
    if (json_is_object(config) && (rc = check_sdn_assist(c, config))) {
        return rc;
    }
    if ((rc = check_controller_kept(c, body))) {
        return rc;
    }
    if (json_is_object(config) &&
        json_object_get(config, "mapping_not_needed") &&
        !json_is_boolean(json_object_get(config, "mapping_not_needed"))) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "vim account: config.mapping_not_needed must "
                             "be true or false");
    }
    if (json_is_object(config) &&
        json_object_get(config, "sdn-external-ports")) {
        const json_t *ports = json_object_get(config, "sdn-external-ports");
        const json_t *p;
        size_t i;

        json_array_foreach(ports, i, p)
        {
            if (!json_is_string(p) || !*json_string_value(p)) {
                return slc_rest_fail(c, 422, SLC_EINVALID,
                                     "vim account: config."
                                     "sdn-external-ports[%zu] must be a "
                                     "switch port (a name or number, as "
                                     "text)",
                                     i);
            }
        }
        if (!json_is_array(ports)) {
            return slc_rest_fail(c, 422, SLC_EINVALID,
                                 "vim account: config.sdn-external-ports "
                                 "must be a list of switch ports");
        }
    }
    return json_is_object(config) ? check_mapping_hosts(c, config) : 0;
}

static int
check_sdn(struct slc_call *c, json_t *body)
{
    const char *type = json_string_value(json_object_get(body, "type"));
    const struct slc_sdn_class *class;
    int rc = slc_rest_check_name(c, "sdn controller",
                        json_string_value(json_object_get(body, "name")));

    if (rc) {
        return rc;
    }
    class = slc_sdn_registry_lookup(c->api->sdn_classes, type, &c->err);
    if (!class) {
        c->status = 422;
        return slc_error_prefix(&c->err, "sdn controller");
    }
    if (class->check_config &&
        (rc = class->check_config(json_object_get(body, "config"),
                                  &c->err))) {
        c->status = 422;
        return slc_error_prefix(&c->err, "sdn controller '%s'",
                                json_string_value(
                                    json_object_get(body, "name")));
    }
    /* an ovs controller's url and openflow are sockets of the daemon's
     * host (the switch's): an admin's, as a VIM account's "ovs" is */
    if (!strcmp(type, "ovs") && !c->who.admin &&
        (json_object_get(body, "url") ||
         json_object_get(json_object_get(body, "config"), "openflow"))) {
        char names[256];

        return slc_rest_fail(c, 403, SLC_EDENIED,
                             "sdn controller '%s': an ovs controller's url "
                             "and config.openflow name sockets of slicerd's "
                             "host; only a user with an admin role sets "
                             "them (user '%s' has %s); without them it "
                             "programs the fabric switch of the VIM account "
                             "that names it",
                             json_string_value(json_object_get(body, "name")),
                             c->who.username,
                             slc_auth_role_names(c->api->tokens, &c->who,
                                                 names, sizeof names));
    }
    return 0;
}

/* ---- PDUs (physical deployment units: PNFs and HNFs) ---- */

static const struct slc_body_field pdu_fields[] = {
    {"name", SLC_BT_STR, true},
    {"type", SLC_BT_STR, true},
    {"description", SLC_BT_STR | SLC_BT_NULL, false},
    {"shared", SLC_BT_BOOL, false},
    {"vims", SLC_BT_ARR, false},
    {"vim_accounts", SLC_BT_ARR, false},
    {"interfaces", SLC_BT_ARR, true},
    {NULL},
};

static const struct slc_body_field pdu_interface_fields[] = {
    {"name", SLC_BT_STR, true},
    {"mgmt", SLC_BT_BOOL, true},
    {"ip-address", SLC_BT_STR, true},
    {"type", SLC_BT_STR, false},
    {"mac-address", SLC_BT_STR, false},
    {"vim-network-name", SLC_BT_STR, false},
    {"vim-network-id", SLC_BT_STR, false},
    /* ours: the fabric switch port (OpenFlow port number) it is wired to */
    {"switch-port", SLC_BT_INT, false},
    {NULL},
};

static bool
is_mac(const char *s)
{
    for (int i = 0; i < 6; i++, s += 3) {
        if (!isxdigit((unsigned char)s[0]) ||
            !isxdigit((unsigned char)s[1]) || s[2] != (i < 5 ? ':' : '\0')) {
            return false;
        }
    }
    return true;
}

static int
check_pdu_interface(struct slc_call *c, const char *pdu, size_t k,
                    const json_t *iface, const json_t *all)
{
    const char *name = json_string_value(json_object_get(iface, "name"));
    const char *ip = json_string_value(json_object_get(iface, "ip-address"));
    const char *type = json_string_value(json_object_get(iface, "type"));
    const char *mac = json_string_value(json_object_get(iface, "mac-address"));
    unsigned char addr[16];
    char what[300];

    snprintf(what, sizeof what, "pdu '%s': interfaces[%zu]", pdu, k);
    if (!json_is_object(iface)) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s: expected an object", what);
    }
    if (slc_rest_check_body(c, iface, what, pdu_interface_fields)) {
        return SLC_EINVALID;
    }
    if (!*name) {
        return slc_rest_fail(c, 422, SLC_EINVALID, "%s: empty name", what);
    }
    for (size_t j = 0; j < k; j++) {
        if (!strcmp(name, json_string_value(json_object_get(
                              json_array_get(all, j), "name")))) {
            return slc_rest_fail(c, 422, SLC_EINVALID,
                                 "%s: name '%s' is used twice", what, name);
        }
    }
    if (inet_pton(AF_INET, ip, addr) != 1 &&
        inet_pton(AF_INET6, ip, addr) != 1) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s: ip-address '%s' is not an IPv4 or IPv6 "
                             "address",
                             what, ip);
    }
    if (type && strcmp(type, "overlay") && strcmp(type, "underlay")) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s: type '%s' must be overlay or underlay",
                             what, type);
    }
    if (json_object_get(iface, "switch-port") &&
        (json_integer_value(json_object_get(iface, "switch-port")) < 1 ||
         json_integer_value(json_object_get(iface, "switch-port")) > 65279)) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s: switch-port %" JSON_INTEGER_FORMAT
                             " is not an OpenFlow port number (1-65279)",
                             what,
                             json_integer_value(
                                 json_object_get(iface, "switch-port")));
    }
    if (mac && !is_mac(mac)) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s: mac-address '%s' is not a MAC address "
                             "(xx:xx:xx:xx:xx:xx)",
                             what, mac);
    }
    return 0;
}

/* A PDU: a name, a type, at least one interface with an address, and the
 * VIM accounts it can serve (which must exist; stored by _id). */
static int
check_pdu(struct slc_call *c, json_t *body)
{
    const char *name = json_string_value(json_object_get(body, "name"));
    const json_t *ifaces = json_object_get(body, "interfaces");
    json_t *vims = json_object_get(body, "vim_accounts");
    const json_t *v;
    size_t i;
    int rc = slc_rest_check_name(c, "pdu", name);

    if (!rc && !*json_string_value(json_object_get(body, "type"))) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID, "pdu '%s': empty type",
                           name);
    }
    if (!rc && !json_array_size(ifaces)) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID,
                           "pdu '%s': interfaces needs at least one "
                           "interface",
                           name);
    }
    for (i = 0; !rc && i < json_array_size(ifaces); i++) {
        rc = check_pdu_interface(c, name, i, json_array_get(ifaces, i),
                                 ifaces);
    }
    json_array_foreach(json_object_get(body, "vims"), i, v)
    {
        if (!rc && !json_is_string(v)) {
            rc = slc_rest_fail(c, 422, SLC_EINVALID,
                               "pdu '%s': vims[%zu] must be a string", name,
                               i);
        }
    }
    json_array_foreach(vims, i, v)
    {
        struct slc_record vim;

        if (rc) {
            break;
        }
        if (!json_is_string(v)) {
            rc = slc_rest_fail(c, 422, SLC_EINVALID,
                               "pdu '%s': vim_accounts[%zu] must be the name "
                               "or _id of a VIM account",
                               name, i);
        } else if (!(rc = slc_rest_get_in_scope(c, "vim_accounts",
                                                "vim account",
                                                json_string_value(v),
                                                &vim))) {
            json_array_set_new(vims, i, json_string(vim.id));
            slc_record_clear(&vim);
        } else if (rc == SLC_ENOTFOUND) {
            c->status = 422;
            slc_error_prefix(&c->err, "pdu '%s': vim_accounts[%zu]", name,
                             i);
        }
    }
    return rc;
}

/* ---- what uses an infrastructure record ---- */

struct user_scan {
    const char *key, *value;  /* member of the user's doc to compare */
    const char *sub;          /* or NULL */
    char names[256];
    size_t count;
};

static void
scan_add(struct user_scan *u, const struct slc_record *rec)
{
    size_t len = strlen(u->names);

    snprintf(u->names + len, sizeof u->names - len, "%s'%s'",
             u->count++ ? ", " : "", rec->name ? rec->name : rec->id);
}

static int
user_scan_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct user_scan *u = arg;
    const json_t *v = json_object_get(rec->doc, u->key);

    if (u->sub) {
        v = json_object_get(v, u->sub);
    }
    if (json_is_string(v) && !strcmp(json_string_value(v), u->value)) {
        scan_add(u, rec);
    }
    return 0;
}

/* NS records placed on the VIM account. */
static int
vim_users(struct slc_call *c, const struct slc_record *rec,
          struct user_scan *u)
{
    u->key = "datacenter";
    return slc_store_list(c->api->st, "nsrs", NULL, user_scan_visit, u,
                          &c->err);
}

/* VIM accounts whose SDN assist uses the controller. */
static int
sdn_users(struct slc_call *c, const struct slc_record *rec,
          struct user_scan *u)
{
    u->key = "config";
    u->sub = "sdn-controller";
    return slc_store_list(c->api->st, "vim_accounts", NULL, user_scan_visit,
                          u, &c->err);
}

static int
pdu_scan_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct user_scan *u = arg;
    const json_t *vdur;
    size_t i;

    json_array_foreach(json_object_get(rec->doc, "vdur"), i, vdur)
    {
        const char *id = json_string_value(json_object_get(vdur, "pdu-id"));

        if (id && !strcmp(id, u->value)) {
            scan_add(u, rec);
            break;
        }
    }
    return 0;
}

/* VNF records deployed on the PDU (vdur[].pdu-id, as OSM checks). */
static int
pdu_users(struct slc_call *c, const struct slc_record *rec,
          struct user_scan *u)
{
    return slc_store_list(c->api->st, "vnfrs", NULL, pdu_scan_visit, u,
                          &c->err);
}

struct infra_kind {
    const char *coll, *what, *base;
    const struct slc_body_field *fields;
    int (*check)(struct slc_call *c, json_t *body);
    int (*users)(struct slc_call *c, const struct slc_record *rec,
                 struct user_scan *u);
    const char *const *initial; /* _admin members at creation, in pairs */
};

static const char *const infra_initial[] = {
    "operationalState", "ENABLED", "detailed-status", "Done", NULL,
};
static const char *const pdu_initial[] = {
    "onboardingState", "CREATED", "operationalState", "ENABLED",
    "usageState", "NOT_IN_USE", NULL,
};

static const struct infra_kind vim_kind = {
    "vim_accounts", "vim account", VIMS, vim_fields, check_vim, vim_users,
    infra_initial,
};
static const struct infra_kind sdn_kind = {
    "sdns", "sdn controller", SDNS, sdn_fields, check_sdn, sdn_users,
    infra_initial,
};
/* An NSSMF account: its name, an http(s) URL, a CA file under files_dir
 * (stored as its real path), and for the osm dialect the remote VIM
 * account the subnets' NSs go to. */
static int
check_nssmf(struct slc_call *c, json_t *body)
{
    const char *url = json_string_value(json_object_get(body, "url"));
    const char *ca = json_string_value(json_object_get(body, "ca_file"));
    const char *dialect = json_string_value(json_object_get(body,
                                                            "dialect"));
    int rc = slc_rest_check_name(c, "nssmf account",
                        json_string_value(json_object_get(body, "name")));

    if (!rc && (!url || (strncmp(url, "http://", 7) &&
                         strncmp(url, "https://", 8)) ||
                strpbrk(url, " \t\r\n"))) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID,
                           "nssmf account: url '%.200s' must be an http or "
                           "https URL",
                           url ? url : "");
    }
    if (!rc && ca) {
        char real[4096];

        rc = slc_path_confine(c->api->files_dir, ca, "ca_file", real,
                              sizeof real, &c->err);
        if (rc) {
            c->status = 422;
            return slc_error_prefix(&c->err, "nssmf account");
        }
        json_object_set_new(body, "ca_file", json_string(real));
    }
    if (!rc && !c->who.admin &&
        json_string_value(json_object_get(body, "physical_network"))) {
        /* its slices' links to the other domain are provider networks */
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "nssmf account: physical_network '%.64s': only a "
                           "system admin may put slices on the host's "
                           "physical networks",
                           json_string_value(json_object_get(
                               body, "physical_network")));
    }
    if (!rc && slc_ep_check_pool(json_string_value(json_object_get(
                                     body, "transport_subnet_pool")),
                                 &c->err)) {
        c->status = 422;
        return slc_error_prefix(&c->err, "nssmf account");
    }
    if (!rc && !strcmp(dialect ? dialect : "", "osm") &&
        !json_object_get(body, "vim_account")) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID,
                           "nssmf account: the osm dialect needs "
                           "vim_account, the remote VIM account of the "
                           "subnets' NSs");
    }
    return rc;
}

static int
nssmf_scan_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct user_scan *u = arg;
    const json_t *e;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(rec->doc, "_admin"),
                                       "remote-subnets"),
                       i, e)
    {
        const char *id = json_string_value(json_object_get(e, "account"));

        if (id && !strcmp(id, u->value)) {
            scan_add(u, rec);
            break;
        }
    }
    return 0;
}

/* Slices with a subnet the account provides. */
static int
nssmf_users(struct slc_call *c, const struct slc_record *rec,
            struct user_scan *u)
{
    return slc_store_list(c->api->st, "nsis", NULL, nssmf_scan_visit, u,
                          &c->err);
}

static const struct infra_kind nssmf_kind = {
    "nssmf_accounts", "nssmf account", NSSMFS, nssmf_fields, check_nssmf,
    nssmf_users, infra_initial,
};

static const struct infra_kind pdu_kind = {
    "pdus", "pdu", PDUS, pdu_fields, check_pdu, pdu_users, pdu_initial,
};

/* Stamps on VIM account 'doc' who places its computes: "vim" when its
 * driver schedules (OpenStack's Nova), else "slicer" (placement.h reads
 * it from the stored record). */
static void
stamp_scheduler(struct slc_call *c, json_t *doc)
{
    const struct slc_vim_class *class = slc_vim_registry_find(
        c->api->vim_classes,
        json_string_value(json_object_get(doc, "vim_type")));

    json_object_set_new(json_object_get(doc, "_admin"), "scheduler",
                        json_string(class && class->schedules ? "vim"
                                                              : "slicer"));
}

/* Stores new record 'body' (checked) and fills the 201 reply. */
static int
store_new(struct slc_call *c, const struct infra_kind *k, json_t *body)
{
    char id[SLC_UUID_STR_SIZE];
    json_t *admin = slc_rest_stamp(c);
    int rc;

    for (size_t i = 0; k->initial[i]; i += 2) {
        json_object_set_new(admin, k->initial[i],
                            json_string(k->initial[i + 1]));
    }
    json_object_set_new(body, "_admin", admin);
    if (k == &vim_kind) {
        stamp_scheduler(c, body);
    }
    slc_auth_set_owner(&c->who, body);
    rc = slc_rest_create_named(c, k->coll, k->what,
                               json_string_value(json_object_get(body,
                                                                 "name")),
                               body, id);
    if (!rc) {
        SLC_INFO("%s '%s' created (%s)", k->what,
                 json_string_value(json_object_get(body, "name")), id);
        slc_rest_created(c, k->base, id, NULL);
    }
    return rc;
}

/* An SDN controller record waiting for its controller's answer: the
 * call (its caller and the daemon; not its request, which is the
 * server's) and the record to store once the controller said yes. */
struct checking {
    struct slc_call c;
    const struct infra_kind *k;
    json_t *body;
    struct slc_http_deferred *reply;
};

static void
on_checked(void *arg, int rc, const char *msg)
{
    struct checking *ck = arg;
    struct slc_http_response resp = {0};

    ck->c.resp = &resp;
    ck->c.req = NULL;
    if (rc) {
        /* the controller's words; nothing is stored */
        slc_rest_fail(&ck->c, 422, SLC_EINVALID,
                      "%s '%s': check credentials: %s", ck->k->what,
                      json_string_value(json_object_get(ck->body, "name")),
                      msg ? msg : "refused");
        rc = SLC_EINVALID;
    } else {
        rc = store_new(&ck->c, ck->k, ck->body);
    }
    if (rc) {
        json_decref(resp.body);
        resp.body = NULL;
        slc_http_error(&resp, ck->c.status ? ck->c.status : 422,
                       ck->c.err.msg);
    }
    slc_http_deferred_reply(ck->reply, &resp);
    json_decref(ck->body);
    free(ck);
}

static int
infra_create(struct slc_call *c, const struct infra_kind *k)
{
    json_t *body;
    struct checking *ck = NULL;
    bool started = false;
    int rc = slc_rest_body(c, &body);

    rc = rc ? rc : slc_rest_check_body(c, body, k->what, k->fields);
    rc = rc ? rc : k->check(c, body);
    if (!rc && (k == &sdn_kind || k == &vim_kind)) {
        /* the controller or the VIM must answer and take the credentials
         * first */
        if (!(ck = calloc(1, sizeof *ck))) {
            rc = slc_rest_fail(c, 500, SLC_ENOMEM, "out of memory");
        } else {
            ck->c = *c;
            ck->k = k;
            ck->body = json_incref(body);
            rc = k == &sdn_kind
                     ? slc_engine_sdn_check(c->api->engine, body, on_checked,
                                            ck, &started, &c->err)
                     : slc_engine_vim_check(c->api->engine, body, on_checked,
                                            ck, &started, &c->err);
            if (rc) {
                char why[sizeof c->err.msg];

                snprintf(why, sizeof why, "%s", c->err.msg);
                slc_rest_fail(c, 422, rc, "%s '%s': check credentials: %s",
                              k->what,
                              json_string_value(json_object_get(body,
                                                                "name")),
                              why);
            }
        }
        if (started) {
            ck->reply = slc_http_defer(c->req, c->resp);
            json_decref(body);
            return 0;
        }
        if (ck) {
            json_decref(ck->body);
            free(ck);
        }
    }
    rc = rc ? rc : store_new(c, k, body);
    json_decref(body);
    return rc;
}

static int
infra_list(struct slc_call *c, const struct infra_kind *k)
{
    json_t *out;
    int rc = slc_rest_list(c, k->coll, without_secrets, &out);

    if (!rc) {
        slc_rest_reply(c, 200, out);
    }
    return rc;
}

/* Reads a visible record by _id or name. */
static int
infra_get(struct slc_call *c, const struct infra_kind *k,
          struct slc_record *rec)
{
    return slc_rest_get_in_scope(c, k->coll, k->what, c->params[0], rec);
}

static int
infra_show(struct slc_call *c, const struct infra_kind *k)
{
    struct slc_record rec;
    int rc = infra_get(c, k, &rec);

    if (!rc) {
        slc_rest_reply(c, 200, without_secrets(rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static int
infra_delete(struct slc_call *c, const struct infra_kind *k)
{
    struct slc_record rec;
    struct user_scan u = {.names = ""};
    int rc = infra_get(c, k, &rec);

    if (rc) {
        return rc;
    }
    if (!slc_auth_can_write(&c->who, rec.doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED, "%s '%s' belongs to another "
                           "project", k->what, rec.name);
    }
    u.value = rec.id;
    rc = rc ? rc : k->users(c, &rec, &u);
    if (!rc && u.count && !slc_rest_flag(c, "FORCE")) {
        rc = slc_rest_fail(c, 409, SLC_ECONFLICT, "%s '%s' is in use by %s",
                           k->what, rec.name,
                           u.names);
    }
    if (!rc) {
        rc = slc_store_del(c->api->st, k->coll, rec.id, rec.rev, &c->err);
    }
    if (!rc) {
        if (k == &vim_kind) {
            slc_engine_forget_vim(c->api->engine, rec.id);
        } else if (k == &sdn_kind) {
            /* its assists open again with what it says now */
            slc_engine_forget_sdn(c->api->engine, rec.id);
        }
        SLC_INFO("%s '%s' deleted", k->what, rec.name);
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

static int
infra_patch(struct slc_call *c, const struct infra_kind *k)
{
    struct slc_record rec;
    json_t *body = NULL, *merged = NULL, *admin;
    int rc = infra_get(c, k, &rec);

    rc = rc ? rc : slc_rest_body(c, &body);
    if (!rc && !slc_auth_can_write(&c->who, rec.doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED, "%s '%s' belongs to another "
                           "project", k->what, rec.name);
    }
    if (!rc) {
        merged = json_deep_copy(rec.doc);
        admin = json_incref(json_object_get(merged, "_admin"));
        json_object_del(merged, "_admin");
        json_object_del(merged, "_id");
        json_object_update(merged, body);
        rc = slc_rest_check_body(c, merged, k->what, k->fields);
        /* the checks may ask what this record already holds */
        json_object_set_new(merged, "_id", json_string(rec.id));
        rc = rc ? rc : k->check(c, merged);
        json_object_set_new(merged, "_admin", admin);
        if (!rc && k == &vim_kind) {
            stamp_scheduler(c, merged);
        }
    }
    if (!rc && strcmp(rec.name, json_string_value(
                                    json_object_get(merged, "name")))) {
        struct slc_record other;
        struct slc_scope home = slc_scope_of(rec.doc);

        rc = slc_store_find_home(c->api->st, k->coll,
                                 json_string_value(json_object_get(merged,
                                                                   "name")),
                                 &home, &other, &c->err);
        if (!rc) {
            slc_record_clear(&other);
            rc = slc_rest_fail(c, 409, SLC_EEXISTS, "%s '%s' already exists",
                               k->what,
                               json_string_value(json_object_get(merged,
                                                                 "name")));
        } else if (rc == SLC_ENOTFOUND) {
            rc = 0;
        }
    }
    if (!rc) {
        struct slc_record next = {
            .id = rec.id,
            .name = (char *)json_string_value(json_object_get(merged, "name")),
            .doc = merged,
        };

        slc_rest_touch(c, merged);
        rc = slc_store_put(c->api->st, k->coll, &next, NULL, rec.rev, NULL,
                           &c->err);
    }
    if (!rc) {
        if (k == &vim_kind) {
            slc_engine_forget_vim(c->api->engine, rec.id);
        } else if (k == &sdn_kind) {
            /* its assists open again with what it says now */
            slc_engine_forget_sdn(c->api->engine, rec.id);
        }
        slc_rest_reply(c, 204, NULL);
    }
    json_decref(body);
    json_decref(merged);
    slc_record_clear(&rec);
    return rc;
}

static int vim_create(struct slc_call *c) { return infra_create(c, &vim_kind); }
static int vim_list(struct slc_call *c) { return infra_list(c, &vim_kind); }
static int vim_show(struct slc_call *c) { return infra_show(c, &vim_kind); }
static int vim_delete(struct slc_call *c) { return infra_delete(c, &vim_kind); }
static int vim_patch(struct slc_call *c) { return infra_patch(c, &vim_kind); }
static int sdn_create(struct slc_call *c) { return infra_create(c, &sdn_kind); }
static int sdn_list(struct slc_call *c) { return infra_list(c, &sdn_kind); }
static int sdn_show(struct slc_call *c) { return infra_show(c, &sdn_kind); }
static int sdn_delete(struct slc_call *c) { return infra_delete(c, &sdn_kind); }
static int sdn_patch(struct slc_call *c) { return infra_patch(c, &sdn_kind); }
static int nssmf_create(struct slc_call *c) { return infra_create(c, &nssmf_kind); }
static int nssmf_list(struct slc_call *c) { return infra_list(c, &nssmf_kind); }
static int nssmf_show(struct slc_call *c) { return infra_show(c, &nssmf_kind); }
static int nssmf_delete(struct slc_call *c) { return infra_delete(c, &nssmf_kind); }
static int nssmf_patch(struct slc_call *c) { return infra_patch(c, &nssmf_kind); }
static int pdu_create(struct slc_call *c) { return infra_create(c, &pdu_kind); }
static int pdu_list(struct slc_call *c) { return infra_list(c, &pdu_kind); }
static int pdu_show(struct slc_call *c) { return infra_show(c, &pdu_kind); }
static int pdu_delete(struct slc_call *c) { return infra_delete(c, &pdu_kind); }
static int pdu_patch(struct slc_call *c) { return infra_patch(c, &pdu_kind); }

/* GET .../vim_accounts/{id}/resources: what the driver holds (a slicer
 * extension, for operators and tests). */
static int
vim_resources(struct slc_call *c)
{
    struct slc_record rec;
    json_t *out = NULL;
    int rc = infra_get(c, &vim_kind, &rec);

    if (!rc) {
        rc = slc_engine_vim_describe(c->api->engine, rec.id, &out, &c->err);
        slc_record_clear(&rec);
    }
    if (!rc) {
        slc_rest_reply(c, 200, out);
    }
    return rc;
}

/* GET .../vim_accounts/{id}/sdn: what the account's SDN assist holds, as
 * its SDN driver describes it (a slicer extension, for operators and
 * tests). */
static int
vim_sdn(struct slc_call *c)
{
    struct slc_record rec;
    json_t *out = NULL;
    int rc = infra_get(c, &vim_kind, &rec);

    if (!rc) {
        rc = slc_engine_sdn_assist_describe(c->api->engine, rec.id, &out,
                                            &c->err);
        slc_record_clear(&rec);
    }
    if (!rc) {
        slc_rest_reply(c, 200, out);
    }
    return rc;
}

const struct slc_route slc_infra_routes[] = {
    {"GET", VIMS, vim_list, "vim_accounts:"},
    {"POST", VIMS, vim_create, "vim_accounts:"},
    {"GET", VIMS "/{id}", vim_show, "vim_accounts:id:"},
    {"PATCH", VIMS "/{id}", vim_patch, "vim_accounts:id:"},
    {"DELETE", VIMS "/{id}", vim_delete, "vim_accounts:id:"},
    {"GET", VIMS "/{id}/resources", vim_resources,
     "vim_accounts:id:resources:"},
    {"GET", VIMS "/{id}/sdn", vim_sdn, "vim_accounts:id:sdn:"},
    {"GET", "/osm/admin/v1/vims", vim_list, "vims:"},
    {"POST", "/osm/admin/v1/vims", vim_create, "vims:"},
    {"GET", "/osm/admin/v1/vims/{id}", vim_show, "vims:id:"},
    {"DELETE", "/osm/admin/v1/vims/{id}", vim_delete, "vims:id:"},
    {"GET", SDNS, sdn_list, "sdn_controllers:"},
    {"POST", SDNS, sdn_create, "sdn_controllers:"},
    {"GET", SDNS "/{id}", sdn_show, "sdn_controllers:id:"},
    {"PATCH", SDNS "/{id}", sdn_patch, "sdn_controllers:id:"},
    {"DELETE", SDNS "/{id}", sdn_delete, "sdn_controllers:id:"},
    {"GET", NSSMFS, nssmf_list, "nssmf_accounts:"},
    {"POST", NSSMFS, nssmf_create, "nssmf_accounts:"},
    {"GET", NSSMFS "/{id}", nssmf_show, "nssmf_accounts:id:"},
    {"PATCH", NSSMFS "/{id}", nssmf_patch, "nssmf_accounts:id:"},
    {"DELETE", NSSMFS "/{id}", nssmf_delete, "nssmf_accounts:id:"},
    {"GET", PDUS, pdu_list, "pduds:"},
    {"POST", PDUS, pdu_create, "pduds:"},
    {"GET", PDUS "/{id}", pdu_show, "pduds:id:"},
    {"PATCH", PDUS "/{id}", pdu_patch, "pduds:id:"},
    {"DELETE", PDUS "/{id}", pdu_delete, "pduds:id:"},
    {NULL},
};
