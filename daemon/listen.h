/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's UNIX sockets: taken from systemd socket activation when
 * present, otherwise created at the configured paths with their modes and
 * group.  A path already served by a live process is never touched: the
 * daemon refuses to start, naming it.  Stale sockets are replaced.
 */
#pragma once

#include "daemon/daemon.h"

typedef struct _Listeners Listeners;

/* Creates or adopts the rw, ro and admin sockets and hands them to the
 * servers.  Returns NULL with an error reported on failure. */
Listeners *listen_setup(Daemon *d);

/* Removes the socket files this process created. */
void listen_cleanup(Listeners *l);
