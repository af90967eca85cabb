/* OSM's SDN port mapping (a VIM account's config 'sdn-port-mapping'):
 * which physical switch port each host PCI device is cabled to, so that
 * SDN assist can connect SR-IOV and passthrough interfaces that the VIM
 * cannot wire (sdn-sfc-ovs.md section 1.3).
 *
 *   - compute_node: compute-1
 *     ports:
 *       - {pci: "0000:3b:0[0-2].[0-7]", switch_id: "...", switch_port: "1"}
 *
 * 'pci' is a pattern: literal, except that "[...]" matches one character
 * of the set (ranges like 0-7 allowed).  The first matching port wins. */
#ifndef SLC_PORT_MAPPING_H
#define SLC_PORT_MAPPING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "slc-arena.h"
#include "slc-diag.h"
#include "slc-error.h"
#include "slc-schema.h"
#include "slc-yaml.h"

struct slc_sdn_port {
    struct slc_node node;
    const char *pci;         /* pattern */
    const char *switch_port; /* port name on the switch */
    const char *switch_id;   /* switch_id or switch_dpid */
    const char *switch_dpid;
    const char *switch_mac;
    const char *service_endpoint_id;
    const char *device_id, *device_interface_id;
    json_t *service_mapping_info;
};

struct slc_sdn_compute {
    struct slc_node node;
    const char *compute_node;
    struct slc_sdn_port *ports;
    size_t n_ports;
};

struct slc_port_mapping {
    struct slc_arena arena;
    struct slc_yaml_doc *doc; /* NULL when made from stored JSON */
    json_t *root;             /* owned reference */
    struct slc_sdn_compute *computes;
    size_t n_computes;
};

/* Parses a mapping given as YAML/JSON text ('name' in messages), or as a
 * jansson array (a reference is taken).  0 and '*out' on success, else an
 * SLC_E* code with every problem in 'diags'. */
int slc_port_mapping_load(const char *buf, size_t size, const char *name,
                          struct slc_port_mapping **out,
                          struct slc_diags *diags);
int slc_port_mapping_from_json(json_t *array, const char *name,
                               struct slc_port_mapping **out,
                               struct slc_diags *diags);
void slc_port_mapping_free(struct slc_port_mapping *m);

/* The port that device 'pci' of host 'compute_node' is cabled to, or NULL
 * (OSM: "Port mapping not found for compute_node=X pci=Y"). */
const struct slc_sdn_port *slc_port_mapping_lookup(
    const struct slc_port_mapping *m, const char *compute_node,
    const char *pci);

/* Checks a PCI pattern: brackets closed, ranges ascending, and every
 * expansion shaped like dddd:bb:ss.f.  SLC_EINVALID with a message. */
int slc_pci_pattern_check(const char *pattern, struct slc_error *err);

/* True when 'pci' matches 'pattern'. */
bool slc_pci_pattern_match(const char *pattern, const char *pci);

#endif
