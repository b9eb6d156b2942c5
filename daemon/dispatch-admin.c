/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The admin program (virt-admin) on the admin socket: version, servers,
 * their clients, worker pools and client limits.
 */
#include "daemon/dispatch-admin.h"

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <string.h>

#include "daemon/dispatch.h"
#include "daemon/protocol/virtkvm_admin.h"
#include "daemon/protocol/proctable.h"
#include "util/error.h"
#include "util/i18n.h"

#define ADMIN_LIB_VERSION 9000000ULL
#define ADMIN_TRANSPORT_UNIX 0   /* VIR_CLIENT_TRANS_UNIX */

typedef int (*AdminFunc)(Client *client, void *args, void *ret);

typedef struct {
    AdminFunc func;
    xdrproc_t args_filter;
    size_t args_size;
    xdrproc_t ret_filter;
    size_t ret_size;
} AdminEntry;

static Server *
admin_find_server(Client *client, const char *name)
{
    Daemon *d = daemon_of(client);

    if (g_strcmp0(name, d->srv->name) == 0)
        return d->srv;
    if (g_strcmp0(name, d->admin->name) == 0)
        return d->admin;
    error_report(VK_FROM_ADMIN, VK_ERR_NO_SERVER,
                 _("no server with matching name '%1$s'"), name);
    return NULL;
}

static int
admin_open(Client *client, void *args, void *ret)
{
    int rc = 0;

    g_mutex_lock(&client->lock);
    if (client->opened) {
        error_report(VK_FROM_ADMIN, VK_ERR_INTERNAL_ERROR, "%s",
                     _("connection already open"));
        rc = -1;
    }
    client->opened = true;
    g_mutex_unlock(&client->lock);
    return rc;
}

static int
admin_close(Client *client, void *args, void *ret)
{
    client_close_after_flush(client);
    return 0;
}

static int
admin_lib_version(Client *client, void *args, void *retp)
{
    admin_connect_get_lib_version_ret *ret = retp;

    ret->libVer = ADMIN_LIB_VERSION;
    return 0;
}

static int
admin_list_servers(Client *client, void *argsp, void *retp)
{
    admin_connect_list_servers_args *args = argsp;
    admin_connect_list_servers_ret *ret = retp;
    Daemon *d = daemon_of(client);

    ret->ret = 2;
    if (args->need_results) {
        ret->servers.servers_len = 2;
        ret->servers.servers_val = g_new0(admin_nonnull_server, 2);
        ret->servers.servers_val[0].name = g_strdup(d->srv->name);
        ret->servers.servers_val[1].name = g_strdup(d->admin->name);
    }
    return 0;
}

static int
admin_lookup_server(Client *client, void *argsp, void *retp)
{
    admin_connect_lookup_server_args *args = argsp;
    admin_connect_lookup_server_ret *ret = retp;
    Server *srv = admin_find_server(client, args->name);

    if (!srv)
        return -1;
    ret->srv.name = g_strdup(srv->name);
    return 0;
}

static void
param_uint(admin_typed_param *p, const char *field, unsigned v)
{
    p->field = g_strdup(field);
    p->value.type = 2;
    p->value.admin_typed_param_value_u.ui = v;
}

static void
param_int(admin_typed_param *p, const char *field, int v)
{
    p->field = g_strdup(field);
    p->value.type = 1;
    p->value.admin_typed_param_value_u.i = v;
}

static void
param_bool(admin_typed_param *p, const char *field, bool v)
{
    p->field = g_strdup(field);
    p->value.type = 6;
    p->value.admin_typed_param_value_u.b = v;
}

static void
param_string(admin_typed_param *p, const char *field, const char *v)
{
    p->field = g_strdup(field);
    p->value.type = 7;
    p->value.admin_typed_param_value_u.s = g_strdup(v ? v : "");
}

static int
admin_threadpool_info(Client *client, void *argsp, void *retp)
{
    admin_server_get_threadpool_parameters_args *args = argsp;
    admin_server_get_threadpool_parameters_ret *ret = retp;
    Server *srv = admin_find_server(client, args->srv.name);
    int nworkers, nfree, depth;
    ServerLimits l;
    admin_typed_param *p;

    if (!srv)
        return -1;
    g_mutex_lock(&srv->lock);
    l = srv->limits;
    g_mutex_unlock(&srv->lock);
    server_get_pool_info(srv, &nworkers, &nfree, &depth);
    p = ret->params.params_val = g_new0(admin_typed_param, 6);
    ret->params.params_len = 6;
    param_uint(&p[0], "minWorkers", (unsigned) l.min_workers);
    param_uint(&p[1], "maxWorkers", (unsigned) l.max_workers);
    param_uint(&p[2], "nWorkers", (unsigned) nworkers);
    param_uint(&p[3], "freeWorkers", (unsigned) nfree);
    param_uint(&p[4], "prioWorkers", (unsigned) l.prio_workers);
    param_uint(&p[5], "jobQueueDepth", (unsigned) depth);
    return 0;
}

static void
admin_fill_client(admin_nonnull_client *out, Server *srv, Client *c)
{
    out->srv.name = g_strdup(srv->name);
    out->id = c->id;
    out->timestamp = c->connect_time;
    out->transport = ADMIN_TRANSPORT_UNIX;
}

static int
admin_list_clients(Client *client, void *argsp, void *retp)
{
    admin_server_list_clients_args *args = argsp;
    admin_server_list_clients_ret *ret = retp;
    Server *srv = admin_find_server(client, args->srv.name);
    g_autoptr(GPtrArray) clients = NULL;

    if (!srv)
        return -1;
    clients = server_list_clients(srv);
    ret->ret = clients->len;
    if (!args->need_results)
        return 0;
    ret->clients.clients_len = MIN(clients->len, (guint) ADMIN_CLIENT_LIST_MAX);
    ret->clients.clients_val = g_new0(admin_nonnull_client, ret->clients.clients_len);
    for (guint i = 0; i < ret->clients.clients_len; i++)
        admin_fill_client(&ret->clients.clients_val[i], srv,
                          g_ptr_array_index(clients, i));
    return 0;
}

static Client *
admin_get_client(Client *client, const admin_nonnull_client *ref, Server **srvp)
{
    Server *srv = admin_find_server(client, ref->srv.name);
    Client *c;

    if (!srv)
        return NULL;
    c = server_lookup_client(srv, ref->id);
    if (!c) {
        error_report(VK_FROM_ADMIN, VK_ERR_NO_CLIENT,
                     _("no client with matching id '%1$llu'"),
                     (unsigned long long) ref->id);
        return NULL;
    }
    *srvp = srv;
    return c;
}

static int
admin_lookup_client(Client *client, void *argsp, void *retp)
{
    admin_server_lookup_client_args *args = argsp;
    admin_server_lookup_client_ret *ret = retp;
    admin_nonnull_client ref = { args->srv, args->id, 0, 0 };
    Server *srv = NULL;
    g_autoptr(Client) c = admin_get_client(client, &ref, &srv);

    if (!c)
        return -1;
    admin_fill_client(&ret->clnt, srv, c);
    return 0;
}

static int
admin_client_info(Client *client, void *argsp, void *retp)
{
    admin_client_get_info_args *args = argsp;
    admin_client_get_info_ret *ret = retp;
    Server *srv = NULL;
    g_autoptr(Client) c = admin_get_client(client, &args->clnt, &srv);
    struct passwd *pw;
    struct group *gr;
    admin_typed_param *p;
    unsigned n = 0;

    if (!c)
        return -1;
    p = ret->params.params_val = g_new0(admin_typed_param, 7);
    param_bool(&p[n++], "readonly", c->readonly);
    param_string(&p[n++], "sock_addr", c->sock_addr);
    param_int(&p[n++], "unix_user_id", (int) c->uid);
    pw = getpwuid(c->uid);
    param_string(&p[n++], "unix_user_name", pw ? pw->pw_name : "");
    param_int(&p[n++], "unix_group_id", (int) c->gid);
    gr = getgrgid(c->gid);
    param_string(&p[n++], "unix_group_name", gr ? gr->gr_name : "");
    param_int(&p[n++], "unix_process_id", (int) c->pid);
    ret->params.params_len = n;
    return 0;
}

static int
admin_client_close(Client *client, void *argsp, void *retp)
{
    admin_client_close_args *args = argsp;
    Server *srv = NULL;
    g_autoptr(Client) c = admin_get_client(client, &args->clnt, &srv);

    if (!c)
        return -1;
    client_close(c);
    return 0;
}

static int
admin_client_limits(Client *client, void *argsp, void *retp)
{
    admin_server_get_client_limits_args *args = argsp;
    admin_server_get_client_limits_ret *ret = retp;
    Server *srv = admin_find_server(client, args->srv.name);
    admin_typed_param *p;

    if (!srv)
        return -1;
    p = ret->params.params_val = g_new0(admin_typed_param, 4);
    ret->params.params_len = 4;
    g_mutex_lock(&srv->lock);
    param_uint(&p[0], "nclients_max", (unsigned) srv->limits.max_clients);
    param_uint(&p[1], "nclients", (unsigned) srv->nclients);
    param_uint(&p[2], "nclients_unauth_max",
               (unsigned) srv->limits.max_anonymous_clients);
    param_uint(&p[3], "nclients_unauth", (unsigned) srv->nanonymous);
    g_mutex_unlock(&srv->lock);
    return 0;
}

/* Reads an unsigned typed parameter; -1 if absent, -2 if mistyped. */
static long long
param_get_uint(const admin_typed_param *params, u_int n, const char *field)
{
    for (u_int i = 0; i < n; i++) {
        if (strcmp(params[i].field, field) != 0)
            continue;
        if (params[i].value.type != 2) {
            error_report(VK_FROM_ADMIN, VK_ERR_INVALID_ARG,
                         _("parameter '%1$s' must be an unsigned int"), field);
            return -2;
        }
        return params[i].value.admin_typed_param_value_u.ui;
    }
    return -1;
}

/* Applies the named unsigned parameters to limit fields of srv. */
static int
admin_update_limits(Server *srv, const admin_typed_param *params, u_int n,
                    const char *const *fields, size_t nfields, size_t *offsets)
{
    ServerLimits l;

    g_mutex_lock(&srv->lock);
    l = srv->limits;
    g_mutex_unlock(&srv->lock);
    for (size_t i = 0; i < nfields; i++) {
        long long v = param_get_uint(params, n, fields[i]);

        if (v == -2)
            return -1;
        if (v >= 0) {
            if (v > G_MAXINT) {
                error_report(VK_FROM_ADMIN, VK_ERR_INVALID_ARG,
                             _("parameter '%1$s' is too large"), fields[i]);
                return -1;
            }
            *(int *) ((char *) &l + offsets[i]) = (int) v;
        }
    }
    if (l.max_workers < 1 || l.min_workers > l.max_workers) {
        error_report(VK_FROM_ADMIN, VK_ERR_INVALID_ARG, "%s",
                     _("maxWorkers must be at least 1 and not below minWorkers"));
        return -1;
    }
    server_set_limits(srv, &l);
    return 0;
}

static int
admin_set_threadpool(Client *client, void *argsp, void *retp)
{
    admin_server_set_threadpool_parameters_args *args = argsp;
    Server *srv = admin_find_server(client, args->srv.name);
    static const char *const fields[] = { "minWorkers", "maxWorkers", "prioWorkers" };
    size_t offsets[] = { offsetof(ServerLimits, min_workers),
                         offsetof(ServerLimits, max_workers),
                         offsetof(ServerLimits, prio_workers) };

    if (!srv)
        return -1;
    return admin_update_limits(srv, args->params.params_val, args->params.params_len,
                               fields, G_N_ELEMENTS(fields), offsets);
}

static int
admin_set_client_limits(Client *client, void *argsp, void *retp)
{
    admin_server_set_client_limits_args *args = argsp;
    Server *srv = admin_find_server(client, args->srv.name);
    static const char *const fields[] = { "nclients_max", "nclients_unauth_max" };
    size_t offsets[] = { offsetof(ServerLimits, max_clients),
                         offsetof(ServerLimits, max_anonymous_clients) };

    if (!srv)
        return -1;
    return admin_update_limits(srv, args->params.params_val, args->params.params_len,
                               fields, G_N_ELEMENTS(fields), offsets);
}

#define ADMIN_ROW(fn, args_t, ret_t) \
    { fn, (xdrproc_t) xdr_##args_t, sizeof(args_t), (xdrproc_t) xdr_##ret_t, sizeof(ret_t) }
#define ADMIN_ROW_NORET(fn, args_t) \
    { fn, (xdrproc_t) xdr_##args_t, sizeof(args_t), NULL, 0 }

static const AdminEntry admin_entries[] = {
    [1] = ADMIN_ROW_NORET(admin_open, admin_connect_open_args),
    [2] = { admin_close, NULL, 0, NULL, 0 },
    [3] = { admin_lib_version, NULL, 0,
            (xdrproc_t) xdr_admin_connect_get_lib_version_ret,
            sizeof(admin_connect_get_lib_version_ret) },
    [4] = ADMIN_ROW(admin_list_servers, admin_connect_list_servers_args,
                    admin_connect_list_servers_ret),
    [5] = ADMIN_ROW(admin_lookup_server, admin_connect_lookup_server_args,
                    admin_connect_lookup_server_ret),
    [6] = ADMIN_ROW(admin_threadpool_info, admin_server_get_threadpool_parameters_args,
                    admin_server_get_threadpool_parameters_ret),
    [7] = ADMIN_ROW_NORET(admin_set_threadpool, admin_server_set_threadpool_parameters_args),
    [8] = ADMIN_ROW(admin_list_clients, admin_server_list_clients_args,
                    admin_server_list_clients_ret),
    [9] = ADMIN_ROW(admin_lookup_client, admin_server_lookup_client_args,
                    admin_server_lookup_client_ret),
    [10] = ADMIN_ROW(admin_client_info, admin_client_get_info_args,
                     admin_client_get_info_ret),
    [11] = ADMIN_ROW_NORET(admin_client_close, admin_client_close_args),
    [12] = ADMIN_ROW(admin_client_limits, admin_server_get_client_limits_args,
                     admin_server_get_client_limits_ret),
    [13] = ADMIN_ROW_NORET(admin_set_client_limits, admin_server_set_client_limits_args),
};

static int
admin_check(Client *client, const Message *msg, const AdminEntry **ep)
{
    const char *name;
    bool opened;
    int proc = msg->hdr.proc;

    if (msg->hdr.prog != ADMIN_PROGRAM || msg->hdr.vers != ADMIN_PROTOCOL_VERSION) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, _("Cannot find program %1$d version %2$d"),
                     (int) msg->hdr.prog, (int) msg->hdr.vers);
        return -1;
    }
    name = (proc > 0 && (size_t) proc < proctable_admin_nprocs) ?
        proctable_admin_procs[proc].name : NULL;
    if (!name) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, _("unknown procedure: %1$d"), proc);
        return -1;
    }
    g_mutex_lock(&client->lock);
    opened = client->opened;
    g_mutex_unlock(&client->lock);
    if (!opened && proc != 1) {
        error_report(VK_FROM_RPC, VK_ERR_INTERNAL_ERROR, "%s",
                     _("connection not open"));
        return -1;
    }
    if ((size_t) proc >= G_N_ELEMENTS(admin_entries) || !admin_entries[proc].func) {
        error_report(VK_FROM_ADMIN, VK_ERR_NO_SUPPORT, "%s", name);
        return -1;
    }
    *ep = &admin_entries[proc];
    return 0;
}

static void
admin_dispatch(Client *client, Message *msg)
{
    g_autoptr(Message) G_GNUC_UNUSED owned = msg;
    const AdminEntry *e = NULL;
    g_autofree void *args = NULL;
    g_autofree void *retobj = NULL;
    int ret = -1;

    error_reset();
    if (admin_check(client, msg, &e) == 0) {
        args = g_malloc0(MAX(e->args_size, 1));
        retobj = g_malloc0(MAX(e->ret_size, 1));
        if ((e->args_filter &&
             packet_payload_decode(msg->buf->data, msg->buf->len, msg->payload_off,
                                   e->args_filter, args) < 0) ||
            (!e->args_filter && msg->payload_off != msg->buf->len)) {
            error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                         _("Unable to decode message payload"));
        } else {
            ret = e->func(client, args, retobj);
            if (e->args_filter)
                xdr_free(e->args_filter, args);
        }
    }
    dispatch_send_reply(client, &msg->hdr, ret, e ? e->ret_filter : NULL,
                        retobj, NULL);
    if (ret == 0 && e->ret_filter)
        xdr_free(e->ret_filter, retobj);
}

static CallQueue
admin_classify(Client *client, const Message *msg)
{
    return CALL_QUEUE_NORMAL;
}

const ServerProgram dispatch_admin_program = {
    .classify = admin_classify,
    .dispatch = admin_dispatch,
    .no_auth = true,
};
