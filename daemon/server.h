/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A server: listening sockets, the clients accepted on them, the worker
 * pools calls run on, and the limits (max_clients, max_anonymous_clients,
 * max_client_requests, keepalive).  virtkvmd runs two: "virtkvmd" (the
 * remote program on the read-write and read-only sockets) and "admin".
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "daemon/client.h"
#include "daemon/config.h"

typedef enum {
    CALL_QUEUE_NORMAL,     /* the worker pool */
    CALL_QUEUE_PRIORITY,   /* the priority workers */
    CALL_QUEUE_INLINE,     /* instant: answered on the main loop */
} CallQueue;

/* The program a server speaks: dispatch runs on a worker (or inline). */
typedef struct {
    CallQueue (*classify)(Client *client, const Message *call);
    void (*dispatch)(Client *client, Message *call);
    /* A client is going away: drop its program state (main loop). */
    void (*client_closed)(Client *client);
    /* Clients need no authentication call (admin socket: perms only). */
    bool no_auth;
} ServerProgram;

typedef struct {
    int max_clients;
    int max_anonymous_clients;
    int anonymous_timeout;
    int max_client_requests;
    int keepalive_interval;
    int keepalive_count;
    int min_workers;
    int max_workers;
    int prio_workers;
} ServerLimits;

struct _Server {
    char *name;
    GMainContext *ctx;
    const ServerProgram *program;
    gpointer opaque;              /* the Daemon */

    GMutex lock;
    ServerLimits limits;          /* lock */
    GHashTable *clients;          /* lock; id -> Client */
    guint64 next_client_id;       /* lock */
    int nclients;                 /* lock */
    int nanonymous;               /* lock; not yet authenticated */
    GPtrArray *listeners;         /* main loop */
    bool accepting;               /* main loop */
    gint inflight;                /* atomic: calls being processed */
    gint busy_workers;            /* atomic */
    gint busy_normal;             /* atomic: of them, normal workers */

    GThreadPool *workers;
    GThreadPool *prio_pool;
    guint timer_id;
};

Server *server_new(const char *name, GMainContext *ctx,
                   const ServerProgram *program, const ServerLimits *limits,
                   gpointer opaque);
void server_free(Server *srv);

/* Fills limits for the "virtkvmd" or "admin" server from the config. */
void server_limits_from_config(ServerLimits *limits, const DaemonConfig *cfg,
                               bool admin);

/* Applies new limits (SIGHUP, virt-admin): pools are resized. */
void server_set_limits(Server *srv, const ServerLimits *limits);

/* Starts accepting on a listening socket fd (takes it). */
int server_add_listener(Server *srv, int fd, bool readonly, const char *path);

/* Stops accepting new connections (shutdown). */
void server_stop_accepting(Server *srv);

/* Calls in flight or queued on this server's workers. */
int server_inflight(Server *srv);

/* Closes every client (shutdown, after draining). */
void server_close_all(Server *srv);

/* A client finished authenticating (leaves the anonymous count). */
void server_client_authenticated(Server *srv, Client *client);

/* Called by client.c when a client is finally closed (main loop). */
void server_remove_client(Server *srv, Client *client);

/* Looks up a client by id (new reference) or NULL. */
Client *server_lookup_client(Server *srv, guint64 id);

/* A snapshot of the clients (new references), ordered by id. */
GPtrArray *server_list_clients(Server *srv);

/* Worker pool figures for virt-admin srv-threadpool-info. */
void server_get_pool_info(Server *srv, int *nworkers, int *free_workers,
                          int *queue_depth);

/* Called by client.c for each complete CALL packet (main loop). */
void server_dispatch_call(Server *srv, Client *client, Message *call);
