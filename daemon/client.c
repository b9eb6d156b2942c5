/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/client.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/event.h"
#include "daemon/keepalive.h"
#include "daemon/server.h"
#include "daemon/stream.h"
#include "util/log.h"

/* Packets read per wakeup before the loop serves other clients. */
#define CLIENT_READS_PER_WAKEUP 16
/* Stop reading calls from a client whose unread replies exceed this. */
#define CLIENT_TX_BACKLOG_MAX (8 * 1024 * 1024)
/* A client that lets more than this pile up unread (events, stream data)
 * is disconnected rather than allowed to exhaust the daemon's memory. */
#define CLIENT_TX_HARD_MAX (64 * 1024 * 1024)
/* Receive buffers grow by at most this much per read. */
#define CLIENT_RX_STEP (256 * 1024)

typedef struct {
    GSource source;
    Client *client;
    gpointer tag;
} ClientSource;

static void client_finish_close(Client *client);

Client *
client_new(Server *srv, int fd, bool readonly, const char *sock_addr)
{
    Client *client = g_new0(Client, 1);
    struct ucred cred;
    socklen_t clen = sizeof(cred);

    client->refs = 1;
    g_mutex_init(&client->lock);
    client->srv = srv;
    client->fd = fd;
    client->readonly = readonly;
    client->sock_addr = g_strdup(sock_addr);
    client->connect_time = g_get_real_time() / G_USEC_PER_SEC;
    client->connect_mono = g_get_monotonic_time();
    client->last_rx = client->connect_mono;
    client->uid = (uid_t) -1;
    client->gid = (gid_t) -1;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0) {
        client->uid = cred.uid;
        client->gid = cred.gid;
        client->pid = cred.pid;
    }
    g_queue_init(&client->txq);
    client->streams = g_hash_table_new(g_direct_hash, g_direct_equal);
    client->events = client_events_new();
    return client;
}

Client *
client_ref(Client *client)
{
    g_atomic_int_inc(&client->refs);
    return client;
}

void
client_unref(Client *client)
{
    Message *msg;

    if (!client || !g_atomic_int_dec_and_test(&client->refs))
        return;
    while ((msg = g_queue_pop_head(&client->txq)))
        message_free(msg);
    message_free(client->rx);
    g_hash_table_unref(client->streams);
    client_events_free(client->events);
    if (client->priv_free)
        client->priv_free(client->priv);
    if (client->fd >= 0)
        close(client->fd);
    g_free(client->sock_addr);
    g_mutex_clear(&client->lock);
    g_free(client);
}

bool
client_is_closed(Client *client)
{
    bool closed;

    g_mutex_lock(&client->lock);
    closed = client->closed;
    g_mutex_unlock(&client->lock);
    return closed;
}

/* Reading is paused while the client has as many calls in flight as it
 * may, or has not collected its replies. */
static GIOCondition
client_wanted_cond_locked(Client *client)
{
    GIOCondition cond = 0;
    int max_requests;

    if (client->closed)
        return 0;
    g_mutex_lock(&client->srv->lock);
    max_requests = client->srv->limits.max_client_requests;
    g_mutex_unlock(&client->srv->lock);
    if (!client->close_after_flush && client->inflight < MAX(max_requests, 1) &&
        client->tx_bytes < CLIENT_TX_BACKLOG_MAX)
        cond |= G_IO_IN;
    if (!g_queue_is_empty(&client->txq))
        cond |= G_IO_OUT;
    return cond;
}

static void
client_apply_watch(Client *client)
{
    GIOCondition cond;

    g_mutex_lock(&client->lock);
    client->watch_update_queued = false;
    cond = client_wanted_cond_locked(client);
    if (client->source && cond != client->cond) {
        ClientSource *cs = (ClientSource *) client->source;

        g_source_modify_unix_fd(client->source, cs->tag, cond);
        client->cond = cond;
    }
    g_mutex_unlock(&client->lock);
}

static gboolean
client_apply_watch_cb(gpointer data)
{
    Client *client = data;

    if (client_is_closed(client))
        client_finish_close(client);
    else
        client_apply_watch(client);
    return G_SOURCE_REMOVE;
}

static void
client_queue_watch_update_locked(Client *client)
{
    GSource *idle;

    if (client->watch_update_queued)
        return;
    client->watch_update_queued = true;
    /* Always deferred: callers hold the client lock. */
    idle = g_idle_source_new();
    g_source_set_priority(idle, G_PRIORITY_DEFAULT);
    g_source_set_callback(idle, client_apply_watch_cb, client_ref(client),
                          (GDestroyNotify) client_unref);
    g_source_attach(idle, client->srv->ctx);
    g_source_unref(idle);
}

void
client_update_watch(Client *client)
{
    g_mutex_lock(&client->lock);
    client_queue_watch_update_locked(client);
    g_mutex_unlock(&client->lock);
}

/* Passes one fd with a single dummy byte, as libvirt's clients expect. */
static int
client_send_fd(int sock, int fd)
{
    char byte = 0;
    struct iovec iov = { &byte, 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr mh = { 0 };
    struct cmsghdr *cmsg;
    ssize_t n;

    memset(&control, 0, sizeof(control));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control.buf;
    mh.msg_controllen = sizeof(control.buf);
    cmsg = CMSG_FIRSTHDR(&mh);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    n = sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n == 1)
        return 1;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    return -1;
}

/* Writes queued packets until the socket would block.  Returns 0, or -1
 * when the connection failed. */
static int
client_flush_locked(Client *client)
{
    Message *msg;

    while ((msg = g_queue_peek_head(&client->txq))) {
        while (msg->sent < msg->buf->len) {
            ssize_t n = send(client->fd, msg->buf->data + msg->sent,
                             msg->buf->len - msg->sent,
                             MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return 0;
            if (n <= 0)
                return -1;
            msg->sent += (size_t) n;
        }
        while (msg->fds_sent < msg->nfds) {
            int r = client_send_fd(client->fd, msg->fds[msg->fds_sent]);

            if (r < 0)
                return -1;
            if (r == 0)
                return 0;
            msg->fds_sent++;
        }
        g_queue_pop_head(&client->txq);
        client->tx_bytes -= msg->buf->len;
        message_free(msg);
    }
    return 0;
}

static void
client_close_locked(Client *client)
{
    if (client->closed)
        return;
    client->closed = true;
    shutdown(client->fd, SHUT_RDWR);
    /* The fd stays open until the main loop tears the watch down. */
    client_queue_watch_update_locked(client);
}

void
client_send(Client *client, Message *msg)
{
    bool was_empty;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        message_free(msg);
        return;
    }
    if (client->tx_bytes + msg->buf->len > CLIENT_TX_HARD_MAX) {
        log_warning("client %" G_GUINT64_FORMAT ": %" G_GSIZE_FORMAT
                    " bytes unread, disconnecting", client->id, client->tx_bytes);
        client_close_locked(client);
        g_mutex_unlock(&client->lock);
        message_free(msg);
        return;
    }
    was_empty = g_queue_is_empty(&client->txq);
    g_queue_push_tail(&client->txq, msg);
    client->tx_bytes += msg->buf->len;
    if (was_empty && client_flush_locked(client) < 0) {
        client_close_locked(client);
    } else if (!g_queue_is_empty(&client->txq) ||
               (client->close_after_flush)) {
        if (g_queue_is_empty(&client->txq))
            client_close_locked(client);
        else if (!(client->cond & G_IO_OUT))
            client_queue_watch_update_locked(client);
    }
    g_mutex_unlock(&client->lock);
}

int
client_send_packet(Client *client, const PacketHeader *hdr, xdrproc_t filter,
                   void *obj)
{
    GByteArray *buf = packet_build(hdr, -1, filter, obj, NULL, 0);

    if (!buf)
        return -1;
    client_send(client, message_new_out(buf));
    return 0;
}

void
client_close(Client *client)
{
    g_mutex_lock(&client->lock);
    client_close_locked(client);
    g_mutex_unlock(&client->lock);
}

void
client_close_after_flush(Client *client)
{
    g_mutex_lock(&client->lock);
    client->close_after_flush = true;
    if (g_queue_is_empty(&client->txq))
        client_close_locked(client);
    else
        client_queue_watch_update_locked(client);
    g_mutex_unlock(&client->lock);
}

void
client_call_done(Client *client)
{
    g_mutex_lock(&client->lock);
    client->inflight--;
    if (!client->closed && !(client->cond & G_IO_IN))
        client_queue_watch_update_locked(client);
    g_mutex_unlock(&client->lock);
    g_atomic_int_dec_and_test(&client->srv->inflight);
}

/* Main loop: tears the connection down for good. */
static void
client_finish_close(Client *client)
{
    GSource *source;

    g_mutex_lock(&client->lock);
    client->closed = true;
    source = g_steal_pointer(&client->source);
    g_mutex_unlock(&client->lock);
    if (!source)
        return;
    g_source_destroy(source);
    g_source_unref(source);
    stream_abort_all(client);
    if (client->srv->program->client_closed)
        client->srv->program->client_closed(client);
    server_remove_client(client->srv, client);
}

/* Receives the dummy byte that carries one passed fd. */
static int
client_recv_fd(Client *client)
{
    char byte;
    struct iovec iov = { &byte, 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr mh = { 0 };
    struct cmsghdr *cmsg;
    ssize_t n;
    int fd = -1;

    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control.buf;
    mh.msg_controllen = sizeof(control.buf);
    n = recvmsg(client->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (n != 1)
        return -1;
    for (cmsg = CMSG_FIRSTHDR(&mh); cmsg; cmsg = CMSG_NXTHDR(&mh, cmsg)) {
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
            cmsg->cmsg_len == CMSG_LEN(sizeof(int)))
            memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
    }
    if (fd < 0)
        return -1;
    client->rx->fds = g_renew(int, client->rx->fds, client->rx->nfds + 1);
    client->rx->fds[client->rx->nfds++] = fd;
    return 1;
}

/* A whole packet (and its fds) arrived: route it. */
static void
client_process_packet(Client *client, Message *msg)
{
    client->last_rx = g_get_monotonic_time();
    client->ka_unanswered = 0;
    if (keepalive_handle_packet(client, msg)) {
        message_free(msg);
        return;
    }
    switch (msg->hdr.type) {
    case VK_NET_CALL:
    case VK_NET_CALL_WITH_FDS:
        g_mutex_lock(&client->lock);
        client->inflight++;
        g_mutex_unlock(&client->lock);
        g_atomic_int_inc(&client->srv->inflight);
        server_dispatch_call(client->srv, client, msg);
        break;
    case VK_NET_STREAM:
    case VK_NET_STREAM_HOLE:
        stream_handle_packet(client, msg);
        break;
    default:
        /* Replies and messages from a client have no meaning: dropped. */
        message_free(msg);
        break;
    }
}

/* Starts a packet once its first PACKET_MIN_LEN bytes are in. */
static void
client_begin_packet(Client *client)
{
    uint32_t len = packet_length_decode(client->head);

    client->rx_len = len;
    client->rx = message_new();
    client->rx->buf = g_byte_array_sized_new(MIN(len, CLIENT_RX_STEP));
    g_byte_array_append(client->rx->buf, client->head, PACKET_MIN_LEN);
    client->rxhave = PACKET_MIN_LEN;
}

/*
 * Reads until the current packet's bytes are complete (1), the socket has
 * no more data (0), or the connection must close (-1).  Every packet is at
 * least PACKET_MIN_LEN bytes, so the first read takes the length word and
 * the header at once without reaching into the next packet (or the byte
 * that carries passed fds).  The buffer grows with the data actually
 * received, never with the announced length.
 */
static int
client_read_packet(Client *client)
{
    for (;;) {
        ssize_t n;

        if (!client->rx) {
            n = recv(client->fd, client->head + client->headhave,
                     PACKET_MIN_LEN - client->headhave, MSG_DONTWAIT);
        } else {
            size_t want;

            if (client->rxhave == client->rx_len)
                return 1;
            /* Geometric growth bounded by twice what actually arrived. */
            want = MIN(client->rx_len, client->rxhave + CLIENT_RX_STEP);
            if (client->rx->buf->len < want)
                g_byte_array_set_size(client->rx->buf,
                                      (guint) MIN(client->rx_len,
                                                  MAX(want, (size_t) client->rx->buf->len * 2)));
            want = client->rx->buf->len;
            n = recv(client->fd, client->rx->buf->data + client->rxhave,
                     want - client->rxhave, MSG_DONTWAIT);
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0)
            return -1;
        client->seen_data = true;
        if (client->rx) {
            client->rxhave += (size_t) n;
            continue;
        }
        client->headhave += (size_t) n;
        if (client->headhave >= PACKET_LEN_SIZE && !packet_length_decode(client->head)) {
            log_debug("client %" G_GUINT64_FORMAT ": bad packet length", client->id);
            return -1;
        }
        if (client->headhave == PACKET_MIN_LEN)
            client_begin_packet(client);
    }
}

/* Decodes the header of the packet just read.  -1: malformed, close. */
static int
client_packet_ready(Client *client)
{
    Message *msg = client->rx;

    if (packet_header_decode(msg->buf->data, msg->buf->len, &msg->hdr,
                             &msg->payload_off) < 0)
        return -1;
    if (msg->hdr.type == VK_NET_CALL_WITH_FDS &&
        packet_nfds_decode(msg->buf->data, msg->buf->len, &msg->payload_off,
                           &msg->nfds_expected) < 0)
        return -1;
    client->rx_complete = true;
    return 0;
}

static bool
client_may_read(Client *client)
{
    bool ok;

    g_mutex_lock(&client->lock);
    ok = (client_wanted_cond_locked(client) & G_IO_IN) != 0;
    g_mutex_unlock(&client->lock);
    return ok;
}

/* Reads and routes up to CLIENT_READS_PER_WAKEUP packets. */
static int
client_handle_input(Client *client)
{
    for (int i = 0; i < CLIENT_READS_PER_WAKEUP; i++) {
        int r;

        if (!client->rx_complete) {
            r = client_read_packet(client);
            if (r == 1 && client_packet_ready(client) < 0)
                return -1;
        } else {
            r = 1;
        }
        while (r == 1 && client->rx->nfds < client->rx->nfds_expected)
            r = client_recv_fd(client);
        if (r <= 0)
            return r;
        client->headhave = 0;
        client->rxhave = 0;
        client->rx_complete = false;
        client_process_packet(client, g_steal_pointer(&client->rx));
        if (!client_may_read(client))
            break;
    }
    return 0;
}

static gboolean
client_source_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    ClientSource *cs = (ClientSource *) source;
    g_autoptr(Client) client = client_ref(cs->client);
    GIOCondition rev = g_source_query_unix_fd(source, cs->tag);
    int failed = 0;

    if (rev & G_IO_OUT) {
        g_mutex_lock(&client->lock);
        failed = client_flush_locked(client);
        if (!failed && client->close_after_flush && g_queue_is_empty(&client->txq))
            failed = -1;
        g_mutex_unlock(&client->lock);
    }
    if (!failed && (rev & G_IO_IN))
        failed = client_handle_input(client);
    if (!failed && (rev & (G_IO_HUP | G_IO_ERR)) && !(rev & G_IO_IN))
        failed = -1;
    if (failed < 0) {
        client_close(client);
        client_finish_close(client);
        return G_SOURCE_REMOVE;
    }
    client_apply_watch(client);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs client_source_funcs = {
    .dispatch = client_source_dispatch,
};

void
client_stop(Client *client)
{
    GSource *source;

    g_mutex_lock(&client->lock);
    client->closed = true;
    source = g_steal_pointer(&client->source);
    g_mutex_unlock(&client->lock);
    if (source) {
        g_source_destroy(source);
        g_source_unref(source);
    }
}

void
client_start(Client *client)
{
    GSource *source = g_source_new(&client_source_funcs, sizeof(ClientSource));
    ClientSource *cs = (ClientSource *) source;

    cs->client = client;   /* the server's reference keeps it alive */
    client->cond = G_IO_IN;
    cs->tag = g_source_add_unix_fd(source, client->fd, client->cond);
    client->source = source;
    g_source_attach(source, client->srv->ctx);
}
