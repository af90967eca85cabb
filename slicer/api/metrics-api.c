/* GET /metrics: the daemon's metrics in Prometheus' text format 0.0.4
 * (slc-metrics.h has the families).  The counters and histograms are
 * kept as things happen; the gauges of what is stored (records by
 * collection and state, slices by S-NSSAI and state) are counted from the
 * store at each scrape.
 *
 * Who may read them: on the API, a system admin's token (the numbers are
 * every project's).  Prometheus cannot log in (tokens expire), so
 * slicerd.yaml's metrics_listen (ADDRESS:PORT, meant for loopback or a
 * management network) opens a second, plain HTTP listener that answers
 * GET /metrics and nothing else, without a token; it is off unless
 * configured. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "http-server.h"
#include "rest-internal.h"
#include "slc-metrics.h"
#include "slice.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Where each collection's records say their state. */
static const struct {
    const char *coll, *state[3]; /* a path of members */
} record_states[] = {
    {"nsrs", {"nsState"}},
    {"vnfrs", {"_admin", "nsState"}},
    {"nsis", {"_admin", "nsiState"}},
    {"nslcmops", {"operationState"}},
    {"nsilcmops", {"operationState"}},
    {"slice_requests", {NULL}},
    {"nssis", {"operationalState"}},
    {"vim_accounts", {"_admin", "operationalState"}},
    {"sdns", {"_admin", "operationalState"}},
    {"pdus", {"_admin", "usageState"}},
    {"nssmf_accounts", {"_admin", "operationalState"}},
    {"nsds", {"_admin", "usageState"}},
    {"vnfds", {"_admin", "usageState"}},
    {"nsts", {"_admin", "usageState"}},
};

/* Counts record 'rec' of record_states row *arg into slicer_records. */
static int
count_record(const char *coll, const struct slc_record *rec, void *arg)
{
    size_t k = *(const size_t *)arg;
    const json_t *v = rec->doc;
    const char *state;

    for (size_t i = 0; i < 3 && record_states[k].state[i]; i++) {
        v = json_object_get(v, record_states[k].state[i]);
    }
    state = record_states[k].state[0] ? json_string_value(v) : "";
    slc_metrics_add("slicer_records", 1, coll, state ? state : "(none)");
    return 0;
}

/* Counts slice 'rec' into slicer_slices. */
static int
count_slice(const char *coll, const struct slc_record *rec, void *arg)
{
    const json_t *sn = json_object_get(
        json_object_get(rec->doc, "network-slice-template"),
        "SNSSAI-identifier");
    const char *sd = json_string_value(json_object_get(
        sn, "slice-differentiator"));
    const char *state = json_string_value(json_object_get(
        json_object_get(rec->doc, "_admin"), "nsiState"));
    char sst[16];

    (void)coll;
    (void)arg;
    snprintf(sst, sizeof sst, "%d",
             slc_sst_of(json_string_value(json_object_get(
                 sn, "slice-service-type"))));
    slc_metrics_add("slicer_slices", 1, sst, sd ? sd : "",
                    state ? state : "(none)");
    return 0;
}

/* Counts the stored records into the gauges, from zero. */
static void
scrape(struct slc_store *st)
{
    struct slc_error err = {0};

    slc_metrics_clear("slicer_records");
    for (size_t i = 0; i < sizeof record_states / sizeof record_states[0];
         i++) {
        slc_store_list(st, record_states[i].coll, NULL, count_record, &i,
                       &err);
    }
    slc_metrics_clear("slicer_slices");
    slc_store_list(st, "nsis", NULL, count_slice, NULL, &err);
}

/* A scrape: the gauges counted, then the chains' counters read from the
 * switches (every NS with chains), then the exposition, now or deferred. */
struct scrape_job {
    struct slc_http_response *resp;   /* while the handler runs */
    struct slc_http_deferred *later;  /* once deferred */
    size_t waiting;
};

/* The exposition into 'resp'. */
static void
exposition(struct slc_http_response *resp)
{
    size_t len = 0;
    char *text = slc_metrics_text(&len);

    if (!text) {
        slc_http_error(resp, 503, "out of memory");
        return;
    }
    resp->status = 200;
    resp->raw = text;
    resp->raw_size = len;
    resp->raw_type = CONTENT_TYPE;
}

static void
job_release(struct scrape_job *job)
{
    if (--job->waiting) {
        return;
    }
    if (job->later) {
        struct slc_http_response resp = {.status = 200};

        exposition(&resp);
        slc_http_deferred_reply(job->later, &resp);
        free(job);
    } else {
        exposition(job->resp);
        job->resp = NULL; /* answered; the handler frees the job */
    }
}

/* One NS's chains being read. */
struct ns_read {
    struct scrape_job *job;
    char ns[64];
};

/* An NS's chain reports: each hop's packets and bytes, both directions. */
static void
on_reports(void *arg, json_t *reports)
{
    struct ns_read *nr = arg;
    struct scrape_job *job = nr->job;
    const json_t *r, *hop;
    size_t i, k;

    json_array_foreach(reports, i, r)
    {
        json_array_foreach(json_object_get(r, "hops"), k, hop)
        {
            double n[2] = {0, 0};

            for (int d = 0; d < 2; d++) {
                const json_t *c = json_object_get(hop, d ? "reverse"
                                                         : "forward");

                n[0] += json_number_value(json_object_get(c, "packets"));
                n[1] += json_number_value(json_object_get(c, "bytes"));
            }
            slc_metrics_set("slicer_chain_hop_packets_total", n[0], nr->ns,
                            json_string_value(json_object_get(r, "id")),
                            json_string_value(json_object_get(hop, "id")));
            slc_metrics_set("slicer_chain_hop_bytes_total", n[1], nr->ns,
                            json_string_value(json_object_get(r, "id")),
                            json_string_value(json_object_get(hop, "id")));
        }
    }
    free(nr);
    job_release(job);
}

struct chain_scan {
    struct slc_api *api;
    struct scrape_job *job;
};

static int
scan_chains(const char *coll, const struct slc_record *rec, void *arg)
{
    struct chain_scan *cs = arg;
    struct ns_read *nr;

    (void)coll;
    if (!json_array_size(json_object_get(rec->doc, "vnffgr")) ||
        !(nr = calloc(1, sizeof *nr))) {
        return 0;
    }
    nr->job = cs->job;
    snprintf(nr->ns, sizeof nr->ns, "%s", rec->id);
    cs->job->waiting++;
    if (slc_rest_chain_reports(cs->api, rec->doc, on_reports, nr)) {
        cs->job->waiting--;
        free(nr);
    }
    return 0;
}

/* Scrapes into 'resp', deferring it while switches are read. */
static void
serve(struct slc_api *api, const struct slc_http_request *req,
      struct slc_http_response *resp)
{
    struct scrape_job *job = calloc(1, sizeof *job);
    struct chain_scan cs = {.api = api, .job = job};
    struct slc_error err = {0};

    if (!job) {
        slc_http_error(resp, 503, "out of memory");
        return;
    }
    scrape(api->st);
    slc_metrics_clear("slicer_chain_hop_packets_total");
    slc_metrics_clear("slicer_chain_hop_bytes_total");
    *job = (struct scrape_job){.resp = resp, .waiting = 1};
    slc_store_list(api->st, "nsrs", NULL, scan_chains, &cs, &err);
    job_release(job); /* this call's own hold */
    if (!job->resp) {
        free(job); /* answered */
    } else {
        job->resp = NULL;
        job->later = slc_http_defer(req, resp);
    }
}

static int
metrics_get(struct slc_call *c)
{
    if (!c->who.admin) {
        return slc_rest_fail(c, 403, SLC_EDENIED,
                             "the metrics are every project's: a system "
                             "admin's token, or slicerd.yaml's "
                             "metrics_listen for a scraper");
    }
    serve(c->api, c->req, c->resp);
    return 0;
}

void
slc_metrics_handle(void *ctx, const struct slc_http_request *req,
                   struct slc_http_response *resp)
{
    resp->route = "/metrics";
    if (strcmp(req->path, "/metrics")) {
        resp->route = NULL;
        slc_http_error(resp, 404, "this listener serves GET /metrics only");
    } else if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
        slc_http_error(resp, 405, "GET /metrics only");
    } else {
        serve(ctx, req, resp);
    }
}

const struct slc_route slc_metrics_routes[] = {
    {"GET", "/metrics", metrics_get, "metrics:"},
    {NULL},
};
