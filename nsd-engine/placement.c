/* EPA placement (see placement.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "placement.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(placement);

/* ---- requests ---- */

static const char *
sget(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int
slc_epa_req_parse(const json_t *guest_epa, const char *vdu, unsigned vcpus,
                  uint64_t memory_mb, unsigned n_vfs, unsigned n_nics,
                  struct slc_epa_req *req, struct slc_error *err)
{
    const json_t *cpu = json_object_get(guest_epa, "virtual-cpu");
    const json_t *mem = json_object_get(guest_epa, "virtual-memory");
    const json_t *pin = json_object_get(cpu, "pinning");
    const char *policy = sget(pin, "policy");
    const char *threads = sget(pin, "thread-policy");
    const char *page = sget(mem, "mempage-size");
    static const struct {
        const char *name;
        enum slc_mempage page;
    } pages[] = {
        {"SMALL", SLC_MEMPAGE_SMALL},   {"LARGE", SLC_MEMPAGE_LARGE},
        {"SIZE_2MB", SLC_MEMPAGE_2MB},  {"SIZE_1GB", SLC_MEMPAGE_1GB},
        {"PREFER_LARGE", SLC_MEMPAGE_PREFER_LARGE},
    };
    size_t i;

    *req = (struct slc_epa_req){.vdu = vdu, .vcpus = vcpus ? vcpus : 1,
                                .memory_mb = memory_mb, .n_vfs = n_vfs,
                                .n_nics = n_nics};
    /* only "static" pins (OSM pins on anything but "dynamic") */
    if (policy && strcmp(policy, "static") && strcmp(policy, "dynamic")) {
        return slc_error_set(err, SLC_EINVALID,
                             "vdu '%s': virtual-cpu.pinning.policy '%s': "
                             "expected static or dynamic",
                             vdu, policy);
    }
    req->dedicated = policy && !strcmp(policy, "static");
    if (!threads || !strcmp(threads, "PREFER")) {
        req->threads = SLC_THREADS_PREFER;
    } else if (!strcmp(threads, "ISOLATE") || !strcmp(threads, "AVOID") ||
               !strcmp(threads, "SEPARATE")) {
        req->threads = SLC_THREADS_ISOLATE;
    } else if (!strcmp(threads, "REQUIRE")) {
        req->threads = SLC_THREADS_REQUIRE;
    } else {
        return slc_error_set(err, SLC_EINVALID,
                             "vdu '%s': virtual-cpu.pinning.thread-policy "
                             "'%s': expected AVOID, SEPARATE, ISOLATE, "
                             "PREFER or REQUIRE",
                             vdu, threads);
    }
    if (!page) {
        return 0;
    }
    for (i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        if (!strcmp(page, pages[i].name)) {
            req->mempage = pages[i].page;
            return 0;
        }
    }
    return slc_error_set(err, SLC_EINVALID,
                         "vdu '%s': virtual-memory.mempage-size '%s': "
                         "expected SMALL, LARGE, SIZE_2MB, SIZE_1GB or "
                         "PREFER_LARGE",
                         vdu, page);
}

bool
slc_epa_req_is_epa(const struct slc_epa_req *req)
{
    return req->dedicated || req->mempage != SLC_MEMPAGE_SMALL ||
           req->n_vfs || req->n_nics;
}

/* ---- usage ---- */

static json_t *
node_usage(json_t *usage, const char *host, uint64_t numa)
{
    char key[24];
    json_t *h = json_object_get(usage, host), *nu;

    if (!h) {
        h = json_object();
        json_object_set_new(usage, host, h);
    }
    snprintf(key, sizeof key, "%llu", (unsigned long long)numa);
    nu = json_object_get(h, key);
    if (!nu) {
        nu = json_pack("{s{} sI sI sI s{}}", "threads", "memory_mb",
                       (json_int_t)0, "pages_2MB", (json_int_t)0, "pages_1GB",
                       (json_int_t)0, "pci");
        json_object_set_new(h, key, nu);
    }
    return nu;
}

static bool
thread_used(const json_t *nu, uint64_t t)
{
    char key[24];

    snprintf(key, sizeof key, "%llu", (unsigned long long)t);
    return json_object_get(json_object_get(nu, "threads"), key) != NULL;
}

static void
add_int(json_t *o, const char *k, json_int_t v)
{
    json_object_set_new(o, k,
                        json_integer(json_integer_value(json_object_get(o, k)) +
                                     v));
}

void
slc_place_account(json_t *usage, const json_t *alloc)
{
    json_t *nu = node_usage(usage, sget(alloc, "host") ?: "",
                            (uint64_t)json_integer_value(
                                json_object_get(alloc, "numa")));
    const char *lists[] = {"threads", "reserved_threads"};
    const json_t *v;
    size_t i;

    for (int l = 0; l < 2; l++) {
        json_array_foreach(json_object_get(alloc, lists[l]), i, v)
        {
            char key[24];

            snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT,
                     json_integer_value(v));
            json_object_set_new(json_object_get(nu, "threads"), key,
                                json_true());
        }
    }
    if (sget(alloc, "page_size")) {
        char k[16];

        snprintf(k, sizeof k, "pages_%s", sget(alloc, "page_size"));
        add_int(nu, k, json_integer_value(json_object_get(alloc, "pages")));
    } else {
        add_int(nu, "memory_mb",
                json_integer_value(json_object_get(alloc, "memory_mb")));
    }
    json_array_foreach(json_object_get(alloc, "vfs"), i, v)
    {
        json_object_set_new(json_object_get(nu, "pci"), sget(v, "pci"),
                            json_true());
    }
    json_array_foreach(json_object_get(alloc, "nics"), i, v)
    {
        json_object_set_new(json_object_get(nu, "pci"), sget(v, "pci"),
                            json_true());
    }
}

/* ---- one node ---- */

/* What a node has free and what a request would take of it. */
struct fit {
    const struct slc_host *host;
    const struct slc_host_numa *numa;
    /* free */
    size_t free_threads, free_cores;
    uint64_t free_mem, free_p2, free_p1g;
    size_t free_vfs, free_nics;
    /* verdicts */
    bool cpu_ok, mem_ok, devices_ok;
    const char *page_size;    /* chosen huge page size, NULL: plain memory */
    uint64_t pages;
};

static bool
core_free(const json_t *nu, const struct slc_host_core *c)
{
    for (size_t t = 0; t < c->n_threads; t++) {
        if (thread_used(nu, c->threads[t])) {
            return false;
        }
    }
    return true;
}

static size_t
core_free_threads(const json_t *nu, const struct slc_host_core *c)
{
    size_t n = 0;

    for (size_t t = 0; t < c->n_threads; t++) {
        n += !thread_used(nu, c->threads[t]);
    }
    return n;
}

static bool
pci_used(const json_t *nu, const char *pci)
{
    return json_object_get(json_object_get(nu, "pci"), pci) != NULL;
}

static bool
nic_touched(const json_t *nu, const struct slc_host_nic *nic)
{
    if (pci_used(nu, nic->pci)) {
        return true;
    }
    for (size_t v = 0; v < nic->n_vfs; v++) {
        if (pci_used(nu, nic->vfs[v].pci)) {
            return true;
        }
    }
    return false;
}

/* Chooses the devices of 'req' on node 'nm': passthrough NICs first among
 * untouched NICs, those without VFs before those with; then VFs from the
 * other NICs, already used ones first (keeping whole NICs whole).  Fills
 * 'vfs' and 'nics' when they are not NULL.  True when everything fits. */
static bool
choose_devices(const struct slc_epa_req *req, const json_t *nu,
               const struct slc_host *host, const struct slc_host_numa *nm,
               json_t *vfs, json_t *nics, size_t *free_vfs,
               size_t *free_nics)
{
    bool taken[64] = {false};
    size_t want = req->n_nics, got_vfs = 0;

    *free_vfs = *free_nics = 0;
    for (size_t k = 0; k < nm->n_nics && k < 64; k++) {
        const struct slc_host_nic *nic = &nm->nics[k];

        *free_nics += !nic_touched(nu, nic);
        if (!pci_used(nu, nic->pci)) {
            for (size_t v = 0; v < nic->n_vfs; v++) {
                *free_vfs += !pci_used(nu, nic->vfs[v].pci);
            }
        }
    }
    for (int with_vfs = 0; with_vfs < 2; with_vfs++) {
        for (size_t k = 0; want && k < nm->n_nics && k < 64; k++) {
            const struct slc_host_nic *nic = &nm->nics[k];

            if (nic_touched(nu, nic) || (nic->n_vfs > 0) != with_vfs) {
                continue;
            }
            taken[k] = true;
            want--;
            if (nics) {
                json_array_append_new(
                    nics, json_pack("{ss ss sI ss* ss sI}", "nic", nic->name,
                                    "pci", nic->pci, "fabric_port",
                                    (json_int_t)nic->fabric_port, "mac",
                                    nic->mac, "host", host->name, "numa",
                                    (json_int_t)nm->id));
            }
        }
    }
    if (want) {
        return false;
    }
    for (int fresh = 0; fresh < 2; fresh++) {
        for (size_t k = 0; got_vfs < req->n_vfs && k < nm->n_nics && k < 64;
             k++) {
            const struct slc_host_nic *nic = &nm->nics[k];

            if (taken[k] || pci_used(nu, nic->pci) ||
                nic_touched(nu, nic) != !fresh) {
                continue;
            }
            for (size_t v = 0; got_vfs < req->n_vfs && v < nic->n_vfs; v++) {
                if (pci_used(nu, nic->vfs[v].pci)) {
                    continue;
                }
                got_vfs++;
                if (vfs) {
                    json_array_append_new(
                        vfs, json_pack("{ss ss sI sI ss* ss sI}", "nic",
                                       nic->name, "pci", nic->vfs[v].pci,
                                       "vlan", (json_int_t)nic->vfs[v].vlan,
                                       "fabric_port",
                                       (json_int_t)nic->fabric_port, "mac",
                                       nic->vfs[v].mac, "host", host->name,
                                       "numa", (json_int_t)nm->id));
                }
            }
        }
    }
    return got_vfs == req->n_vfs;
}

static size_t
vcpu_cores(const struct slc_epa_req *req)
{
    return req->threads == SLC_THREADS_REQUIRE ? (req->vcpus + 1) / 2
                                               : req->vcpus;
}

static void
assess(const struct slc_epa_req *req, json_t *usage, struct fit *f)
{
    const struct slc_host_numa *nm = f->numa;
    const json_t *nu = node_usage(usage, f->host->name, nm->id);
    uint64_t mem = req->memory_mb;
    uint64_t need_p1g = (mem + 1023) / 1024, need_p2 = (mem + 1) / 2;

    for (size_t c = 0; c < nm->n_cores; c++) {
        const struct slc_host_core *core = &nm->cores[c];

        if (core->reserved) {
            continue;
        }
        f->free_threads += core_free_threads(nu, core);
        f->free_cores += core_free(nu, core) &&
                         (req->threads != SLC_THREADS_REQUIRE ||
                          core->n_threads >= 2);
    }
    f->free_mem = nm->memory_mb -
                  (uint64_t)json_integer_value(json_object_get(nu, "memory_mb"));
    f->free_p2 = slc_host_numa_pages(nm, SLC_PAGE_2MB) -
                 (uint64_t)json_integer_value(json_object_get(nu, "pages_2MB"));
    f->free_p1g = slc_host_numa_pages(nm, SLC_PAGE_1GB) -
                  (uint64_t)json_integer_value(json_object_get(nu, "pages_1GB"));
    f->devices_ok = choose_devices(req, nu, f->host, nm, NULL, NULL,
                                   &f->free_vfs, &f->free_nics);
    f->cpu_ok = !req->dedicated ||
                (req->threads == SLC_THREADS_PREFER
                     ? f->free_threads >= req->vcpus
                     : f->free_cores >= vcpu_cores(req));
    switch (req->mempage) {
    case SLC_MEMPAGE_SMALL:
        f->mem_ok = f->free_mem >= mem;
        break;
    case SLC_MEMPAGE_2MB:
        f->mem_ok = f->free_p2 >= need_p2;
        f->page_size = "2MB";
        f->pages = need_p2;
        break;
    case SLC_MEMPAGE_1GB:
        f->mem_ok = f->free_p1g >= need_p1g;
        f->page_size = "1GB";
        f->pages = need_p1g;
        break;
    case SLC_MEMPAGE_LARGE:
    case SLC_MEMPAGE_PREFER_LARGE:
        if (f->free_p1g >= need_p1g) {
            f->mem_ok = true;
            f->page_size = "1GB";
            f->pages = need_p1g;
        } else if (f->free_p2 >= need_p2) {
            f->mem_ok = true;
            f->page_size = "2MB";
            f->pages = need_p2;
        } else {
            f->mem_ok = req->mempage == SLC_MEMPAGE_PREFER_LARGE &&
                        f->free_mem >= mem;
        }
        break;
    }
}

static int
n_ok(const struct fit *f)
{
    return f->cpu_ok + f->mem_ok + f->devices_ok;
}

/* Best fit: the fewest free dedicated threads, then the least free memory
 * of the kind used, then the fewest free VFs; earlier in inventory order
 * on ties.  True when 'a' is better than 'b'. */
static bool
better(const struct slc_epa_req *req, const struct fit *a, const struct fit *b)
{
    uint64_t ma, mb;

    if (req->dedicated && a->free_threads != b->free_threads) {
        return a->free_threads < b->free_threads;
    }
    ma = !a->page_size ? a->free_mem
         : !strcmp(a->page_size, "1GB") ? a->free_p1g * 1024
                                         : a->free_p2 * 2;
    mb = !b->page_size ? b->free_mem
         : !strcmp(b->page_size, "1GB") ? b->free_p1g * 1024
                                         : b->free_p2 * 2;
    if (ma != mb) {
        return ma < mb;
    }
    return a->free_vfs < b->free_vfs;
}

/* ---- choosing inside the node ---- */

static json_t *
take(const struct slc_epa_req *req, json_t *usage, const struct fit *f)
{
    const struct slc_host_numa *nm = f->numa;
    const json_t *nu = node_usage(usage, f->host->name, nm->id);
    json_t *cores = json_array(), *threads = json_array(),
           *reserved = json_array(), *vfs = json_array(), *nics = json_array();
    json_t *alloc;
    size_t want = req->vcpus;

    if (req->dedicated && req->threads == SLC_THREADS_PREFER) {
        /* fill half-used cores first: fewest free threads, then core id */
        for (size_t level = 1; want && level <= 64; level++) {
            for (size_t c = 0; want && c < nm->n_cores; c++) {
                const struct slc_host_core *core = &nm->cores[c];

                if (core->reserved || core_free_threads(nu, core) != level) {
                    continue;
                }
                json_array_append_new(cores, json_integer((json_int_t)core->id));
                for (size_t t = 0; want && t < core->n_threads; t++) {
                    if (!thread_used(nu, core->threads[t])) {
                        json_array_append_new(
                            threads,
                            json_integer((json_int_t)core->threads[t]));
                        want--;
                    }
                }
            }
        }
    } else if (req->dedicated) {
        for (size_t c = 0; want && c < nm->n_cores; c++) {
            const struct slc_host_core *core = &nm->cores[c];

            if (core->reserved || !core_free(nu, core) ||
                (req->threads == SLC_THREADS_REQUIRE &&
                 core->n_threads < 2)) {
                continue;
            }
            json_array_append_new(cores, json_integer((json_int_t)core->id));
            for (size_t t = 0; t < core->n_threads; t++) {
                bool use = want && (t == 0 ||
                                    req->threads == SLC_THREADS_REQUIRE);

                json_array_append_new(
                    use ? threads : reserved,
                    json_integer((json_int_t)core->threads[t]));
                want -= use;
            }
        }
    }
    if (!choose_devices(req, nu, f->host, nm, vfs, nics, &(size_t){0},
                        &(size_t){0})) {
        json_decref(cores);
        json_decref(threads);
        json_decref(reserved);
        json_decref(vfs);
        json_decref(nics);
        return NULL;
    }
    alloc = json_pack("{ss sI so so so sI ss* sI so so}", "host",
                      f->host->name, "numa", (json_int_t)nm->id, "cores",
                      cores, "threads", threads, "reserved_threads", reserved,
                      "memory_mb", (json_int_t)req->memory_mb, "page_size",
                      f->page_size, "pages", (json_int_t)f->pages, "vfs", vfs,
                      "nics", nics);
    slc_place_account(usage, alloc);
    return alloc;
}

/* ---- messages ---- */

static void
append(char *buf, size_t size, const char *fmt, ...) SLC_PRINTF(3, 4);

static void
append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    va_start(ap, fmt);
    if (len < size) {
        vsnprintf(buf + len, size - len, fmt, ap);
    }
    va_end(ap);
}

/* "4 free dedicated cores and 2 x 1GB pages" for the request, or the
 * same figures of what node 'f' has ("2 cores, 4 pages"). */
static void
describe(const struct slc_epa_req *req, const struct fit *f, char *buf,
         size_t size)
{
    const char *parts[4];
    char text[4][96];
    size_t n = 0;

    buf[0] = '\0';
    if (req->dedicated) {
        if (req->threads == SLC_THREADS_PREFER) {
            snprintf(text[n], sizeof text[n],
                     f ? "%zu free threads" : "%zu free dedicated threads",
                     f ? f->free_threads : (size_t)req->vcpus);
        } else {
            snprintf(text[n], sizeof text[n],
                     f ? "%zu free cores" : "%zu free dedicated cores",
                     f ? f->free_cores : vcpu_cores(req));
        }
        parts[n] = text[n];
        n++;
    }
    switch (req->mempage) {
    case SLC_MEMPAGE_SMALL:
    case SLC_MEMPAGE_PREFER_LARGE:
        snprintf(text[n], sizeof text[n], "%llu MB of memory",
                 (unsigned long long)(f ? f->free_mem : req->memory_mb));
        break;
    case SLC_MEMPAGE_2MB:
        snprintf(text[n], sizeof text[n], "%llu x 2MB pages",
                 (unsigned long long)(f ? f->free_p2
                                        : (req->memory_mb + 1) / 2));
        break;
    case SLC_MEMPAGE_1GB:
        snprintf(text[n], sizeof text[n], "%llu x 1GB pages",
                 (unsigned long long)(f ? f->free_p1g
                                        : (req->memory_mb + 1023) / 1024));
        break;
    case SLC_MEMPAGE_LARGE:
        if (f) {
            snprintf(text[n], sizeof text[n], "%llu x 1GB and %llu x 2MB pages",
                     (unsigned long long)f->free_p1g,
                     (unsigned long long)f->free_p2);
        } else {
            snprintf(text[n], sizeof text[n], "%llu x 1GB or %llu x 2MB pages",
                     (unsigned long long)((req->memory_mb + 1023) / 1024),
                     (unsigned long long)((req->memory_mb + 1) / 2));
        }
        break;
    }
    parts[n] = text[n];
    n++;
    if (req->n_vfs) {
        snprintf(text[n], sizeof text[n], "%zu free SR-IOV VFs",
                 f ? f->free_vfs : (size_t)req->n_vfs);
        parts[n] = text[n];
        n++;
    }
    if (req->n_nics) {
        snprintf(text[n], sizeof text[n], "%zu free passthrough NICs",
                 f ? f->free_nics : (size_t)req->n_nics);
        parts[n] = text[n];
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        append(buf, size, "%s%s", i == 0 ? "" : i + 1 == n && !f ? " and " : ", ",
               parts[i]);
    }
    if (f && !f->devices_ok && f->free_vfs >= req->n_vfs &&
        f->free_nics >= req->n_nics) {
        append(buf, size, ", but not on separate NICs (a NIC passed through "
                          "gives no VFs)");
    }
}

int
slc_place_vdu(struct slc_inventory *const *invs, size_t n_invs, json_t *usage,
              const struct slc_epa_req *req, json_t **alloc,
              struct slc_error *err)
{
    struct fit best = {0}, closest = {0};
    bool have_best = false, have_closest = false;
    char want[400], has[400];

    *alloc = NULL;
    for (size_t i = 0; i < n_invs; i++) {
        for (size_t h = 0; h < invs[i]->n_hosts; h++) {
            const struct slc_host *host = &invs[i]->hosts[h];

            for (size_t m = 0; m < host->n_numas; m++) {
                struct fit f = {.host = host, .numa = &host->numas[m]};

                assess(req, usage, &f);
                if (n_ok(&f) == 3) {
                    if (!have_best || better(req, &f, &best)) {
                        best = f;
                        have_best = true;
                    }
                } else if (!have_closest || n_ok(&f) > n_ok(&closest)) {
                    closest = f;
                    have_closest = true;
                }
            }
        }
    }
    if (have_best && (*alloc = take(req, usage, &best))) {
        return 0;
    }
    describe(req, NULL, want, sizeof want);
    if (!have_closest && !have_best) {
        return slc_error_set(err, SLC_EBUSY,
                             "vdu '%s': no NUMA node with %s: the host "
                             "inventory has no hosts",
                             req->vdu, want);
    }
    if (!have_closest) {
        closest = best;
    }
    describe(req, &closest, has, sizeof has);
    return slc_error_set(err, SLC_EBUSY,
                         "vdu '%s': no NUMA node with %s; best host '%s' "
                         "node %llu has %s",
                         req->vdu, want, closest.host->name,
                         (unsigned long long)closest.numa->id, has);
}

/* ---- plans ---- */

struct collect {
    json_t *usage;
    json_t *records;          /* when not NULL: every record, as {_id, doc} */
};

static int
collect_placement(const char *coll, const struct slc_record *rec, void *arg)
{
    struct collect *c = arg;

    if (c->usage) {
        slc_place_account(c->usage, json_object_get(rec->doc, "alloc"));
    }
    if (c->records) {
        json_array_append_new(c->records, json_pack("{ss sO}", "_id", rec->id,
                                                    "doc", rec->doc));
    }
    return 0;
}

/* The VDU id inside an engine tag "nsr:N:vnf:M:vdu:V:I". */
static void
vdu_of_tag(const char *tag, char *out, size_t size)
{
    const char *p = strstr(tag ? tag : "", ":vdu:");
    const char *end;

    snprintf(out, size, "%s", p ? p + 5 : tag ? tag : "");
    end = strrchr(out, ':');
    if (p && end) {
        out[end - out] = '\0';
    }
}

static int
place_step(struct slc_inventory **invs, size_t n_invs, json_t *usage,
           json_t *steps, json_t *step, const char *account, json_t *placed,
           struct slc_error *err)
{
    json_t *spec = json_object_get(step, "spec");
    json_t *direct = json_array(), *physical = json_array();
    const json_t *ref, *flavor_epa = json_object_get(spec, "epa");
    struct slc_epa_req req;
    json_t *alloc = NULL;
    char vdu[256];
    size_t i;
    int rc;

    vdu_of_tag(sget(step, "tag"), vdu, sizeof vdu);
    json_array_foreach(json_object_get(spec, "ports"), i, ref)
    {
        json_t *port = json_array_get(
            steps, (size_t)json_integer_value(json_object_get(ref, "step")));
        const char *vnic = sget(json_object_get(port, "spec"), "vnic_type");

        if (vnic && !strcmp(vnic, "direct")) {
            json_array_append(direct, port);
        } else if (vnic && !strcmp(vnic, "direct-physical")) {
            json_array_append(physical, port);
        }
    }
    rc = slc_epa_req_parse(
        flavor_epa, vdu,
        (unsigned)json_integer_value(json_object_get(spec, "vcpus")),
        (uint64_t)json_integer_value(json_object_get(spec, "memory_mb")),
        (unsigned)json_array_size(direct), (unsigned)json_array_size(physical),
        &req, err);
    if (!rc && !n_invs) {
        if (slc_epa_req_is_epa(&req)) {
            rc = slc_error_set(err, SLC_EBUSY,
                               "vdu '%s' asks for EPA (pinning, huge pages, "
                               "SR-IOV or passthrough) but vim account '%s' "
                               "has no host inventory (config.hosts)",
                               vdu, account);
        }
        json_decref(direct);
        json_decref(physical);
        return rc;
    }
    rc = rc ? rc : slc_place_vdu(invs, n_invs, usage, &req, &alloc, err);
    if (!rc) {
        json_object_set_new(spec, "host", json_string(sget(alloc, "host")));
        json_object_set(spec, "placement", alloc);
        json_array_foreach(direct, i, ref)
        {
            json_object_set(json_object_get(ref, "spec"), "device",
                            json_array_get(json_object_get(alloc, "vfs"), i));
        }
        json_array_foreach(physical, i, ref)
        {
            json_object_set(json_object_get(ref, "spec"), "device",
                            json_array_get(json_object_get(alloc, "nics"), i));
        }
        json_array_append_new(placed,
                              json_pack("{ss ss sO}", "tag", sget(step, "tag"),
                                        "vdu", vdu, "alloc", alloc));
    }
    json_decref(alloc);
    json_decref(direct);
    json_decref(physical);
    return rc;
}

/* Stores the assignments of a plan that placed entirely. */
static int
store_placed(struct slc_store *st, const json_t *placed,
             const char *account_id, const char *op_id, const char *nsr_id,
             struct slc_error *err)
{
    const json_t *p;
    size_t i;
    int rc = 0;

    json_array_foreach(placed, i, p)
    {
        char id[SLC_UUID_STR_SIZE];
        struct slc_record rec = {.id = id, .name = (char *)account_id};

        if (rc) {
            break;
        }
        if (slc_uuid7(id)) {
            return slc_error_set(err, SLC_EIO, "no random source");
        }
        rec.doc = json_pack("{ss ss ss sO sO sO}", "vim", account_id, "nsr",
                            nsr_id, "op", op_id, "tag",
                            json_object_get(p, "tag"), "vdu",
                            json_object_get(p, "vdu"), "alloc",
                            json_object_get(p, "alloc"));
        rc = slc_store_put(st, "placements", &rec, NULL, SLC_REV_NEW, NULL,
                           err);
        json_decref(rec.doc);
        if (!rc) {
            const json_t *a = json_object_get(p, "alloc");

            SLC_INFO("vdu '%s' placed on host '%s' numa %" JSON_INTEGER_FORMAT,
                     sget(p, "vdu"), sget(a, "host"),
                     json_integer_value(json_object_get(a, "numa")));
        }
    }
    return rc;
}

int
slc_place_plan(struct slc_store *st, const json_t *account,
               const char *account_id, json_t *steps, const char *op_id,
               const char *nsr_id, struct slc_error *err)
{
    struct slc_inventory **invs = NULL;
    size_t n_invs = 0, i;
    struct collect c = {.usage = json_object()};
    json_t *placed = json_array();
    json_t *step;
    int rc;

    if (!strcmp(sget(json_object_get(account, "_admin"), "scheduler") ?: "",
                "vim")) {
        /* the VIM places its computes (Nova): EPA goes to it as asked */
        json_decref(placed);
        json_decref(c.usage);
        return 0;
    }
    rc = slc_inventory_load_list(
        json_object_get(json_object_get(account, "config"), "hosts"), &invs,
        &n_invs, err);

    if (!rc && n_invs) {
        rc = slc_store_list(st, "placements", account_id, collect_placement,
                            &c, err);
    }
    json_array_foreach(steps, i, step)
    {
        if (rc) {
            break;
        }
        if (strcmp(sget(step, "action") ?: "", "create") ||
            strcmp(sget(step, "kind") ?: "", "compute") ||
            strcmp(sget(step, "vim") ?: "", account_id)) {
            continue;
        }
        rc = place_step(invs, n_invs, c.usage, steps, step,
                        sget(account, "name") ?: account_id, placed, err);
    }
    rc = rc ? rc : store_placed(st, placed, account_id, op_id, nsr_id, err);
    json_decref(placed);
    json_decref(c.usage);
    slc_inventory_free_list(invs, n_invs);
    return rc;
}

int
slc_place_release(struct slc_store *st, const char *account_id,
                  const char *nsr_id, const char *op_id, const json_t *tags,
                  struct slc_error *err)
{
    struct collect c = {.records = json_array()};
    const json_t *r;
    size_t i;
    int rc = slc_store_list(st, "placements", account_id, collect_placement,
                            &c, err);

    json_array_foreach(c.records, i, r)
    {
        const json_t *doc = json_object_get(r, "doc");
        bool drop;

        if (rc) {
            break;
        }
        if (op_id) {
            drop = !strcmp(sget(doc, "op") ?: "", op_id);
        } else {
            const json_t *t;
            size_t k;

            drop = !strcmp(sget(doc, "nsr") ?: "", nsr_id ? nsr_id : "");
            if (drop && tags) {
                drop = false;
                json_array_foreach(tags, k, t)
                {
                    drop |= !strcmp(json_string_value(t) ?: "",
                                    sget(doc, "tag") ?: "");
                }
            }
        }
        if (drop) {
            rc = slc_store_del(st, "placements", sget(r, "_id"), SLC_REV_ANY,
                               err);
            rc = rc == SLC_ENOTFOUND ? 0 : rc;
        }
    }
    json_decref(c.records);
    return rc;
}
