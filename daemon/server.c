/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/server.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon/keepalive.h"
#include "util/log.h"

typedef struct {
    Server *srv;
    int fd;
    bool readonly;
    char *path;
    GSource *source;
} Listener;

typedef struct {
    Client *client;
    Message *call;
} CallJob;

static void
listener_free(Listener *l)
{
    if (l->source) {
        g_source_destroy(l->source);
        g_source_unref(l->source);
    }
    if (l->fd >= 0)
        close(l->fd);
    g_free(l->path);
    g_free(l);
}

static void
server_run_job(gpointer data, gpointer user_data)
{
    CallJob *job = data;
    Server *srv = user_data;

    g_atomic_int_inc(&srv->busy_workers);
    srv->program->dispatch(job->client, job->call);
    client_call_done(job->client);
    client_unref(job->client);
    g_free(job);
    g_atomic_int_add(&srv->busy_workers, -1);
}

/* Normal workers: also counted apart, so priority calls know whether one
 * of them is free. */
static void
server_run_normal_job(gpointer data, gpointer user_data)
{
    Server *srv = user_data;

    g_atomic_int_inc(&srv->busy_normal);
    server_run_job(data, user_data);
    g_atomic_int_add(&srv->busy_normal, -1);
}

void
server_limits_from_config(ServerLimits *limits, const DaemonConfig *cfg,
                          bool admin)
{
    limits->max_clients = admin ? cfg->admin_max_clients : cfg->max_clients;
    limits->max_anonymous_clients = cfg->max_anonymous_clients;
    limits->anonymous_timeout = cfg->anonymous_timeout;
    limits->max_client_requests = cfg->max_client_requests;
    limits->keepalive_interval = cfg->keepalive_interval;
    limits->keepalive_count = cfg->keepalive_count;
    limits->min_workers = admin ? 1 : cfg->min_workers;
    limits->max_workers = admin ? cfg->admin_max_workers : cfg->max_workers;
    limits->prio_workers = admin ? 0 : cfg->prio_workers;
}

static void server_enforce_anonymous_limit(Server *srv);

static gboolean
server_timer_cb(gpointer data)
{
    Server *srv = data;
    g_autoptr(GPtrArray) clients = server_list_clients(srv);
    gint64 now = g_get_monotonic_time();
    ServerLimits limits;

    g_mutex_lock(&srv->lock);
    limits = srv->limits;
    g_mutex_unlock(&srv->lock);
    for (guint i = 0; i < clients->len; i++)
        keepalive_check_client(g_ptr_array_index(clients, i), &limits, now);
    server_enforce_anonymous_limit(srv);
    return G_SOURCE_CONTINUE;
}

Server *
server_new(const char *name, GMainContext *ctx, const ServerProgram *program,
           const ServerLimits *limits, gpointer opaque)
{
    Server *srv = g_new0(Server, 1);
    GSource *timer;

    srv->name = g_strdup(name);
    srv->ctx = g_main_context_ref(ctx);
    srv->program = program;
    srv->opaque = opaque;
    g_mutex_init(&srv->lock);
    srv->limits = *limits;
    srv->clients = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL,
                                         (GDestroyNotify) client_unref);
    srv->listeners = g_ptr_array_new_with_free_func((GDestroyNotify) listener_free);
    srv->accepting = true;
    srv->workers = g_thread_pool_new(server_run_normal_job, srv,
                                     MAX(limits->max_workers, 1), FALSE, NULL);
    if (limits->prio_workers > 0)
        srv->prio_pool = g_thread_pool_new(server_run_job, srv,
                                           limits->prio_workers, FALSE, NULL);
    timer = g_timeout_source_new_seconds(1);
    g_source_set_callback(timer, server_timer_cb, srv, NULL);
    srv->timer_id = g_source_attach(timer, ctx);
    g_source_unref(timer);
    return srv;
}

void
server_free(Server *srv)
{
    GSource *timer;

    if (!srv)
        return;
    timer = g_main_context_find_source_by_id(srv->ctx, srv->timer_id);
    if (timer)
        g_source_destroy(timer);
    g_ptr_array_unref(srv->listeners);
    {
        g_autoptr(GPtrArray) clients = server_list_clients(srv);

        for (guint i = 0; i < clients->len; i++)
            client_stop(g_ptr_array_index(clients, i));
    }
    g_thread_pool_free(srv->workers, FALSE, TRUE);
    if (srv->prio_pool)
        g_thread_pool_free(srv->prio_pool, FALSE, TRUE);
    g_hash_table_unref(srv->clients);
    g_main_context_unref(srv->ctx);
    g_mutex_clear(&srv->lock);
    g_free(srv->name);
    g_free(srv);
}

void
server_set_limits(Server *srv, const ServerLimits *limits)
{
    g_mutex_lock(&srv->lock);
    srv->limits = *limits;
    g_mutex_unlock(&srv->lock);
    g_thread_pool_set_max_threads(srv->workers, MAX(limits->max_workers, 1), NULL);
    if (srv->prio_pool && limits->prio_workers > 0)
        g_thread_pool_set_max_threads(srv->prio_pool, limits->prio_workers, NULL);
}

/* Unauthenticated connections younger than this are never evicted: a
 * well-behaved client authenticates well within it. */
#define SERVER_ANON_GRACE_US (G_USEC_PER_SEC)

/* The best connection to evict while too many are unauthenticated: past
 * the grace period, silent ones first, oldest first.  A client that has
 * spoken is not evicted while silent ones are still within their grace:
 * they become candidates within a second, and a loaded machine can delay
 * a well-behaved client's authentication past the grace. */
static Client *
server_eviction_candidate_locked(Server *srv, gint64 now)
{
    GHashTableIter it;
    gpointer value;
    Client *best = NULL;
    bool silent_in_grace = false;

    g_hash_table_iter_init(&it, srv->clients);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        Client *c = value;

        if (!c->counted_anonymous)
            continue;
        if (now - c->connect_mono < SERVER_ANON_GRACE_US) {
            silent_in_grace |= !c->seen_data;
            continue;
        }
        if (!best || (!c->seen_data && best->seen_data) ||
            (c->seen_data == best->seen_data && c->id < best->id))
            best = c;
    }
    if (best && best->seen_data && silent_in_grace)
        return NULL;
    return best;
}

/*
 * max_anonymous_clients: libvirtd stops accepting at the limit, so idle
 * connections lock every new client out.  Here new connections are always
 * accepted (up to max_clients) and the excess is evicted once it is past
 * the grace period, so silent connections cannot keep good clients out.
 * Main loop.
 */
static void
server_enforce_anonymous_limit(Server *srv)
{
    g_autoptr(GPtrArray) evict = g_ptr_array_new_with_free_func(
        (GDestroyNotify) client_unref);
    gint64 now = g_get_monotonic_time();

    g_mutex_lock(&srv->lock);
    while (srv->nanonymous > MAX(srv->limits.max_anonymous_clients, 1)) {
        Client *c = server_eviction_candidate_locked(srv, now);

        if (!c)
            break;
        c->counted_anonymous = false;
        srv->nanonymous--;
        g_ptr_array_add(evict, client_ref(c));
    }
    g_mutex_unlock(&srv->lock);
    for (guint i = 0; i < evict->len; i++) {
        Client *c = g_ptr_array_index(evict, i);

        log_debug("server %s: evicting unauthenticated client %" G_GUINT64_FORMAT,
                  srv->name, c->id);
        client_close(c);
    }
}

static void
server_accept_one(Listener *l, int fd)
{
    Server *srv = l->srv;
    Client *client;

    g_mutex_lock(&srv->lock);
    if (srv->nclients >= srv->limits.max_clients) {
        g_mutex_unlock(&srv->lock);
        log_warning("server %s: max_clients (%d) reached, connection refused",
                    srv->name, srv->limits.max_clients);
        close(fd);
        return;
    }
    client = client_new(srv, fd, l->readonly, l->path);
    client->id = ++srv->next_client_id;
    if (srv->program->no_auth) {
        client->authenticated = true;
    } else {
        client->counted_anonymous = true;
        srv->nanonymous++;
    }
    srv->nclients++;
    g_hash_table_insert(srv->clients, &client->id, client);
    g_mutex_unlock(&srv->lock);

    client_start(client);
    server_enforce_anonymous_limit(srv);
}

static gboolean
server_accept_cb(gint fd, GIOCondition cond, gpointer data)
{
    Listener *l = data;

    for (int i = 0; i < 64; i++) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (cfd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
                errno != ECONNABORTED)
                log_warning("accept on %s: %s", l->path, g_strerror(errno));
            break;
        }
        server_accept_one(l, cfd);
    }
    return G_SOURCE_CONTINUE;
}

int
server_add_listener(Server *srv, int fd, bool readonly, const char *path)
{
    Listener *l = g_new0(Listener, 1);

    l->srv = srv;
    l->fd = fd;
    l->readonly = readonly;
    l->path = g_strdup(path);
    l->source = g_unix_fd_source_new(fd, G_IO_IN);
    g_source_set_callback(l->source, G_SOURCE_FUNC(server_accept_cb), l, NULL);
    g_source_attach(l->source, srv->ctx);
    g_ptr_array_add(srv->listeners, l);
    return 0;
}

void
server_stop_accepting(Server *srv)
{
    srv->accepting = false;
    for (guint i = 0; i < srv->listeners->len; i++) {
        Listener *l = g_ptr_array_index(srv->listeners, i);

        if (l->source) {
            g_source_destroy(l->source);
            g_clear_pointer(&l->source, g_source_unref);
        }
    }
}

int
server_inflight(Server *srv)
{
    return g_atomic_int_get(&srv->inflight);
}

void
server_close_all(Server *srv)
{
    g_autoptr(GPtrArray) clients = server_list_clients(srv);

    for (guint i = 0; i < clients->len; i++)
        client_close(g_ptr_array_index(clients, i));
}

void
server_client_authenticated(Server *srv, Client *client)
{
    g_mutex_lock(&srv->lock);
    if (client->counted_anonymous) {
        client->counted_anonymous = false;
        srv->nanonymous--;
    }
    g_mutex_unlock(&srv->lock);
}

void
server_remove_client(Server *srv, Client *client)
{
    g_mutex_lock(&srv->lock);
    if (client->counted_anonymous) {
        client->counted_anonymous = false;
        srv->nanonymous--;
    }
    if (g_hash_table_lookup(srv->clients, &client->id) == client) {
        srv->nclients--;
        g_hash_table_remove(srv->clients, &client->id);
    }
    g_mutex_unlock(&srv->lock);
}

Client *
server_lookup_client(Server *srv, guint64 id)
{
    Client *client;

    g_mutex_lock(&srv->lock);
    client = g_hash_table_lookup(srv->clients, &id);
    if (client)
        client_ref(client);
    g_mutex_unlock(&srv->lock);
    return client;
}

static gint
client_cmp_id(gconstpointer a, gconstpointer b)
{
    const Client *ca = *(Client * const *) a;
    const Client *cb = *(Client * const *) b;

    return ca->id < cb->id ? -1 : ca->id > cb->id;
}

GPtrArray *
server_list_clients(Server *srv)
{
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify) client_unref);
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&srv->lock);
    g_hash_table_iter_init(&it, srv->clients);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(list, client_ref(value));
    g_mutex_unlock(&srv->lock);
    g_ptr_array_sort(list, client_cmp_id);
    return list;
}

void
server_get_pool_info(Server *srv, int *nworkers, int *free_workers,
                     int *queue_depth)
{
    int busy = g_atomic_int_get(&srv->busy_workers);

    *nworkers = (int) g_thread_pool_get_num_threads(srv->workers);
    if (srv->prio_pool)
        *nworkers += (int) g_thread_pool_get_num_threads(srv->prio_pool);
    *free_workers = MAX(*nworkers - busy, 0);
    *queue_depth = (int) g_thread_pool_unprocessed(srv->workers);
}

void
server_dispatch_call(Server *srv, Client *client, Message *call)
{
    CallQueue queue = srv->program->classify(client, call);
    CallJob *job;

    if (queue == CALL_QUEUE_INLINE) {
        srv->program->dispatch(client, call);
        client_call_done(client);
        return;
    }
    job = g_new0(CallJob, 1);
    job->client = client_ref(client);
    job->call = call;
    /* As libvirtd: a priority call takes a normal worker when one is free
     * and the priority workers when slow calls occupy them all. */
    if (queue == CALL_QUEUE_PRIORITY && srv->prio_pool &&
        (g_atomic_int_get(&srv->busy_normal) >= (int) g_thread_pool_get_max_threads(srv->workers) ||
         g_thread_pool_unprocessed(srv->workers) > 0))
        g_thread_pool_push(srv->prio_pool, job, NULL);
    else
        g_thread_pool_push(srv->workers, job, NULL);
}
