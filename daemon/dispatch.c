/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/dispatch.h"
#include "daemon/dispatch-families.h"

#include <string.h>

#include "daemon/protocol/proctable.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

/* Indexed by remote procedure number; NULL where no family implements it. */
static const DispatchEntry **remote_table;
static size_t remote_table_size;

void
dispatch_init(void)
{
    if (remote_table)
        return;
    remote_table_size = proctable_remote_nprocs;
    remote_table = g_new0(const DispatchEntry *, remote_table_size);
    for (size_t f = 0; dispatch_remote_families[f]; f++) {
        const DispatchFamily *fam = dispatch_remote_families[f];

        for (size_t i = 0; i < fam->n; i++) {
            const DispatchEntry *e = &fam->entries[i];

            g_assert(e->proc > 0 && (size_t) e->proc < remote_table_size);
            g_assert(!remote_table[e->proc]);
            remote_table[e->proc] = e;
        }
    }
}

static const DispatchEntry *
dispatch_lookup(int proc)
{
    if (proc <= 0 || (size_t) proc >= remote_table_size)
        return NULL;
    return remote_table[proc];
}

static const char *
dispatch_proc_name(int proc)
{
    if (proc <= 0 || (size_t) proc >= proctable_remote_nprocs)
        return NULL;
    return proctable_remote_procs[proc].name;
}

void
dispatch_send_reply(Client *client, const PacketHeader *call_hdr, int ret,
                    xdrproc_t ret_filter, void *retobj, Message *fds)
{
    PacketHeader hdr = *call_hdr;
    GByteArray *buf = NULL;
    Message *out;

    hdr.type = VK_NET_REPLY;
    hdr.status = VK_NET_OK;
    if (ret == 0) {
        bool with_fds = fds && fds->nfds > 0;

        if (with_fds)
            hdr.type = VK_NET_REPLY_WITH_FDS;
        buf = packet_build(&hdr, with_fds ? (int) fds->nfds : -1, ret_filter,
                           retobj, NULL, 0);
        if (!buf)
            error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                         _("Unable to encode message payload"));
    }
    if (!buf) {
        g_autoptr(VkError) err = error_steal_last();

        if (!err) {
            error_report(VK_FROM_RPC, VK_ERR_INTERNAL_ERROR, "%s",
                         _("the call failed without an error message"));
            err = error_steal_last();
        }
        hdr.type = VK_NET_REPLY;
        hdr.status = VK_NET_ERROR;
        buf = packet_build_error(&hdr, err);
        fds = NULL;
    }
    out = message_new_out(buf);
    if (fds) {
        out->fds = g_steal_pointer(&fds->fds);
        out->nfds = fds->nfds;
        fds->nfds = 0;
    }
    client_send(client, out);
}

void
dispatch_send_error_now(Client *client, const PacketHeader *call_hdr)
{
    dispatch_send_reply(client, call_hdr, -1, NULL, NULL, NULL);
}

/* The checks libvirtd makes before a procedure runs, in its order. */
static int
dispatch_check_access(Client *client, int proc, const DispatchEntry *e)
{
    const char *name = dispatch_proc_name(proc);
    unsigned flags = e ? e->flags : 0;
    bool authenticated, opened, readonly;

    if (!name) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, _("unknown procedure: %1$d"), proc);
        return -1;
    }
    g_mutex_lock(&client->lock);
    authenticated = client->authenticated;
    opened = client->opened;
    readonly = client->readonly;
    g_mutex_unlock(&client->lock);
    if (!authenticated && !(flags & DISPATCH_NO_AUTH)) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("authentication required"));
        return -1;
    }
    if (!opened && !(flags & DISPATCH_NO_OPEN)) {
        error_report(VK_FROM_RPC, VK_ERR_INTERNAL_ERROR, "%s",
                     _("hypervisor connection not open"));
        return -1;
    }
    if (readonly && (proctable_remote_procs[proc].flags & PROC_MUTATING) &&
        !(flags & DISPATCH_READONLY_OK)) {
        error_report(VK_FROM_NONE, VK_ERR_OPERATION_DENIED,
                     _("read only access prevents %1$s"), name);
        return -1;
    }
    if (!e) {
        error_report(VK_FROM_RPC, VK_ERR_NO_SUPPORT, "%s", name);
        return -1;
    }
    return 0;
}

/* The QEMU program (qemu-monitor-command and friends): the same access
 * checks, then NO_SUPPORT: our VMM has no QEMU monitor. */
static void
dispatch_qemu_call(Client *client, int proc)
{
    const char *name = (proc > 0 && (size_t) proc < proctable_qemu_nprocs) ?
        proctable_qemu_procs[proc].name : NULL;
    bool authenticated, opened;

    g_mutex_lock(&client->lock);
    authenticated = client->authenticated;
    opened = client->opened;
    g_mutex_unlock(&client->lock);
    if (!name)
        error_report(VK_FROM_RPC, VK_ERR_RPC, _("unknown procedure: %1$d"), proc);
    else if (!authenticated)
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("authentication required"));
    else if (!opened)
        error_report(VK_FROM_RPC, VK_ERR_INTERNAL_ERROR, "%s",
                     _("hypervisor connection not open"));
    else
        error_report(VK_FROM_RPC, VK_ERR_NO_SUPPORT, "QEMU %s", name);
}

static void
dispatch_finish_call(DispatchCall *call, const DispatchEntry *e, int ret,
                     void *retobj)
{
    dispatch_send_reply(call->client, &call->msg->hdr, ret,
                        e ? e->ret_filter : NULL, retobj, call->reply_fds);
    if (call->stream) {
        if (ret == 0)
            stream_activate(call->stream);
        else
            stream_discard(call->stream);
        stream_unref(call->stream);
    }
    if (ret == 0 && call->close_after_reply)
        client_close_after_flush(call->client);
}

static void
dispatch_remote_call(Client *client, Message *msg)
{
    g_autoptr(Message) G_GNUC_UNUSED owned = msg;
    g_autoptr(Message) reply_fds = message_new();
    const DispatchEntry *e = NULL;
    DispatchCall call = { client, daemon_of(client), msg, reply_fds, NULL, false };
    g_autofree void *args = NULL;
    g_autofree void *retobj = NULL;
    int ret = -1;

    error_reset();
    if (msg->hdr.prog == QEMU_PROGRAM && msg->hdr.vers == REMOTE_PROTOCOL_VERSION) {
        dispatch_qemu_call(client, msg->hdr.proc);
        dispatch_finish_call(&call, NULL, -1, NULL);
        return;
    }
    if (msg->hdr.prog != REMOTE_PROGRAM || msg->hdr.vers != REMOTE_PROTOCOL_VERSION) {
        error_report(VK_FROM_RPC, VK_ERR_RPC,
                     _("Cannot find program %1$d version %2$d"),
                     (int) msg->hdr.prog, (int) msg->hdr.vers);
        dispatch_finish_call(&call, NULL, -1, NULL);
        return;
    }
    e = dispatch_lookup(msg->hdr.proc);
    if (dispatch_check_access(client, msg->hdr.proc, e) < 0) {
        dispatch_finish_call(&call, NULL, -1, NULL);
        return;
    }
    args = g_malloc0(MAX(e->args_size, 1));
    retobj = g_malloc0(MAX(e->ret_size, 1));
    if (e->args_filter &&
        packet_payload_decode(msg->buf->data, msg->buf->len, msg->payload_off,
                              e->args_filter, args) < 0) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                     _("Unable to decode message payload"));
    } else if (!e->args_filter && msg->payload_off != msg->buf->len) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s",
                     _("Unable to decode message payload"));
    } else {
        ret = e->func(&call, args, retobj);
        if (e->args_filter)
            xdr_free(e->args_filter, args);
    }
    dispatch_finish_call(&call, e, ret, retobj);
    if (ret == 0 && e->ret_filter)
        xdr_free(e->ret_filter, retobj);
}

static CallQueue
dispatch_remote_classify(Client *client, const Message *msg)
{
    const DispatchEntry *e;

    if (msg->hdr.prog != REMOTE_PROGRAM)
        return CALL_QUEUE_INLINE;
    e = dispatch_lookup(msg->hdr.proc);
    if (!e || (e->flags & DISPATCH_INLINE))
        return CALL_QUEUE_INLINE;   /* errors and instant answers */
    if (proctable_remote_procs[msg->hdr.proc].flags & PROC_PRIORITY)
        return CALL_QUEUE_PRIORITY;
    return CALL_QUEUE_NORMAL;
}

const ServerProgram dispatch_remote_program = {
    .classify = dispatch_remote_classify,
    .dispatch = dispatch_remote_call,
    .client_closed = dispatch_domain_lifecycle_client_closed,
};

Stream *
dispatch_open_stream(DispatchCall *call, const StreamOps *ops, void *opaque)
{
    g_assert(!call->stream);
    call->stream = stream_new(call->client, &call->msg->hdr, ops, opaque);
    return call->stream;
}

int
dispatch_add_reply_fd(DispatchCall *call, int fd)
{
    if (message_add_fd(call->reply_fds, fd) < 0) {
        error_report(VK_FROM_RPC, VK_ERR_RPC, "%s", _("cannot pass the file descriptor"));
        return -1;
    }
    return 0;
}

int
dispatch_steal_call_fd(DispatchCall *call, unsigned idx)
{
    return message_steal_fd((Message *) call->msg, idx);
}

bool
dispatch_client_readonly(DispatchCall *call)
{
    return call->client->readonly;
}
