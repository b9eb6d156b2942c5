/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/stream.h"

#include <string.h>

#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

struct _Stream {
    gint refs;
    Client *client;
    PacketHeader hdr;         /* prog, vers, proc, serial of the call */
    const StreamOps *ops;
    void *opaque;
    gint closed;              /* atomic */
};

Stream *
stream_new(Client *client, const PacketHeader *call_hdr, const StreamOps *ops,
           void *opaque)
{
    Stream *st = g_new0(Stream, 1);

    st->refs = 1;
    st->client = client_ref(client);
    st->hdr = *call_hdr;
    st->ops = ops;
    st->opaque = opaque;
    g_mutex_lock(&client->lock);
    g_hash_table_insert(client->streams, GUINT_TO_POINTER(call_hdr->serial),
                        stream_ref(st));
    g_mutex_unlock(&client->lock);
    return st;
}

Stream *
stream_ref(Stream *st)
{
    g_atomic_int_inc(&st->refs);
    return st;
}

void
stream_unref(Stream *st)
{
    if (!st || !g_atomic_int_dec_and_test(&st->refs))
        return;
    if (st->ops->free)
        st->ops->free(st->opaque);
    client_unref(st->client);
    g_free(st);
}

Client *
stream_get_client(Stream *st)
{
    return st->client;
}

/* Removes the stream from its client; true if this call removed it. */
static bool
stream_detach(Stream *st)
{
    Client *client = st->client;
    bool removed = false;

    if (!g_atomic_int_compare_and_exchange(&st->closed, 0, 1))
        return false;
    g_mutex_lock(&client->lock);
    if (g_hash_table_lookup(client->streams, GUINT_TO_POINTER(st->hdr.serial)) == st) {
        g_hash_table_remove(client->streams, GUINT_TO_POINTER(st->hdr.serial));
        removed = true;
    }
    g_mutex_unlock(&client->lock);
    if (removed)
        stream_unref(st);   /* the client's reference */
    return true;
}

void
stream_activate(Stream *st)
{
    if (st->ops->start && !g_atomic_int_get(&st->closed))
        st->ops->start(st, st->opaque);
}

void
stream_discard(Stream *st)
{
    if (stream_detach(st) && st->ops->abort)
        st->ops->abort(st, st->opaque);
}

/* Queues a packet for the stream whether or not it is already closed. */
static int
stream_queue_packet(Stream *st, int type, int status, const void *buf, size_t len)
{
    PacketHeader hdr = st->hdr;
    GByteArray *pkt;

    hdr.type = (uint32_t) type;
    hdr.status = (uint32_t) status;
    pkt = packet_build(&hdr, -1, NULL, NULL, buf, len);
    if (!pkt)
        return -1;
    client_send(st->client, message_new_out(pkt));
    return 0;
}

static int
stream_send_raw(Stream *st, int type, int status, const void *buf, size_t len)
{
    if (g_atomic_int_get(&st->closed) || client_is_closed(st->client))
        return -1;
    return stream_queue_packet(st, type, status, buf, len);
}

int
stream_send_data(Stream *st, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        size_t chunk = MIN(len, (size_t) PACKET_STREAM_CHUNK);

        if (stream_send_raw(st, VK_NET_STREAM, VK_NET_CONTINUE, p, chunk) < 0)
            return -1;
        p += chunk;
        len -= chunk;
    }
    return 0;
}

int
stream_send_hole(Stream *st, gint64 length, unsigned flags)
{
    PacketHeader hdr = st->hdr;
    vk_net_stream_hole hole = { length, flags };
    GByteArray *pkt;

    if (g_atomic_int_get(&st->closed) || client_is_closed(st->client))
        return -1;
    hdr.type = VK_NET_STREAM_HOLE;
    hdr.status = VK_NET_CONTINUE;
    pkt = packet_build(&hdr, -1, (xdrproc_t) xdr_vk_net_stream_hole, &hole,
                       NULL, 0);
    if (!pkt)
        return -1;
    client_send(st->client, message_new_out(pkt));
    return 0;
}

int
stream_send_eof(Stream *st)
{
    return stream_send_raw(st, VK_NET_STREAM, VK_NET_CONTINUE, NULL, 0);
}

void
stream_send_error(Stream *st)
{
    g_autoptr(VkError) err = error_steal_last();
    PacketHeader hdr = st->hdr;
    GByteArray *pkt;

    if (!err) {
        error_report(VK_FROM_STREAMS, VK_ERR_INTERNAL_ERROR, "%s",
                     _("stream failed"));
        err = error_steal_last();
    }
    hdr.type = VK_NET_STREAM;
    hdr.status = VK_NET_ERROR;
    /* Closed first, so nothing can be sent after the error. */
    if (stream_detach(st) && (pkt = packet_build_error(&hdr, err)))
        client_send(st->client, message_new_out(pkt));
}

gsize
stream_pending_bytes(Stream *st)
{
    gsize n;

    g_mutex_lock(&st->client->lock);
    n = st->client->tx_bytes;
    g_mutex_unlock(&st->client->lock);
    return n;
}

static void
stream_fail_and_abort(Stream *st)
{
    stream_send_error(st);
    if (st->ops->abort)
        st->ops->abort(st, st->opaque);
}

/* Routes one client packet to its stream; st holds a reference. */
static void
stream_dispatch_packet(Stream *st, Message *msg)
{
    const guint8 *payload = msg->buf->data + msg->payload_off;
    size_t len = msg->buf->len - msg->payload_off;

    if (msg->hdr.type == VK_NET_STREAM_HOLE) {
        vk_net_stream_hole hole = { 0 };

        if (packet_payload_decode(msg->buf->data, msg->buf->len, msg->payload_off,
                                  (xdrproc_t) xdr_vk_net_stream_hole, &hole) < 0) {
            error_report(VK_FROM_STREAMS, VK_ERR_RPC, "%s",
                         _("malformed stream hole packet"));
            stream_fail_and_abort(st);
        } else if (!st->ops->hole ||
                   st->ops->hole(st, hole.length, hole.flags, st->opaque) < 0) {
            if (!st->ops->hole)
                error_report(VK_FROM_STREAMS, VK_ERR_OPERATION_UNSUPPORTED, "%s",
                             _("this stream does not support holes"));
            stream_fail_and_abort(st);
        }
        return;
    }
    switch (msg->hdr.status) {
    case VK_NET_CONTINUE:
        if (len == 0)
            return;
        if (!st->ops->data ||
            st->ops->data(st, (const char *) payload, len, st->opaque) < 0) {
            if (!st->ops->data)
                error_report(VK_FROM_STREAMS, VK_ERR_OPERATION_UNSUPPORTED, "%s",
                             _("this stream does not accept data"));
            stream_fail_and_abort(st);
        }
        return;
    case VK_NET_OK:
        if (st->ops->finish && st->ops->finish(st, st->opaque) < 0) {
            stream_fail_and_abort(st);
            return;
        }
        if (stream_detach(st))
            stream_queue_packet(st, VK_NET_STREAM, VK_NET_OK, NULL, 0);
        return;
    default:
        if (stream_detach(st) && st->ops->abort)
            st->ops->abort(st, st->opaque);
        return;
    }
}

void
stream_handle_packet(Client *client, Message *msg)
{
    Stream *st;

    g_mutex_lock(&client->lock);
    st = g_hash_table_lookup(client->streams, GUINT_TO_POINTER(msg->hdr.serial));
    if (st && (st->hdr.proc != msg->hdr.proc || st->hdr.prog != msg->hdr.prog))
        st = NULL;
    if (st)
        stream_ref(st);
    g_mutex_unlock(&client->lock);
    if (st) {
        stream_dispatch_packet(st, msg);
        stream_unref(st);
    } else {
        log_debug("client %" G_GUINT64_FORMAT ": packet for unknown stream %u",
                  client->id, msg->hdr.serial);
    }
    message_free(msg);
}

void
stream_abort_all(Client *client)
{
    g_autoptr(GPtrArray) streams = g_ptr_array_new_with_free_func(
        (GDestroyNotify) stream_unref);
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&client->lock);
    g_hash_table_iter_init(&it, client->streams);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(streams, stream_ref(value));
    g_mutex_unlock(&client->lock);
    for (guint i = 0; i < streams->len; i++)
        stream_discard(g_ptr_array_index(streams, i));
}
