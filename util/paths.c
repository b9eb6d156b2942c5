/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "util/paths.h"

#include <string.h>

static char *paths_root_dir;     /* "" or "/abs/dir" without trailing '/' */
static char *paths_sock_dir;     /* absolute, before the root is applied */

void
paths_init(const char *root)
{
    g_autofree char *clean = NULL;

    g_free(paths_root_dir);
    if (!root || !*root || strcmp(root, "/") == 0) {
        paths_root_dir = g_strdup("");
        return;
    }
    clean = g_canonicalize_filename(root, NULL);
    paths_root_dir = strcmp(clean, "/") == 0 ? g_strdup("") : g_steal_pointer(&clean);
}

void
paths_set_socket_dir(const char *dir)
{
    g_free(paths_sock_dir);
    paths_sock_dir = dir ? g_strdup(dir) : NULL;
}

const char *
paths_root(void)
{
    return paths_root_dir ? paths_root_dir : "";
}

char *
paths_resolve(const char *abs_path)
{
    if (abs_path[0] != '/')
        return g_strconcat(paths_root(), "/", abs_path, NULL);
    return g_strconcat(paths_root(), abs_path, NULL);
}

char *
paths_config_dir(void)
{
    return paths_resolve("/etc/virtkvm");
}

char *
paths_run_dir(void)
{
    return paths_resolve("/run/virtkvm");
}

char *
paths_state_dir(void)
{
    return paths_resolve("/var/lib/virtkvm");
}

char *
paths_log_dir(void)
{
    return paths_resolve("/var/log/virtkvm");
}

char *
paths_socket_dir(void)
{
    return paths_resolve(paths_sock_dir ? paths_sock_dir : "/run/libvirt");
}

char *
paths_socket(PathsSocket which)
{
    g_autofree char *dir = paths_socket_dir();
    static const char *const names[] = {
        [PATHS_SOCK_RW] = "libvirt-sock",
        [PATHS_SOCK_RO] = "libvirt-sock-ro",
        [PATHS_SOCK_ADMIN] = "libvirt-admin-sock",
    };

    return g_build_filename(dir, names[which], NULL);
}

char *
paths_daemon_config(void)
{
    g_autofree char *dir = paths_config_dir();

    return g_build_filename(dir, "virtkvmd.conf", NULL);
}

char *
paths_pid_file(void)
{
    return paths_resolve("/run/virtkvmd.pid");
}
