/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client of the VMM's control socket (docs/control-protocol.md).
 *
 * Commands use a fresh connection each (connect, greeting, request,
 * reply): no demultiplexing, any thread may send.  Events come on one
 * long-lived connection per running domain, read by a thread that also
 * watches a pidfd of the VMM: control-socket EOF or process exit means
 * the VMM is gone, reported at once to domain-lifecycle.c.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "driver/domain/domain-runtime.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

typedef struct {
    int fd;
    GString *buf;
} LineReader;

static int
ctl_connect(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One line (without '\n'), or NULL on EOF / error / timeout (-1: none). */
static char *
read_line(LineReader *r, int timeout_ms)
{
    gint64 deadline = timeout_ms < 0 ? -1 : g_get_monotonic_time() + timeout_ms * 1000LL;

    for (;;) {
        char *nl = memchr(r->buf->str, '\n', r->buf->len);
        char chunk[4096];
        struct pollfd p = { .fd = r->fd, .events = POLLIN };
        int wait_ms = -1;
        ssize_t n;

        if (nl) {
            char *line = g_strndup(r->buf->str, (gsize) (nl - r->buf->str));

            g_string_erase(r->buf, 0, nl - r->buf->str + 1);
            return line;
        }
        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time();

            if (left <= 0)
                return NULL;
            wait_ms = (int) (left / 1000) + 1;
        }
        if (poll(&p, 1, wait_ms) <= 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        n = read(r->fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        g_string_append_len(r->buf, chunk, n);
    }
}

static bool
write_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        s += n;
        len -= (size_t) n;
    }
    return true;
}

json_object *
domain_monitor_command(const char *ctl_path, const char *cmd, int timeout_ms)
{
    return domain_monitor_command_args(ctl_path, cmd, NULL, timeout_ms);
}

json_object *
domain_monitor_command_args(const char *ctl_path, const char *cmd, json_object *args,
                            int timeout_ms)
{
    LineReader r = { .fd = -1 };
    g_autofree char *req = NULL;
    json_object *ret = NULL;
    char *line;

    if (args) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "execute", json_object_new_string(cmd));
        json_object_object_add(o, "arguments", json_object_get(args));
        req = g_strdup_printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
    } else {
        req = g_strdup_printf("{\"execute\": \"%s\"}\n", cmd);
    }
    if (!ctl_path || (r.fd = ctl_connect(ctl_path)) < 0) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                     _("cannot connect to the VMM's control socket for '%1$s'"), cmd);
        return NULL;
    }
    r.buf = g_string_new(NULL);
    if (!write_all(r.fd, req, strlen(req)))
        goto out;
    while ((line = read_line(&r, timeout_ms))) {
        json_object *msg = json_tokener_parse(line);
        json_object *v;

        g_free(line);
        if (!msg)
            continue;
        if (json_object_object_get_ex(msg, "return", &v)) {
            ret = json_object_get(v);
            json_object_put(msg);
            goto out;
        }
        if (json_object_object_get_ex(msg, "error", &v)) {
            json_object *desc = NULL;

            json_object_object_get_ex(v, "desc", &desc);
            error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                         _("VMM refused '%1$s': %2$s"), cmd,
                         desc ? json_object_get_string(desc) : "?");
            json_object_put(msg);
            close(r.fd);
            g_string_free(r.buf, TRUE);
            return NULL;
        }
        json_object_put(msg);   /* greeting or event */
    }
 out:
    close(r.fd);
    g_string_free(r.buf, TRUE);
    if (!ret)
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                     _("no reply from the VMM to '%1$s'"), cmd);
    return ret;
}

/* --- event thread ------------------------------------------------------- */

typedef struct {
    DomainObj *obj;
    guint64 gen;
    LineReader r;
    int pidfd;
} Monitor;

/* Runs @fn with the object locked if its runtime is still ours. */
static bool
monitor_current(Monitor *m)
{
    DomainRuntime *rt = domain_runtime_get(m->obj);

    return rt && rt->gen == m->gen && !rt->stopped;
}

int
domain_monitor_parse_event(const char *buf, size_t len, char **event,
                           json_object **data)
{
    json_tokener *tok = json_tokener_new();
    json_object *msg, *ev, *d = NULL;

    *event = NULL;
    *data = NULL;
    msg = json_tokener_parse_ex(tok, buf, (int) MIN(len, (size_t) G_MAXINT));
    json_tokener_free(tok);
    if (!msg)
        return -1;
    if (!json_object_is_type(msg, json_type_object) ||
        !json_object_object_get_ex(msg, "event", &ev) ||
        !json_object_is_type(ev, json_type_string)) {
        json_object_put(msg);
        return -1;
    }
    *event = g_strdup(json_object_get_string(ev));
    if (json_object_object_get_ex(msg, "data", &d) && json_object_is_type(d, json_type_object))
        *data = json_object_get(d);
    json_object_put(msg);
    return 0;
}

static void
monitor_dispatch(Monitor *m, const char *line)
{
    g_autofree char *event = NULL;
    json_object *data;

    if (domain_monitor_parse_event(line, strlen(line), &event, &data) < 0)
        return;
    domain_obj_lock(m->obj);
    if (monitor_current(m))
        domain_lifecycle_vmm_event(m->obj, event, data);
    domain_obj_unlock(m->obj);
    json_object_put(data);
}

static void
monitor_wait_exit(Monitor *m)
{
    struct pollfd p = { .fd = m->pidfd, .events = POLLIN };
    pid_t pid = -1;

    if (m->pidfd < 0)
        return;
    if (poll(&p, 1, 3000) > 0)
        return;
    domain_obj_lock(m->obj);
    if (monitor_current(m))
        pid = domain_runtime_get(m->obj)->pid;
    domain_obj_unlock(m->obj);
    if (pid > 0) {
        kill(pid, SIGKILL);
        poll(&p, 1, 2000);
    }
}

static gpointer
monitor_thread(gpointer data)
{
    Monitor *m = data;

    for (;;) {
        struct pollfd p[2] = {
            { .fd = m->r.fd, .events = POLLIN },
            { .fd = m->pidfd, .events = POLLIN },
        };
        char *line = memchr(m->r.buf->str, '\n', m->r.buf->len) ? read_line(&m->r, 0) : NULL;
        char chunk[4096];
        ssize_t n;

        if (line) {
            monitor_dispatch(m, line);
            g_free(line);
            continue;
        }
        if (poll(p, m->pidfd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[0].revents) {
            n = read(m->r.fd, chunk, sizeof(chunk));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            g_string_append_len(m->r.buf, chunk, n);
            continue;
        }
        if (p[1].revents)
            break;
    }
    /* The socket closes slightly before the process is gone: report the
     * stop only once it is (SIGKILL if it hangs in its exit). */
    monitor_wait_exit(m);
    /* Deliver what was read before the end (SHUTDOWN carries the reason). */
    for (char *line; (line = read_line(&m->r, 0)); g_free(line))
        monitor_dispatch(m, line);
    domain_obj_lock(m->obj);
    if (monitor_current(m))
        domain_lifecycle_vmm_gone(m->obj);
    domain_obj_unlock(m->obj);
    close(m->r.fd);
    if (m->pidfd >= 0)
        close(m->pidfd);
    g_string_free(m->r.buf, TRUE);
    domain_obj_unref(m->obj);
    g_free(m);
    return NULL;
}

int
domain_monitor_start(DomainObj *obj)
{
    DomainRuntime *rt = domain_runtime_get(obj);
    Monitor *m;
    GThread *t;
    int fd = ctl_connect(rt->ctl_path);

    if (fd < 0) {
        error_report_errno(VK_FROM_QEMU, errno,
                           _("cannot connect to the control socket '%1$s'"), rt->ctl_path);
        return -1;
    }
    m = g_new0(Monitor, 1);
    m->obj = domain_obj_ref(obj);
    m->gen = rt->gen;
    m->r.fd = fd;
    m->r.buf = g_string_new(NULL);
    m->pidfd = (int) syscall(SYS_pidfd_open, rt->pid, 0);
    t = g_thread_new("vk-monitor", monitor_thread, m);
    g_thread_unref(t);
    return 0;
}
