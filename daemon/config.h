/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkvmd.conf: libvirtd.conf syntax (key = value; integers, "strings"
 * or 'strings', [ lists ]; # comments).  Unknown keys are warned about
 * and ignored.
 */
#pragma once

#include <glib.h>

typedef struct {
    char *unix_sock_group;       /* NULL: keep root's group */
    char *unix_sock_dir;         /* NULL: /run/libvirt (under --root) */
    unsigned unix_sock_ro_perms;
    unsigned unix_sock_rw_perms;
    unsigned unix_sock_admin_perms;
    int max_clients;
    int max_anonymous_clients;   /* connections that have not authenticated */
    int anonymous_timeout;       /* seconds an unauthenticated client may idle */
    int min_workers;
    int max_workers;
    int prio_workers;
    int max_requests;
    int max_client_requests;     /* calls in flight per client */
    int keepalive_interval;      /* seconds; <= 0 disables server pings */
    int keepalive_count;
    int admin_max_clients;
    int admin_max_workers;
    int log_level;               /* 1 debug .. 4 error */
    char *user;                  /* VMM user (NULL: "virtkvm") */
    char *group;                 /* VMM group (NULL: the user's) */
} DaemonConfig;

/* A config with libvirtd's defaults (rw socket 0600, ro 0666, admin 0600). */
DaemonConfig *config_new(void);
void config_free(DaemonConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DaemonConfig, config_free)

/* Parses text into cfg (keys absent keep their value). 0 or -1 + error. */
int config_parse_data(DaemonConfig *cfg, const char *data, size_t len,
                      const char *filename);

/* Reads and parses path; a missing file is not an error if optional. */
int config_load_file(DaemonConfig *cfg, const char *path, gboolean optional);
