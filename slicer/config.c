/* slicerd's configuration keys, defaults and loading.  The file is read
 * with the schema walker (common/slc-schema.h); its warnings (unknown keys)
 * are errors here, because a misspelt key in a daemon's configuration must
 * not be silently ignored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "slc-log.h"
#include "slc-schema.h"
#include "slc-yaml.h"

#define F_U(k, m, lo, hi) F_UINT(struct slc_config, k, m, lo, hi)
#define F_S(k, m) F_STR(struct slc_config, k, m)

static const struct slc_field template_fields[] = {
    F_STR(struct slc_nssmf_template, "subnet_type", subnet_type),
    F_UINT(struct slc_nssmf_template, "sst", sst, 1, 255),
    F_STR(struct slc_nssmf_template, "sd", sd),
    F_STR_REQ(struct slc_nssmf_template, "nst", nst),
    F_UINT(struct slc_nssmf_template, "max_ues", max_ues, 1, 1000000000),
};

static const struct slc_schema template_schema =
    SLC_SCHEMA(struct slc_nssmf_template, "nssmf_templates item",
               template_fields);

static const struct slc_field config_fields[] = {
    F_S("listen", listen),
    F_U("port", port, 0, 65535),
    F_S("state_dir", state_dir),
    F_S("store", store),
    F_S("log_level", log_level),
    F_S("tls", tls),
    F_S("tls_cert", tls_cert),
    F_S("tls_key", tls_key),
    F_S("admin_password", admin_password),
    F_U("token_ttl", token_ttl, 60, 30 * 86400),
    F_U("body_limit", body_limit, 1024, 1ull << 30),
    F_U("max_connections", max_connections, 1, 65536),
    F_U("max_connections_per_client", max_connections_per_client, 0,
        65536),
    F_U("idle_timeout", idle_timeout, 1, 3600),
    F_U("request_timeout", request_timeout, 1, 86400),
    F_U("op_timeout", op_timeout, 1, 7 * 86400),
    F_U("call_timeout", call_timeout, 1, 86400),
    F_U("notify_retry_ms", notify_retry_ms, 10, 3600000),
    F_U("notify_retry_max_ms", notify_retry_max_ms, 10, 86400000),
    F_U("notify_attempts", notify_attempts, 1, 1000),
    F_S("port_file", port_file),
    F_S("files_dir", files_dir),
    F_S("nssmf_vim_account", nssmf_vim_account),
    F_S("mns_subnetwork", mns_subnetwork),
    F_S("mns_system_dn", mns_system_dn),
    F_S("public_url", public_url),
    F_S("metrics_listen", metrics_listen),
    F_S("instance", instance),
    F_U("list_page_size", list_page_size, 0, 1000000),
    F_U("cluster_ttl_s", cluster_ttl_s, 1, 60),
    F_LIST(struct slc_config, "nssmf_templates", nssmf_templates,
           template_schema, NULL),
};

static const struct slc_schema config_schema =
    SLC_SCHEMA(struct slc_config, "slicerd config", config_fields);

void
slc_config_defaults(struct slc_config *cfg)
{
    *cfg = (struct slc_config){
        .listen = "127.0.0.1",
        .port = 9999,
        .state_dir = "/var/lib/slicer",
        .files_dir = "/etc/slicer",
        .mns_subnetwork = "slicer",
        .log_level = "info",
        .tls = "auto",
        .token_ttl = 3600,
        .body_limit = 32u << 20,
        .max_connections = 512,
        .max_connections_per_client = 64,
        .idle_timeout = 30,
        .request_timeout = 60,
        .op_timeout = 3600,
        .list_page_size = 1000,
        .call_timeout = 300,
        .notify_retry_ms = 1000,
        .notify_retry_max_ms = 300000,
        .notify_attempts = 10,
        .arena = SLC_ARENA_INIT,
    };
}

int
slc_config_load(struct slc_config *cfg, const char *path,
                struct slc_error *err)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_config parsed;
    json_t *root;
    int rc;

    slc_yaml_free(cfg->doc);
    cfg->doc = NULL;
    rc = slc_yaml_load_file(path, NULL, &cfg->doc, &diags);
    if (rc) {
        rc = slc_diags_to_error(&diags, rc, err);
        slc_diags_clear(&diags);
        return rc;
    }
    root = slc_yaml_root(cfg->doc);
    if (json_is_null(root)) {
        return 0; /* an empty file: the defaults */
    }
    if (!json_is_object(root)) {
        return slc_error_set(err, SLC_EINVALID, "%s: expected a mapping",
                             path);
    }
    /* Parse into a copy, then take only the members the file sets. */
    parsed = *cfg;
    {
        struct slc_parse p = {
            .arena = &cfg->arena,
            .doc = cfg->doc,
            .diags = &diags,
            .file = path,
            .subject = "slicerd config",
        };

        memset(&parsed, 0, sizeof parsed);
        if (!slc_schema_parse(&p, &config_schema, root, "", &parsed)) {
            slc_diags_clear(&diags);
            return slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
    }
    if (diags.len) {
        rc = slc_diags_to_error(&diags, SLC_EINVALID, err);
        slc_diags_clear(&diags);
        return rc;
    }
    for (size_t i = 0; i < SLC_ARRAY_LEN(config_fields); i++) {
        const struct slc_field *f = &config_fields[i];

        if (!json_object_get(root, f->key)) {
            continue;
        }
        memcpy((char *)cfg + f->off, (char *)&parsed + f->off,
               f->type == SLC_FT_UINT ? sizeof(uint64_t)
                                      : sizeof(const char *));
        if (f->type == SLC_FT_LIST) {
            /* and its length: without it a list was read as empty */
            memcpy((char *)cfg + f->len_off, (char *)&parsed + f->len_off,
                   sizeof(size_t));
        }
    }
    return 0;
}

int
slc_config_set(struct slc_config *cfg, const char *key, const char *value,
               struct slc_error *err)
{
    for (size_t i = 0; i < SLC_ARRAY_LEN(config_fields); i++) {
        const struct slc_field *f = &config_fields[i];

        if (strcmp(f->key, key)) {
            continue;
        }
        if (f->type == SLC_FT_UINT) {
            char *end;
            unsigned long long v = strtoull(value, &end, 10);

            if (!*value || *end || v < f->min || (f->max && v > f->max)) {
                return slc_error_set(err, SLC_EINVALID,
                                     "%s: '%s' is not a number in %llu..%llu",
                                     key, value,
                                     (unsigned long long)f->min,
                                     (unsigned long long)f->max);
            }
            *(uint64_t *)((char *)cfg + f->off) = v;
        } else {
            char *copy = slc_arena_strdup(&cfg->arena, value);

            if (!copy) {
                return slc_error_set(err, SLC_ENOMEM, "out of memory");
            }
            *(const char **)((char *)cfg + f->off) = copy;
        }
        return 0;
    }
    return slc_error_set(err, SLC_EINVALID, "unknown configuration key '%s'",
                         key);
}

int
slc_config_finish(struct slc_config *cfg, struct slc_error *err)
{
    if (slc_log_level_from_name(cfg->log_level) < 0) {
        return slc_error_set(err, SLC_EINVALID,
                             "log_level: '%s' is not one of error, warn, "
                             "info, debug",
                             cfg->log_level);
    }
    if (strcmp(cfg->tls, "auto") && strcmp(cfg->tls, "off")) {
        return slc_error_set(err, SLC_EINVALID,
                             "tls: '%s' is not one of auto (HTTPS, with "
                             "tls_cert and tls_key or a self-signed "
                             "certificate) or off (plain HTTP)",
                             cfg->tls);
    }
    if (!strcmp(cfg->tls, "off") && (cfg->tls_cert || cfg->tls_key)) {
        return slc_error_set(err, SLC_EINVALID,
                             "tls: off serves plain HTTP, but %s is set",
                             cfg->tls_cert ? "tls_cert" : "tls_key");
    }
    if (!cfg->tls_cert != !cfg->tls_key) {
        return slc_error_set(err, SLC_EINVALID,
                             "tls_cert and tls_key go together (only %s is "
                             "set)",
                             cfg->tls_cert ? "tls_cert" : "tls_key");
    }
    if (!cfg->store) {
        size_t len = strlen(cfg->state_dir) + 32;
        char *loc = slc_arena_alloc(&cfg->arena, len);

        if (!loc) {
            return slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
        snprintf(loc, len, "sqlite:%s/slicer.db", cfg->state_dir);
        cfg->store = loc;
    }
    return 0;
}

void
slc_config_clear(struct slc_config *cfg)
{
    slc_arena_free(&cfg->arena);
    slc_yaml_free(cfg->doc);
    cfg->doc = NULL;
}
