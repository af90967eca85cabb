/* Host inventories: the compute hosts a VIM without a scheduler of its own
 * (the netns VIM) places VDUs on, in the spirit of OpenVIM's host
 * descriptors: NUMA nodes with cores and their hardware threads, memory,
 * huge pages by size, and NICs with SR-IOV virtual functions, each NIC
 * cabled to a port of the fabric switch.  Format: templates/README.md.
 *
 * Loading checks what placement relies on: unique names, hardware threads
 * that belong to one core only, PCI addresses used once, one NIC per fabric
 * switch port, VF VLANs in 1..4094 and unique per NIC. */
#ifndef SLC_HOST_INVENTORY_H
#define SLC_HOST_INVENTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-arena.h"
#include "slc-diag.h"
#include "slc-error.h"
#include "slc-schema.h"
#include "slc-yaml.h"

enum slc_page_size {
    SLC_PAGE_2MB,
    SLC_PAGE_1GB,
};

struct slc_host_pages {
    struct slc_node node;
    int size; /* enum slc_page_size */
    uint64_t count;
};

struct slc_host_core {
    struct slc_node node;
    uint64_t id;
    uint64_t *threads; /* hardware thread (logical CPU) numbers */
    size_t n_threads;
    bool reserved;     /* kept for the host, never given to a VDU */
};

struct slc_host_vf {
    struct slc_node node;
    const char *pci, *mac;
    uint64_t vlan;
};

struct slc_host_nic {
    struct slc_node node;
    const char *name, *pci, *mac;
    uint64_t speed_mbps;
    uint64_t fabric_port; /* port of the fabric switch it is cabled to */
    struct slc_host_vf *vfs;
    size_t n_vfs;
};

struct slc_host_numa {
    struct slc_node node;
    uint64_t id;
    uint64_t memory_mb;
    struct slc_host_pages *pages;
    size_t n_pages;
    struct slc_host_core *cores;
    size_t n_cores;
    struct slc_host_nic *nics;
    size_t n_nics;
};

struct slc_host {
    struct slc_node node;
    const char *name;
    const char **features;
    size_t n_features;
    struct slc_host_numa *numas;
    size_t n_numas;
};

struct slc_inventory {
    struct slc_arena arena;
    struct slc_yaml_doc *doc;
    const char *name;
    struct slc_host *hosts;
    size_t n_hosts;
};

/* Loads and checks the inventory file at 'path'.  Returns 0 and the
 * inventory in '*out' (free with slc_inventory_free()) when it has no
 * error; otherwise an SLC_E* code, every problem in 'diags', '*out' NULL. */
int slc_inventory_load_file(const char *path, struct slc_inventory **out,
                            struct slc_diags *diags);

/* Same from 'size' bytes of YAML or JSON named 'name'. */
int slc_inventory_load(const char *buf, size_t size, const char *name,
                       struct slc_inventory **out, struct slc_diags *diags);

void slc_inventory_free(struct slc_inventory *inv);

/* Loads the inventories a VIM account's config names in "hosts" (a file
 * path or a list of them); '*n' is 0 when 'hosts' is NULL.  Errors name
 * the file, line and column.  Free with slc_inventory_free_list(). */
int slc_inventory_load_list(const json_t *hosts, struct slc_inventory ***out,
                            size_t *n, struct slc_error *err);
void slc_inventory_free_list(struct slc_inventory **invs, size_t n);

/* Lookups; NULL when absent. */
const struct slc_host *slc_inventory_find_host(const struct slc_inventory *inv,
                                               const char *name);

/* Huge pages of 'size' on a NUMA node (0 when none). */
uint64_t slc_host_numa_pages(const struct slc_host_numa *numa,
                             enum slc_page_size size);

/* Cores of a NUMA node that are not reserved for the host. */
size_t slc_host_numa_usable_cores(const struct slc_host_numa *numa);

#endif
