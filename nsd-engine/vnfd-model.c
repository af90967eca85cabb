/* VNFD (ETSI SOL006 as OSM uses it, with OSM's augments): the field
 * tables, lookups, and the checks of one VNFD on its own — unique ids,
 * every internal reference, and the EPA rules of descriptors.md section 8
 * (avoiding OSM's mapping bugs of section 10.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-internal.h"

static const struct slc_enum_name vif_types[] = {
#define SLC_VIF_NAME(e, s) {s, SLC_VIF_##e},
    SLC_VIF_TYPES(SLC_VIF_NAME)
#undef SLC_VIF_NAME
    {NULL, 0},
};

static const struct slc_enum_name pinning_policies[] = {
    {"static", SLC_PIN_STATIC},
    {"dynamic", SLC_PIN_DYNAMIC},
    {NULL, 0},
};

static const struct slc_enum_name thread_policies[] = {
    {"AVOID", SLC_THREAD_AVOID},     {"SEPARATE", SLC_THREAD_SEPARATE},
    {"ISOLATE", SLC_THREAD_ISOLATE}, {"PREFER", SLC_THREAD_PREFER},
    {"REQUIRE", SLC_THREAD_REQUIRE}, {NULL, 0},
};

static const struct slc_enum_name mempage_sizes[] = {
    {"LARGE", SLC_MEMPAGE_LARGE},
    {"SMALL", SLC_MEMPAGE_SMALL},
    {"SIZE_2MB", SLC_MEMPAGE_2MB},
    {"SIZE_1GB", SLC_MEMPAGE_1GB},
    {"PREFER_LARGE", SLC_MEMPAGE_PREFER_LARGE},
    {NULL, 0},
};

static const struct slc_enum_name mem_policies[] = {
    {"STRICT", SLC_MEMPOL_STRICT},
    {"PREFERRED", SLC_MEMPOL_PREFERRED},
    {NULL, 0},
};

static const struct slc_enum_name ip_versions[] = {
    {"ipv4", SLC_IP_V4},
    {"ipv6", SLC_IP_V6},
    {NULL, 0},
};

bool
slc_vif_is_dataplane(enum slc_vif_type type)
{
    return type == SLC_VIF_SRIOV || type == SLC_VIF_PCI_PASSTHROUGH;
}

const char *
slc_vif_type_name(enum slc_vif_type type)
{
    return slc_enum_to_name(vif_types, (int)type);
}

/* ------------------------------------------------------------- tables */

#define T struct slc_quota
static const struct slc_field quota_fields[] = {
    F_UINT(T, "limit", limit, 0, 0),
    F_UINT(T, "reserve", reserve, 0, 0),
    F_UINT(T, "shares", shares, 0, 0),
};
static const struct slc_schema quota_schema =
    SLC_SCHEMA(T, "quota", quota_fields);
#undef T

#define T struct slc_pinning
static const struct slc_field pinning_fields[] = {
    F_ENUM(T, "policy", policy, pinning_policies, SLC_PIN_DYNAMIC),
    F_ENUM(T, "thread-policy", thread_policy, thread_policies,
           SLC_THREAD_ANY),
    F_JSON(T, "rule", rule),
};
static const struct slc_schema pinning_schema =
    SLC_SCHEMA(T, "pinning", pinning_fields);
#undef T

#define T struct slc_vcpu
static const struct slc_field vcpu_fields[] = {
    F_UINT(T, "num-virtual-cpu", num, 1, 4096),
    F_STRUCT(T, "pinning", pinning, pinning_schema),
    F_STRUCT(T, "cpu-quota", quota, quota_schema),
    F_STR(T, "cpu-architecture", architecture),
    F_UINT(T, "clock", clock, 0, 0),
    F_IGNORE("oversubscription-policy"),
    F_IGNORE("vdu-cpu-requirements"),
};
static const struct slc_schema vcpu_schema =
    SLC_SCHEMA(T, "virtual-cpu", vcpu_fields);
#undef T

#define T struct slc_numa_vcpu
static const struct slc_field numa_vcpu_fields[] = {
    F_UINT(T, "id", id, 0, 4095),
};
static const struct slc_schema numa_vcpu_schema =
    SLC_SCHEMA(T, "vcpu", numa_vcpu_fields);
#undef T

#define T struct slc_thread_pair
static const struct slc_field thread_pair_fields[] = {
    F_UINT(T, "thread-a", a, 0, 4095),
    F_UINT(T, "thread-b", b, 0, 4095),
};
static const struct slc_schema thread_pair_schema =
    SLC_SCHEMA(T, "paired-thread-ids", thread_pair_fields);
#undef T

#define T struct slc_paired_threads
static const struct slc_field paired_fields[] = {
    F_UINT(T, "num-paired-threads", num, 1, 2048),
    F_LIST(T, "paired-thread-ids", ids, thread_pair_schema, "thread-a"),
};
static const struct slc_schema paired_schema =
    SLC_SCHEMA(T, "paired-threads", paired_fields);
#undef T

#define T struct slc_numa_node
static const struct slc_field numa_node_fields[] = {
    F_UINT(T, "id", id, 0, 1023),
    F_LIST(T, "vcpu", vcpus, numa_vcpu_schema, "id"),
    F_UINT(T, "memory-mb", memory_mb, 0, 0),
    F_UINT(T, "num-cores", num_cores, 1, 4096),
    F_STRUCT(T, "paired-threads", paired, paired_schema),
    F_UINT(T, "num-threads", num_threads, 1, 4096),
};
static const struct slc_schema numa_node_schema =
    SLC_SCHEMA(T, "node", numa_node_fields);
#undef T

#define T struct slc_numa_policy
static const struct slc_field numa_policy_fields[] = {
    F_UINT(T, "node-cnt", node_cnt, 1, 64),
    F_ENUM(T, "mem-policy", mem_policy, mem_policies, SLC_MEMPOL_ANY),
    F_LIST(T, "node", nodes, numa_node_schema, "id"),
};
static const struct slc_schema numa_policy_schema =
    SLC_SCHEMA(T, "numa-node-policy", numa_policy_fields);
#undef T

#define T struct slc_vmem
static const struct slc_field vmem_fields[] = {
    F_DEC(T, "size", size_gb),
    F_ENUM(T, "mempage-size", mempage, mempage_sizes, SLC_MEMPAGE_ANY),
    F_BOOL(T, "numa-enabled", numa_enabled),
    F_STRUCT(T, "numa-node-policy", numa, numa_policy_schema),
    F_STRUCT(T, "mem-quota", quota, quota_schema),
    F_IGNORE("over-subscription-policy"),
    F_IGNORE("vdu-mem-requirements"),
};
static const struct slc_schema vmem_schema =
    SLC_SCHEMA(T, "virtual-memory", vmem_fields);
#undef T

#define T struct slc_vcd
static const struct slc_field vcd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STRUCT(T, "virtual-cpu", vcpu, vcpu_schema),
    F_STRUCT(T, "virtual-memory", vmem, vmem_schema),
    F_IGNORE("logical-node"),
    F_IGNORE("request-additional-capability"),
    F_IGNORE("compute-requirements"),
};
static const struct slc_schema vcd_schema =
    SLC_SCHEMA(T, "virtual-compute-desc", vcd_fields);
#undef T

#define T struct slc_vsd
static const struct slc_field vsd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "type-of-storage", type),
    F_UINT(T, "size-of-storage", size_gb, 0, 0),
    F_STR(T, "sw-image-desc", sw_image),
    F_STR(T, "device-bus", device_bus),
    F_IGNORE("rdma-enabled"),
    F_IGNORE("disk-io-quota"),
    F_IGNORE("vdu-storage-requirements"),
    F_IGNORE("block-storage-data"),
};
static const struct slc_schema vsd_schema =
    SLC_SCHEMA(T, "virtual-storage-desc", vsd_fields);
#undef T

#define T struct slc_sw_image
static const struct slc_field image_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "name", name),
    F_STR(T, "version", version),
    F_STR(T, "image", image),
    F_STR(T, "vim-type", vim_type),
    F_STR(T, "disk-format", disk_format),
    F_STR(T, "container-format", container_format),
    F_IGNORE("checksum"),
    F_IGNORE("min-disk"),
    F_IGNORE("min-ram"),
    F_IGNORE("size"),
    F_IGNORE("operating-system"),
    F_IGNORE("supported-virtualisation-environment"),
};
static const struct slc_schema image_schema =
    SLC_SCHEMA(T, "sw-image-desc", image_fields);
#undef T

#define T struct slc_vif
static const struct slc_field vif_fields[] = {
    F_ENUM(T, "type", type, vif_types, SLC_VIF_PARAVIRT),
    F_STR(T, "vpci", vpci),
    F_UINT(T, "bandwidth", bandwidth, 0, 0),
};
static const struct slc_schema vif_schema =
    SLC_SCHEMA(T, "virtual-interface", vif_fields);
#undef T

#define T struct slc_vnir
static const struct slc_field vnir_fields[] = {
    F_STR(T, "name", name),
    F_STR(T, "description", description),
    F_UINT(T, "position", position, 0, 0),
    F_STR(T, "ip-address", ip_address),
    F_STR(T, "mac-address", mac_address),
    F_BOOL(T, "support-mandatory", support_mandatory),
    F_STRUCT(T, "virtual-interface", vif, vif_schema),
    F_IGNORE("network-interface-requirements"),
    F_IGNORE("niclo-requirements"),
    F_IGNORE("vif-quota"),
};
static const struct slc_schema vnir_schema =
    SLC_SCHEMA(T, "virtual-network-interface-requirement", vnir_fields);
#undef T

#define T struct slc_int_cpd
static const struct slc_field int_cpd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "int-virtual-link-desc", int_vld),
    F_STR(T, "description", description),
    F_LIST(T, "virtual-network-interface-requirement", vnirs, vnir_schema,
           "name"),
    F_BOOL(T, "port-security-enabled", port_security_enabled),
    F_IGNORE("port-security-disable-strategy"),
    F_IGNORE("layer-protocol"),
    F_IGNORE("role"),
    F_IGNORE("protocol"),
    F_IGNORE("trunk-mode"),
    F_IGNORE("bitrate-requirement"),
    F_IGNORE("nicio-requirements"),
    F_IGNORE("security-group-rule-id"),
};
static const struct slc_schema int_cpd_schema =
    SLC_SCHEMA(T, "int-cpd", int_cpd_fields);
#undef T

#define T struct slc_monitoring_param
static const struct slc_field monitoring_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "name", name),
    F_STR(T, "performance-metric", metric),
    F_IGNORE("collection-period"),
};
static const struct slc_schema monitoring_schema =
    SLC_SCHEMA(T, "monitoring-parameter", monitoring_fields);
#undef T

#define T struct slc_boot_data
static const struct slc_field boot_fields[] = {
    F_BOOL(T, "boot-data-drive", boot_data_drive),
};
static const struct slc_schema boot_schema =
    SLC_SCHEMA(T, "supplemental-boot-data", boot_fields);
#undef T

#define T struct slc_vdu
static const struct slc_field vdu_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "name", name),
    F_STR(T, "description", description),
    F_STR(T, "sw-image-desc", sw_image),
    F_STRS(T, "alternative-sw-image-desc", alt_images, "unique"),
    F_STR(T, "virtual-compute-desc", vcd),
    F_STRS(T, "virtual-storage-desc", vsds, "unique"),
    F_LIST(T, "int-cpd", int_cpds, int_cpd_schema, "id"),
    F_STR(T, "cloud-init-file", cloud_init_file),
    F_STR(T, "cloud-init", cloud_init),
    F_STR(T, "pdu-type", pdu_type),
    F_LIST(T, "monitoring-parameter", monitoring, monitoring_schema, "id"),
    F_STRUCT(T, "supplemental-boot-data", boot_data, boot_schema),
    F_JSON(T, "host-epa", host_epa),
    F_IGNORE("alarm"),
    F_IGNORE("boot-order"),
    F_IGNORE("nfvi-constraint"),
    F_IGNORE("configurable-properties"),
    F_IGNORE("boot-data"),
    F_IGNORE("security-group-rule-id"),
};
static const struct slc_schema vdu_schema = SLC_SCHEMA(T, "vdu", vdu_fields);
#undef T

#define T struct slc_int_cpd_ref
static const struct slc_field int_cpd_ref_fields[] = {
    F_STR_REQ(T, "vdu-id", vdu_id),
    F_STR_REQ(T, "cpd", cpd),
};
static const struct slc_schema int_cpd_ref_schema =
    SLC_SCHEMA(T, "int-cpd", int_cpd_ref_fields);
#undef T

#define T struct slc_ext_cpd
static const struct slc_field ext_cpd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_STRUCT(T, "int-cpd", int_cpd, int_cpd_ref_schema),
    F_STR(T, "int-virtual-link-desc", int_vld),
    F_STR(T, "k8s-cluster-net", k8s_cluster_net),
    F_IGNORE("layer-protocol"),
    F_IGNORE("role"),
    F_IGNORE("protocol"),
    F_IGNORE("trunk-mode"),
    F_IGNORE("port-security-enabled"),
    F_IGNORE("port-security-disable-strategy"),
    F_IGNORE("security-group-rule-id"),
    F_IGNORE("virtual-network-interface-requirements"),
};
static const struct slc_schema ext_cpd_schema =
    SLC_SCHEMA(T, "ext-cpd", ext_cpd_fields);
#undef T

#define T struct slc_provider_net
static const struct slc_field provider_net_fields[] = {
    F_STR(T, "physical-network", physical_network),
    F_UINT(T, "segmentation_id", segmentation_id, 0, 16777215),
    F_STR(T, "overlay-type", overlay_type),
};
const struct slc_schema slc_provider_net_schema =
    SLC_SCHEMA(T, "provider-network", provider_net_fields);
#undef T

#define T struct slc_int_vld
static const struct slc_field int_vld_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_STRUCT(T, "provider-network", provider, slc_provider_net_schema),
    F_IGNORE("flavour"),
    F_IGNORE("connectivity-type"),
    F_IGNORE("test-access"),
    F_IGNORE("monitoring-parameters"),
    F_IGNORE("virtual-link-protocol-data"),
    F_IGNORE("security"),
    F_IGNORE("mgmt-network"),
    F_IGNORE("vim-network-name"),
};
static const struct slc_schema int_vld_schema =
    SLC_SCHEMA(T, "int-virtual-link-desc", int_vld_fields);
#undef T

#define T struct slc_vdu_profile
static const struct slc_field vdu_profile_fields[] = {
    F_STR_REQ(T, "id", id),
    F_UINT(T, "min-number-of-instances", min_instances, 0, 65535),
    F_UINT(T, "max-number-of-instances", max_instances, 0, 65535),
    F_IGNORE("local-affinity-or-anti-affinity-rule"),
    F_IGNORE("affinity-or-anti-affinity-group"),
    F_IGNORE("vdu-configuration-id"),
};
static const struct slc_schema vdu_profile_schema =
    SLC_SCHEMA(T, "vdu-profile", vdu_profile_fields);
#undef T

#define T struct slc_vdu_level
static const struct slc_field vdu_level_fields[] = {
    F_STR_REQ(T, "vdu-id", vdu_id),
    F_UINT(T, "number-of-instances", instances, 0, 65535),
};
static const struct slc_schema vdu_level_schema =
    SLC_SCHEMA(T, "vdu-level", vdu_level_fields);
#undef T

#define T struct slc_inst_level
static const struct slc_field inst_level_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_LIST(T, "vdu-level", vdu_levels, vdu_level_schema, "vdu-id"),
    F_IGNORE("scale-info"),
    F_IGNORE("virtual-link-bit-rate-level"),
};
static const struct slc_schema inst_level_schema =
    SLC_SCHEMA(T, "instantiation-level", inst_level_fields);
#undef T

#define T struct slc_ip_pool
static const struct slc_field ip_pool_fields[] = {
    F_STR(T, "start-ip-address", start),
    F_STR(T, "end-ip-address", end),
};
static const struct slc_schema ip_pool_schema =
    SLC_SCHEMA(T, "ip-allocation-pools", ip_pool_fields);
#undef T

#define T struct slc_l3_data
static const struct slc_field l3_fields[] = {
    F_STR(T, "name", name),
    F_STR(T, "description", description),
    F_ENUM(T, "ip-version", ip_version, ip_versions, SLC_IP_UNSET),
    F_STR(T, "cidr", cidr),
    F_STR(T, "gateway-ip", gateway),
    F_BOOL(T, "dhcp-enabled", dhcp_enabled),
    F_LIST(T, "ip-allocation-pools", pools, ip_pool_schema, NULL),
    F_IGNORE("ipv6-address-mode"),
};
static const struct slc_schema l3_schema =
    SLC_SCHEMA(T, "l3-protocol-data", l3_fields);
#undef T

#define T struct slc_l2_data
static const struct slc_field l2_fields[] = {
    F_STR(T, "name", name),
    F_STR(T, "network-type", network_type),
    F_UINT(T, "mtu", mtu, 68, 65535),
    F_UINT(T, "segmentation-id", segmentation_id, 0, 16777215),
    F_BOOL(T, "vlan-transparent", vlan_transparent),
};
static const struct slc_schema l2_schema =
    SLC_SCHEMA(T, "l2-protocol-data", l2_fields);
#undef T

#define T struct slc_vl_protocol
static const struct slc_field vl_protocol_fields[] = {
    F_STRUCT(T, "l2-protocol-data", l2, l2_schema),
    F_STRUCT(T, "l3-protocol-data", l3, l3_schema),
    F_IGNORE("associated-layer-protocol"),
};
const struct slc_schema slc_vl_protocol_schema =
    SLC_SCHEMA(T, "virtual-link-protocol-data", vl_protocol_fields);
#undef T

#define T struct slc_vl_profile
static const struct slc_field vl_profile_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "flavour", flavour),
    F_STRUCT(T, "virtual-link-protocol-data", protocol,
             slc_vl_protocol_schema),
    F_IGNORE("local-affinity-or-anti-affinity-rule"),
    F_IGNORE("affinity-or-anti-affinity-group"),
    F_IGNORE("max-bitrate-requirements"),
    F_IGNORE("min-bitrate-requirements"),
};
static const struct slc_schema vl_profile_schema =
    SLC_SCHEMA(T, "virtual-link-profile", vl_profile_fields);
#undef T

#define T struct slc_vdu_delta
static const struct slc_field vdu_delta_fields[] = {
    F_STR_REQ(T, "id", id),
    F_UINT(T, "number-of-instances", instances, 0, 65535),
};
static const struct slc_schema vdu_delta_schema =
    SLC_SCHEMA(T, "vdu-delta", vdu_delta_fields);
#undef T

#define T struct slc_scaling_delta
static const struct slc_field delta_fields[] = {
    F_STR_REQ(T, "id", id),
    F_LIST(T, "vdu-delta", vdu_deltas, vdu_delta_schema, "id"),
    F_IGNORE("virtual-link-bit-rate-delta"),
    F_IGNORE("kdu-resource-delta"),
};
static const struct slc_schema delta_schema =
    SLC_SCHEMA(T, "deltas", delta_fields);
#undef T

#define T struct slc_delta_details
static const struct slc_field delta_details_fields[] = {
    F_LIST(T, "deltas", deltas, delta_schema, "id"),
    F_IGNORE("step-deltas"),
};
static const struct slc_schema delta_details_schema =
    SLC_SCHEMA(T, "aspect-delta-details", delta_details_fields);
#undef T

#define T struct slc_scaling_aspect
static const struct slc_field scaling_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "name", name),
    F_UINT(T, "max-scale-level", max_scale_level, 1, 65535),
    F_STRUCT(T, "aspect-delta-details", details, delta_details_schema),
    F_IGNORE("description"),
    F_IGNORE("scaling-policy"),
    F_IGNORE("scaling-config-action"),
};
static const struct slc_schema scaling_schema =
    SLC_SCHEMA(T, "scaling-aspect", scaling_fields);
#undef T

static const struct slc_enum_name prim_types[] = {
#define SLC_PRIM_TYPE_NAME(e, s) {s, SLC_PRIM_##e},
    SLC_PRIM_TYPES(SLC_PRIM_TYPE_NAME)
#undef SLC_PRIM_TYPE_NAME
    {NULL, 0},
};

#define T struct slc_prim_param
static const struct slc_field prim_param_fields[] = {
    F_STR_REQ(T, "name", name),
    F_ENUM(T, "data-type", data_type, prim_types, SLC_PRIM_STRING),
    F_JSON(T, "value", value),
    F_JSON(T, "default-value", default_value),
    F_BOOL(T, "mandatory", mandatory),
    F_IGNORE("read-only"),
};
static const struct slc_schema prim_param_schema =
    SLC_SCHEMA(T, "parameter", prim_param_fields);
#undef T

#define T struct slc_primitive
static const struct slc_field primitive_fields[] = {
    F_STR_REQ(T, "name", name),
    F_UINT(T, "seq", seq, 0, 0),
    F_LIST(T, "parameter", params, prim_param_schema, "name"),
    F_STR(T, "execution-environment-ref", ee_ref),
    F_STR(T, "execution-environment-primitive", ee_primitive),
    F_IGNORE("user-defined-script"),
};
static const struct slc_schema primitive_schema =
    SLC_SCHEMA(T, "primitive", primitive_fields);
#undef T

#define T struct slc_script_ee
static const struct slc_field script_ee_fields[] = {
    F_STR_REQ(T, "file", file),
};
static const struct slc_schema script_ee_schema =
    SLC_SCHEMA(T, "script", script_ee_fields);
#undef T

#define T struct slc_exec_env
static const struct slc_field exec_env_fields[] = {
    F_STR_REQ(T, "id", id),
    F_JSON(T, "juju", juju),
    F_JSON(T, "helm-chart", helm_chart),
    F_STRUCT(T, "script", script, script_ee_schema),
    F_IGNORE("external-connection-point-ref"),
    F_IGNORE("connection-point-ref"),
    F_IGNORE("helm-version"),
    F_IGNORE("metric-service"),
};
static const struct slc_schema exec_env_schema =
    SLC_SCHEMA(T, "execution-environment-list", exec_env_fields);
#undef T

#define T struct slc_day12
static const struct slc_field day12_fields[] = {
    F_STR_REQ(T, "id", id),
    F_LIST(T, "execution-environment-list", ees, exec_env_schema, "id"),
    F_LIST(T, "initial-config-primitive", initial, primitive_schema, "name"),
    F_LIST(T, "config-primitive", config, primitive_schema, "name"),
    F_LIST(T, "terminate-config-primitive", terminate, primitive_schema,
           "name"),
    F_IGNORE("config-access"),
    F_IGNORE("relation"),
    F_IGNORE("metrics"),
    F_IGNORE("config-template"),
    F_IGNORE("juju"),
};
static const struct slc_schema day12_schema =
    SLC_SCHEMA(T, "day1-2", day12_fields);
#undef T

#define T struct slc_op_config
static const struct slc_field op_config_fields[] = {
    F_LIST(T, "day1-2", day12, day12_schema, "id"),
    F_IGNORE("scale-vnf-to-level-op-config"),
    F_IGNORE("heal-vnf-op-config"),
    F_IGNORE("terminate-vnf-op-config"),
    F_IGNORE("operate-vnf-op-config"),
};
static const struct slc_schema op_config_schema =
    SLC_SCHEMA(T, "operate-vnf-op-config", op_config_fields);
#undef T

#define T struct slc_lcm_config
static const struct slc_field lcm_config_fields[] = {
    F_STRUCT(T, "operate-vnf-op-config", operate, op_config_schema),
    F_IGNORE("instantiate-vnf-op-config"),
    F_IGNORE("scale-vnf-op-config"),
    F_IGNORE("scale-vnf-to-level-op-config"),
    F_IGNORE("change-vnf-flavour-op-config"),
    F_IGNORE("heal-vnf-op-config"),
    F_IGNORE("terminate-vnf-op-config"),
    F_IGNORE("change-ext-vnf-connectivity-op-config"),
};
static const struct slc_schema lcm_config_schema =
    SLC_SCHEMA(T, "lcm-operations-configuration", lcm_config_fields);
#undef T

#define T struct slc_vnf_df
static const struct slc_field vnf_df_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_LIST(T, "vdu-profile", vdu_profiles, vdu_profile_schema, "id"),
    F_LIST(T, "instantiation-level", inst_levels, inst_level_schema, "id"),
    F_STR(T, "default-instantiation-level", default_inst_level),
    F_LIST(T, "virtual-link-profile", vl_profiles, vl_profile_schema, "id"),
    F_LIST(T, "scaling-aspect", scaling, scaling_schema, "id"),
    F_STRUCT(T, "lcm-operations-configuration", lcm, lcm_config_schema),
    F_IGNORE("affinity-or-anti-affinity-group"),
    F_IGNORE("supported-operation"),
    F_IGNORE("indicator"),
    F_IGNORE("supported-vnf-interfaces"),
    F_IGNORE("monitoring-parameter"),
    F_IGNORE("healing-aspect"),
    F_IGNORE("kdu-resource-profile"),
};
static const struct slc_schema vnf_df_schema =
    SLC_SCHEMA(T, "df", vnf_df_fields);
#undef T

#define T struct slc_vnfd
static const struct slc_field vnfd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "provider", provider),
    F_STR(T, "product-name", product_name),
    F_STR(T, "version", version),
    F_STR(T, "software-version", software_version),
    F_STR(T, "description", description),
    F_STR(T, "mgmt-cp", mgmt_cp),
    F_LIST(T, "vdu", vdus, vdu_schema, "id"),
    F_LIST(T, "virtual-compute-desc", vcds, vcd_schema, "id"),
    F_LIST(T, "virtual-storage-desc", vsds, vsd_schema, "id"),
    F_LIST(T, "sw-image-desc", images, image_schema, "id"),
    F_LIST(T, "int-virtual-link-desc", int_vlds, int_vld_schema, "id"),
    F_LIST(T, "ext-cpd", ext_cpds, ext_cpd_schema, "id"),
    F_LIST(T, "df", dfs, vnf_df_schema, "id"),
    F_JSON(T, "kdu", kdus),
    F_IGNORE("product-info-name"),
    F_IGNORE("product-info-description"),
    F_IGNORE("vnfm-info"),
    F_IGNORE("localization-language"),
    F_IGNORE("default-localization-language"),
    F_IGNORE("configurable-properties"),
    F_IGNORE("modifiable-attributes"),
    F_IGNORE("lifecycle-management-script"),
    F_IGNORE("element-group"),
    F_IGNORE("indicator"),
    F_IGNORE("auto-scale"),
    F_IGNORE("security-group-rule"),
    F_IGNORE("k8s-cluster"),
    F_IGNORE("vnf-configuration"),
    F_IGNORE("vnfd-configuration"),
};
const struct slc_schema slc_vnfd_schema = SLC_SCHEMA(T, "vnfd", vnfd_fields);
#undef T

/* ------------------------------------------------------------ lookups */

const struct slc_vdu *
slc_vnfd_find_vdu(const struct slc_vnfd *v, const char *id)
{
    return SLC_FIND_BY_ID(v->vdus, v->n_vdus, id);
}

const struct slc_ext_cpd *
slc_vnfd_find_ext_cpd(const struct slc_vnfd *v, const char *id)
{
    return SLC_FIND_BY_ID(v->ext_cpds, v->n_ext_cpds, id);
}

const struct slc_vcd *
slc_vnfd_find_vcd(const struct slc_vnfd *v, const char *id)
{
    return SLC_FIND_BY_ID(v->vcds, v->n_vcds, id);
}

const struct slc_int_cpd *
slc_vdu_find_int_cpd(const struct slc_vdu *vdu, const char *id)
{
    return SLC_FIND_BY_ID(vdu->int_cpds, vdu->n_int_cpds, id);
}

static const struct slc_int_vld *
find_int_vld(const struct slc_vnfd *v, const char *id)
{
    return SLC_FIND_BY_ID(v->int_vlds, v->n_int_vlds, id);
}

static const struct slc_sw_image *
find_image(const struct slc_vnfd *v, const char *id)
{
    return SLC_FIND_BY_ID(v->images, v->n_images, id);
}

static const struct slc_vsd *
find_vsd(const struct slc_vnfd *v, const char *id)
{
    return SLC_FIND_BY_ID(v->vsds, v->n_vsds, id);
}

uint64_t
slc_vcd_numa_vcpus(const struct slc_vcd *vcd)
{
    const struct slc_numa_policy *numa =
        vcd && vcd->vmem ? vcd->vmem->numa : NULL;
    uint64_t sum = 0;

    for (size_t i = 0; numa && i < numa->n_nodes; i++) {
        const struct slc_numa_node *n = &numa->nodes[i];

        sum += n->num_cores + n->num_threads +
               (n->paired ? 2 * n->paired->num : 0);
    }
    return sum;
}

uint64_t
slc_vcd_vcpus(const struct slc_vcd *vcd)
{
    uint64_t numa;

    if (vcd && vcd->vcpu && vcd->vcpu->num) {
        return vcd->vcpu->num;
    }
    numa = slc_vcd_numa_vcpus(vcd);
    return numa ? numa : 1;
}

/* ------------------------------------------------------------- checks */

static void
check_numa_node(struct slc_parse *p, const struct slc_numa_node *n,
                uint64_t vcpus)
{
    int kinds = (n->num_cores > 0) + (n->paired != NULL) +
                (n->num_threads > 0);

    if (kinds > 1) {
        slc_parse_error(p, &n->node, NULL,
                        "give only one of num-cores, paired-threads and "
                        "num-threads per NUMA node");
    }
    if (n->paired && n->paired->n_ids > 16) {
        slc_parse_error(p, &n->paired->node, "paired-thread-ids",
                        "%zu pairs listed; at most 16 are allowed",
                        n->paired->n_ids);
    }
    if (n->paired && n->paired->n_ids &&
        n->paired->n_ids != n->paired->num) {
        slc_parse_error(p, &n->paired->node, "paired-thread-ids",
                        "%zu pairs listed but num-paired-threads is %llu",
                        n->paired->n_ids,
                        (unsigned long long)n->paired->num);
    }
    for (size_t i = 0; i < n->n_vcpus; i++) {
        if (n->vcpus[i].id >= vcpus) {
            slc_parse_error(p, &n->vcpus[i].node, "id",
                            "vCPU %llu does not exist: the VDU has %llu "
                            "vCPUs (0..%llu)",
                            (unsigned long long)n->vcpus[i].id,
                            (unsigned long long)vcpus,
                            (unsigned long long)vcpus - 1);
        }
    }
}

static void
check_vcd(struct slc_parse *p, const struct slc_vcd *vcd)
{
    const struct slc_vmem *mem = vcd->vmem;
    const struct slc_numa_policy *numa = mem ? mem->numa : NULL;
    uint64_t numa_vcpus = slc_vcd_numa_vcpus(vcd);
    uint64_t vcpus = slc_vcd_vcpus(vcd);
    uint64_t numa_mb = 0;

    if (vcd->vcpu && vcd->vcpu->num && numa_vcpus &&
        vcd->vcpu->num != numa_vcpus) {
        slc_parse_error(p, &vcd->vcpu->node, "num-virtual-cpu",
                        "%llu vCPUs, but the NUMA policy asks for %llu "
                        "(cores + 2 x paired-threads + threads)",
                        (unsigned long long)vcd->vcpu->num,
                        (unsigned long long)numa_vcpus);
    }
    if (vcd->vcpu && vcd->vcpu->pinning && vcd->vcpu->pinning->rule &&
        vcd->vcpu->pinning->policy != SLC_PIN_STATIC) {
        slc_parse_error(p, &vcd->vcpu->pinning->node, "rule",
                        "pinning rules need policy 'static'");
    }
    if (mem && mem->size_gb > 0 && mem->size_gb * 1024 < 1) {
        slc_parse_error(p, &mem->node, "size",
                        "%g GB is less than 1 MB", mem->size_gb);
    }
    if (!numa) {
        return;
    }
    if (json_object_get(mem->node.json, "numa-enabled") &&
        !mem->numa_enabled) {
        slc_parse_error(p, &mem->node, "numa-enabled",
                        "false, but a numa-node-policy is given");
    }
    if (numa->node_cnt && numa->n_nodes > numa->node_cnt) {
        slc_parse_error(p, &numa->node, "node",
                        "%zu nodes listed but node-cnt is %llu",
                        numa->n_nodes, (unsigned long long)numa->node_cnt);
    }
    for (size_t i = 0; i < numa->n_nodes; i++) {
        check_numa_node(p, &numa->nodes[i], vcpus);
        numa_mb += numa->nodes[i].memory_mb;
    }
    if (numa_mb && numa_mb > (uint64_t)((mem->size_gb ? mem->size_gb : 1) *
                                        1024)) {
        slc_parse_error(p, &numa->node, "node",
                        "NUMA nodes hold %llu MB, more than the VDU's "
                        "memory of %g GB",
                        (unsigned long long)numa_mb,
                        mem->size_gb ? mem->size_gb : 1.0);
    }
}

static void
check_interfaces(struct slc_parse *p, const struct slc_vdu *vdu)
{
    const char *seen_vpci[64];
    const struct slc_vif *seen_vif[64];
    size_t n_seen = 0;

    for (size_t i = 0; i < vdu->n_int_cpds; i++) {
        const struct slc_int_cpd *cpd = &vdu->int_cpds[i];

        for (size_t j = 0; j < cpd->n_vnirs; j++) {
            const struct slc_vif *vif = cpd->vnirs[j].vif;

            if (!vif || !vif->vpci) {
                continue;
            }
            if (!slc_pci_address_is_valid(vif->vpci)) {
                slc_parse_error(p, &vif->node, "vpci",
                                "'%s' is not a PCI address "
                                "(dddd:bb:ss.f, hex)",
                                vif->vpci);
                continue;
            }
            for (size_t k = 0; k < n_seen; k++) {
                if (strcmp(seen_vpci[k], vif->vpci)) {
                    continue;
                }
                if (slc_vif_is_dataplane(vif->type) ||
                    slc_vif_is_dataplane(seen_vif[k]->type)) {
                    slc_parse_error(p, &vif->node, "vpci",
                                    "guest PCI slot '%s' is used twice in "
                                    "vdu '%s'",
                                    vif->vpci, vdu->id ? vdu->id : "");
                } else {
                    slc_parse_warning(p, &vif->node, "vpci",
                                      "guest PCI slot '%s' is used twice "
                                      "in vdu '%s'; ignored for virtual "
                                      "NICs",
                                      vif->vpci, vdu->id ? vdu->id : "");
                }
                break;
            }
            if (n_seen < SLC_ARRAY_LEN(seen_vpci)) {
                seen_vpci[n_seen] = vif->vpci;
                seen_vif[n_seen++] = vif;
            }
        }
    }
}

/* True when some ext-cpd exports int-cpd 'cpd' of 'vdu'. */
static bool
is_exported(const struct slc_vnfd *v, const char *vdu, const char *cpd)
{
    for (size_t i = 0; vdu && cpd && i < v->n_ext_cpds; i++) {
        const struct slc_int_cpd_ref *r = v->ext_cpds[i].int_cpd;

        if (r && r->vdu_id && r->cpd && !strcmp(r->vdu_id, vdu) &&
            !strcmp(r->cpd, cpd)) {
            return true;
        }
    }
    return false;
}

static void
check_vdu(struct slc_parse *p, const struct slc_vnfd *v,
          const struct slc_vdu *vdu)
{
    if (vdu->sw_image && !find_image(v, vdu->sw_image)) {
        slc_parse_error(p, &vdu->node, "sw-image-desc",
                        "'%s' names no sw-image-desc of this VNFD",
                        vdu->sw_image);
    }
    if (!vdu->sw_image && !vdu->pdu_type) {
        slc_parse_warning(p, &vdu->node, NULL,
                          "no sw-image-desc: the VIM will not know what "
                          "to boot");
    }
    for (size_t i = 0; i < vdu->n_alt_images; i++) {
        if (vdu->alt_images[i] && !find_image(v, vdu->alt_images[i])) {
            slc_parse_error(p, &vdu->node, "alternative-sw-image-desc",
                            "'%s' names no sw-image-desc of this VNFD",
                            vdu->alt_images[i]);
        }
    }
    if (vdu->vcd && !slc_vnfd_find_vcd(v, vdu->vcd)) {
        slc_parse_error(p, &vdu->node, "virtual-compute-desc",
                        "'%s' names no virtual-compute-desc of this VNFD",
                        vdu->vcd);
    }
    for (size_t i = 0; i < vdu->n_vsds; i++) {
        if (vdu->vsds[i] && !find_vsd(v, vdu->vsds[i])) {
            slc_parse_error(p, &vdu->node, "virtual-storage-desc",
                            "'%s' names no virtual-storage-desc of this "
                            "VNFD",
                            vdu->vsds[i]);
        }
    }
    if (vdu->cloud_init && vdu->cloud_init_file) {
        slc_parse_error(p, &vdu->node, "cloud-init",
                        "give cloud-init or cloud-init-file, not both");
    }
    for (size_t i = 0; i < vdu->n_int_cpds; i++) {
        const struct slc_int_cpd *cpd = &vdu->int_cpds[i];

        if (cpd->int_vld && !find_int_vld(v, cpd->int_vld)) {
            slc_parse_error(p, &cpd->node, "int-virtual-link-desc",
                            "'%s' names no int-virtual-link-desc of this "
                            "VNFD",
                            cpd->int_vld);
        } else if (!cpd->int_vld && !is_exported(v, vdu->id, cpd->id)) {
            slc_parse_warning(p, &cpd->node, NULL,
                              "int-cpd '%s' is on no internal link and no "
                              "ext-cpd exports it",
                              cpd->id ? cpd->id : "");
        }
    }
    check_interfaces(p, vdu);
}

static void
check_ext_cpd(struct slc_parse *p, const struct slc_vnfd *v,
              const struct slc_ext_cpd *e)
{
    int targets = (e->int_cpd != NULL) + (e->int_vld != NULL) +
                  (e->k8s_cluster_net != NULL);
    const struct slc_vdu *vdu;

    if (targets > 1) {
        slc_parse_error(p, &e->node, NULL,
                        "give only one of int-cpd, int-virtual-link-desc "
                        "and k8s-cluster-net");
    }
    if (e->int_vld && !find_int_vld(v, e->int_vld)) {
        slc_parse_error(p, &e->node, "int-virtual-link-desc",
                        "'%s' names no int-virtual-link-desc of this VNFD",
                        e->int_vld);
    }
    if (!e->int_cpd || !e->int_cpd->vdu_id) {
        return;
    }
    vdu = slc_vnfd_find_vdu(v, e->int_cpd->vdu_id);
    if (!vdu) {
        slc_parse_error(p, &e->int_cpd->node, "vdu-id",
                        "'%s' names no vdu of this VNFD",
                        e->int_cpd->vdu_id);
    } else if (e->int_cpd->cpd &&
               !slc_vdu_find_int_cpd(vdu, e->int_cpd->cpd)) {
        slc_parse_error(p, &e->int_cpd->node, "cpd",
                        "'%s' names no int-cpd of vdu '%s'",
                        e->int_cpd->cpd, vdu->id);
    }
}

/* Whether JSON value 'v' fits a parameter of 'type' (OSM files write
 * numbers and booleans as strings too). */
static bool
fits_type(const json_t *v, int type)
{
    const char *s = json_string_value(v);

    switch (type) {
    case SLC_PRIM_INTEGER:
        return json_is_integer(v) ||
               (s && *s && strspn(s + (*s == '-'), "0123456789") ==
                               strlen(s + (*s == '-')) && s[*s == '-']);
    case SLC_PRIM_BOOLEAN:
        return json_is_boolean(v) ||
               (s && (!strcmp(s, "true") || !strcmp(s, "false")));
    default:
        return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
    }
}

const struct slc_exec_env *
slc_day12_find_ee(const struct slc_day12 *d, const struct slc_primitive *pr)
{
    if (!pr->ee_ref) {
        return d->n_ees == 1 ? &d->ees[0] : NULL;
    }
    return SLC_FIND_BY_ID(d->ees, d->n_ees, pr->ee_ref);
}

static void
check_primitives(struct slc_parse *p, const struct slc_day12 *d,
                 const struct slc_primitive *prims, size_t n, bool day2)
{
    for (size_t i = 0; i < n; i++) {
        const struct slc_primitive *pr = &prims[i];

        if (!slc_day12_find_ee(d, pr)) {
            if (pr->ee_ref) {
                slc_parse_error(p, &pr->node, "execution-environment-ref",
                                "'%s' names no execution-environment-list "
                                "item of day1-2 '%s'",
                                pr->ee_ref, d->id);
            } else {
                slc_parse_error(p, &pr->node, "name",
                                "primitive '%s' needs an "
                                "execution-environment-ref (day1-2 '%s' has "
                                "%zu execution environments)",
                                pr->name, d->id, d->n_ees);
            }
        }
        for (size_t j = 0; j < pr->n_params; j++) {
            const struct slc_prim_param *pa = &pr->params[j];
            const json_t *v = day2 ? pa->default_value : pa->value;
            const char *text = json_string_value(v);

            /* "<rw_mgmt_ip>", "<name>": filled in when it runs */
            if (v && !(text && text[0] == '<') &&
                !fits_type(v, pa->data_type)) {
                slc_parse_error(p, &pa->node,
                                day2 ? "default-value" : "value",
                                "not of data-type %s",
                                prim_types[pa->data_type].name);
            }
        }
    }
}

static void
check_day12(struct slc_parse *p, const struct slc_vnfd *v,
            const struct slc_day12 *d)
{
    if (d->id && strcmp(d->id, v->id ? v->id : "") &&
        !slc_vnfd_find_vdu(v, d->id)) {
        slc_parse_error(p, &d->node, "id",
                        "'%s' is neither this VNFD's id nor one of its VDUs'",
                        d->id);
    }
    for (size_t i = 0; i < d->n_ees; i++) {
        const struct slc_exec_env *ee = &d->ees[i];
        int kinds = !!ee->juju + !!ee->helm_chart + !!ee->script;
        const char *f = ee->script ? ee->script->file : NULL;

        if (kinds != 1) {
            slc_parse_error(p, &ee->node, "id",
                            "execution environment '%s' needs exactly one "
                            "of juju, helm-chart and script (it has %d)",
                            ee->id, kinds);
        }
        if (f && (!*f || strchr(f, '/') || !strcmp(f, ".") ||
                  !strcmp(f, ".."))) {
            slc_parse_error(p, &ee->script->node, "file",
                            "'%s' must be the name of a file in the "
                            "package's scripts/ folder",
                            f);
        }
    }
    check_primitives(p, d, d->initial, d->n_initial, false);
    check_primitives(p, d, d->config, d->n_config, true);
    check_primitives(p, d, d->terminate, d->n_terminate, false);
}

void
slc_vnfd_check_scripts(struct slc_parse *p, const struct slc_vnfd *v,
                       const json_t *scripts)
{
    for (size_t i = 0; i < v->n_dfs; i++) {
        const struct slc_op_config *op =
            v->dfs[i].lcm ? v->dfs[i].lcm->operate : NULL;

        for (size_t j = 0; op && j < op->n_day12; j++) {
            const struct slc_day12 *d = &op->day12[j];

            for (size_t k = 0; k < d->n_ees; k++) {
                const struct slc_script_ee *sc = d->ees[k].script;

                if (!sc || !sc->file || json_object_get(scripts, sc->file)) {
                    continue;
                }
                if (scripts) {
                    slc_parse_error(p, &sc->node, "file",
                                    "'%s' is not in the package's scripts/ "
                                    "folder",
                                    sc->file);
                } else {
                    /* a bare descriptor: usable, but not its primitives */
                    slc_parse_warning(p, &sc->node, "file",
                                      "'%s' comes with the VNF package: "
                                      "onboarded without it, the "
                                      "primitives of execution environment "
                                      "'%s' cannot run",
                                      sc->file, d->ees[k].id);
                }
            }
        }
    }
}

static void
check_df(struct slc_parse *p, const struct slc_vnfd *v,
         const struct slc_vnf_df *df)
{
    bool has_default = !df->default_inst_level;

    for (size_t i = 0; df->lcm && df->lcm->operate &&
                       i < df->lcm->operate->n_day12;
         i++) {
        check_day12(p, v, &df->lcm->operate->day12[i]);
    }

    for (size_t i = 0; i < df->n_vdu_profiles; i++) {
        const struct slc_vdu_profile *vp = &df->vdu_profiles[i];

        if (vp->id && !slc_vnfd_find_vdu(v, vp->id)) {
            slc_parse_error(p, &vp->node, "id",
                            "'%s' names no vdu of this VNFD", vp->id);
        }
        if (vp->max_instances && vp->min_instances > vp->max_instances) {
            slc_parse_error(p, &vp->node, "max-number-of-instances",
                            "%llu is less than min-number-of-instances "
                            "%llu",
                            (unsigned long long)vp->max_instances,
                            (unsigned long long)vp->min_instances);
        }
    }
    for (size_t i = 0; i < df->n_inst_levels; i++) {
        const struct slc_inst_level *il = &df->inst_levels[i];

        if (df->default_inst_level && il->id &&
            !strcmp(il->id, df->default_inst_level)) {
            has_default = true;
        }
        for (size_t j = 0; j < il->n_vdu_levels; j++) {
            const struct slc_vdu_level *l = &il->vdu_levels[j];

            if (l->vdu_id && !slc_vnfd_find_vdu(v, l->vdu_id)) {
                slc_parse_error(p, &l->node, "vdu-id",
                                "'%s' names no vdu of this VNFD", l->vdu_id);
            }
        }
    }
    if (!has_default) {
        slc_parse_error(p, &df->node, "default-instantiation-level",
                        "'%s' names no instantiation-level of this df",
                        df->default_inst_level);
    }
    for (size_t i = 0; i < df->n_vl_profiles; i++) {
        const struct slc_vl_profile *vl = &df->vl_profiles[i];

        if (vl->id && !find_int_vld(v, vl->id)) {
            slc_parse_error(p, &vl->node, "id",
                            "'%s' names no int-virtual-link-desc of this "
                            "VNFD",
                            vl->id);
        }
    }
    for (size_t i = 0; i < df->n_scaling; i++) {
        const struct slc_delta_details *dd = df->scaling[i].details;

        for (size_t j = 0; dd && j < dd->n_deltas; j++) {
            for (size_t k = 0; k < dd->deltas[j].n_vdu_deltas; k++) {
                const struct slc_vdu_delta *d = &dd->deltas[j].vdu_deltas[k];

                if (d->id && !slc_vnfd_find_vdu(v, d->id)) {
                    slc_parse_error(p, &d->node, "id",
                                    "'%s' names no vdu of this VNFD", d->id);
                }
            }
        }
    }
}

void
slc_vnfd_validate(struct slc_parse *p, const struct slc_vnfd *v)
{
    if (!v->n_vdus && !v->kdus) {
        slc_parse_error(p, &v->node, "vdu", "a VNFD needs at least one vdu");
    }
    if (!v->n_dfs) {
        slc_parse_error(p, &v->node, "df",
                        "a VNFD needs at least one deployment flavour (df)");
    }
    if (v->mgmt_cp && !slc_vnfd_find_ext_cpd(v, v->mgmt_cp)) {
        slc_parse_error(p, &v->node, "mgmt-cp",
                        "'%s' names no ext-cpd of this VNFD", v->mgmt_cp);
    }
    for (size_t i = 0; i < v->n_vcds; i++) {
        check_vcd(p, &v->vcds[i]);
    }
    for (size_t i = 0; i < v->n_vdus; i++) {
        check_vdu(p, v, &v->vdus[i]);
    }
    for (size_t i = 0; i < v->n_ext_cpds; i++) {
        check_ext_cpd(p, v, &v->ext_cpds[i]);
    }
    for (size_t i = 0; i < v->n_dfs; i++) {
        check_df(p, v, &v->dfs[i]);
    }
}
