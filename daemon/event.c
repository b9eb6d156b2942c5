/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/event.h"

#include <string.h>

#include "daemon/protocol/virtkvm_remote.h"
#include "daemon/protocol/virtkvm_remote_domain.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

/* Highest domain event ID libvirt 9.0.0 knows (MEMORY_DEVICE_SIZE_CHANGE). */
#define EVENT_DOMAIN_ID_LAST 27
/* Legacy (non-callback) registrations exist for domain IDs 0-15 only. */
#define EVENT_DOMAIN_LEGACY_LAST 16

typedef struct {
    int callback_id;
    VkEventFamily family;
    int event_id;
    bool legacy;
    bool has_uuid;
    unsigned char uuid[16];
    char *name;
} Registration;

struct _ClientEvents {
    GPtrArray *regs;    /* of Registration; Client.lock */
    int next_id;
};

/* Event IDs per family in libvirt 9.0.0 (exclusive upper bounds). */
static const int event_id_limit[VK_EVENT_FAMILY_LAST] = {
    [VK_EVENT_DOMAIN] = EVENT_DOMAIN_ID_LAST,
    [VK_EVENT_NETWORK] = 1,
    [VK_EVENT_STORAGE_POOL] = 2,
    [VK_EVENT_NODE_DEVICE] = 2,
    [VK_EVENT_SECRET] = 2,
};

/* Legacy domain message procedures, by event ID. */
static const int legacy_domain_procs[EVENT_DOMAIN_LEGACY_LAST] = {
    107, 169, 170, 171, 172, 173, 195, 224, 241, 248, 268, 269, 270, 276,
    292, 311,
};

static void
registration_free(Registration *r)
{
    g_free(r->name);
    g_free(r);
}

ClientEvents *
client_events_new(void)
{
    ClientEvents *ev = g_new0(ClientEvents, 1);

    ev->regs = g_ptr_array_new_with_free_func((GDestroyNotify) registration_free);
    ev->next_id = 1;
    return ev;
}

void
client_events_free(ClientEvents *ev)
{
    if (!ev)
        return;
    g_ptr_array_unref(ev->regs);
    g_free(ev);
}

static int
event_check_id(VkEventFamily family, int event_id)
{
    if (event_id < 0 || event_id >= event_id_limit[family]) {
        error_report(VK_FROM_RPC, VK_ERR_INVALID_ARG,
                     _("unsupported event ID %1$d"), event_id);
        return -1;
    }
    return 0;
}

int
event_register(Client *client, VkEventFamily family, int event_id,
               const unsigned char *uuid, const char *name)
{
    Registration *r;
    int id;

    if (event_check_id(family, event_id) < 0)
        return -1;
    r = g_new0(Registration, 1);
    r->family = family;
    r->event_id = event_id;
    if (uuid) {
        r->has_uuid = true;
        memcpy(r->uuid, uuid, 16);
    }
    r->name = g_strdup(name);
    g_mutex_lock(&client->lock);
    id = r->callback_id = client->events->next_id++;
    g_ptr_array_add(client->events->regs, r);
    g_mutex_unlock(&client->lock);
    return id;
}

static int
event_remove_matching(Client *client, VkEventFamily family, int callback_id,
                      int legacy_event_id)
{
    GPtrArray *regs = client->events->regs;
    int ret = -1;

    g_mutex_lock(&client->lock);
    for (guint i = 0; i < regs->len; i++) {
        Registration *r = g_ptr_array_index(regs, i);

        if (r->family != family)
            continue;
        if ((legacy_event_id < 0 && !r->legacy && r->callback_id == callback_id) ||
            (legacy_event_id >= 0 && r->legacy && r->event_id == legacy_event_id)) {
            g_ptr_array_remove_index(regs, i);
            ret = 0;
            break;
        }
    }
    g_mutex_unlock(&client->lock);
    return ret;
}

int
event_deregister(Client *client, VkEventFamily family, int callback_id)
{
    if (event_remove_matching(client, family, callback_id, -1) < 0) {
        error_report(VK_FROM_RPC, VK_ERR_INVALID_ARG,
                     _("callback ID %1$d not registered"), callback_id);
        return -1;
    }
    return 0;
}

int
event_register_legacy(Client *client, int event_id)
{
    Registration *r;
    bool dup = false;

    if (event_id < 0 || event_id >= EVENT_DOMAIN_LEGACY_LAST) {
        error_report(VK_FROM_RPC, VK_ERR_INVALID_ARG,
                     _("unsupported event ID %1$d"), event_id);
        return -1;
    }
    g_mutex_lock(&client->lock);
    for (guint i = 0; i < client->events->regs->len; i++) {
        Registration *o = g_ptr_array_index(client->events->regs, i);

        dup |= o->legacy && o->event_id == event_id;
    }
    if (!dup) {
        r = g_new0(Registration, 1);
        r->family = VK_EVENT_DOMAIN;
        r->event_id = event_id;
        r->legacy = true;
        r->callback_id = client->events->next_id++;
        g_ptr_array_add(client->events->regs, r);
    }
    g_mutex_unlock(&client->lock);
    if (dup) {
        error_report(VK_FROM_RPC, VK_ERR_RPC,
                     _("domain event %1$d already registered"), event_id);
        return -1;
    }
    return 0;
}

int
event_deregister_legacy(Client *client, int event_id)
{
    if (event_remove_matching(client, VK_EVENT_DOMAIN, 0, event_id) < 0) {
        error_report(VK_FROM_RPC, VK_ERR_RPC,
                     _("domain event %1$d not registered"), event_id);
        return -1;
    }
    return 0;
}

unsigned
event_count(Client *client)
{
    unsigned n;

    g_mutex_lock(&client->lock);
    n = client->events->regs->len;
    g_mutex_unlock(&client->lock);
    return n;
}

static bool
registration_matches(const Registration *r, const VkEvent *ev)
{
    if (r->family != ev->family || r->event_id != ev->event_id)
        return false;
    if (r->has_uuid && memcmp(r->uuid, ev->uuid, 16) != 0)
        return false;
    if (r->name && g_strcmp0(r->name, ev->name) != 0)
        return false;
    return true;
}

/* The encoded payload of one event for one registration. */
typedef union {
    remote_domain_event_callback_lifecycle_msg lifecycle;
    remote_domain_event_callback_reboot_msg reboot;
    remote_domain_event_callback_rtc_change_msg rtc;
    remote_domain_event_callback_watchdog_msg watchdog;
    remote_domain_event_callback_balloon_change_msg balloon;
    remote_domain_event_callback_device_removed_msg removed;
    remote_domain_event_callback_device_added_msg added;
    remote_domain_event_callback_metadata_change_msg metadata;
    remote_network_event_lifecycle_msg net;
    remote_storage_pool_event_lifecycle_msg pool;
    remote_storage_pool_event_refresh_msg pool_refresh;
    remote_node_device_event_lifecycle_msg dev;
    remote_node_device_event_update_msg dev_update;
    remote_secret_event_lifecycle_msg secret;
    remote_secret_event_value_changed_msg secret_changed;
} EventPayload;

typedef struct {
    int proc;
    xdrproc_t filter;
    void *obj;       /* skips the callbackID for legacy messages */
} EventEncoding;

static void
event_fill_domain(remote_nonnull_domain *dom, const VkEvent *ev)
{
    dom->name = (char *) ev->name;
    memcpy(dom->uuid, ev->uuid, 16);
    dom->id = ev->id;
}

#define DOMAIN_CB(field, p, xdrname, init) \
    do { \
        p->field.callbackID = cbid; \
        event_fill_domain(&p->field.msg.dom, ev); \
        init; \
        enc->proc = 318 + ev->event_id; \
        enc->filter = (xdrproc_t) xdr_remote_domain_event_callback_##xdrname##_msg; \
        enc->obj = &p->field; \
        if (legacy) { \
            enc->filter = (xdrproc_t) xdr_remote_domain_event_##xdrname##_msg; \
            enc->obj = &p->field.msg; \
        } \
    } while (0)

static int
event_encode_domain(EventPayload *p, EventEncoding *enc, const VkEvent *ev,
                    int cbid, bool legacy)
{
    switch (ev->event_id) {
    case 0:
        DOMAIN_CB(lifecycle, p, lifecycle,
                  (p->lifecycle.msg.event = ev->event, p->lifecycle.msg.detail = ev->detail));
        break;
    case 1:
        DOMAIN_CB(reboot, p, reboot, (void) 0);
        break;
    case 2:
        DOMAIN_CB(rtc, p, rtc_change, p->rtc.msg.offset = ev->num);
        break;
    case 3:
        DOMAIN_CB(watchdog, p, watchdog, p->watchdog.msg.action = ev->event);
        break;
    case 13:
        DOMAIN_CB(balloon, p, balloon_change, p->balloon.msg.actual = (u_quad_t) ev->num);
        break;
    case 15:
        DOMAIN_CB(removed, p, device_removed,
                  p->removed.msg.devAlias = (char *) (ev->str ? ev->str : ""));
        break;
    case 19:
        if (legacy)
            return -1;
        p->added.callbackID = cbid;
        event_fill_domain(&p->added.dom, ev);
        p->added.devAlias = (char *) (ev->str ? ev->str : "");
        enc->proc = 354;
        enc->filter = (xdrproc_t) xdr_remote_domain_event_callback_device_added_msg;
        enc->obj = &p->added;
        break;
    case 23:
        if (legacy)
            return -1;
        p->metadata.callbackID = cbid;
        event_fill_domain(&p->metadata.dom, ev);
        p->metadata.type = ev->event;
        /* remote_string: NULL for title/description, the URI for elements */
        p->metadata.nsuri = ev->str ? (char **) &ev->str : NULL;
        enc->proc = 379;
        enc->filter = (xdrproc_t) xdr_remote_domain_event_callback_metadata_change_msg;
        enc->obj = &p->metadata;
        break;
    default:
        return -1;
    }
    if (legacy)
        enc->proc = legacy_domain_procs[ev->event_id];
    return 0;
}

static int
event_encode_other(EventPayload *p, EventEncoding *enc, const VkEvent *ev,
                   int cbid)
{
    char *name = (char *) (ev->name ? ev->name : "");

    switch (ev->family * 16 + ev->event_id) {
    case VK_EVENT_NETWORK * 16 + 0:
        p->net = (remote_network_event_lifecycle_msg) {
            cbid, { name, { 0 } }, ev->event, ev->detail };
        memcpy(p->net.net.uuid, ev->uuid, 16);
        *enc = (EventEncoding) { 315, (xdrproc_t) xdr_remote_network_event_lifecycle_msg, &p->net };
        return 0;
    case VK_EVENT_STORAGE_POOL * 16 + 0:
        p->pool = (remote_storage_pool_event_lifecycle_msg) {
            cbid, { name, { 0 } }, ev->event, ev->detail };
        memcpy(p->pool.pool.uuid, ev->uuid, 16);
        *enc = (EventEncoding) { 370, (xdrproc_t) xdr_remote_storage_pool_event_lifecycle_msg, &p->pool };
        return 0;
    case VK_EVENT_STORAGE_POOL * 16 + 1:
        p->pool_refresh = (remote_storage_pool_event_refresh_msg) { cbid, { name, { 0 } } };
        memcpy(p->pool_refresh.pool.uuid, ev->uuid, 16);
        *enc = (EventEncoding) { 373, (xdrproc_t) xdr_remote_storage_pool_event_refresh_msg, &p->pool_refresh };
        return 0;
    case VK_EVENT_NODE_DEVICE * 16 + 0:
        p->dev = (remote_node_device_event_lifecycle_msg) { cbid, { name }, ev->event, ev->detail };
        *enc = (EventEncoding) { 376, (xdrproc_t) xdr_remote_node_device_event_lifecycle_msg, &p->dev };
        return 0;
    case VK_EVENT_NODE_DEVICE * 16 + 1:
        p->dev_update = (remote_node_device_event_update_msg) { cbid, { name } };
        *enc = (EventEncoding) { 377, (xdrproc_t) xdr_remote_node_device_event_update_msg, &p->dev_update };
        return 0;
    case VK_EVENT_SECRET * 16 + 0:
        p->secret = (remote_secret_event_lifecycle_msg) {
            cbid, { { 0 }, ev->id, name }, ev->event, ev->detail };
        memcpy(p->secret.secret.uuid, ev->uuid, 16);
        *enc = (EventEncoding) { 382, (xdrproc_t) xdr_remote_secret_event_lifecycle_msg, &p->secret };
        return 0;
    case VK_EVENT_SECRET * 16 + 1:
        p->secret_changed = (remote_secret_event_value_changed_msg) { cbid, { { 0 }, ev->id, name } };
        memcpy(p->secret_changed.secret.uuid, ev->uuid, 16);
        *enc = (EventEncoding) { 383, (xdrproc_t) xdr_remote_secret_event_value_changed_msg, &p->secret_changed };
        return 0;
    default:
        return -1;
    }
}

static void
event_send_one(Client *client, const VkEvent *ev, int cbid, bool legacy)
{
    EventPayload p;
    EventEncoding enc = { 0 };
    PacketHeader hdr = {
        .prog = REMOTE_PROGRAM, .vers = REMOTE_PROTOCOL_VERSION,
        .type = VK_NET_MESSAGE, .serial = 1, .status = VK_NET_OK,
    };
    int r;

    memset(&p, 0, sizeof(p));
    if (ev->family == VK_EVENT_DOMAIN)
        r = event_encode_domain(&p, &enc, ev, cbid, legacy);
    else
        r = event_encode_other(&p, &enc, ev, cbid);
    if (r < 0) {
        log_debug("event %d/%d cannot be encoded yet", ev->family, ev->event_id);
        return;
    }
    hdr.proc = enc.proc;
    if (client_send_packet(client, &hdr, enc.filter, enc.obj) < 0)
        log_warning("failed to encode event %d/%d", ev->family, ev->event_id);
}

void
event_deliver(Server *srv, const VkEvent *ev)
{
    g_autoptr(GPtrArray) clients = NULL;

    if (ev->family >= VK_EVENT_FAMILY_LAST)
        return;
    clients = server_list_clients(srv);
    for (guint i = 0; i < clients->len; i++) {
        Client *client = g_ptr_array_index(clients, i);
        g_autoptr(GArray) hits = g_array_new(FALSE, FALSE, sizeof(int) * 2);

        g_mutex_lock(&client->lock);
        for (guint j = 0; j < client->events->regs->len; j++) {
            Registration *r = g_ptr_array_index(client->events->regs, j);
            int hit[2] = { r->callback_id, r->legacy };

            if (registration_matches(r, ev))
                g_array_append_val(hits, hit);
        }
        g_mutex_unlock(&client->lock);
        for (guint j = 0; j < hits->len; j++) {
            int *hit = &g_array_index(hits, int, j * 2);

            event_send_one(client, ev, hit[0], hit[1]);
        }
    }
}

void
event_send_connection_closed(Server *srv, int reason)
{
    g_autoptr(GPtrArray) clients = server_list_clients(srv);
    remote_connect_event_connection_closed_msg msg = { reason };
    PacketHeader hdr = {
        .prog = REMOTE_PROGRAM, .vers = REMOTE_PROTOCOL_VERSION, .proc = 362,
        .type = VK_NET_MESSAGE, .serial = 1, .status = VK_NET_OK,
    };

    for (guint i = 0; i < clients->len; i++) {
        Client *client = g_ptr_array_index(clients, i);
        bool wanted;

        g_mutex_lock(&client->lock);
        wanted = client->close_callback;
        g_mutex_unlock(&client->lock);
        if (wanted)
            client_send_packet(client, &hdr,
                               (xdrproc_t) xdr_remote_connect_event_connection_closed_msg,
                               &msg);
    }
}
