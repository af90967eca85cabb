/* Host inventories: tables and checks.  See host-inventory.h. */
#include "host-inventory.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const struct slc_enum_name page_sizes[] = {
    {"2MB", SLC_PAGE_2MB},
    {"1GB", SLC_PAGE_1GB},
    {NULL, 0},
};

#define T struct slc_host_pages
static const struct slc_field pages_fields[] = {
    {.key = "size", .type = SLC_FT_ENUM, .off = offsetof(T, size),
     .enums = page_sizes, .required = true},
    F_UINT(T, "count", count, 0, 0),
};
static const struct slc_schema pages_schema =
    SLC_SCHEMA(T, "hugepages", pages_fields);
#undef T

#define T struct slc_host_core
static const struct slc_field core_fields[] = {
    F_UINT(T, "id", id, 0, 65535),
    F_UINTS(T, "threads", threads, 0, 65535),
    F_BOOL(T, "reserved", reserved),
};
static const struct slc_schema core_schema =
    SLC_SCHEMA(T, "core", core_fields);
#undef T

#define T struct slc_host_vf
static const struct slc_field vf_fields[] = {
    F_STR_REQ(T, "pci", pci),
    F_STR(T, "mac", mac),
    F_UINT(T, "vlan", vlan, 1, 4094),
};
static const struct slc_schema vf_schema = SLC_SCHEMA(T, "vf", vf_fields);
#undef T

#define T struct slc_host_nic
static const struct slc_field nic_fields[] = {
    F_STR_REQ(T, "name", name),
    F_STR_REQ(T, "pci", pci),
    F_STR(T, "mac", mac),
    F_UINT(T, "speed-mbps", speed_mbps, 1, 0),
    {.key = "fabric-port", .type = SLC_FT_UINT,
     .off = offsetof(T, fabric_port), .min = 1, .max = 65279,
     .required = true},
    F_LIST(T, "vfs", vfs, vf_schema, "pci"),
};
static const struct slc_schema nic_schema = SLC_SCHEMA(T, "nic", nic_fields);
#undef T

#define T struct slc_host_numa
static const struct slc_field numa_fields[] = {
    F_UINT(T, "id", id, 0, 1023),
    F_UINT(T, "memory-mb", memory_mb, 0, 0),
    F_LIST(T, "hugepages", pages, pages_schema, "size"),
    F_LIST(T, "cores", cores, core_schema, "id"),
    F_LIST(T, "nics", nics, nic_schema, "name"),
};
static const struct slc_schema numa_schema =
    SLC_SCHEMA(T, "numa-node", numa_fields);
#undef T

#define T struct slc_host
static const struct slc_field host_fields[] = {
    F_STR_REQ(T, "name", name),
    F_STRS(T, "features", features, "unique"),
    F_LIST(T, "numa-nodes", numas, numa_schema, "id"),
};
static const struct slc_schema host_schema =
    SLC_SCHEMA(T, "host", host_fields);
#undef T

/* The inventory's own fields, parsed into a structure that starts with a
 * node like every schema structure. */
struct inventory_root {
    struct slc_node node;
    struct slc_host *hosts;
    size_t n_hosts;
};

#define T struct inventory_root
static const struct slc_field root_fields[] = {
    {.key = "hosts", .type = SLC_FT_LIST, .off = offsetof(T, hosts),
     .len_off = offsetof(T, n_hosts), .sub = &host_schema,
     .item_key = "name", .required = true},
};
static const struct slc_schema root_schema =
    SLC_SCHEMA(T, "inventory", root_fields);
#undef T

/* One place a unique value was first seen, for "also at" messages. */
struct seen {
    const char *text;
    uint64_t number;
    const char *where;
};

struct seen_set {
    struct seen *items;
    size_t len, cap;
};

/* Returns where 'text'/'number' was seen before, or NULL after adding it. */
static const char *
seen_before(struct seen_set *s, const char *text, uint64_t number,
            const char *where)
{
    for (size_t i = 0; i < s->len; i++) {
        if (text ? s->items[i].text && !strcmp(s->items[i].text, text)
                 : !s->items[i].text && s->items[i].number == number) {
            return s->items[i].where;
        }
    }
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        struct seen *items = realloc(s->items, cap * sizeof *items);

        if (!items) {
            return NULL;
        }
        s->items = items;
        s->cap = cap;
    }
    s->items[s->len++] = (struct seen){text, number, where};
    return NULL;
}

static void
check_nic(struct slc_parse *p, const struct slc_host_nic *nic,
          struct seen_set *pcis, struct seen_set *ports)
{
    struct seen_set vlans = {0};
    const char *other;

    if (nic->pci && !slc_pci_address_is_valid(nic->pci)) {
        slc_parse_error(p, &nic->node, "pci",
                        "'%s' is not a PCI address (dddd:bb:ss.f, hex)",
                        nic->pci);
    } else if (nic->pci &&
               (other = seen_before(pcis, nic->pci, 0, nic->node.path))) {
        slc_parse_error(p, &nic->node, "pci", "'%s' is also used at %s",
                        nic->pci, other);
    }
    if (nic->fabric_port &&
        (other = seen_before(ports, NULL, nic->fabric_port,
                             nic->node.path))) {
        slc_parse_error(p, &nic->node, "fabric-port",
                        "port %llu of the fabric switch is already cabled "
                        "to %s",
                        (unsigned long long)nic->fabric_port, other);
    }
    for (size_t i = 0; i < nic->n_vfs; i++) {
        const struct slc_host_vf *vf = &nic->vfs[i];

        if (vf->pci && !slc_pci_address_is_valid(vf->pci)) {
            slc_parse_error(p, &vf->node, "pci",
                            "'%s' is not a PCI address (dddd:bb:ss.f, hex)",
                            vf->pci);
        } else if (vf->pci &&
                   (other = seen_before(pcis, vf->pci, 0, vf->node.path))) {
            slc_parse_error(p, &vf->node, "pci", "'%s' is also used at %s",
                            vf->pci, other);
        }
        if (vf->vlan &&
            (other = seen_before(&vlans, NULL, vf->vlan, vf->node.path))) {
            slc_parse_error(p, &vf->node, "vlan",
                            "VLAN %llu is also used by %s on this NIC",
                            (unsigned long long)vf->vlan, other);
        }
    }
    free(vlans.items);
}

static void
check_host(struct slc_parse *p, const struct slc_host *h,
           struct seen_set *ports)
{
    struct seen_set threads = {0}, pcis = {0};
    size_t usable = 0;

    if (!h->n_numas) {
        slc_parse_error(p, &h->node, "numa-nodes",
                        "host '%s' has no NUMA node", h->name ? h->name : "");
    }
    for (size_t n = 0; n < h->n_numas; n++) {
        const struct slc_host_numa *numa = &h->numas[n];
        uint64_t page_mb = 0;

        for (size_t c = 0; c < numa->n_cores; c++) {
            const struct slc_host_core *core = &numa->cores[c];

            if (!core->n_threads) {
                slc_parse_error(p, &core->node, "threads",
                                "core %llu has no hardware thread",
                                (unsigned long long)core->id);
            }
            for (size_t t = 0; t < core->n_threads; t++) {
                const char *other = seen_before(&threads, NULL,
                                                core->threads[t],
                                                core->node.path);
                if (other) {
                    slc_parse_error(p, &core->node, "threads",
                                    "hardware thread %llu also belongs to "
                                    "%s",
                                    (unsigned long long)core->threads[t],
                                    other);
                }
            }
            usable += !core->reserved;
        }
        for (size_t i = 0; i < numa->n_pages; i++) {
            page_mb += numa->pages[i].count *
                       (numa->pages[i].size == SLC_PAGE_1GB ? 1024 : 2);
        }
        if (numa->memory_mb && page_mb > numa->memory_mb) {
            slc_parse_error(p, &numa->node, "hugepages",
                            "%llu MB of huge pages on a node of %llu MB",
                            (unsigned long long)page_mb,
                            (unsigned long long)numa->memory_mb);
        }
        for (size_t i = 0; i < numa->n_nics; i++) {
            check_nic(p, &numa->nics[i], &pcis, ports);
        }
    }
    if (h->n_numas && !usable) {
        slc_parse_error(p, &h->node, NULL,
                        "host '%s' has no core that is not reserved",
                        h->name ? h->name : "");
    }
    free(threads.items);
    free(pcis.items);
}

/* Parses and checks the document 'doc' (taken over) named 'name'. */
static int
inventory_from_doc(struct slc_yaml_doc *doc, const char *name,
                   struct slc_inventory **out, struct slc_diags *diags)
{
    struct slc_inventory *inv = calloc(1, sizeof *inv);
    struct inventory_root root;
    struct seen_set ports = {0};
    size_t errors = diags->n_errors;
    struct slc_parse p;
    json_t *json = slc_yaml_root(doc);

    if (!inv || !(inv->name = slc_arena_strdup(&inv->arena, name))) {
        slc_yaml_free(doc);
        slc_inventory_free(inv);
        return SLC_ENOMEM;
    }
    inv->doc = doc;
    p = (struct slc_parse){.arena = &inv->arena, .doc = doc, .diags = diags,
                           .file = inv->name};
    if (!json_is_object(json)) {
        slc_diags_add(diags, SLC_DIAG_ERROR, inv->name,
                      slc_yaml_pos(doc, json), NULL, NULL,
                      "a host inventory is a mapping with 'hosts: [...]'");
    } else if (!slc_schema_parse(&p, &root_schema, json, "inventory",
                                 &root)) {
        slc_inventory_free(inv);
        return SLC_ENOMEM;
    } else {
        inv->hosts = root.hosts;
        inv->n_hosts = root.n_hosts;
        for (size_t i = 0; i < inv->n_hosts; i++) {
            check_host(&p, &inv->hosts[i], &ports);
        }
    }
    free(ports.items);
    if (diags->n_errors > errors) {
        slc_inventory_free(inv);
        return SLC_EINVALID;
    }
    *out = inv;
    return 0;
}

int
slc_inventory_load(const char *buf, size_t size, const char *name,
                   struct slc_inventory **out, struct slc_diags *diags)
{
    struct slc_yaml_doc *doc;
    int rc;

    *out = NULL;
    rc = slc_yaml_load(buf, size, name, NULL, &doc, diags);
    return rc ? rc : inventory_from_doc(doc, name, out, diags);
}

int
slc_inventory_load_file(const char *path, struct slc_inventory **out,
                        struct slc_diags *diags)
{
    struct slc_yaml_doc *doc;
    int rc;

    *out = NULL;
    rc = slc_yaml_load_file(path, NULL, &doc, diags);
    return rc ? rc : inventory_from_doc(doc, path, out, diags);
}

void
slc_inventory_free(struct slc_inventory *inv)
{
    if (!inv) {
        return;
    }
    slc_yaml_free(inv->doc);
    slc_arena_free(&inv->arena);
    free(inv);
}

const struct slc_host *
slc_inventory_find_host(const struct slc_inventory *inv, const char *name)
{
    for (size_t i = 0; name && i < inv->n_hosts; i++) {
        if (inv->hosts[i].name && !strcmp(inv->hosts[i].name, name)) {
            return &inv->hosts[i];
        }
    }
    return NULL;
}

uint64_t
slc_host_numa_pages(const struct slc_host_numa *numa, enum slc_page_size size)
{
    for (size_t i = 0; i < numa->n_pages; i++) {
        if (numa->pages[i].size == (int)size) {
            return numa->pages[i].count;
        }
    }
    return 0;
}

size_t
slc_host_numa_usable_cores(const struct slc_host_numa *numa)
{
    size_t n = 0;

    for (size_t i = 0; i < numa->n_cores; i++) {
        n += !numa->cores[i].reserved;
    }
    return n;
}

/* ---- lists of inventories ---- */

/* What went wrong with inventory file 'path', naming the key, the file,
 * the line and the column, never what the file holds: a path may name any
 * file the daemon can read, and a diagnostic quotes what it found. */
static void
inventory_error(const char *path, const struct slc_diags *diags, int rc,
                struct slc_error *err)
{
    const struct slc_diag *d = NULL;

    for (size_t i = 0; i < diags->len && !d; i++) {
        if (diags->items[i].severity == SLC_DIAG_ERROR) {
            d = &diags->items[i];
        }
    }
    if (!d || (!d->pos.line && !d->path && !d->subject)) {
        /* the file itself: missing, unreadable, too big (no content) */
        slc_error_set(err, rc, "config.hosts: '%s': %s", path,
                      d ? d->msg : slc_strerror(rc));
        return;
    }
    slc_error_set(err, rc,
                  "config.hosts: '%s' line %u column %u: not a valid host "
                  "inventory (templates/README.md has the format)",
                  path, d->pos.line, d->pos.col);
}

int
slc_inventory_load_list(const json_t *hosts, struct slc_inventory ***out,
                        size_t *n, struct slc_error *err)
{
    json_t *paths = json_is_string(hosts) ? json_pack("[O]", hosts)
                                          : json_incref((json_t *)hosts);
    struct slc_inventory **invs;
    const json_t *p;
    size_t i;
    int rc = 0;

    *out = NULL;
    *n = 0;
    if (!hosts || json_is_null(hosts)) {
        json_decref(paths);
        return 0;
    }
    if (!json_is_array(paths) || !json_array_size(paths)) {
        json_decref(paths);
        return slc_error_set(err, SLC_EINVALID,
                             "config.hosts: expected a host inventory file "
                             "or a list of them");
    }
    invs = calloc(json_array_size(paths), sizeof *invs);
    if (!invs) {
        json_decref(paths);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    json_array_foreach(paths, i, p)
    {
        struct slc_diags diags = SLC_DIAGS_INIT;

        if (!json_is_string(p)) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "config.hosts[%zu]: expected a file path", i);
            break;
        }
        rc = slc_inventory_load_file(json_string_value(p), &invs[i], &diags);
        if (rc) {
            inventory_error(json_string_value(p), &diags, rc, err);
            slc_diags_clear(&diags);
            break;
        }
        slc_diags_clear(&diags);
        (*n)++;
    }
    json_decref(paths);
    if (rc) {
        slc_inventory_free_list(invs, *n);
        *n = 0;
        return rc;
    }
    *out = invs;
    return 0;
}

void
slc_inventory_free_list(struct slc_inventory **invs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        slc_inventory_free(invs[i]);
    }
    free(invs);
}
