/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The RPC server in-process on a private socket: event registration and
 * delivery (callback and legacy forms, object filters), streams in both
 * directions (data, holes, end of data, abort) and fd passing, through
 * the real socket I/O, main loop and workers.
 */
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "daemon/daemon.h"
#include "daemon/dispatch.h"
#include "daemon/event.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "daemon/stream.h"

/* How long a wait for the daemon may take before the test calls it a hang:
 * generous, since a loaded machine under ASan can stall it for seconds. */
#define WAIT_MS 30000

static Daemon daemon_obj;
static GMainContext *ctx;
static gint quit_loop;
static char *sock_path;
static char *tmpdir;

static gpointer
loop_thread(gpointer data)
{
    while (!g_atomic_int_get(&quit_loop))
        g_main_context_iteration(ctx, TRUE);
    return NULL;
}

static int
test_connect(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(sa.sun_path, sock_path, sizeof(sa.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
    return fd;
}

static void
send_all(int fd, const void *buf, size_t len)
{
    g_assert_cmpint(send(fd, buf, len, MSG_NOSIGNAL), ==, (ssize_t) len);
}

static void
send_pkt(int fd, int proc, int type, guint serial, int status,
         xdrproc_t filter, void *obj, const void *raw, size_t rawlen)
{
    PacketHeader hdr = { REMOTE_PROGRAM, 1, proc, (uint32_t) type, serial,
                         (uint32_t) status };
    g_autoptr(GByteArray) buf = packet_build(&hdr, -1, filter, obj, raw, rawlen);

    g_assert_nonnull(buf);
    send_all(fd, buf->data, buf->len);
}

static void
recv_exact(int fd, guint8 *buf, size_t len)
{
    size_t have = 0;

    while (have < len) {
        struct pollfd p = { fd, POLLIN, 0 };
        ssize_t n;

        g_assert_cmpint(poll(&p, 1, WAIT_MS), ==, 1);
        n = recv(fd, buf + have, len - have, 0);
        g_assert_cmpint(n, >, 0);
        have += (size_t) n;
    }
}

/* Receives one packet; returns the buffer, header in *hdr. */
static GByteArray *
recv_pkt(int fd, PacketHeader *hdr, size_t *off)
{
    guint8 lenbuf[4];
    uint32_t len;
    GByteArray *buf;

    recv_exact(fd, lenbuf, 4);
    len = packet_length_decode(lenbuf);
    g_assert_cmpuint(len, >=, 28);
    buf = g_byte_array_sized_new(len);
    g_byte_array_append(buf, lenbuf, 4);
    g_byte_array_set_size(buf, len);
    recv_exact(fd, buf->data + 4, len - 4);
    g_assert_cmpint(packet_header_decode(buf->data, buf->len, hdr, off), ==, 0);
    return buf;
}

/* A call that must succeed; decodes the reply into ret. */
static void
call_ok(int fd, int proc, guint serial, xdrproc_t args_f, void *args,
        xdrproc_t ret_f, void *ret)
{
    PacketHeader hdr;
    size_t off;
    g_autoptr(GByteArray) buf = NULL;

    send_pkt(fd, proc, VK_NET_CALL, serial, VK_NET_OK, args_f, args, NULL, 0);
    buf = recv_pkt(fd, &hdr, &off);
    g_assert_cmpuint(hdr.type, ==, VK_NET_REPLY);
    g_assert_cmpuint(hdr.serial, ==, serial);
    g_assert_cmpuint(hdr.status, ==, VK_NET_OK);
    if (ret_f)
        g_assert_cmpint(packet_payload_decode(buf->data, buf->len, off, ret_f, ret), ==, 0);
}

static int
call_err(int fd, int proc, guint serial, xdrproc_t args_f, void *args)
{
    PacketHeader hdr;
    size_t off;
    g_autoptr(GByteArray) buf = NULL;
    g_autoptr(VkError) err = NULL;

    send_pkt(fd, proc, VK_NET_CALL, serial, VK_NET_OK, args_f, args, NULL, 0);
    buf = recv_pkt(fd, &hdr, &off);
    g_assert_cmpuint(hdr.status, ==, VK_NET_ERROR);
    err = packet_error_decode(buf->data, buf->len, off);
    g_assert_nonnull(err);
    return err->code;
}

/* A PING answered by the next packet proves nothing else was queued. */
static void
assert_nothing_pending(int fd)
{
    PacketHeader hdr = { VK_KEEPALIVE_PROGRAM, 1, VK_KEEPALIVE_PROC_PING,
                         VK_NET_MESSAGE, 0, VK_NET_OK };
    g_autoptr(GByteArray) buf = packet_build(&hdr, -1, NULL, NULL, NULL, 0);
    g_autoptr(GByteArray) in = NULL;
    size_t off;

    send_all(fd, buf->data, buf->len);
    in = recv_pkt(fd, &hdr, &off);
    g_assert_cmpuint(hdr.prog, ==, VK_KEEPALIVE_PROGRAM);
    g_assert_cmpint(hdr.proc, ==, VK_KEEPALIVE_PROC_PONG);
}

static int
handshake(void)
{
    int fd = test_connect();
    remote_connect_open_args open = { NULL, 0 };
    remote_auth_list_ret auth = { 0 };

    call_ok(fd, 66, 0, NULL, NULL, (xdrproc_t) xdr_remote_auth_list_ret, &auth);
    g_assert_cmpuint(auth.types.types_len, ==, 1);
    xdr_free((xdrproc_t) xdr_remote_auth_list_ret, (char *) &auth);
    call_ok(fd, 1, 1, (xdrproc_t) xdr_remote_connect_open_args, &open, NULL, NULL);
    return fd;
}

static void
wait_no_clients(void)
{
    for (int i = 0; i < WAIT_MS / 10; i++) {
        g_autoptr(GPtrArray) list = server_list_clients(daemon_obj.srv);

        if (list->len == 0)
            return;
        g_usleep(10000);
    }
    g_assert_not_reached();
}

static Client *
only_client(void)
{
    g_autoptr(GPtrArray) list = server_list_clients(daemon_obj.srv);

    g_assert_cmpuint(list->len, ==, 1);
    return client_ref(g_ptr_array_index(list, 0));
}

static void
test_events(void)
{
    int fd = handshake();
    remote_connect_domain_event_callback_register_any_args dargs = { 0, NULL };
    remote_connect_event_callback_register_ret reg = { 0 };
    remote_nonnull_network net = { (char *) "n1", { 0 } };
    remote_connect_network_event_register_any_args nargs = { 0, &net };
    remote_connect_event_callback_register_ret nreg = { 0 };
    remote_connect_event_callback_deregister_args dereg;
    remote_connect_domain_event_register_any_args legacy = { 0 };
    VkEvent ev = { VK_EVENT_DOMAIN, 0, "vm1", { 1, 2, 3 }, 3, 2, 1, 0, NULL };
    VkEvent nev = { VK_EVENT_NETWORK, 0, "n1", { 9 }, 0, 0, 0, 0, NULL };
    remote_domain_event_callback_lifecycle_msg msg;
    remote_domain_event_lifecycle_msg lmsg;
    PacketHeader hdr;
    size_t off;
    GByteArray *buf;

    call_ok(fd, 316, 2, (xdrproc_t) xdr_remote_connect_domain_event_callback_register_any_args,
            &dargs, (xdrproc_t) xdr_remote_connect_event_callback_register_ret, &reg);
    g_assert_cmpint(reg.callbackID, >, 0);
    /* An out-of-range event ID is refused. */
    dargs.eventID = 99;
    g_assert_cmpint(call_err(fd, 316, 3, (xdrproc_t)
                             xdr_remote_connect_domain_event_callback_register_any_args,
                             &dargs), ==, 8);

    daemon_obj.event_sink.emit(&ev, daemon_obj.event_sink.opaque);
    buf = recv_pkt(fd, &hdr, &off);
    g_assert_cmpuint(hdr.type, ==, VK_NET_MESSAGE);
    g_assert_cmpint(hdr.proc, ==, 318);
    g_assert_cmpuint(hdr.serial, ==, 1);
    memset(&msg, 0, sizeof(msg));
    g_assert_cmpint(packet_payload_decode(buf->data, buf->len, off, (xdrproc_t)
                                          xdr_remote_domain_event_callback_lifecycle_msg,
                                          &msg), ==, 0);
    g_assert_cmpint(msg.callbackID, ==, reg.callbackID);
    g_assert_cmpstr(msg.msg.dom.name, ==, "vm1");
    g_assert_cmpint(msg.msg.dom.id, ==, 3);
    g_assert_cmpint(msg.msg.event, ==, 2);
    g_assert_cmpint(msg.msg.detail, ==, 1);
    xdr_free((xdrproc_t) xdr_remote_domain_event_callback_lifecycle_msg, (char *) &msg);
    g_byte_array_unref(buf);

    /* Object filter: a network registration for uuid {0...} only. */
    call_ok(fd, 313, 4, (xdrproc_t) xdr_remote_connect_network_event_register_any_args,
            &nargs, (xdrproc_t) xdr_remote_connect_event_callback_register_ret, &nreg);
    event_deliver(daemon_obj.srv, &nev);           /* other uuid */
    ev.event_id = 1;
    event_deliver(daemon_obj.srv, &ev);            /* nobody wants REBOOT */
    assert_nothing_pending(fd);
    memset(nev.uuid, 0, 16);
    event_deliver(daemon_obj.srv, &nev);
    buf = recv_pkt(fd, &hdr, &off);
    g_assert_cmpint(hdr.proc, ==, 315);
    g_byte_array_unref(buf);

    dereg.callbackID = reg.callbackID;
    call_ok(fd, 317, 5, (xdrproc_t) xdr_remote_connect_event_callback_deregister_args,
            &dereg, NULL, NULL);
    g_assert_cmpint(call_err(fd, 317, 6, (xdrproc_t)
                             xdr_remote_connect_event_callback_deregister_args,
                             &dereg), ==, 8);
    ev.event_id = 0;
    event_deliver(daemon_obj.srv, &ev);
    assert_nothing_pending(fd);

    /* Legacy registration: message 107 without a callbackID. */
    call_ok(fd, 167, 7, (xdrproc_t) xdr_remote_connect_domain_event_register_any_args,
            &legacy, NULL, NULL);
    event_deliver(daemon_obj.srv, &ev);
    buf = recv_pkt(fd, &hdr, &off);
    g_assert_cmpint(hdr.proc, ==, 107);
    memset(&lmsg, 0, sizeof(lmsg));
    g_assert_cmpint(packet_payload_decode(buf->data, buf->len, off, (xdrproc_t)
                                          xdr_remote_domain_event_lifecycle_msg, &lmsg), ==, 0);
    g_assert_cmpstr(lmsg.dom.name, ==, "vm1");
    xdr_free((xdrproc_t) xdr_remote_domain_event_lifecycle_msg, (char *) &lmsg);
    g_byte_array_unref(buf);
    close(fd);
}

typedef struct {
    GMutex lock;
    GString *data;
    int holes;
    int finished;
    int aborted;
    int started;
} StreamState;

static void
st_start(Stream *st, void *opaque)
{
    StreamState *s = opaque;

    g_atomic_int_inc(&s->started);
}

static int
st_data(Stream *st, const char *buf, size_t len, void *opaque)
{
    StreamState *s = opaque;

    g_mutex_lock(&s->lock);
    g_string_append_len(s->data, buf, (gssize) len);
    g_mutex_unlock(&s->lock);
    return 0;
}

static int
st_hole(Stream *st, gint64 length, unsigned flags, void *opaque)
{
    StreamState *s = opaque;

    g_atomic_int_inc(&s->holes);
    return 0;
}

static int
st_finish(Stream *st, void *opaque)
{
    StreamState *s = opaque;

    g_atomic_int_inc(&s->finished);
    return 0;
}

static void
st_abort(Stream *st, void *opaque)
{
    StreamState *s = opaque;

    g_atomic_int_inc(&s->aborted);
}

static const StreamOps st_ops = {
    st_start, st_data, st_hole, st_finish, st_abort, NULL,
};

static Stream *
open_stream(Client *client, int proc, guint serial, StreamState *s)
{
    PacketHeader hdr = { REMOTE_PROGRAM, 1, proc, VK_NET_CALL, serial, VK_NET_OK };
    Stream *st = stream_new(client, &hdr, &st_ops, s);

    stream_activate(st);
    return st;
}

static void
expect_stream_pkt(int fd, int type, int status, guint serial, size_t payload_len)
{
    PacketHeader hdr;
    size_t off;
    g_autoptr(GByteArray) buf = recv_pkt(fd, &hdr, &off);

    g_assert_cmpuint(hdr.type, ==, (guint) type);
    g_assert_cmpuint(hdr.status, ==, (guint) status);
    g_assert_cmpuint(hdr.serial, ==, serial);
    g_assert_cmpuint(buf->len - off, ==, payload_len);
}

static void
test_streams(void)
{
    int fd = (wait_no_clients(), handshake());
    g_autoptr(Client) client = only_client();
    StreamState s = { .data = g_string_new(NULL) };
    vk_net_stream_hole hole = { 4096, 0 };
    g_autofree char *big = g_malloc0(600000);
    Stream *up, *down, *ab;

    g_mutex_init(&s.lock);
    /* Upload: data and a hole from the client, then OK, confirmed. */
    up = open_stream(client, 208, 500, &s);
    g_assert_cmpint(s.started, ==, 1);
    send_pkt(fd, 208, VK_NET_STREAM, 500, VK_NET_CONTINUE, NULL, NULL, "hello", 5);
    send_pkt(fd, 208, VK_NET_STREAM_HOLE, 500, VK_NET_CONTINUE,
             (xdrproc_t) xdr_vk_net_stream_hole, &hole, NULL, 0);
    send_pkt(fd, 208, VK_NET_STREAM, 500, VK_NET_CONTINUE, NULL, NULL, " world", 6);
    send_pkt(fd, 999, VK_NET_STREAM, 12345, VK_NET_CONTINUE, NULL, NULL, "x", 1);
    send_pkt(fd, 208, VK_NET_STREAM, 500, VK_NET_OK, NULL, NULL, NULL, 0);
    expect_stream_pkt(fd, VK_NET_STREAM, VK_NET_OK, 500, 0);
    g_assert_cmpstr(s.data->str, ==, "hello world");
    g_assert_cmpint(s.holes, ==, 1);
    g_assert_cmpint(s.finished, ==, 1);
    stream_unref(up);

    /* Download: chunks of at most 262120 bytes, a hole, end of data. */
    down = open_stream(client, 209, 501, &s);
    g_assert_cmpint(stream_send_data(down, big, 600000), ==, 0);
    g_assert_cmpint(stream_send_hole(down, 8192, 0), ==, 0);
    g_assert_cmpint(stream_send_eof(down), ==, 0);
    expect_stream_pkt(fd, VK_NET_STREAM, VK_NET_CONTINUE, 501, 262120);
    expect_stream_pkt(fd, VK_NET_STREAM, VK_NET_CONTINUE, 501, 262120);
    expect_stream_pkt(fd, VK_NET_STREAM, VK_NET_CONTINUE, 501, 600000 - 2 * 262120);
    expect_stream_pkt(fd, VK_NET_STREAM_HOLE, VK_NET_CONTINUE, 501, 12);
    expect_stream_pkt(fd, VK_NET_STREAM, VK_NET_CONTINUE, 501, 0);
    send_pkt(fd, 209, VK_NET_STREAM, 501, VK_NET_OK, NULL, NULL, NULL, 0);
    expect_stream_pkt(fd, VK_NET_STREAM, VK_NET_OK, 501, 0);
    g_assert_cmpint(s.finished, ==, 2);
    /* Closed: further sends fail. */
    g_assert_cmpint(stream_send_data(down, "x", 1), ==, -1);
    stream_unref(down);

    /* Client abort. */
    ab = open_stream(client, 201, 502, &s);
    send_pkt(fd, 201, VK_NET_STREAM, 502, VK_NET_ERROR, NULL, NULL, NULL, 0);
    assert_nothing_pending(fd);
    g_assert_cmpint(s.aborted, ==, 1);
    stream_unref(ab);

    /* A stream still open when the client goes away is aborted. */
    ab = open_stream(client, 201, 503, &s);
    close(fd);
    for (int i = 0; i < WAIT_MS / 10 && g_atomic_int_get(&s.aborted) < 2; i++)
        g_usleep(10000);
    g_assert_cmpint(s.aborted, ==, 2);
    stream_unref(ab);
    g_string_free(s.data, TRUE);
    g_mutex_clear(&s.lock);
}

/* Waits until the daemon lists @n clients; returns them. */
static GPtrArray *
wait_clients(guint n)
{
    for (int i = 0; i < WAIT_MS / 10; i++) {
        GPtrArray *list = server_list_clients(daemon_obj.srv);

        if (list->len == n)
            return list;
        g_ptr_array_unref(list);
        g_usleep(10000);
    }
    g_assert_not_reached();
}

static bool
fd_closed_by_peer(int fd, int timeout_ms)
{
    struct pollfd p = { fd, POLLIN, 0 };
    char c;

    if (poll(&p, 1, timeout_ms) != 1)
        return false;
    return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

/* Over max_anonymous_clients, a client that has spoken but is not yet
 * authenticated (a slow handshake) is not evicted while a silent one is
 * still within its grace period; the silent one goes once past it. */
static void
test_anonymous_eviction(void)
{
    ServerLimits limits;
    g_autoptr(GPtrArray) one = NULL;
    g_autoptr(GPtrArray) two = NULL;
    Client *talker_c = NULL;
    int talker, silent;

    wait_no_clients();
    server_limits_from_config(&limits, daemon_obj.cfg, false);
    limits.max_anonymous_clients = 1;
    server_set_limits(daemon_obj.srv, &limits);

    talker = test_connect();
    send_all(talker, "\0\0", 2);         /* half a length word */
    one = wait_clients(1);
    talker_c = g_ptr_array_index(one, 0);
    for (int i = 0; i < WAIT_MS / 10 && !talker_c->seen_data; i++)
        g_usleep(10000);
    g_assert_true(talker_c->seen_data);
    talker_c->connect_mono -= 2 * G_USEC_PER_SEC;       /* past the grace */

    silent = test_connect();
    two = wait_clients(2);
    for (guint i = 0; i < two->len; i++) {
        Client *c = g_ptr_array_index(two, i);

        if (c != talker_c)
            c->connect_mono -= 2 * G_USEC_PER_SEC;
    }
    /* The next timer tick evicts the silent client, not the talker. */
    g_assert_true(fd_closed_by_peer(silent, WAIT_MS));
    g_assert_false(fd_closed_by_peer(talker, 0));

    close(silent);
    close(talker);
    wait_no_clients();
    server_limits_from_config(&limits, daemon_obj.cfg, false);
    server_set_limits(daemon_obj.srv, &limits);
}

static void
test_fd_passing(void)
{
    int fd = (wait_no_clients(), handshake());
    int pipefd[2];
    PacketHeader hdr = { REMOTE_PROGRAM, 1, 4, VK_NET_CALL_WITH_FDS, 20, VK_NET_OK };
    g_autoptr(GByteArray) buf = packet_build(&hdr, 1, NULL, NULL, NULL, 0);
    g_autoptr(GByteArray) in = NULL;
    char byte = 0;
    struct iovec iov = { &byte, 1 };
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr mh = { 0 };
    struct cmsghdr *cmsg;
    remote_connect_get_version_ret ver = { 0 };
    size_t off;

    g_assert_cmpint(pipe(pipefd), ==, 0);
    send_all(fd, buf->data, buf->len);
    memset(&control, 0, sizeof(control));
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control.b;
    mh.msg_controllen = sizeof(control.b);
    cmsg = CMSG_FIRSTHDR(&mh);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &pipefd[0], sizeof(int));
    g_assert_cmpint(sendmsg(fd, &mh, 0), ==, 1);
    in = recv_pkt(fd, &hdr, &off);
    g_assert_cmpuint(hdr.serial, ==, 20);
    g_assert_cmpuint(hdr.status, ==, VK_NET_OK);
    /* The dummy byte was consumed: the next call is understood. */
    call_ok(fd, 4, 21, NULL, NULL, (xdrproc_t) xdr_remote_connect_get_version_ret, &ver);
    g_assert_cmpuint(ver.hv_ver, ==, VERSION_NUMBER);
    close(pipefd[0]);
    close(pipefd[1]);
    close(fd);
}

static void
emit(const VkEvent *ev, void *opaque)
{
    event_deliver(((Daemon *) opaque)->srv, ev);
}

int
main(int argc, char **argv)
{
    ServerLimits limits;
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    GThread *thread;
    int lfd, ret;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("rpc-server-XXXXXX", NULL);
    sock_path = g_build_filename(tmpdir, "sock", NULL);
    daemon_obj.cfg = config_new();
    server_limits_from_config(&limits, daemon_obj.cfg, false);
    dispatch_init();
    ctx = g_main_context_new();
    daemon_obj.srv = server_new("virtkvmd", ctx, &dispatch_remote_program, &limits,
                                &daemon_obj);
    daemon_obj.event_sink.emit = emit;
    daemon_obj.event_sink.opaque = &daemon_obj;
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    g_strlcpy(sa.sun_path, sock_path, sizeof(sa.sun_path));
    g_assert_cmpint(bind(lfd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(lfd, 16), ==, 0);
    server_add_listener(daemon_obj.srv, lfd, false, sock_path);
    thread = g_thread_new("loop", loop_thread, NULL);

    g_test_add_func("/rpc/server/events", test_events);
    g_test_add_func("/rpc/server/streams", test_streams);
    g_test_add_func("/rpc/server/fd-passing", test_fd_passing);
    g_test_add_func("/rpc/server/anonymous-eviction", test_anonymous_eviction);
    ret = g_test_run();

    wait_no_clients();
    g_atomic_int_set(&quit_loop, 1);
    g_main_context_wakeup(ctx);
    g_thread_join(thread);
    server_free(daemon_obj.srv);
    g_main_context_unref(ctx);
    config_free(daemon_obj.cfg);
    g_unlink(sock_path);
    g_rmdir(tmpdir);
    g_free(sock_path);
    g_free(tmpdir);
    return ret;
}
