/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control socket: JSON lines over a listening UNIX socket, several
 * clients, one request processed at a time per client, events broadcast to
 * every client.  Runs on the main loop.
 */
#pragma once

#include "hv/core/machine.h"

typedef struct ControlServer ControlServer;

/* Listens on @path (created, replacing a stale socket) or on the already
 * listening @fd (path NULL).  NULL with -errno in *err. */
ControlServer *control_server_new(Machine *m, const char *path, int fd, int *err);
/* Best effort: writes what is queued for each client (bounded wait). */
void control_server_flush(ControlServer *srv);
void control_server_free(ControlServer *srv);

/* MachineEventFn that broadcasts to every client. */
void control_server_event(void *opaque, const char *event, json_object *data);
