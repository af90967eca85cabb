/* The information model: VNFD, NSD, PNFD (SOL006 as OSM uses it) and NST
 * (OSM's nst.yang), as C structures.
 *
 * Files are loaded by descriptor.c, which recognises the format (SOL006,
 * the older OSM IM, which it converts, or OSM NST), parses each descriptor
 * through the tables of vnfd-model.c, nsd-model.c, nst-model.c and
 * pnfd-model.c, and validates it.  Everything a model holds lives in its
 * model file's arena and document; pointers stay valid until
 * slc_model_file_free().  Absent optional strings are NULL, absent numbers
 * 0 unless the field says otherwise. */
#ifndef SLC_MODEL_H
#define SLC_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-arena.h"
#include "slc-diag.h"
#include "slc-schema.h"
#include "slc-yaml.h"

/* ---------------------------------------------------------------- VNFD */

#define SLC_VIF_TYPES(X)                                                     \
    X(PARAVIRT, "PARAVIRT")                                                  \
    X(VIRTIO, "VIRTIO")                                                      \
    X(OM_MGMT, "OM-MGMT")                                                    \
    X(SRIOV, "SR-IOV")                                                       \
    X(PCI_PASSTHROUGH, "PCI-PASSTHROUGH")                                    \
    X(E1000, "E1000")                                                        \
    X(RTL8139, "RTL8139")                                                    \
    X(PCNET, "PCNET")

enum slc_vif_type {
#define SLC_VIF_ENUM(e, s) SLC_VIF_##e,
    SLC_VIF_TYPES(SLC_VIF_ENUM)
#undef SLC_VIF_ENUM
};

/* True for interfaces a VIM cannot wire by itself (SDN assist does). */
bool slc_vif_is_dataplane(enum slc_vif_type type);
const char *slc_vif_type_name(enum slc_vif_type type);

enum slc_pinning_policy {
    SLC_PIN_DYNAMIC, /* floating vCPUs; also when absent */
    SLC_PIN_STATIC,  /* dedicated host CPUs */
};

enum slc_thread_policy {
    SLC_THREAD_ANY, /* absent */
    SLC_THREAD_AVOID,
    SLC_THREAD_SEPARATE,
    SLC_THREAD_ISOLATE,
    SLC_THREAD_PREFER,
    SLC_THREAD_REQUIRE,
};

enum slc_mempage {
    SLC_MEMPAGE_ANY, /* absent */
    SLC_MEMPAGE_LARGE,
    SLC_MEMPAGE_SMALL,
    SLC_MEMPAGE_2MB,
    SLC_MEMPAGE_1GB,
    SLC_MEMPAGE_PREFER_LARGE,
};

enum slc_mem_policy {
    SLC_MEMPOL_ANY,
    SLC_MEMPOL_STRICT,
    SLC_MEMPOL_PREFERRED,
};

struct slc_quota {
    struct slc_node node;
    uint64_t limit, reserve, shares;
};

struct slc_pinning {
    struct slc_node node;
    int policy;        /* enum slc_pinning_policy */
    int thread_policy; /* enum slc_thread_policy */
    json_t *rule;      /* key/value list, only with static */
};

struct slc_vcpu {
    struct slc_node node;
    uint64_t num; /* num-virtual-cpu; 0 when absent */
    struct slc_pinning *pinning;
    struct slc_quota *quota;
    const char *architecture;
    uint64_t clock;
};

struct slc_numa_vcpu {
    struct slc_node node;
    uint64_t id;
};

struct slc_thread_pair {
    struct slc_node node;
    uint64_t a, b;
};

struct slc_paired_threads {
    struct slc_node node;
    uint64_t num;
    struct slc_thread_pair *ids;
    size_t n_ids;
};

struct slc_numa_node {
    struct slc_node node;
    uint64_t id;
    struct slc_numa_vcpu *vcpus;
    size_t n_vcpus;
    uint64_t memory_mb;
    uint64_t num_cores;
    struct slc_paired_threads *paired;
    uint64_t num_threads;
};

struct slc_numa_policy {
    struct slc_node node;
    uint64_t node_cnt;
    int mem_policy; /* enum slc_mem_policy */
    struct slc_numa_node *nodes;
    size_t n_nodes;
};

struct slc_vmem {
    struct slc_node node;
    double size_gb; /* 0 when absent (default 1 GB) */
    int mempage;    /* enum slc_mempage */
    bool numa_enabled;
    struct slc_numa_policy *numa;
    struct slc_quota *quota;
};

struct slc_vcd {
    struct slc_node node;
    const char *id;
    struct slc_vcpu *vcpu;
    struct slc_vmem *vmem;
};

struct slc_vsd {
    struct slc_node node;
    const char *id;
    const char *type;
    uint64_t size_gb;
    const char *sw_image;
    const char *device_bus;
};

struct slc_sw_image {
    struct slc_node node;
    const char *id, *name, *version, *image, *vim_type;
    const char *disk_format, *container_format;
};

struct slc_vif {
    struct slc_node node;
    int type; /* enum slc_vif_type */
    const char *vpci;
    uint64_t bandwidth;
};

struct slc_vnir {
    struct slc_node node;
    const char *name, *description;
    uint64_t position;
    const char *ip_address, *mac_address;
    bool support_mandatory;
    struct slc_vif *vif;
};

struct slc_int_cpd {
    struct slc_node node;
    const char *id;
    const char *int_vld;
    const char *description;
    struct slc_vnir *vnirs;
    size_t n_vnirs;
    bool port_security_enabled;
};

struct slc_monitoring_param {
    struct slc_node node;
    const char *id, *name, *metric;
};

struct slc_boot_data {
    struct slc_node node;
    bool boot_data_drive;
};

struct slc_vdu {
    struct slc_node node;
    const char *id, *name, *description;
    const char *sw_image;
    const char **alt_images;
    size_t n_alt_images;
    const char *vcd;
    const char **vsds;
    size_t n_vsds;
    struct slc_int_cpd *int_cpds;
    size_t n_int_cpds;
    const char *cloud_init_file, *cloud_init;
    const char *pdu_type; /* set for a physical deployment unit (PNF/HNF) */
    struct slc_monitoring_param *monitoring;
    size_t n_monitoring;
    struct slc_boot_data *boot_data;
    json_t *host_epa; /* converted from the old IM (cpu model, features) */
};

struct slc_int_cpd_ref {
    struct slc_node node;
    const char *vdu_id, *cpd;
};

struct slc_ext_cpd {
    struct slc_node node;
    const char *id, *description;
    struct slc_int_cpd_ref *int_cpd;
    const char *int_vld;
    const char *k8s_cluster_net;
};

struct slc_provider_net {
    struct slc_node node;
    const char *physical_network;
    uint64_t segmentation_id;
    const char *overlay_type;
};

struct slc_int_vld {
    struct slc_node node;
    const char *id, *description;
    struct slc_provider_net *provider;
};

struct slc_vdu_profile {
    struct slc_node node;
    const char *id;
    uint64_t min_instances, max_instances; /* max 0 = not given */
};

struct slc_vdu_level {
    struct slc_node node;
    const char *vdu_id;
    uint64_t instances;
};

struct slc_inst_level {
    struct slc_node node;
    const char *id, *description;
    struct slc_vdu_level *vdu_levels;
    size_t n_vdu_levels;
};

struct slc_ip_pool {
    struct slc_node node;
    const char *start, *end;
};

enum slc_ip_version {
    SLC_IP_UNSET,
    SLC_IP_V4,
    SLC_IP_V6,
};

struct slc_l3_data {
    struct slc_node node;
    const char *name, *description;
    int ip_version; /* enum slc_ip_version */
    const char *cidr, *gateway;
    bool dhcp_enabled;
    struct slc_ip_pool *pools;
    size_t n_pools;
};

struct slc_l2_data {
    struct slc_node node;
    const char *name, *network_type;
    uint64_t mtu, segmentation_id;
    bool vlan_transparent;
};

struct slc_vl_protocol {
    struct slc_node node;
    struct slc_l2_data *l2;
    struct slc_l3_data *l3;
};

struct slc_vl_profile {
    struct slc_node node;
    const char *id, *flavour;
    struct slc_vl_protocol *protocol;
};

struct slc_vdu_delta {
    struct slc_node node;
    const char *id;
    uint64_t instances;
};

struct slc_scaling_delta {
    struct slc_node node;
    const char *id;
    struct slc_vdu_delta *vdu_deltas;
    size_t n_vdu_deltas;
};

struct slc_delta_details {
    struct slc_node node;
    struct slc_scaling_delta *deltas;
    size_t n_deltas;
};

struct slc_scaling_aspect {
    struct slc_node node;
    const char *id, *name;
    uint64_t max_scale_level;
    struct slc_delta_details *details;
};

/* Day-1 and day-2 configuration: SOL006
 * df[].lcm-operations-configuration.operate-vnf-op-config.day1-2[], as
 * OSM has it.  A primitive runs in an execution environment: a Juju charm
 * or Helm chart (OSM's; recognised, not run here) or "script" (slicer's):
 * a file of the package's scripts/ folder run inside the VDU. */
#define SLC_PRIM_TYPES(X)                                                    \
    X(STRING, "STRING")                                                      \
    X(INTEGER, "INTEGER")                                                    \
    X(BOOLEAN, "BOOLEAN")

enum slc_prim_type {
#define SLC_PRIM_TYPE_ENUM(e, s) SLC_PRIM_##e,
    SLC_PRIM_TYPES(SLC_PRIM_TYPE_ENUM)
#undef SLC_PRIM_TYPE_ENUM
};

struct slc_prim_param {
    struct slc_node node;
    const char *name;
    int data_type;               /* enum slc_prim_type */
    const json_t *value;         /* initial/terminate primitives */
    const json_t *default_value; /* config primitives */
    bool mandatory;
};

struct slc_primitive {
    struct slc_node node;
    const char *name;
    uint64_t seq;
    struct slc_prim_param *params;
    size_t n_params;
    const char *ee_ref;          /* execution-environment-ref */
    const char *ee_primitive;    /* execution-environment-primitive */
};

struct slc_script_ee {
    struct slc_node node;
    const char *file;            /* in the package's scripts/ */
};

struct slc_exec_env {
    struct slc_node node;
    const char *id;
    const json_t *juju, *helm_chart;
    struct slc_script_ee *script;
};

struct slc_day12 {
    struct slc_node node;
    const char *id;              /* the VNFD's id (VNF level) or a VDU's */
    struct slc_exec_env *ees;
    size_t n_ees;
    struct slc_primitive *initial;   /* initial-config-primitive */
    size_t n_initial;
    struct slc_primitive *config;    /* config-primitive (day 2) */
    size_t n_config;
    struct slc_primitive *terminate; /* terminate-config-primitive */
    size_t n_terminate;
};

struct slc_op_config {
    struct slc_node node;
    struct slc_day12 *day12;
    size_t n_day12;
};

struct slc_lcm_config {
    struct slc_node node;
    struct slc_op_config *operate;   /* operate-vnf-op-config */
};

struct slc_vnf_df {
    struct slc_node node;
    const char *id, *description;
    struct slc_vdu_profile *vdu_profiles;
    size_t n_vdu_profiles;
    struct slc_inst_level *inst_levels;
    size_t n_inst_levels;
    const char *default_inst_level;
    struct slc_vl_profile *vl_profiles;
    size_t n_vl_profiles;
    struct slc_scaling_aspect *scaling;
    size_t n_scaling;
    struct slc_lcm_config *lcm;      /* lcm-operations-configuration */
};

struct slc_vnfd {
    struct slc_node node;
    const char *id, *provider, *product_name, *version, *software_version;
    const char *description, *mgmt_cp;
    struct slc_vdu *vdus;
    size_t n_vdus;
    struct slc_vcd *vcds;
    size_t n_vcds;
    struct slc_vsd *vsds;
    size_t n_vsds;
    struct slc_sw_image *images;
    size_t n_images;
    struct slc_int_vld *int_vlds;
    size_t n_int_vlds;
    struct slc_ext_cpd *ext_cpds;
    size_t n_ext_cpds;
    struct slc_vnf_df *dfs;
    size_t n_dfs;
    json_t *kdus;
};

/* The execution environment primitive 'pr' of 'd' runs in: its
 * execution-environment-ref, else the only one there is; NULL if none. */
const struct slc_exec_env *slc_day12_find_ee(const struct slc_day12 *d,
                                             const struct slc_primitive *pr);

/* Lookups by id; NULL when absent or when 'id' is NULL. */
const struct slc_vdu *slc_vnfd_find_vdu(const struct slc_vnfd *v,
                                        const char *id);
const struct slc_ext_cpd *slc_vnfd_find_ext_cpd(const struct slc_vnfd *v,
                                                const char *id);
const struct slc_vcd *slc_vnfd_find_vcd(const struct slc_vnfd *v,
                                        const char *id);
const struct slc_int_cpd *slc_vdu_find_int_cpd(const struct slc_vdu *vdu,
                                               const char *id);

/* Number of vCPUs a compute descriptor asks for: num-virtual-cpu, else the
 * demand of its NUMA policy (cores + 2 x paired threads + threads), else 1.
 * See descriptors.md section 8. */
uint64_t slc_vcd_vcpus(const struct slc_vcd *vcd);

/* NUMA policy demand in vCPUs, 0 when the policy names none. */
uint64_t slc_vcd_numa_vcpus(const struct slc_vcd *vcd);

/* ----------------------------------------------------------------- NSD */

struct slc_cpd_ref {
    struct slc_node node;
    const char *element; /* constituent-base-element-id (vnf-profile id) */
    const char *cpd;     /* constituent-cpd-id (VNFD ext-cpd id) */
    const char *ip_address;
};

struct slc_vl_connectivity {
    struct slc_node node;
    const char *vl_profile; /* virtual-link-profile-id */
    struct slc_cpd_ref *cpds;
    size_t n_cpds;
};

struct slc_vnf_profile {
    struct slc_node node;
    const char *id; /* = member-vnf-index */
    const char *vnfd_id, *flavour_id, *inst_level;
    uint64_t min_instances, max_instances;
    struct slc_vl_connectivity *vlcs;
    size_t n_vlcs;
};

struct slc_pnf_profile {
    struct slc_node node;
    const char *id, *pnfd_id;
    struct slc_vl_connectivity *vlcs;
    size_t n_vlcs;
};

struct slc_ns_vl_profile {
    struct slc_node node;
    const char *id, *vld_id, *flavour_id;
    struct slc_vl_protocol *protocol;
};

struct slc_ns_df {
    struct slc_node node;
    const char *id;
    struct slc_vnf_profile *vnf_profiles;
    size_t n_vnf_profiles;
    struct slc_pnf_profile *pnf_profiles;
    size_t n_pnf_profiles;
    struct slc_ns_vl_profile *vl_profiles;
    size_t n_vl_profiles;
};

struct slc_ns_vld {
    struct slc_node node;
    const char *id, *description;
    bool mgmt_network;
    const char *vim_network_name;
    struct slc_provider_net *provider;
};

struct slc_sapd_ext {
    struct slc_node node;
    const char *desc_id; /* vnfd-id / pnfd-id */
    const char *ext_cpd_id;
};

struct slc_sapd {
    struct slc_node node;
    const char *id, *description;
    const char *vld;          /* virtual-link-desc */
    const char *assoc_cpd;    /* associated-cpd-id */
    struct slc_sapd_ext *vnf; /* vnf {vnfd-id, ext-cpd-id} */
    struct slc_sapd_ext *pnf; /* pnf {pnfd-id, ext-cpd-id} */
    bool floating_ip;
};

struct slc_cp_element {
    struct slc_node node;
    const char *id;
    uint64_t order;
    const char *element;       /* constituent-base-element-id */
    const char *ingress_cpd;   /* ingress-constituent-cpd-id */
    const char *egress_cpd;    /* egress-constituent-cpd-id */
};

struct slc_cp_profile {
    struct slc_node node;
    const char *id;
    struct slc_cp_element *elements;
    size_t n_elements;
};

struct slc_match {
    struct slc_node node;
    const char *id;
    uint64_t ip_proto; /* 0 = any */
    const char *src_ip, *dst_ip;
    uint64_t src_port, dst_port; /* 0 = any */
    const char *element; /* vnf-profile owning the source */
    const char *cpd;     /* the logical source port */
};

struct slc_position_desc {
    struct slc_node node;
    const char *id;
    const char **position_elements; /* nfp-position-element-id */
    size_t n_position_elements;
    struct slc_cp_profile *cp_profiles;
    size_t n_cp_profiles;
    struct slc_match *matches;
    size_t n_matches;
};

struct slc_nfpd {
    struct slc_node node;
    const char *id, *rule;
    struct slc_position_desc *positions;
    size_t n_positions;
};

struct slc_id_item {
    struct slc_node node;
    const char *id;
};

struct slc_vnffgd {
    struct slc_node node;
    const char *id, *description;
    const char **vnf_profiles;
    size_t n_vnf_profiles;
    const char **pnf_profiles;
    size_t n_pnf_profiles;
    struct slc_id_item *position_elements;
    size_t n_position_elements;
    struct slc_nfpd *nfpds;
    size_t n_nfpds;
};

struct slc_nsd {
    struct slc_node node;
    const char *id, *name, *designer, *version, *description;
    const char **vnfd_ids;
    size_t n_vnfd_ids;
    const char **pnfd_ids;
    size_t n_pnfd_ids;
    const char **nested_nsd_ids;
    size_t n_nested_nsd_ids;
    struct slc_sapd *sapds;
    size_t n_sapds;
    struct slc_ns_vld *vlds;
    size_t n_vlds;
    struct slc_ns_df *dfs;
    size_t n_dfs;
    struct slc_vnffgd *vnffgds;
    size_t n_vnffgds;
};

const struct slc_ns_vld *slc_nsd_find_vld(const struct slc_nsd *n,
                                          const char *id);
const struct slc_sapd *slc_nsd_find_sapd(const struct slc_nsd *n,
                                         const char *id);
const struct slc_vnf_profile *slc_nsd_find_vnf_profile(
    const struct slc_nsd *n, const char *id);

/* ---------------------------------------------------------------- PNFD */

struct slc_pnf_ext_cpd {
    struct slc_node node;
    const char *id, *description, *role;
    const char **layer_protocols;
    size_t n_layer_protocols;
};

struct slc_pnfd {
    struct slc_node node;
    const char *id, *name, *provider, *version, *function_description;
    const char *description, *geo_location;
    struct slc_pnf_ext_cpd *ext_cpds;
    size_t n_ext_cpds;
};

/* ----------------------------------------------------------------- NST */

enum slc_slice_type {
    SLC_SST_EMBB,
    SLC_SST_URLLC,
    SLC_SST_MMTC,
};

enum slc_qos_resource {
    SLC_QOS_UNSET,
    SLC_QOS_DELAY_CRITICAL_GBR,
    SLC_QOS_GBR,
    SLC_QOS_NON_GBR,
};

enum slc_vld_type {
    SLC_VLD_ELAN, /* also when absent */
    SLC_VLD_ELINE,
};

struct slc_snssai {
    struct slc_node node;
    int sst; /* enum slc_slice_type */
    const char *sd;
};

struct slc_qos {
    struct slc_node node;
    uint64_t id; /* 5QI */
    int resource_type;
    uint64_t priority_level, packet_delay_budget, packet_error_rate;
    uint64_t default_max_data_burst;
};

struct slc_nss {
    struct slc_node node;
    const char *id, *description, *nsd_ref;
    bool is_shared;
    json_t *inst_params;
};

struct slc_nss_cp_ref {
    struct slc_node node;
    const char *nss_ref, *nsd_cp_ref, *ip_address;
};

struct slc_netslice_vld {
    struct slc_node node;
    const char *id, *name, *short_name, *vendor, *description, *version;
    int type; /* enum slc_vld_type */
    uint64_t root_bandwidth, leaf_bandwidth;
    bool mgmt_network;
    struct slc_provider_net *provider;
    struct slc_nss_cp_ref *cp_refs;
    size_t n_cp_refs;
};

struct slc_nst {
    struct slc_node node;
    const char *id, *name, *description;
    struct slc_snssai *snssai;
    struct slc_qos *qos;
    struct slc_nss *subnets;
    size_t n_subnets;
    struct slc_netslice_vld *vlds;
    size_t n_vlds;
};

const struct slc_nss *slc_nst_find_subnet(const struct slc_nst *t,
                                          const char *id);

/* --------------------------------------------------------- descriptors */

enum slc_desc_kind {
    SLC_DESC_VNFD,
    SLC_DESC_NSD,
    SLC_DESC_PNFD,
    SLC_DESC_NST,
};

#define SLC_DESC_KINDS 4

/* "vnfd", "nsd", "pnfd", "nst". */
const char *slc_desc_kind_name(enum slc_desc_kind kind);

/* Parses "vnfd" etc.; -1 for other text. */
int slc_desc_kind_from_name(const char *name);

struct slc_model_file;

struct slc_descriptor {
    enum slc_desc_kind kind;
    size_t index;       /* among the descriptors of its file */
    const char *id;     /* descriptor id, "" when missing */
    const char *format; /* "SOL006", "OSM IM (vnfd-catalog)", ... */
    json_t *json;       /* the descriptor as SOL006 JSON (borrowed) */
    const char *subject; /* "vnfd 'x'" */
    struct slc_model_file *file;
    union {
        struct slc_vnfd *vnfd;
        struct slc_nsd *nsd;
        struct slc_pnfd *pnfd;
        struct slc_nst *nst;
    } u;
};

struct slc_model_file {
    struct slc_arena arena;
    struct slc_yaml_doc *doc; /* NULL for models made from stored JSON */
    json_t *root;             /* owned reference */
    json_t *converted;        /* SOL006 forms of old-IM descriptors */
    const char *name;
    struct slc_descriptor *descs;
    size_t n_descs;
};

/* Loads every descriptor in 'size' bytes of YAML or JSON named 'name':
 * recognises the format, converts the old OSM IM, parses and validates each
 * descriptor on its own (references to other descriptors are checked by
 * slc_model_check_refs()).  Every problem goes to 'diags'.  Returns 0 and
 * the file in '*out' when the input was a readable descriptor file (its
 * descriptors may still have errors: look at 'diags'); otherwise an SLC_E*
 * code and '*out' NULL.  Free with slc_model_file_free(). */
int slc_model_load(const char *buf, size_t size, const char *name,
                   struct slc_model_file **out, struct slc_diags *diags);

/* Same, reading the file at 'path'. */
int slc_model_load_file(const char *path, struct slc_model_file **out,
                        struct slc_diags *diags);

/* Builds the model of one stored descriptor: 'json' is the SOL006 object
 * (the 'vnfd' value, one 'nsd' element, ...); a reference is taken. */
int slc_model_from_json(enum slc_desc_kind kind, json_t *json,
                        const char *name, struct slc_model_file **out,
                        struct slc_diags *diags);

void slc_model_file_free(struct slc_model_file *f);

/* A set of descriptors that references are resolved against (borrowed
 * pointers).  Linear lookups: sets are small. */
struct slc_model_set {
    const struct slc_descriptor **items;
    size_t len, cap;
};

int slc_model_set_add(struct slc_model_set *set,
                      const struct slc_descriptor *d);
void slc_model_set_clear(struct slc_model_set *set);
const struct slc_descriptor *slc_model_set_find(
    const struct slc_model_set *set, enum slc_desc_kind kind, const char *id);

/* Checks the references from 'd' to other descriptors (NSD -> VNFD ext-cpds
 * and PNFDs, NST -> NSD sapds) against 'set'.  A referenced descriptor that
 * is not in the set is not an error here: it is appended to 'missing' (an
 * array, may be NULL) as {"kind": ..., "id": ..., "path": ...}, once. */
void slc_model_check_refs(const struct slc_descriptor *d,
                          const struct slc_model_set *set, json_t *missing,
                          struct slc_diags *diags);

/* Checks that the script execution environments of VNFD 'd' name files
 * of 'scripts' (its package's scripts/ folder as {name: text}): errors
 * for a package, warnings when the descriptor came without one ('scripts'
 * NULL: it is onboarded, its primitives cannot run). */
void slc_model_check_scripts(const struct slc_descriptor *d,
                             const json_t *scripts, struct slc_diags *diags);

/* The descriptors 'd' references, as [collection, id] pairs for the
 * store's links (a new reference). */
json_t *slc_descriptor_links(const struct slc_descriptor *d);

/* The store collection for a kind: "vnfds", "nsds", "pnfds", "nsts". */
const char *slc_desc_collection(enum slc_desc_kind kind);

#endif
