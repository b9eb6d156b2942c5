/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Connection procedures: authentication, open/close, feature probes and
 * the facts about the daemon itself.
 */
#include <string.h>

#include "daemon/dispatch.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/error.h"
#include "util/i18n.h"

/* The libvirt API level whose protocol virtkvmd implements. */
#define DISPATCH_LIB_VERSION 9000000ULL
#define CONNECT_RO 1   /* VIR_CONNECT_RO */

/* VIR_DRV_FEATURE_* numbers and whether virtkvmd supports them. */
enum {
    FEATURE_FD_PASSING = 8,
    FEATURE_TYPED_PARAM_STRING = 9,
    FEATURE_PROGRAM_KEEPALIVE = 10,
    FEATURE_REMOTE_EVENT_CALLBACK = 14,
    FEATURE_REMOTE_CLOSE_CALLBACK = 15,
};

static int
connect_auth_list(DispatchCall *call, void *args, void *retp)
{
    remote_auth_list_ret *ret = retp;

    /* UNIX sockets need no authentication call (the socket's mode is the
     * access control); polkit for unprivileged peers comes later. */
    ret->types.types_len = 1;
    ret->types.types_val = g_new0(remote_auth_type, 1);
    ret->types.types_val[0] = REMOTE_AUTH_NONE;
    g_mutex_lock(&call->client->lock);
    call->client->authenticated = true;
    g_mutex_unlock(&call->client->lock);
    server_client_authenticated(call->client->srv, call->client);
    return 0;
}

static bool
connect_client_opened(Client *client)
{
    bool opened;

    g_mutex_lock(&client->lock);
    opened = client->opened;
    g_mutex_unlock(&client->lock);
    return opened;
}

static int
connect_supports_feature(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_supports_feature_args *args = argsp;
    remote_connect_supports_feature_ret *ret = retp;

    /* Answered by the RPC layer even before CONNECT_OPEN, like libvirtd. */
    if (args->feature == FEATURE_PROGRAM_KEEPALIVE) {
        g_mutex_lock(&call->client->lock);
        call->client->keepalive_enabled = true;
        g_mutex_unlock(&call->client->lock);
        ret->supported = 1;
        return 0;
    }
    if (!connect_client_opened(call->client)) {
        error_report(VK_FROM_RPC, VK_ERR_INTERNAL_ERROR, "%s",
                     _("hypervisor connection not open"));
        return -1;
    }
    switch (args->feature) {
    case FEATURE_FD_PASSING:
    case FEATURE_TYPED_PARAM_STRING:
    case FEATURE_REMOTE_EVENT_CALLBACK:
    case FEATURE_REMOTE_CLOSE_CALLBACK:
        ret->supported = 1;
        break;
    default:
        /* Migration features until migration exists; unknown ones. */
        ret->supported = 0;
        break;
    }
    return 0;
}

/* The names a client may send: NULL/"" (default), qemu:///system and its
 * transport forms (qemu+unix://..., query parameters stripped). */
static bool
connect_name_acceptable(const char *name)
{
    g_autofree char *scheme = NULL;
    const char *sep, *path, *query;
    size_t plen;

    if (!name || !*name)
        return true;
    sep = strstr(name, "://");
    if (!sep)
        return false;
    scheme = g_strndup(name, (size_t) (sep - name));
    if (strchr(scheme, '+'))
        *strchr(scheme, '+') = '\0';
    if (g_ascii_strcasecmp(scheme, "qemu") != 0 && g_ascii_strcasecmp(scheme, "kvm") != 0)
        return false;
    path = strchr(sep + 3, '/');
    if (!path)
        return false;
    query = strchr(path, '?');
    plen = query ? (size_t) (query - path) : strlen(path);
    return (plen == 7 && strncmp(path, "/system", 7) == 0) ||
           (plen == 8 && strncmp(path, "/session", 8) == 0);
}

static int
connect_open(DispatchCall *call, void *argsp, void *retp)
{
    remote_connect_open_args *args = argsp;
    const char *name = args->name ? *args->name : NULL;
    Client *client = call->client;
    int ret = -1;

    if (!connect_name_acceptable(name)) {
        error_report(VK_FROM_NONE, VK_ERR_NO_CONNECT, "%s", name);
        return -1;
    }
    g_mutex_lock(&client->lock);
    if (client->opened) {
        error_report(VK_FROM_RPC, VK_ERR_INTERNAL_ERROR, "%s",
                     _("connection already open"));
    } else {
        client->opened = true;
        if (args->flags & CONNECT_RO)
            client->readonly = true;
        ret = 0;
    }
    g_mutex_unlock(&client->lock);
    return ret;
}

static int
connect_close(DispatchCall *call, void *args, void *retp)
{
    g_mutex_lock(&call->client->lock);
    call->client->opened = false;
    g_mutex_unlock(&call->client->lock);
    call->close_after_reply = true;
    return 0;
}

static int
connect_get_type(DispatchCall *call, void *args, void *retp)
{
    remote_connect_get_type_ret *ret = retp;

    ret->type = g_strdup("virtkvm");
    return 0;
}

static int
connect_get_version(DispatchCall *call, void *args, void *retp)
{
    remote_connect_get_version_ret *ret = retp;

    ret->hv_ver = VERSION_NUMBER;
    return 0;
}

static int
connect_get_lib_version(DispatchCall *call, void *args, void *retp)
{
    remote_connect_get_lib_version_ret *ret = retp;

    ret->lib_ver = DISPATCH_LIB_VERSION;
    return 0;
}

static int
connect_get_uri(DispatchCall *call, void *args, void *retp)
{
    remote_connect_get_uri_ret *ret = retp;

    ret->uri = g_strdup("qemu:///system");
    return 0;
}

static int
connect_is_secure(DispatchCall *call, void *args, void *retp)
{
    remote_connect_is_secure_ret *ret = retp;

    ret->secure = 1;   /* UNIX sockets only */
    return 0;
}

static int
connect_set_close_callback(Client *client, bool on)
{
    g_mutex_lock(&client->lock);
    client->close_callback = on;
    g_mutex_unlock(&client->lock);
    return 0;
}

static int
connect_register_close_callback(DispatchCall *call, void *args, void *retp)
{
    return connect_set_close_callback(call->client, true);
}

static int
connect_unregister_close_callback(DispatchCall *call, void *args, void *retp)
{
    return connect_set_close_callback(call->client, false);
}

static const DispatchEntry connect_entries[] = {
    DISPATCH_ENTRY_NOARGS(66, connect_auth_list, remote_auth_list_ret,
                          DISPATCH_NO_AUTH | DISPATCH_NO_OPEN | DISPATCH_INLINE),
    DISPATCH_ENTRY(60, connect_supports_feature,
                   remote_connect_supports_feature_args,
                   remote_connect_supports_feature_ret,
                   DISPATCH_NO_OPEN | DISPATCH_INLINE),
    DISPATCH_ENTRY_NORET(1, connect_open, remote_connect_open_args,
                         DISPATCH_NO_OPEN | DISPATCH_INLINE),
    DISPATCH_ENTRY_VOID(2, connect_close, DISPATCH_INLINE),
    DISPATCH_ENTRY_NOARGS(3, connect_get_type, remote_connect_get_type_ret,
                          DISPATCH_INLINE),
    DISPATCH_ENTRY_NOARGS(4, connect_get_version, remote_connect_get_version_ret,
                          DISPATCH_INLINE),
    DISPATCH_ENTRY_NOARGS(157, connect_get_lib_version,
                          remote_connect_get_lib_version_ret, DISPATCH_INLINE),
    DISPATCH_ENTRY_NOARGS(110, connect_get_uri, remote_connect_get_uri_ret,
                          DISPATCH_INLINE),
    DISPATCH_ENTRY_NOARGS(149, connect_is_secure, remote_connect_is_secure_ret,
                          DISPATCH_INLINE),
    DISPATCH_ENTRY_VOID(360, connect_register_close_callback, DISPATCH_INLINE),
    DISPATCH_ENTRY_VOID(361, connect_unregister_close_callback, DISPATCH_INLINE),
};

const DispatchFamily dispatch_family_connect = {
    connect_entries, G_N_ELEMENTS(connect_entries)
};
