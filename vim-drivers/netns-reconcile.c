/* The netns VIM's reconcile at start (vim-netns.c): what the store knows
 * is kept, what it does not is removed from the kernel and the switch,
 * and what it knows but vanished is reported missing. */
#include <string.h>

#include "slc-log.h"
#include "netns-internal.h"

SLC_LOG_MODULE(vim_netns);

/* Removes resource 'id' of 'kind' at once (start-up only). */
static void
remove_now(struct netns *n, enum slc_vim_kind kind, const char *id)
{
    json_t *r = json_object_get(netns_table(n, kind), id);
    struct slc_error err = {0};

    SLC_INFO("vim '%s': removing %s %s (%s): not in the store", n->up.drv.name,
             slc_vim_kind_name(kind), id, netns_str(r, "tag"));
    if (kind == SLC_VIM_COMPUTE) {
        netns_teardown_compute(n, r);
    } else {
        if (json_object_get(r, "ovs_uuid") &&
            slc_ovsdb_transact_sync(n->db,
                                    netns_unplug_ops(json_object_get(r, "ovs_uuid")),
                                    false, NETNS_OVSDB_TIMEOUT, NULL, &err)) {
            SLC_WARN("vim '%s': %s", n->up.drv.name, err.msg);
        }
        if (kind == SLC_VIM_PORT) {
            netns_drop_host_link(n, netns_str(r, "host_if"));
        }
    }
    netns_forget(n, kind, id);
}

int
netns_reconcile(struct slc_vim *vim, json_t *known, struct slc_error *err)
{
    struct netns *n = netns_of(vim);
    json_t *keep;
    json_t *item;
    size_t i;
    int rc = netns_sync(n, err);

    if (rc) {
        return rc;
    }
    keep = json_object();
    json_array_foreach(known, i, item)
    {
        int kind = slc_vim_kind_from_name(netns_str(item, "kind"));
        json_t *r;
        char key[1100];

        if (kind >= 0 && !netns_str(item, "vim_id") &&
            netns_str(item, "tag")) {
            /* in flight at a crash: kept by tag for the resumed step when
             * it was made whole; one caught half-made (a port not yet on
             * the switch, a compute whose process is not recorded) goes,
             * and the resumed step makes it again */
            const char *id;

            snprintf(key, sizeof key, "%s/%s", slc_vim_kind_name(kind),
                     netns_str(item, "tag"));
            id = json_string_value(json_object_get(n->by_tag, key));
            r = id ? json_object_get(netns_table(n, (enum slc_vim_kind)kind),
                                     id)
                   : NULL;
            if (r && !strcmp(netns_str(r, "state") ?: "", "ACTIVE") &&
                !netns_vanished(n, (enum slc_vim_kind)kind, r)) {
                snprintf(key, sizeof key, "%d/%s", kind, id);
                json_object_set_new(keep, key, json_true());
            } else if (r) {
                SLC_INFO("vim '%s': %s %s was half-made at a crash: made "
                         "again", n->up.drv.name, slc_vim_kind_name(kind),
                         id);
            }
            continue;
        }
        if (kind < 0 || !netns_str(item, "vim_id")) {
            continue;
        }
        snprintf(key, sizeof key, "%d/%s", kind, netns_str(item, "vim_id"));
        json_object_set_new(keep, key, json_true());
        r = json_object_get(netns_table(n, (enum slc_vim_kind)kind),
                            netns_str(item, "vim_id"));
        if (!json_is_true(json_object_get(item, "uncertain")) &&
            (!r || netns_vanished(n, (enum slc_vim_kind)kind, r))) {
            json_object_set_new(item, "missing", json_true());
            json_object_set_new(item, "why",
                                json_string(r ? netns_vanished(n, (enum slc_vim_kind)kind, r)
                                              : "unknown to the VIM"));
        }
    }
    /* computes first: their ports come back to the host before going */
    for (int k = SLC_VIM_N_KINDS - 1; k >= 0; k--) {
        json_t *t = netns_table(n, (enum slc_vim_kind)k);
        const char *id;
        json_t *r;
        void *tmp;

        json_object_foreach_safe(t, tmp, id, r)
        {
            char key[200];

            snprintf(key, sizeof key, "%d/%s", k, id);
            if (!json_object_get(keep, key)) {
                remove_now(n, (enum slc_vim_kind)k, id);
            }
        }
    }
    json_decref(keep);
    netns_remove_stray_ports(n);
    netns_sweep_nic_bridges(n, 0);
    return netns_save(n, err);
}
