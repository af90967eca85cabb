/* EPA placement: which host, NUMA node, cores, huge pages, SR-IOV VFs and
 * passthrough NICs each VDU instance gets, on VIM accounts that list host
 * inventories (config "hosts": an inventory file or a list of them).
 * Placement is ours, not the VIM's (DESIGN.md): the netns VIM has no
 * scheduler, and an operator wants the same answer from every VIM.
 *
 * Rules (reference/descriptors.md §8, §10.2, §11, in OpenVIM's spirit):
 * one NUMA node per VDU; pinning policy "static" takes dedicated hardware
 * threads (thread-policy PREFER fills half-used cores first, ISOLATE takes
 * a whole core per vCPU and keeps the sibling idle, REQUIRE takes sibling
 * pairs, AVOID and SEPARATE are treated as ISOLATE); absent or "dynamic"
 * floats; huge pages of the asked size (LARGE: 1GB when the node has
 * enough, else 2MB; PREFER_LARGE: huge pages when a node has them, else
 * plain memory); SR-IOV interfaces take free VFs and passthrough
 * interfaces whole untouched NICs, on the same NUMA node.  Among the nodes
 * that fit, the fullest wins (best fit); ties go to inventory order, so
 * the choice is deterministic.
 *
 * Assignments are stored in collection "placements" (name = VIM account
 * id) in the transaction that creates the operation, so two operations
 * never get the same cores, and released when the operation rolls back
 * or the VDU goes away.
 *
 * Neighbours: ns-lcm.c (caller), vim-drivers/host-inventory.h. */
#ifndef SLC_PLACEMENT_H
#define SLC_PLACEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "host-inventory.h"
#include "slc-error.h"
#include "slc-store.h"

enum slc_thread_policy {
    SLC_THREADS_PREFER,
    SLC_THREADS_ISOLATE,
    SLC_THREADS_REQUIRE,
};

enum slc_mempage {
    SLC_MEMPAGE_SMALL,        /* absent / SMALL: plain memory */
    SLC_MEMPAGE_LARGE,
    SLC_MEMPAGE_2MB,
    SLC_MEMPAGE_1GB,
    SLC_MEMPAGE_PREFER_LARGE,
};

/* What one VDU instance asks. */
struct slc_epa_req {
    const char *vdu;          /* for messages */
    unsigned vcpus;
    uint64_t memory_mb;
    bool dedicated;           /* pinning policy static */
    enum slc_thread_policy threads;
    enum slc_mempage mempage;
    unsigned n_vfs;           /* SR-IOV interfaces */
    unsigned n_nics;          /* passthrough interfaces */
};

/* Reads a flavor's guest-epa ({virtual-cpu, virtual-memory} as in the
 * VNFD) into 'req'.  Unknown policy values are SLC_EINVALID naming them. */
int slc_epa_req_parse(const json_t *guest_epa, const char *vdu,
                      unsigned vcpus, uint64_t memory_mb, unsigned n_vfs,
                      unsigned n_nics, struct slc_epa_req *req,
                      struct slc_error *err);

/* True when 'req' needs anything beyond floating vCPUs and memory. */
bool slc_epa_req_is_epa(const struct slc_epa_req *req);

/* Places 'req' on the hosts of 'invs' given what 'usage' says is taken
 * ({host: {numa: {threads: {t: true}, memory_mb, pages_2MB, pages_1GB,
 * pci: {addr: true}}}}), which is updated.  The assignment goes to
 * '*alloc' ({host, numa, cores, threads, memory_mb, page_size, pages,
 * vfs: [{nic, pci, vlan, fabric_port}], nics: [{nic, pci,
 * fabric_port}]}).  When nothing fits: SLC_EBUSY with a message naming the
 * requirement no node met and the node that came closest. */
int slc_place_vdu(struct slc_inventory *const *invs, size_t n_invs,
                  json_t *usage, const struct slc_epa_req *req,
                  json_t **alloc, struct slc_error *err);

/* Adds assignment 'alloc' to 'usage' (what slc_place_vdu() also does). */
void slc_place_account(json_t *usage, const json_t *alloc);

/* Places the compute steps of an operation's plan 'steps' on VIM account
 * 'account' (its record document): sets each compute step's spec "host"
 * and "placement" and its SR-IOV/passthrough port steps' spec "device",
 * and stores the assignments for operation 'op_id' of NS 'nsr_id'.  A
 * no-op for accounts without "hosts" unless a VDU asks for EPA (then
 * SLC_EBUSY: nowhere to place it), and for accounts whose VIM schedules
 * ("_admin.scheduler": "vim", as the REST layer stamps it from the VIM
 * class). */
int slc_place_plan(struct slc_store *st, const json_t *account,
                   const char *account_id, json_t *steps, const char *op_id,
                   const char *nsr_id, struct slc_error *err);

/* Releases the assignments of VIM account 'account_id' made by
 * operation 'op_id' (when not NULL), or those of NS 'nsr_id' whose compute
 * tag is in 'tags' (when not NULL), or all of NS 'nsr_id'. */
int slc_place_release(struct slc_store *st, const char *account_id,
                      const char *nsr_id, const char *op_id,
                      const json_t *tags, struct slc_error *err);

#endif
