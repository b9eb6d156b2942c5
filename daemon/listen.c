/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/listen.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>
#include <systemd/sd-daemon.h>

#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/paths.h"

struct _Listeners {
    GPtrArray *created;   /* paths to unlink at exit */
};

typedef struct {
    PathsSocket which;
    char *path;
    int fd;
    unsigned mode;
} SocketSpec;

static int
listen_addr(const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path)) {
        error_report(VK_FROM_RPC, VK_ERR_INTERNAL_ERROR,
                     _("socket path '%1$s' is too long"), path);
        return -1;
    }
    strcpy(sa->sun_path, path);
    return 0;
}

/* Fails if a live process serves path; removes a stale socket. */
static int
listen_check_path(const char *path)
{
    struct sockaddr_un sa;
    struct stat st;
    int fd, rc;

    if (lstat(path, &st) < 0)
        return 0;
    if (!S_ISSOCK(st.st_mode)) {
        error_report(VK_FROM_RPC, VK_ERR_OPERATION_INVALID,
                     _("'%1$s' exists and is not a socket"), path);
        return -1;
    }
    if (listen_addr(path, &sa) < 0)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    rc = connect(fd, (struct sockaddr *) &sa, sizeof(sa));
    close(fd);
    if (rc == 0) {
        error_report(VK_FROM_RPC, VK_ERR_OPERATION_INVALID,
                     _("socket '%1$s' is in use by another running daemon"), path);
        return -1;
    }
    if (errno != ECONNREFUSED) {
        error_report_errno(VK_FROM_RPC, errno, _("cannot probe socket '%1$s'"), path);
        return -1;
    }
    log_info("removing stale socket %s", path);
    if (unlink(path) < 0 && errno != ENOENT) {
        error_report_errno(VK_FROM_RPC, errno, _("cannot remove '%1$s'"), path);
        return -1;
    }
    return 0;
}

static int
listen_create(const char *path, unsigned mode, gid_t gid)
{
    struct sockaddr_un sa;
    g_autofree char *dir = g_path_get_dirname(path);
    int fd;

    if (g_mkdir_with_parents(dir, 0755) < 0) {
        error_report_errno(VK_FROM_RPC, errno, _("cannot create '%1$s'"), dir);
        return -1;
    }
    if (listen_addr(path, &sa) < 0)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error_report_errno(VK_FROM_RPC, errno, "%s", _("cannot create socket"));
        return -1;
    }
    if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
        error_report_errno(VK_FROM_RPC, errno, _("cannot bind '%1$s'"), path);
        close(fd);
        return -1;
    }
    if (chmod(path, mode) < 0 ||
        (gid != (gid_t) -1 && chown(path, (uid_t) -1, gid) < 0) ||
        listen(fd, 1024) < 0) {
        error_report_errno(VK_FROM_RPC, errno, _("cannot set up '%1$s'"), path);
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

/* Matches systemd's fds to our sockets by bound path, else by name. */
static void
listen_adopt_systemd(SocketSpec *specs)
{
    char **names = NULL;
    int n = sd_listen_fds_with_names(1, &names);

    for (int i = 0; i < n; i++) {
        int fd = SD_LISTEN_FDS_START + i;
        struct sockaddr_un sa;
        socklen_t len = sizeof(sa);
        const char *name = names ? names[i] : "";
        int which = -1;

        memset(&sa, 0, sizeof(sa));
        if (getsockname(fd, (struct sockaddr *) &sa, &len) == 0 && sa.sun_family == AF_UNIX) {
            for (int s = 0; s < 3; s++) {
                if (strcmp(sa.sun_path, specs[s].path) == 0)
                    which = s;
            }
        }
        if (which < 0 && name)
            which = strstr(name, "admin") ? PATHS_SOCK_ADMIN :
                    strstr(name, "-ro") ? PATHS_SOCK_RO : PATHS_SOCK_RW;
        if (specs[which].fd < 0) {
            g_unix_set_fd_nonblocking(fd, TRUE, NULL);
            specs[which].fd = fd;
            log_info("using socket %s from systemd (%s)", specs[which].path, name);
        } else {
            close(fd);
        }
    }
    if (names) {
        for (int i = 0; i < n; i++)
            free(names[i]);
        free(names);
    }
}

static int
listen_group(const DaemonConfig *cfg, gid_t *gid)
{
    struct group *gr;

    *gid = (gid_t) -1;
    if (!cfg->unix_sock_group || !*cfg->unix_sock_group)
        return 0;
    gr = getgrnam(cfg->unix_sock_group);
    if (!gr) {
        error_report(VK_FROM_CONF, VK_ERR_CONF_SYNTAX,
                     _("unknown group '%1$s' in unix_sock_group"), cfg->unix_sock_group);
        return -1;
    }
    *gid = gr->gr_gid;
    return 0;
}

Listeners *
listen_setup(Daemon *d)
{
    g_autofree Listeners *l = g_new0(Listeners, 1);
    SocketSpec specs[3] = {
        { PATHS_SOCK_RW, paths_socket(PATHS_SOCK_RW), -1, d->cfg->unix_sock_rw_perms },
        { PATHS_SOCK_RO, paths_socket(PATHS_SOCK_RO), -1, d->cfg->unix_sock_ro_perms },
        { PATHS_SOCK_ADMIN, paths_socket(PATHS_SOCK_ADMIN), -1, d->cfg->unix_sock_admin_perms },
    };
    gid_t gid;
    int ret = -1;

    l->created = g_ptr_array_new_with_free_func(g_free);
    if (listen_group(d->cfg, &gid) < 0)
        goto out;
    listen_adopt_systemd(specs);
    /* Check every path before creating any, so a refusal leaves nothing. */
    for (int s = 0; s < 3; s++) {
        if (specs[s].fd < 0 && listen_check_path(specs[s].path) < 0)
            goto out;
    }
    for (int s = 0; s < 3; s++) {
        if (specs[s].fd >= 0)
            continue;
        specs[s].fd = listen_create(specs[s].path, specs[s].mode, gid);
        if (specs[s].fd < 0)
            goto out;
        g_ptr_array_add(l->created, g_strdup(specs[s].path));
    }
    server_add_listener(d->srv, specs[0].fd, false, specs[0].path);
    server_add_listener(d->srv, specs[1].fd, true, specs[1].path);
    server_add_listener(d->admin, specs[2].fd, false, specs[2].path);
    for (int s = 0; s < 3; s++)
        specs[s].fd = -1;
    ret = 0;
 out:
    for (int s = 0; s < 3; s++) {
        if (specs[s].fd >= 0)
            close(specs[s].fd);
        g_free(specs[s].path);
    }
    if (ret < 0) {
        listen_cleanup(g_steal_pointer(&l));
        return NULL;
    }
    return g_steal_pointer(&l);
}

void
listen_cleanup(Listeners *l)
{
    if (!l)
        return;
    for (guint i = 0; i < l->created->len; i++)
        unlink(g_ptr_array_index(l->created, i));
    g_ptr_array_unref(l->created);
    g_free(l);
}
