/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Control socket server.  A client that sends a line longer than
 * CONTROL_MAX_LINE gets an error and is disconnected; one that does not read
 * its replies and events is disconnected once CONTROL_MAX_OUTPUT bytes are
 * queued for it.  Nothing a client sends can stop the VMM except "quit".
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "hv/control/control-commands.h"
#include "hv/control/control-server.h"

#define CONTROL_MAX_CLIENTS 32
#define CONTROL_MAX_OUTPUT  (1 << 20)

typedef struct {
    ControlServer *srv;
    int fd;
    guint in_watch;
    guint out_watch;
    GByteArray *in;
    GByteArray *out;
    bool closing;       /* close once the output is written */
} ControlClient;

struct ControlServer {
    Machine *m;
    int listen_fd;
    char *path;
    guint accept_watch;
    GPtrArray *clients;
};

static void control_client_free(ControlClient *c);

static void
control_client_drop(ControlClient *c)
{
    g_ptr_array_remove(c->srv->clients, c);
    control_client_free(c);
}

static gboolean
control_client_writable(gint fd, GIOCondition cond, gpointer data)
{
    ControlClient *c = data;
    ssize_t n;

    while (c->out->len) {
        n = send(fd, c->out->data, c->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return G_SOURCE_CONTINUE;
        if (n <= 0) {
            c->out_watch = 0;
            control_client_drop(c);
            return G_SOURCE_REMOVE;
        }
        g_byte_array_remove_range(c->out, 0, (guint)n);
    }
    c->out_watch = 0;
    if (c->closing)
        control_client_drop(c);
    return G_SOURCE_REMOVE;
}

static void
control_client_send(ControlClient *c, json_object *obj)
{
    const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);

    if (c->out->len + strlen(s) + 1 > CONTROL_MAX_OUTPUT) {
        c->closing = true;      /* not reading: give up on it */
        g_byte_array_set_size(c->out, 0);
    } else {
        g_byte_array_append(c->out, (const guint8 *)s, (guint)strlen(s));
        g_byte_array_append(c->out, (const guint8 *)"\n", 1);
    }
    if (!c->out_watch)
        c->out_watch = g_unix_fd_add(c->fd, G_IO_OUT, control_client_writable, c);
}

static void
control_client_line(ControlClient *c, const char *line, size_t len)
{
    ControlRequest req;
    json_object *reply = NULL;
    bool quit = false;

    if (len == 0)
        return;
    if (control_request_parse(line, len, &req, &reply) == 0) {
        reply = control_request_execute(c->srv->m, &req, &quit);
        control_request_clear(&req);
    }
    control_client_send(c, reply);
    json_object_put(reply);
    if (quit)
        machine_shutdown(c->srv->m, "host-quit", false);
}

/* Handles complete lines; false when the client must go. */
static bool
control_client_process(ControlClient *c)
{
    guint start = 0;

    for (guint i = 0; i < c->in->len && !c->closing; i++) {
        if (c->in->data[i] != '\n')
            continue;
        control_client_line(c, (const char *)c->in->data + start, i - start);
        start = i + 1;
        if (c->srv->m->state == MACHINE_STATE_SHUTDOWN)
            break;
    }
    g_byte_array_remove_range(c->in, 0, start);
    if (c->in->len > CONTROL_MAX_LINE) {
        json_object *e = control_error_reply("GenericError", "request line too long", NULL);

        control_client_send(c, e);
        json_object_put(e);
        c->closing = true;
    }
    return true;
}

static gboolean
control_client_readable(gint fd, GIOCondition cond, gpointer data)
{
    ControlClient *c = data;
    uint8_t buf[4096];
    ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
    if (n <= 0) {
        c->in_watch = 0;
        control_client_drop(c);
        return G_SOURCE_REMOVE;
    }
    g_byte_array_append(c->in, buf, (guint)n);
    control_client_process(c);
    if (c->closing) {
        c->in_watch = 0;
        if (!c->out_watch)
            control_client_drop(c);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

static void
control_client_greet(ControlClient *c)
{
    json_object *g = json_object_new_object();
    json_object *v = json_object_new_object();

    json_object_object_add(v, "vmm", json_object_new_string("virtkvm-vmm"));
    json_object_object_add(v, "version", json_object_new_string(PACKAGE_VERSION));
    json_object_object_add(v, "name", json_object_new_string(c->srv->m->desc->name));
    json_object_object_add(g, "greeting", v);
    control_client_send(c, g);
    json_object_put(g);
}

static gboolean
control_accept(gint fd, GIOCondition cond, gpointer data)
{
    ControlServer *srv = data;
    ControlClient *c;
    int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (cfd < 0)
        return G_SOURCE_CONTINUE;
    if (srv->clients->len >= CONTROL_MAX_CLIENTS) {
        close(cfd);
        return G_SOURCE_CONTINUE;
    }
    c = g_new0(ControlClient, 1);
    c->srv = srv;
    c->fd = cfd;
    c->in = g_byte_array_new();
    c->out = g_byte_array_new();
    g_ptr_array_add(srv->clients, c);
    c->in_watch = g_unix_fd_add(cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, control_client_readable, c);
    control_client_greet(c);
    return G_SOURCE_CONTINUE;
}

static void
control_client_free(ControlClient *c)
{
    g_clear_handle_id(&c->in_watch, g_source_remove);
    g_clear_handle_id(&c->out_watch, g_source_remove);
    close(c->fd);
    g_byte_array_unref(c->in);
    g_byte_array_unref(c->out);
    g_free(c);
}

void
control_server_event(void *opaque, const char *event, json_object *data)
{
    ControlServer *srv = opaque;
    json_object *e = json_object_new_object();
    json_object *ts = json_object_new_object();
    gint64 now = g_get_real_time();

    json_object_object_add(e, "event", json_object_new_string(event));
    if (data)
        json_object_object_add(e, "data", json_object_get(data));
    json_object_object_add(ts, "seconds", json_object_new_int64(now / G_USEC_PER_SEC));
    json_object_object_add(ts, "microseconds", json_object_new_int64(now % G_USEC_PER_SEC));
    json_object_object_add(e, "timestamp", ts);
    for (guint i = 0; i < srv->clients->len; i++)
        control_client_send(g_ptr_array_index(srv->clients, i), e);
    json_object_put(e);
}

/*
 * Binds under a temporary name and renames it into place once listening,
 * so a client that sees the path never meets a socket that refuses it.
 */
static int
control_listen(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    g_autofree char *tmp = g_strdup_printf("%s.%d", path, (int) getpid());
    int fd;

    if (strlen(tmp) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -errno;
    g_strlcpy(sa.sun_path, tmp, sizeof(sa.sun_path));
    unlink(tmp);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 8) < 0 ||
        rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        close(fd);
        return -e;
    }
    return fd;
}

ControlServer *
control_server_new(Machine *m, const char *path, int fd, int *err)
{
    ControlServer *srv;

    if (path) {
        fd = control_listen(path);
        if (fd < 0) {
            *err = fd;
            return NULL;
        }
    } else if (fd < 0 || fcntl(fd, F_GETFD) < 0) {
        *err = -EBADF;
        return NULL;
    } else {
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
        g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    }
    srv = g_new0(ControlServer, 1);
    srv->m = m;
    srv->listen_fd = fd;
    srv->path = g_strdup(path);
    srv->clients = g_ptr_array_new();
    srv->accept_watch = g_unix_fd_add(fd, G_IO_IN, control_accept, srv);
    return srv;
}

void
control_server_flush(ControlServer *srv)
{
    gint64 deadline = g_get_monotonic_time() + G_USEC_PER_SEC;

    for (guint i = 0; i < srv->clients->len; i++) {
        ControlClient *c = g_ptr_array_index(srv->clients, i);

        while (c->out->len && g_get_monotonic_time() < deadline) {
            struct pollfd p = { .fd = c->fd, .events = POLLOUT };
            ssize_t n;

            if (poll(&p, 1, 100) <= 0)
                continue;
            n = send(c->fd, c->out->data, c->out->len, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n <= 0 && errno != EAGAIN && errno != EINTR)
                break;
            if (n > 0)
                g_byte_array_remove_range(c->out, 0, (guint)n);
        }
    }
}

void
control_server_free(ControlServer *srv)
{
    if (!srv)
        return;
    g_clear_handle_id(&srv->accept_watch, g_source_remove);
    for (guint i = 0; i < srv->clients->len; i++)
        control_client_free(g_ptr_array_index(srv->clients, i));
    g_ptr_array_unref(srv->clients);
    close(srv->listen_fd);
    if (srv->path)
        unlink(srv->path);
    g_free(srv->path);
    g_free(srv);
}
