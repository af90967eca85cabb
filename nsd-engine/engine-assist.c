/* SDN assist in the engine (see engine.h): the SDN controller a VIM
 * account names (config "sdn-controller") and the connectivity services
 * that join, on the fabric, what the VIM cannot wire (SR-IOV VFs, whole
 * NICs, PDU interfaces) with each other and with the VIM network's
 * uplink.
 *
 * A service step (kind "sdn") names its points as the plan saw them
 * (ns-sdn.c); they become OSM's connection points (sdn-sfc-ovs.md 1.2)
 * only at launch, once the VIM has said where each port landed (compute
 * node, PCI address, VLAN, MAC) and the account's port mapping has said
 * which switch port that is.  The connection points are kept in the
 * step's spec, so that an undo, a delete and a restart work from what
 * the controller was given. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"
#include "port-mapping.h"

SLC_LOG_MODULE(engine);

/* ---- the controller of a VIM account ---- */

/* The controller record's connection details as a driver's url and
 * config: OSM moves a record's top-level dpid / switch_id into config;
 * an "ovs" record without url means the fabric switch of the VIM that
 * names it (its socket is the VIM's to tell). */
static int
controller_target(struct slc_engine *e, const char *account_id,
                  const json_t *ctl, char **url, json_t **config,
                  struct slc_error *err)
{
    struct slc_vim *vim;
    json_t *desc;
    const json_t *sw;
    int rc;

    *config = json_deep_copy(json_object_get(ctl, "config"));
    *config = *config ? *config : json_object();
    for (const char *const *k = (const char *const[]){"dpid", "switch_id",
                                                      NULL};
         *k; k++) {
        if (json_object_get(ctl, *k) && !json_object_get(*config, *k)) {
            json_object_set(*config, *k, json_object_get(ctl, *k));
        }
    }
    if (sget(ctl, "url") || strcmp(sget(ctl, "type") ?: "", "ovs")) {
        *url = sget(ctl, "url") ? strdup(sget(ctl, "url")) : NULL;
        return 0;
    }
    if ((rc = slc_engine_vim(e, account_id, &vim, err))) {
        return rc;
    }
    desc = vim->class->describe ? vim->class->describe(vim) : NULL;
    sw = json_object_get(desc, "switch");
    if (!sget(sw, "ovsdb") || !sget(sw, "fabric_bridge")) {
        json_decref(desc);
        return slc_error_set(err, SLC_EINVALID,
                             "sdn controller '%s' (ovs) has no url, and "
                             "the VIM manages no fabric switch to take it "
                             "from",
                             sget(ctl, "name"));
    }
    if (sget(*config, "bridge") &&
        strcmp(sget(*config, "bridge"), sget(sw, "fabric_bridge"))) {
        /* not the VIM's own switches: those are the VIM's to wire */
        rc = slc_error_set(err, SLC_EINVALID,
                           "sdn controller '%s' (ovs) without url programs "
                           "the VIM's fabric bridge '%s', not '%s'",
                           sget(ctl, "name"), sget(sw, "fabric_bridge"),
                           sget(*config, "bridge"));
        json_decref(desc);
        return rc;
    }
    *url = strdup(sget(sw, "ovsdb"));
    json_object_set(*config, "bridge", json_object_get(sw, "fabric_bridge"));
    json_decref(desc);
    return 0;
}

static int
open_assist(struct slc_engine *e, struct assist_slot *a,
            struct slc_error *err)
{
    struct slc_record acc = {0}, ctl = {0};
    const json_t *cfg;
    const struct slc_sdn_class *class;
    json_t *config = NULL;
    char *url = NULL;
    struct slc_diags diags = {0};
    int rc = slc_store_get_shared(e->p.st, "vim_accounts", a->account_id,
                                  &acc, err);

    cfg = json_object_get(acc.doc, "config");
    if (!rc && !sget(cfg, "sdn-controller")) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "vim account '%s' names no sdn-controller",
                           acc.name);
    }
    rc = rc ? rc : slc_store_get(e->p.st, "sdns", sget(cfg, "sdn-controller"),
                                 &ctl, err);
    class = rc || !e->p.sdns
                ? NULL
                : slc_sdn_registry_lookup(e->p.sdns,
                                          sget(ctl.doc, "type") ?: "", err);
    rc = rc ? rc : !class ? err->code : 0;
    rc = rc ? rc
            : controller_target(e, a->account_id, ctl.doc, &url, &config,
                                err);
    if (!rc) {
        struct slc_sdn_params sp = {
            .id = ctl.id,
            .name = ctl.name,
            .url = url,
            .config = config,
            .user = sget(ctl.doc, "user"),
            .password = sget(ctl.doc, "password"),
            .base = e->p.base,
            .done = eng_on_sdn_done,
            .owner = e,
        };

        snprintf(a->sdn_id, sizeof a->sdn_id, "%s", ctl.id);
        snprintf(a->what, sizeof a->what, "sdn controller '%s' (%s%s%s)",
                 ctl.name, class->type, url ? " " : "", url ? url : "");
        rc = class->open(&sp, &a->sdn, err);
    }
    if (!rc && json_array_size(json_object_get(cfg, "sdn-port-mapping")) &&
        slc_port_mapping_from_json(json_object_get(cfg, "sdn-port-mapping"),
                                   "sdn-port-mapping", &a->map, &diags)) {
        char msg[600] = "invalid";

        if (diags.len) {
            slc_diag_format(&diags.items[0], msg, sizeof msg);
        }
        rc = slc_error_set(err, SLC_EINVALID, "%s", msg);
    }
    a->mapping_not_needed =
        json_is_true(json_object_get(cfg, "mapping_not_needed"));
    if (rc) {
        slc_error_prefix(err, "vim account '%s'", acc.name ? acc.name : "?");
    }
    slc_diags_clear(&diags);
    json_decref(config);
    free(url);
    slc_record_clear(&ctl);
    slc_record_clear(&acc);
    return rc;
}

static void
close_assist(struct assist_slot *a)
{
    if (a->sdn) {
        slc_sdn_close(a->sdn);
    }
    slc_port_mapping_free(a->map);
    free(a);
}

static int make_so(struct assist_slot *a, uint64_t token,
                   const char *service_id, const char *name, const char *tag,
                   const json_t *spec, struct slc_error *err);

/* Whether an operation in memory decides what service 'tag' is
 * (eng_service_decided). */
bool
eng_service_decided(const char *state, bool create)
{
    state = state ? state : "";
    return !strcmp(state, "RUNNING") || !strcmp(state, "UNDOING") ||
           (!create && !strcmp(state, "DONE")) ||
           (create && !strcmp(state, "UNDONE"));
}

static bool
service_moving(struct slc_engine *e, const char *tag)
{
    for (struct op *op = e->ops; op; op = op->next) {
        for (size_t i = 0; i < op->n_steps; i++) {
            if (op->steps[i].service &&
                eng_service_decided(sget(op->steps[i].json, "state"),
                                    op->steps[i].create) &&
                !strcmp(sget(op->steps[i].json, "tag") ?: "", tag)) {
                return true;
            }
        }
    }
    return false;
}

static int
restore_account(const char *coll, const struct slc_record *rec, void *arg)
{
    struct assist_slot *a = ((void **)arg)[0];
    struct slc_engine *e = ((void **)arg)[1];
    const json_t *r;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(json_object_get(
                                           rec->doc, "_admin"),
                                           "deployed"),
                                       "resources"),
                       i, r)
    {
        struct slc_error err = {0};

        if (!strcmp(sget(r, "kind") ?: "", "sdn") &&
            !strcmp(sget(r, "vim") ?: "", a->account_id) &&
            sget(r, "vim_id") && !service_moving(e, sget(r, "tag") ?: "") &&
            make_so(a, 0, sget(r, "vim_id"), sget(r, "name"), sget(r, "tag"),
                    json_object_get(r, "spec"), &err)) {
            SLC_ERR("restoring service %s (%s): %s", sget(r, "vim_id"),
                    sget(r, "name"), err.msg);
        }
        /* a chain's part on the fabric, as the chains of the VIM's
         * switch are at recovery */
        if (!strcmp(sget(r, "kind") ?: "", "chain") &&
            !strcmp(sget(r, "vim") ?: "", a->account_id) &&
            json_object_get(json_object_get(r, "spec"), "fabric_program") &&
            a->sdn->class->install_program(
                a->sdn, 0,
                (uint32_t)json_integer_value(json_object_get(
                    json_object_get(r, "spec"), "program_id")),
                json_object_get(json_object_get(r, "spec"), "fabric_program"),
                &err)) {
            SLC_ERR("restoring chain %s on the fabric: %s", sget(r, "name"),
                    err.msg);
        }
    }
    return 0;
}

int
eng_assist(struct slc_engine *e, const char *account_id,
           struct assist_slot **out, struct slc_error *err)
{
    struct assist_slot *a;
    int rc;

    for (a = e->assists; a; a = a->next) {
        if (!strcmp(a->account_id, account_id)) {
            *out = a;
            return 0;
        }
    }
    if (!(a = calloc(1, sizeof *a))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    snprintf(a->account_id, sizeof a->account_id, "%s", account_id);
    if ((rc = open_assist(e, a, err))) {
        close_assist(a);
        return rc;
    }
    a->next = e->assists;
    e->assists = a;
    *out = a;
    if (e->recovered) {
        /* opened again (its account or controller changed): its driver
         * must hold the account's services to keep them on the switch */
        const char *const *colls = e->p.resource_collections;
        static const char *const nsrs[] = {"nsrs", NULL};
        void *arg[2] = {a, e};

        for (colls = colls ? colls : nsrs; *colls; colls++) {
            slc_store_list(e->p.st, *colls, NULL, restore_account, arg,
                           &(struct slc_error){0});
        }
    }
    return 0;
}

/* Whether a step of an operation has a call in flight on 'account_id'. */
static bool
account_busy(struct slc_engine *e, const char *account_id)
{
    for (struct op *op = e->ops; op; op = op->next) {
        for (size_t i = 0; i < op->n_steps; i++) {
            if (op->steps[i].token &&
                !strcmp(sget(op->steps[i].json, "vim") ?: "", account_id)) {
                return true;
            }
        }
    }
    return false;
}

void
eng_forget_assist(struct slc_engine *e, const char *account_id,
                  const char *sdn_id)
{
    for (struct assist_slot **ap = &e->assists; *ap;) {
        struct assist_slot *a = *ap;

        if ((account_id && strcmp(a->account_id, account_id)) ||
            (sdn_id && strcmp(a->sdn_id, sdn_id)) ||
            account_busy(e, a->account_id)) {
            ap = &a->next;
            continue;
        }
        *ap = a->next;
        close_assist(a);
    }
}

void
eng_free_assists(struct slc_engine *e)
{
    while (e->assists) {
        struct assist_slot *a = e->assists;

        e->assists = a->next;
        close_assist(a);
    }
}

/* ---- connection points ---- */

/* What the VIM reported of the port a point names: the info of the port
 * step that made it ({"step": k}), or what the plan knew of a port made
 * earlier. */
static const json_t *
port_facts(const struct op *op, const json_t *point)
{
    const json_t *ref = json_object_get(point, "port");

    if (json_is_object(ref)) {
        size_t k = (size_t)json_integer_value(json_object_get(ref, "step"));

        return k < op->n_steps ? json_object_get(op->steps[k].json, "info")
                               : NULL;
    }
    return json_object_get(point, "known");
}

static json_t *
dec_port(const json_t *v)
{
    return json_is_integer(v) ? json_sprintf("%" JSON_INTEGER_FORMAT,
                                             json_integer_value(v))
                              : json_incref((json_t *)v);
}

/* An SR-IOV or passthrough point: where the VIM says it landed, looked
 * up in the port mapping (NG-RO's VimInteractionSdnNet). */
static json_t *
device_point(const struct assist_slot *a, const json_t *point,
             const json_t *facts, struct slc_error *err)
{
    const char *node = sget(facts, "compute_node") ?: sget(facts, "host");
    const char *pci = sget(facts, "pci");
    bool vf = !strcmp(sget(point, "kind") ?: "", "SR-IOV");
    const struct slc_sdn_port *pm;
    json_t *info;
    char id[300];

    if (!node || !pci) {
        slc_error_set(err, SLC_EINVALID,
                      "point %s: the VIM has not reported where its port "
                      "landed (compute_node, pci)",
                      sget(point, "id"));
        return NULL;
    }
    pm = a->map ? slc_port_mapping_lookup(a->map, node, pci) : NULL;
    if (!pm && !a->mapping_not_needed) {
        slc_error_set(err, SLC_ENOTFOUND,
                      "Port mapping not found for compute_node=%s pci=%s",
                      node, pci);
        return NULL;
    }
    snprintf(id, sizeof id, "%s:%s", node, pci);
    info = json_pack("{so sO* ss ss ss* so so*}", "vlan",
                     vf && json_integer_value(json_object_get(facts, "vlan"))
                         ? json_incref(json_object_get(facts, "vlan"))
                         : json_null(),
                     "mac", json_object_get(facts, "mac_address"),
                     "device_id",
                     pm && pm->device_id ? pm->device_id : node,
                     "device_interface_id",
                     pm && pm->device_interface_id ? pm->device_interface_id
                                                   : pci,
                     "switch_dpid",
                     pm ? (pm->switch_id ? pm->switch_id : pm->switch_dpid)
                        : NULL,
                     "switch_port",
                     pm ? json_string(pm->switch_port)
                        : dec_port(json_object_get(facts, "fabric_port")),
                     "service_mapping_info",
                     pm ? json_incref(pm->service_mapping_info) : NULL);
    return json_pack("{ss so so}", "service_endpoint_id",
                     pm && pm->service_endpoint_id ? pm->service_endpoint_id
                                                   : id,
                     "service_endpoint_encapsulation_type",
                     vf ? json_string("dot1q") : json_null(),
                     "service_endpoint_encapsulation_info", info);
}

/* A PDU's interface: cabled where its PDU record says, untagged (our
 * rule: OSM has no PDU points). */
static json_t *
pdu_point(const json_t *point, const json_t *facts, struct slc_error *err)
{
    const json_t *port = json_object_get(facts, "fabric_port");
    char id[300];

    if (!json_is_integer(port)) {
        slc_error_set(err, SLC_EINVALID,
                      "point %s: the PDU interface has no switch-port",
                      sget(point, "id"));
        return NULL;
    }
    snprintf(id, sizeof id, "%s:%s", sget(facts, "host") ?: "pdu",
             sget(point, "interface") ?: "?");
    return json_pack("{ss sn s{sn sO* ss so sO* so}}", "service_endpoint_id",
                     id, "service_endpoint_encapsulation_type",
                     "service_endpoint_encapsulation_info", "vlan", "mac",
                     json_object_get(facts, "mac_address"), "device_id",
                     sget(facts, "host") ?: "pdu", "switch_port",
                     dec_port(port), "switch_dpid",
                     json_object_get(point, "switch_id"),
                     "service_mapping_info", json_null());
}

/* The VIM network's own way onto the fabric, for its virtio ports. */
static json_t *
uplink_point(const struct op *op, const struct assist_slot *a,
             const json_t *point, struct slc_error *err)
{
    const char *net = eng_resolve_ref(op, json_object_get(point, "network"));
    struct slc_vim *vim;
    json_t *up, *cp;

    if (slc_engine_vim(op->e, a->account_id, &vim, err)) {
        return NULL;
    }
    up = net && vim->class->network_uplink
             ? vim->class->network_uplink(vim, net)
             : NULL;
    if (!up) {
        slc_error_set(err, SLC_EUNSUPPORTED,
                      "point %s: VIM network %s does not reach the fabric "
                      "switch, so its virtio ports cannot join the service",
                      sget(point, "id"), net ? net : "(not made)");
        return NULL;
    }
    cp = json_pack("{ss so s{sO sn sO* sO sn}}", "service_endpoint_id",
                   sget(point, "id"), "service_endpoint_encapsulation_type",
                   json_object_get(up, "vlan") ? json_string("dot1q")
                                               : json_null(),
                   "service_endpoint_encapsulation_info", "vlan",
                   json_object_get(up, "vlan") ?: json_null(), "mac",
                   "switch_dpid", json_object_get(up, "switch_id"),
                   "switch_port", json_object_get(up, "switch_port"),
                   "service_mapping_info");
    json_decref(up);
    return cp;
}

/* A point outside the NS (vld[].provider-network.sdn-ports[]), with
 * OSM's defaults: dot1q, in the VLAN the VIM's ports use (a VF's, else
 * the network's on the uplink). */
static json_t *
external_point(const json_t *point, unsigned vlan_used)
{
    const json_t *ep = json_object_get(point, "endpoint");
    const json_t *encap = json_object_get(
        ep, "service_endpoint_encapsulation_type");
    bool tagged = encap ? json_is_string(encap) : true;
    const json_t *vlan = json_object_get(ep, "vlan");

    return json_pack(
        "{ss so s{so sO* sO* sO* sn}}", "service_endpoint_id",
        sget(ep, "service_endpoint_id") ?: sget(point, "id"),
        "service_endpoint_encapsulation_type",
        tagged ? json_string("dot1q") : json_null(),
        "service_endpoint_encapsulation_info", "vlan",
        !tagged ? json_null()
        : vlan  ? json_incref((json_t *)vlan)
        : vlan_used ? json_integer(vlan_used)
                    : json_null(),
        "mac", json_object_get(ep, "mac_address"), "switch_dpid",
        json_object_get(ep, "switch_dpid")
            ?: json_object_get(ep, "switch_id"),
        "switch_port", json_object_get(ep, "switch_port"),
        "service_mapping_info");
}

int
eng_fabric_port(const struct op *op, const char *account_id,
                const json_t *ref, json_t **out, struct slc_error *err)
{
    struct assist_slot *a;
    json_t *point, *cp;
    const json_t *info, *facts;
    int rc = eng_assist(op->e, account_id, &a, err);

    if (rc) {
        return rc;
    }
    point = json_pack("{ss sO* sO*}", "id", "chain", "kind",
                      json_object_get(ref, "kind"), "known",
                      json_object_get(ref, "known"));
    if (json_object_get(ref, "step")) {
        json_object_set_new(point, "port",
                            json_pack("{sO}", "step",
                                      json_object_get(ref, "step")));
    }
    facts = port_facts(op, point);
    cp = device_point(a, point, facts, err);
    info = json_object_get(cp, "service_endpoint_encapsulation_info");
    if (cp && !json_string_value(json_object_get(info, "switch_port"))) {
        slc_error_set(err, SLC_EINVALID,
                      "the port at %s %s has no switch port in the "
                      "account's sdn-port-mapping",
                      sget(info, "device_id") ?: "?",
                      sget(info, "device_interface_id") ?: "?");
    } else if (cp) {
        *out = json_pack("{sO sI sb sO* sO*}", "name",
                         json_object_get(info, "switch_port"), "vlan",
                         json_integer_value(json_object_get(info, "vlan")),
                         "fabric", 1, "compute_node",
                         json_object_get(facts, "compute_node")
                             ?: json_object_get(facts, "host"),
                         "pci", json_object_get(facts, "pci"));
    }
    json_decref(cp);
    json_decref(point);
    return cp && *out ? 0 : err->code ? err->code : SLC_EINVALID;
}

/* OSM's connection points of service step i, from its points. */
static json_t *
connection_points(const struct op *op, const struct assist_slot *a,
                  const json_t *points, struct slc_error *err)
{
    json_t *cps = json_array();
    const json_t *p;
    unsigned vlan_used = 0;
    size_t i;

    json_array_foreach(points, i, p)
    {
        const char *kind = sget(p, "kind") ?: "";
        const json_t *facts = port_facts(op, p);
        json_t *cp = NULL;

        if (!strcmp(kind, "SR-IOV") || !strcmp(kind, "PCI-PASSTHROUGH")) {
            cp = device_point(a, p, facts, err);
            if (cp && !vlan_used) {
                vlan_used = (unsigned)json_integer_value(json_object_get(
                    json_object_get(cp, "service_endpoint_encapsulation_info"),
                    "vlan"));
            }
        } else if (!strcmp(kind, "PDU")) {
            cp = pdu_point(p, facts, err);
        } else if (!strcmp(kind, "UPLINK")) {
            cp = uplink_point(op, a, p, err);
            if (cp && !vlan_used) {
                vlan_used = (unsigned)json_integer_value(json_object_get(
                    json_object_get(cp, "service_endpoint_encapsulation_info"),
                    "vlan"));
            }
        } else if (strcmp(kind, "EXTERNAL")) {
            slc_error_set(err, SLC_EINVALID, "point %s: unknown kind '%s'",
                          sget(p, "id"), kind);
        }
        if (!cp && strcmp(kind, "EXTERNAL")) {
            if (!err->code) {
                /* a point that says too little to build (a mapping entry
                 * without switch_port, a VIM port without fabric_port) */
                slc_error_set(err, SLC_EINVALID,
                              "point %s: no switch port is known for it "
                              "(sdn-port-mapping or the VIM's report)",
                              sget(p, "id"));
            }
            json_decref(cps);
            return NULL;
        }
        json_array_append_new(cps, cp ? cp : json_null());
    }
    /* external points take the VLAN of the VIM's ports by default */
    json_array_foreach(points, i, p)
    {
        if (!strcmp(sget(p, "kind") ?: "", "EXTERNAL")) {
            json_array_set_new(cps, i, external_point(p, vlan_used));
        }
    }
    return cps;
}

/* The driver's view of connection points 'cps' (borrowed from them). */
static struct slc_sdn_endpoint *
endpoints(const json_t *cps)
{
    size_t n = json_array_size(cps);
    struct slc_sdn_endpoint *eps = calloc(n ? n : 1, sizeof *eps);
    const json_t *cp;
    size_t i;

    json_array_foreach(cps, i, cp)
    {
        const json_t *info = json_object_get(
            cp, "service_endpoint_encapsulation_info");

        if (!eps) {
            break;
        }
        eps[i] = (struct slc_sdn_endpoint){
            .id = sget(cp, "service_endpoint_id"),
            .encapsulation = sget(cp, "service_endpoint_encapsulation_type"),
            .vlan = (unsigned)json_integer_value(json_object_get(info,
                                                                 "vlan")),
            .mac = sget(info, "mac"),
            .device_id = sget(info, "device_id"),
            .device_interface_id = sget(info, "device_interface_id"),
            .switch_dpid = sget(info, "switch_dpid"),
            .switch_port = sget(info, "switch_port"),
            .service_mapping_info = json_object_get(info,
                                                    "service_mapping_info"),
        };
    }
    return eps;
}

/* Creates, edits or restores a service from 'spec' ({type, connection_points,
 * conn_info}); 'service_id' NULL: a create. */
static int
make_so(struct assist_slot *a, uint64_t token, const char *service_id,
        const char *name, const char *tag, const json_t *spec,
        struct slc_error *err)
{
    const json_t *cps = json_object_get(spec, "connection_points");
    struct slc_sdn_endpoint *eps = endpoints(cps);
    struct slc_sdn_service_spec ss = {
        .name = name,
        .tag = tag,
        .type = sget(spec, "type") ?: "ELAN",
        .ports = eps,
        .n_ports = json_array_size(cps),
        .conn_info = json_object_get(spec, "conn_info"),
    };
    int rc;

    if (!eps) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = service_id
             ? a->sdn->class->edit_service(a->sdn, token, service_id, &ss,
                                           err)
             : a->sdn->class->create_service(a->sdn, token, &ss, err);
    free(eps);
    return rc;
}

int
eng_launch_service(struct op *op, size_t i, uint64_t token,
                   enum call_kind call, struct slc_error *err)
{
    struct step *s = &op->steps[i];
    json_t *spec = json_object_get(s->json, "spec");
    const char *vim_id = sget(s->json, "vim_id");
    struct assist_slot *a;
    json_t *cps;
    int rc = eng_assist(op->e, sget(s->json, "vim"), &a, err);

    if (rc) {
        return rc;
    }
    if (!s->create || call == CALL_UNDO) {
        const json_t *previous = json_object_get(spec, "previous");
        char by_tag[128];

        if (s->create && previous) {
            /* an edit is undone by making the service as it was */
            return make_so(a, token, sget(spec, "service_id"),
                           sget(s->json, "name"), sget(s->json, "tag"),
                           previous, err);
        }
        if (!vim_id && !sget(spec, "service_id")) {
            /* a create that got no answer: what its tag would have made */
            if (!a->sdn->class->service_id ||
                a->sdn->class->service_id(a->sdn, sget(s->json, "tag") ?: "",
                                          by_tag, sizeof by_tag)) {
                return slc_error_set(err, SLC_EUNSUPPORTED,
                                     "%s cannot tell what a create of tag "
                                     "'%s' made",
                                     a->what, sget(s->json, "tag"));
            }
            vim_id = by_tag;
        }
        return a->sdn->class->delete_service(
            a->sdn, token, vim_id ? vim_id : sget(spec, "service_id"),
            json_object_get(spec, "conn_info"), err);
    }
    cps = connection_points(op, a, json_object_get(spec, "points"), err);
    if (!cps) {
        return err->code;
    }
    /* what the controller is given is kept: an undo, a delete and a
     * restart work from it */
    json_object_set_new(spec, "connection_points", cps);
    op->dirty = true;
    return make_so(a, token, sget(spec, "service_id"), sget(s->json, "name"),
                   sget(s->json, "tag"), spec, err);
}

void
eng_service_done(struct op *op, size_t i, enum call_kind call,
                 const struct slc_sdn_result *r)
{
    struct step *s = &op->steps[i];
    json_t *spec = json_object_get(s->json, "spec");
    struct assist_slot *a = NULL;
    char msg[1200];
    bool gone = r->rc == SLC_ENOTFOUND;

    eng_assist(op->e, sget(s->json, "vim"), &a, &(struct slc_error){0});
    snprintf(msg, sizeof msg, "%s: %s", a ? a->what : "sdn controller",
             r->rc ? r->msg : "");
    if (call == CALL_UNDO) {
        if (r->rc && !gone) {
            json_object_set_new(s->json, "error", json_string(msg));
            op->undo_failed = true;
        }
        eng_set_step(op, i, r->rc && !gone ? SLC_STEP_FAILED
                                           : SLC_STEP_UNDONE);
    } else if (!s->create) {
        /* a service the controller no longer has is deleted */
        if (r->rc && !gone) {
            eng_step_failed(op, i, msg);
        } else {
            eng_set_step(op, i, SLC_STEP_DONE);
        }
    } else if (r->rc) {
        eng_step_failed(op, i, msg);
    } else {
        const char *id = r->service_id ?: sget(spec, "service_id");

        json_object_set_new(s->json, "vim_id", json_string(id ? id : ""));
        if (r->data) {
            json_object_set(spec, "conn_info", (json_t *)r->data);
        }
        json_object_set_new(s->json, "info",
                            json_pack("{ss sO* ss}", "status",
                                      r->status ? r->status : "ACTIVE",
                                      "conn_info",
                                      json_object_get(spec, "conn_info"),
                                      "details", ""));
        eng_set_step(op, i, SLC_STEP_DONE);
    }
}

void
eng_restore_services(struct slc_engine *e, const json_t *services)
{
    const json_t *item;
    size_t i;

    json_array_foreach(services, i, item)
    {
        const json_t *r = json_array_get(item, 1);
        struct slc_error err = {0};
        struct assist_slot *a;

        /* "make it so": a driver re-applies what its controller or
         * switch lost, and keeps the service under its audits */
        if (eng_assist(e, json_string_value(json_array_get(item, 0)), &a,
                       &err) ||
            make_so(a, 0, sget(r, "vim_id"), sget(r, "name"), sget(r, "tag"),
                    json_object_get(r, "spec"), &err)) {
            SLC_ERR("restoring service %s (%s): %s", sget(r, "vim_id"),
                    sget(r, "name"), err.msg);
        }
    }
}

int
slc_engine_sdn_assist_describe(struct slc_engine *e, const char *account_id,
                               json_t **out, struct slc_error *err)
{
    struct assist_slot *a;
    int rc = eng_assist(e, account_id, &a, err);

    if (rc) {
        return rc;
    }
    *out = a->sdn->class->describe ? a->sdn->class->describe(a->sdn)
                                   : json_object();
    return *out ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
}

/* ---- checking a controller or VIM account record before it is stored
 * ---- */

struct sdn_check {
    struct slc_engine *e;
    struct slc_sdn *sdn;      /* a controller's check, or */
    struct slc_vim *vim;      /* a VIM account's */
    slc_engine_check_fn done;
    void *arg;
    struct event *close;      /* the instance goes from the loop, never
                                 from inside its own callback */
    struct event *limit;      /* a controller that does not answer */
    struct sdn_check *next;
};

/* How long a controller has to answer a check. */
#define CHECK_LIMIT_S 15

static void
unlink_check(struct sdn_check *ck)
{
    for (struct sdn_check **p = &ck->e->checks; *p; p = &(*p)->next) {
        if (*p == ck) {
            *p = ck->next;
            break;
        }
    }
}

static void
free_check(struct sdn_check *ck)
{
    if (ck->sdn) {
        slc_sdn_close(ck->sdn);
    }
    if (ck->vim) {
        slc_vim_close(ck->vim);
    }
    if (ck->close) {
        event_free(ck->close);
    }
    if (ck->limit) {
        event_free(ck->limit);
    }
    free(ck);
}

static void
on_check_late(evutil_socket_t fd, short what, void *arg)
{
    struct sdn_check *ck = arg;
    char msg[80];

    snprintf(msg, sizeof msg, "no answer in %d s", CHECK_LIMIT_S);
    if (ck->done) {
        ck->done(ck->arg, SLC_ETIMEOUT, msg);
        ck->done = NULL;
    }
    event_active(ck->close, 0, 0);
}

static void
on_check_close(evutil_socket_t fd, short what, void *arg)
{
    struct sdn_check *ck = arg;

    unlink_check(ck);
    free_check(ck);
}

/* A check's answer, to its caller; the instance goes from the loop. */
static void
check_answered(struct sdn_check *ck, int rc, const char *msg)
{
    if (ck->done) {
        ck->done(ck->arg, rc, rc ? msg : NULL);
        ck->done = NULL;
    }
    event_active(ck->close, 0, 0);
}

static void
on_check_done(void *owner, const struct slc_sdn_result *r)
{
    check_answered(owner, r->rc, r->msg);
}

static void
on_vim_check_done(void *owner, const struct slc_vim_result *r)
{
    check_answered(owner, r->rc, r->msg);
}

/* A check with its time limit, or NULL. */
static struct sdn_check *
new_check(struct slc_engine *e, slc_engine_check_fn done, void *arg)
{
    struct sdn_check *ck = calloc(1, sizeof *ck);
    struct timeval limit = {CHECK_LIMIT_S, 0};

    if (!ck || !(ck->close = event_new(e->p.base, -1, 0, on_check_close, ck)) ||
        !(ck->limit = evtimer_new(e->p.base, on_check_late, ck))) {
        if (ck && ck->close) {
            event_free(ck->close);
        }
        free(ck);
        return NULL;
    }
    ck->e = e;
    ck->done = done;
    ck->arg = arg;
    evtimer_add(ck->limit, &limit);
    return ck;
}

int
slc_engine_vim_check(struct slc_engine *e, const json_t *record,
                     slc_engine_check_fn done, void *arg, bool *started,
                     struct slc_error *err)
{
    const struct slc_vim_class *class = slc_vim_registry_find(
        e->p.vims, sget(record, "vim_type") ?: "");
    struct sdn_check *ck;
    int rc;

    *started = false;
    if (!class || !class->check) {
        return 0;
    }
    if (!(ck = new_check(e, done, arg))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    {
        struct slc_vim_params vp = {
            .account_id = sget(record, "_id") ?: "new",
            .name = sget(record, "name") ?: "new",
            .url = sget(record, "vim_url"),
            .user = sget(record, "vim_user"),
            .password = sget(record, "vim_password"),
            .tenant_name = sget(record, "vim_tenant_name"),
            .tenant_id = sget(record, "vim_tenant_id"),
            .config = json_object_get(record, "config"),
            .state_dir = e->p.state_dir,
            .helper_dir = e->p.helper_dir,
            .base = e->p.base,
            .done = on_vim_check_done,
            .owner = ck,
        };

        rc = slc_vim_open(e->p.vims, class->type, &vp, &ck->vim, err);
    }
    rc = rc ? rc : class->check(ck->vim, 1, err);
    if (rc) {
        free_check(ck);
        return rc;
    }
    ck->next = e->checks;
    e->checks = ck;
    *started = true;
    return 0;
}

int
slc_engine_sdn_check(struct slc_engine *e, const json_t *record,
                     slc_engine_check_fn done, void *arg, bool *started,
                     struct slc_error *err)
{
    const struct slc_sdn_class *class =
        e->p.sdns ? slc_sdn_registry_find(e->p.sdns, sget(record, "type") ?: "")
                  : NULL;
    struct sdn_check *ck;
    json_t *config;
    int rc;

    *started = false;
    /* an ovs record without url is the fabric switch of the VIM that
     * will name it: nothing to reach yet */
    if (!class || !class->check_credentials || !sget(record, "url")) {
        return 0;
    }
    if (!(ck = new_check(e, done, arg))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    config = json_deep_copy(json_object_get(record, "config"));
    config = config ? config : json_object();
    for (const char *const *k = (const char *const[]){"dpid", "switch_id",
                                                      NULL};
         *k; k++) {
        if (json_object_get(record, *k) && !json_object_get(config, *k)) {
            json_object_set(config, *k, json_object_get(record, *k));
        }
    }
    {
        struct slc_sdn_params sp = {
            .id = sget(record, "_id") ?: "new",
            .name = sget(record, "name") ?: "new",
            .url = sget(record, "url"),
            .config = config,
            .user = sget(record, "user"),
            .password = sget(record, "password"),
            .base = e->p.base,
            .done = on_check_done,
            .owner = ck,
        };

        rc = class->open(&sp, &ck->sdn, err);
    }
    json_decref(config);
    rc = rc ? rc : class->check_credentials(ck->sdn, 1, err);
    if (rc) {
        free_check(ck);
        return rc;
    }
    ck->next = e->checks;
    e->checks = ck;
    *started = true;
    return 0;
}

void
slc_engine_cancel_checks(struct slc_engine *e, const char *why)
{
    while (e->checks) {
        struct sdn_check *ck = e->checks;

        e->checks = ck->next;
        if (ck->done) {
            ck->done(ck->arg, SLC_EIO, why);
        }
        free_check(ck);
    }
}

void
eng_free_checks(struct slc_engine *e)
{
    while (e->checks) {
        struct sdn_check *ck = e->checks;

        e->checks = ck->next;
        free_check(ck);
    }
}
