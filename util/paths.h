/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where virtkvm keeps things.  `virtkvmd --root DIR` puts every path under
 * DIR (sockets included), so tests run isolated daemons side by side; every
 * layer asks this module instead of writing "/etc/virtkvm" itself.
 *
 *   config  /etc/virtkvm          (domains/, networks/, ... NAME.xml)
 *   run     /run/virtkvm          (status XML, VMM control sockets)
 *   state   /var/lib/virtkvm      (images, save files)
 *   log     /var/log/virtkvm
 *   sockets /run/libvirt/libvirt-sock, libvirt-sock-ro, libvirt-admin-sock
 *
 * paths_init() is called once by main() before any thread starts; the
 * getters are then safe from any thread.  Results are newly allocated.
 */
#pragma once

#include <glib.h>

typedef enum {
    PATHS_SOCK_RW,
    PATHS_SOCK_RO,
    PATHS_SOCK_ADMIN,
} PathsSocket;

/* root: NULL, "" or "/" for the real root. */
void paths_init(const char *root);

/* Overrides the socket directory (config unix_sock_dir; absolute, and
 * itself placed under the root). */
void paths_set_socket_dir(const char *dir);

/* The root ("" when none). */
const char *paths_root(void);

/* An absolute path placed under the root. */
char *paths_resolve(const char *abs_path);

char *paths_config_dir(void);
char *paths_run_dir(void);
char *paths_state_dir(void);
char *paths_log_dir(void);
char *paths_socket_dir(void);
char *paths_socket(PathsSocket which);

/* The default config file: <config dir>/virtkvmd.conf. */
char *paths_daemon_config(void);
/* The default pid file: /run/virtkvmd.pid under the root. */
char *paths_pid_file(void);
