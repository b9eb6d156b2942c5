/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Character backends; see char-backend.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>

#include "hv/devices/char-backend.h"

#define CHAR_RETRY_MS 20

struct CharBackend {
    LaunchCharType type;
    int in_fd;          /* -1: no input */
    int out_fd;         /* -1: output dropped */
    int listen_fd;      /* UNIX type */
    bool own_in, own_out;
    char *pty_path;
    GMutex lock;        /* out_fd may change (UNIX clients) */
    guint watch;
    guint listen_watch;
    guint retry;
    CharCanRead can_read;
    CharRead read;
    void *opaque;
};

static void char_backend_watch(CharBackend *cb);

static int
char_open_pty(CharBackend *cb)
{
    struct termios t;
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (fd < 0)
        return -errno;
    if (grantpt(fd) < 0 || unlockpt(fd) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        (void)tcsetattr(fd, TCSANOW, &t);
    }
    cb->pty_path = g_strdup(ptsname(fd));
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    cb->in_fd = cb->out_fd = fd;
    cb->own_in = true;
    return 0;
}

static int
char_open_unix(CharBackend *cb, const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    if (fd < 0)
        return -errno;
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    cb->listen_fd = fd;
    return 0;
}

CharBackend *
char_backend_open(const LaunchChar *cfg, int *err)
{
    g_autofree CharBackend *cb = g_new0(CharBackend, 1);
    int r = 0;

    cb->type = cfg->type;
    cb->in_fd = cb->out_fd = cb->listen_fd = -1;
    g_mutex_init(&cb->lock);
    switch (cfg->type) {
    case LAUNCH_CHAR_NONE:
        break;
    case LAUNCH_CHAR_FILE:
        cb->out_fd = open(cfg->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (cb->out_fd < 0)
            r = -errno;
        cb->own_out = true;
        break;
    case LAUNCH_CHAR_PTY:
        r = char_open_pty(cb);
        break;
    case LAUNCH_CHAR_UNIX:
        r = char_open_unix(cb, cfg->path);
        break;
    case LAUNCH_CHAR_FD:
        if (fcntl(cfg->fd, F_GETFD) < 0) {
            r = -EBADF;
            break;
        }
        (void)fcntl(cfg->fd, F_SETFD, FD_CLOEXEC);
        cb->in_fd = cb->out_fd = cfg->fd;
        cb->own_in = true;
        break;
    case LAUNCH_CHAR_STDIO:
        cb->in_fd = STDIN_FILENO;
        cb->out_fd = STDOUT_FILENO;
        break;
    }
    if (r < 0) {
        *err = r;
        if (cb->out_fd >= 0 && cb->own_out)
            close(cb->out_fd);
        g_mutex_clear(&cb->lock);
        return NULL;
    }
    return g_steal_pointer(&cb);
}

const char *
char_backend_pty_path(const CharBackend *cb)
{
    return cb ? cb->pty_path : NULL;
}

void
char_backend_write(CharBackend *cb, const uint8_t *buf, size_t len)
{
    if (!cb)
        return;
    g_mutex_lock(&cb->lock);
    while (cb->out_fd >= 0 && len > 0) {
        ssize_t n = write(cb->out_fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;      /* full or gone: the byte is lost, as on a real line */
        buf += n;
        len -= (size_t)n;
    }
    g_mutex_unlock(&cb->lock);
}

static gboolean
char_retry_cb(gpointer data)
{
    CharBackend *cb = data;

    cb->retry = 0;
    char_backend_watch(cb);
    return G_SOURCE_REMOVE;
}

static void
char_drop_client(CharBackend *cb)
{
    g_mutex_lock(&cb->lock);
    close(cb->in_fd);
    cb->in_fd = cb->out_fd = -1;
    g_mutex_unlock(&cb->lock);
}

static gboolean
char_input_cb(gint fd, GIOCondition cond, gpointer data)
{
    CharBackend *cb = data;
    uint8_t buf[256];
    size_t room = cb->can_read(cb->opaque);
    ssize_t n;

    if (room == 0) {
        cb->watch = 0;
        cb->retry = g_timeout_add(CHAR_RETRY_MS, char_retry_cb, cb);
        return G_SOURCE_REMOVE;
    }
    n = read(fd, buf, MIN(room, sizeof(buf)));
    if (n > 0) {
        cb->read(cb->opaque, buf, (size_t)n);
        return G_SOURCE_CONTINUE;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
    cb->watch = 0;
    if (cb->type == LAUNCH_CHAR_UNIX) {
        char_drop_client(cb);
    } else if (cb->type == LAUNCH_CHAR_PTY) {
        /* No slave open yet (EIO): look again later. */
        cb->retry = g_timeout_add(250, char_retry_cb, cb);
    }
    return G_SOURCE_REMOVE;
}

static void
char_backend_watch(CharBackend *cb)
{
    if (cb->watch || cb->retry || cb->in_fd < 0 || !cb->read)
        return;
    cb->watch = g_unix_fd_add(cb->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, char_input_cb, cb);
}

static gboolean
char_accept_cb(gint fd, GIOCondition cond, gpointer data)
{
    CharBackend *cb = data;
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (c < 0)
        return G_SOURCE_CONTINUE;
    if (cb->in_fd >= 0) {
        close(c);       /* one client at a time */
        return G_SOURCE_CONTINUE;
    }
    g_mutex_lock(&cb->lock);
    cb->in_fd = cb->out_fd = c;
    g_mutex_unlock(&cb->lock);
    char_backend_watch(cb);
    return G_SOURCE_CONTINUE;
}

void
char_backend_set_reader(CharBackend *cb, CharCanRead can_read, CharRead read, void *opaque)
{
    cb->can_read = can_read;
    cb->read = read;
    cb->opaque = opaque;
    if (cb->listen_fd >= 0 && !cb->listen_watch)
        cb->listen_watch = g_unix_fd_add(cb->listen_fd, G_IO_IN, char_accept_cb, cb);
    char_backend_watch(cb);
}

static gboolean
char_kick_cb(gpointer data)
{
    char_backend_watch(data);
    return G_SOURCE_REMOVE;
}

void
char_backend_kick(CharBackend *cb)
{
    if (cb)
        g_idle_add(char_kick_cb, cb);
}

void
char_backend_free(CharBackend *cb)
{
    if (!cb)
        return;
    g_clear_handle_id(&cb->watch, g_source_remove);
    g_clear_handle_id(&cb->listen_watch, g_source_remove);
    g_clear_handle_id(&cb->retry, g_source_remove);
    while (g_idle_remove_by_data(cb))
        ;
    if (cb->in_fd >= 0 && (cb->own_in || cb->type == LAUNCH_CHAR_UNIX))
        close(cb->in_fd);
    if (cb->out_fd >= 0 && cb->own_out)
        close(cb->out_fd);
    if (cb->listen_fd >= 0)
        close(cb->listen_fd);
    g_free(cb->pty_path);
    g_mutex_clear(&cb->lock);
    g_free(cb);
}
