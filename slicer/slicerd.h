/* The daemon's context: everything a REST handler or an engine callback
 * reaches, passed explicitly (no globals).  Built by slicerd.c. */
#ifndef SLC_SLICERD_H
#define SLC_SLICERD_H

#include "config.h"
#include "sdn.h"
#include "slc-store.h"
#include "vim.h"

struct event_base;
struct slc_http_server;
struct slc_engine;
struct slc_auth_cache;
struct slc_http_client;
struct slc_slicer;
struct slc_notifier;

struct slc_daemon {
    struct slc_config cfg;
    struct slc_store *st;
    struct event_base *base;
    struct slc_http_server *http;
    struct slc_http_client *http_out; /* outbound HTTP on the loop */
    struct slc_vim_registry vim_classes;
    struct slc_sdn_registry sdn_classes;
    struct slc_engine *engine;
    struct slc_slicer *slicer; /* the slice manager */
    struct slc_notifier *notifier; /* subscriptions, notifications */
    struct slc_auth_cache *tokens; /* tokens already checked */
    double (*now)(void);      /* wall clock, injectable */
};

#endif
