/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon object handed to every dispatcher: config, servers, loop. */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "daemon/config.h"
#include "daemon/server.h"
#include "driver/events.h"

typedef struct {
    DaemonConfig *cfg;         /* replaced on SIGHUP (main loop) */
    char *config_path;
    GMainContext *ctx;
    GMainLoop *loop;
    Server *srv;               /* "virtkvmd": remote program */
    Server *admin;             /* "admin": admin program */
    VkEventSink event_sink;    /* give this to drivers at init */
    bool quitting;
} Daemon;

/* The daemon a client belongs to. */
static inline Daemon *
daemon_of(Client *client)
{
    return client->srv->opaque;
}
