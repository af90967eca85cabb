/* PDU binding (see pdu.h), after OSM NBI's _look_for_pdu: the PDU is
 * chosen when the instantiation is accepted, in the transaction that
 * creates the operation, so that two NSs never get the same device. */
#include <stdlib.h>
#include <string.h>

#include "ns-lcm-internal.h"
#include "pdu.h"
#include "slc-log.h"

SLC_LOG_MODULE(pdu);

struct pdus {
    struct slc_record *recs;
    size_t n, cap;
};

static int
collect_pdu(const char *coll, const struct slc_record *rec, void *arg)
{
    struct pdus *p = arg;

    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        struct slc_record *r = realloc(p->recs, cap * sizeof *r);

        if (!r) {
            return SLC_ENOMEM;
        }
        p->recs = r;
        p->cap = cap;
    }
    p->recs[p->n] = (struct slc_record){
        .id = strdup(rec->id),
        .name = rec->name ? strdup(rec->name) : NULL,
        .rev = rec->rev,
        .doc = json_deep_copy(rec->doc),
    };
    if (!p->recs[p->n].id || !p->recs[p->n].doc) {
        slc_record_clear(&p->recs[p->n]);
        return SLC_ENOMEM;
    }
    p->n++;
    return 0;
}

static void
pdus_free(struct pdus *p)
{
    for (size_t i = 0; i < p->n; i++) {
        slc_record_clear(&p->recs[i]);
    }
    free(p->recs);
}

static int
by_name(const void *a, const void *b)
{
    const struct slc_record *x = a, *y = b;

    return strcmp(x->name ? x->name : x->id, y->name ? y->name : y->id);
}

static int
load_pdus(struct slc_store *st, struct pdus *p, struct slc_error *err)
{
    int rc = slc_store_list(st, "pdus", NULL, collect_pdu, p, err);

    if (rc == SLC_ENOMEM) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (!rc && p->n) {
        qsort(p->recs, p->n, sizeof *p->recs, by_name);
    }
    return rc;
}

/* Whether PDU 'doc' can take VDU record 'vdur' from VIM account 'vim_id'
 * (OSM's filter: vim_accounts, type, ENABLED, NOT_IN_USE; then every
 * interface name of the VDU among the PDU's). */
static bool
fits(const struct slc_scope *sc, const json_t *doc, const json_t *vdur,
     const char *vim_id)
{
    const json_t *admin = json_object_get(doc, "_admin");
    const json_t *iface;
    size_t i;

    if (!slc_scope_reads(sc, doc) ||
        strcmp(slc_ns_str(doc, "type") ?: "", slc_ns_str(vdur, "pdu-type")) ||
        !slc_ns_has(json_object_get(doc, "vim_accounts"), vim_id) ||
        strcmp(slc_ns_str(admin, "operationalState") ?: "", "ENABLED") ||
        strcmp(slc_ns_str(admin, "usageState") ?: "", "NOT_IN_USE")) {
        return false;
    }
    json_array_foreach(json_object_get(vdur, "interfaces"), i, iface)
    {
        if (!slc_ns_find(json_object_get(doc, "interfaces"), "name",
                         slc_ns_str(iface, "name") ?: "")) {
            return false;
        }
    }
    return true;
}

/* Copies what the PDU says of each interface into the VDU record. */
static void
fill_vdur(json_t *vnfr, json_t *vdur, const struct slc_record *pdu)
{
    json_t *iface;
    size_t i;

    json_object_set_new(vdur, "pdu-id", json_string(pdu->id));
    json_array_foreach(json_object_get(vdur, "interfaces"), i, iface)
    {
        const json_t *pi = slc_ns_find(json_object_get(pdu->doc,
                                                       "interfaces"),
                                       "name", slc_ns_str(iface, "name"));
        const char *ip = slc_ns_str(pi, "ip-address");
        static const char *const copied[] = {
            "ip-address", "mac-address", "vim-network-name",
            "vim-network-id", NULL,
        };

        for (size_t k = 0; copied[k]; k++) {
            json_object_set(iface, copied[k],
                            json_object_get(pi, copied[k]) ?: json_null());
        }
        /* what SDN assist needs, named as for SR-IOV interfaces */
        json_object_set_new(iface, "compute_node",
                            json_string(slc_ns_str(pdu->doc, "name")));
        json_object_set(iface, "switch_port",
                        json_object_get(pi, "switch-port") ?: json_null());
        if (ip && (json_is_true(json_object_get(iface, "mgmt-interface")) ||
                   json_is_true(json_object_get(iface, "mgmt-vnf")) ||
                   json_is_true(json_object_get(pi, "mgmt")))) {
            json_object_set_new(vdur, "ip-address", json_string(ip));
        }
        if (ip && json_is_true(json_object_get(iface, "mgmt-vnf"))) {
            json_object_set_new(vnfr, "ip-address", json_string(ip));
        }
    }
}

static int
put_vnfrs(struct slc_store *st, const char *nsr_id, json_t *vnfrs,
          struct slc_error *err)
{
    json_t *v;
    size_t i;
    int rc = 0;

    json_array_foreach(vnfrs, i, v)
    {
        struct slc_record rec = {
            .id = (char *)slc_ns_str(v, "_id"),
            .name = (char *)nsr_id,
            .doc = v,
        };

        rc = rc ? rc
                : slc_store_put(st, "vnfrs", &rec, NULL, SLC_REV_ANY, NULL,
                                err);
    }
    return rc;
}

int
slc_pdu_bind(struct slc_store *st, const struct slc_scope *sc,
             const char *vim_id, const char *nsr_id, json_t *vnfrs,
             struct slc_error *err)
{
    struct pdus p = {0};
    size_t *chosen = NULL, n_chosen = 0, n_pdu_vdus = 0;
    json_t *vnfr, *vdur;
    size_t i, j;
    int rc;

    json_array_foreach(vnfrs, i, vnfr)
    {
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            n_pdu_vdus += slc_ns_str(vdur, "pdu-type") &&
                          !slc_ns_str(vdur, "pdu-id");
        }
    }
    if (!n_pdu_vdus) {
        return 0;
    }
    rc = load_pdus(st, &p, err);
    chosen = rc ? NULL : calloc(n_pdu_vdus, sizeof *chosen);
    if (!rc && !chosen) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    /* choose every PDU first: nothing is changed unless all are found */
    json_array_foreach(vnfrs, i, vnfr)
    {
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            size_t k = 0;

            if (rc || !slc_ns_str(vdur, "pdu-type") ||
                slc_ns_str(vdur, "pdu-id")) {
                continue;
            }
            for (; k < p.n; k++) {
                bool taken = false;

                for (size_t c = 0; c < n_chosen && !taken; c++) {
                    taken = chosen[c] == k;
                }
                if (!taken && fits(sc, p.recs[k].doc, vdur, vim_id)) {
                    break;
                }
            }
            if (k == p.n) {
                rc = slc_error_set(
                    err, SLC_ECONFLICT,
                    "No PDU of type=%s at vim_account=%s found for "
                    "member_vnf_index=%s, vdu=%s matching interface names",
                    slc_ns_str(vdur, "pdu-type"), vim_id,
                    slc_ns_str(vnfr, "member-vnf-index-ref"),
                    slc_ns_str(vdur, "vdu-id-ref"));
            } else {
                chosen[n_chosen++] = k;
            }
        }
    }
    n_chosen = 0;
    json_array_foreach(vnfrs, i, vnfr)
    {
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            struct slc_record *pdu;
            json_t *admin;

            if (rc || !slc_ns_str(vdur, "pdu-type") ||
                slc_ns_str(vdur, "pdu-id")) {
                continue;
            }
            pdu = &p.recs[chosen[n_chosen++]];
            admin = json_object_get(pdu->doc, "_admin");
            json_object_set_new(admin, "usageState", json_string("IN_USE"));
            json_object_set_new(
                admin, "usage",
                json_pack("{ss ss ss}", "vnfr_id", slc_ns_str(vnfr, "_id"),
                          "nsr_id", nsr_id, "vdur",
                          slc_ns_str(vdur, "vdu-id-ref")));
            fill_vdur(vnfr, vdur, pdu);
            rc = slc_store_put(st, "pdus", pdu, NULL, pdu->rev, NULL, err);
            if (!rc) {
                SLC_INFO("pdu '%s' bound to vdu '%s' of ns %s", pdu->name,
                         slc_ns_str(vdur, "vdu-id-ref"), nsr_id);
            }
        }
    }
    rc = rc ? rc : put_vnfrs(st, nsr_id, vnfrs, err);
    free(chosen);
    pdus_free(&p);
    return rc;
}

int
slc_pdu_release(struct slc_store *st, const char *nsr_id, json_t *vnfrs,
                struct slc_error *err)
{
    struct pdus p = {0};
    json_t *vnfr, *vdur;
    size_t i, j;
    int rc = load_pdus(st, &p, err);

    for (i = 0; !rc && i < p.n; i++) {
        json_t *admin = json_object_get(p.recs[i].doc, "_admin");

        if (strcmp(slc_ns_str(json_object_get(admin, "usage"), "nsr_id") ?: "",
                   nsr_id)) {
            continue;
        }
        json_object_set_new(admin, "usageState", json_string("NOT_IN_USE"));
        json_object_del(admin, "usage");
        rc = slc_store_put(st, "pdus", &p.recs[i], NULL, p.recs[i].rev, NULL,
                           err);
        if (!rc) {
            SLC_INFO("pdu '%s' released by ns %s", p.recs[i].name, nsr_id);
        }
    }
    pdus_free(&p);
    json_array_foreach(vnfrs, i, vnfr)
    {
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            if (slc_ns_str(vdur, "pdu-id")) {
                json_object_del(vdur, "pdu-id");
                json_object_set_new(vdur, "status", json_null());
            }
        }
    }
    return rc;
}
