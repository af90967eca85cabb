/* Nova flavors for VDUs: how the OpenStack VIM driver turns a VDU's compute
 * needs (vCPUs, memory, disk and the guest EPA of its virtual-compute-desc)
 * into a flavor with extra specs, the name slicer gives the flavors it
 * creates, and the test that a flavor already in Nova is one of them, so
 * that the driver reuses flavors instead of creating one per VDU.
 *
 * The mapping follows Nova's extra specs, not OSM's (descriptors.md
 * §10.2): only pinning policy 'static' pins, thread policies map onto
 * Nova's three values, NUMA node numbers are positions, memory stays in
 * MiB, hw:numa_mempolicy is never written, the guest CPU topology is per
 * socket and per core, and what Nova would refuse at boot (vCPU sets that
 * do not cover the vCPUs, memory that does not add up) is refused here,
 * with the EPA field that is wrong.
 *
 * No pci_passthrough:alias key is ever written: slicer gives SR-IOV and
 * PCI-passthrough interfaces Neutron ports (binding:vnic_type 'direct' and
 * 'direct-physical', descriptors.md §9), and Nova claims their devices
 * through the ports. */
#ifndef SLC_OPENSTACK_FLAVOR_H
#define SLC_OPENSTACK_FLAVOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-error.h"

/* What a VDU asks of a flavor. */
struct slc_os_flavor_req {
    const char *vdu; /* for messages */
    unsigned vcpus;  /* as the record holds it; 0 when not known */
    uint64_t memory_mb;
    uint64_t disk_gb;
    const json_t *epa; /* guest EPA (borrowed), may be NULL */
};

/* Builds the Nova flavor for 'req' into '*out': a new object (the caller
 * owns the reference)
 *   {"vcpus": N, "ram": MB, "disk": GB, "extra_specs": {...}}
 * whose extra spec values are all strings.  'req->epa' is the guest EPA,
 * {"virtual-cpu": {...}, "virtual-memory": {...}} as SOL006's
 * virtual-compute-desc has them; numbers may be strings ("4").
 *
 * The vCPU count is 'num-virtual-cpu' when the EPA gives it, else the
 * cores and threads its NUMA nodes ask for when they ask for some, else
 * 'req->vcpus' (1 when 0); 'virtual-memory.size' is not read: 'ram' is
 * 'req->memory_mb'.
 *
 * Returns 0, or SLC_EINVALID for what Nova cannot express or would refuse
 * (the message names the vdu, the EPA field and the bad value), or
 * SLC_ENOMEM; on failure '*out' is NULL. */
int slc_os_flavor_build(const struct slc_os_flavor_req *req, json_t **out,
                        struct slc_error *err);

/* Writes into 'buf' (of 'size' bytes, 64 are enough) the name slicer gives
 * the flavor it creates for 'flavor' (borrowed; what slc_os_flavor_build
 * made): "slicer-<vcpus>c<ram>m<disk>g-<hash>", where <hash> is 8 hex
 * digits of an FNV-1a hash of the extra specs in key order.  The same
 * flavor always gets the same name; flavors that differ in their specs get
 * different names but for hash collisions, so a flavor found by name must
 * still pass slc_os_flavor_matches. */
void slc_os_flavor_name(const json_t *flavor, char *buf, size_t size);

/* True when the Nova flavor 'have' (borrowed; as GET /flavors/detail
 * returns it) is exactly what 'want' (borrowed; from slc_os_flavor_build)
 * asks: the same vcpus, ram and disk, no ephemeral disk or swap, not
 * disabled, and the same extra specs as sets of key and value (values
 * compared as strings).  A 'have' without "extra_specs" (microversion
 * below 2.61) never matches: its specs are not known. */
bool slc_os_flavor_matches(const json_t *have, const json_t *want);

#endif
