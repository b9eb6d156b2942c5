/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Event registrations of each client and delivery of driver events as
 * MESSAGE packets (serial 1, as libvirtd sends them).
 */
#pragma once

#include <stdbool.h>

#include "daemon/client.h"
#include "daemon/server.h"
#include "driver/events.h"

ClientEvents *client_events_new(void);
void client_events_free(ClientEvents *ev);

/*
 * Registers a callback-style registration (procedures 316, 313, 368, 374,
 * 380) and returns its callbackID (>= 1), or -1 with an error.  uuid or
 * name (nodedev) restricts it to one object; both NULL: all objects.
 */
int event_register(Client *client, VkEventFamily family, int event_id,
                   const unsigned char *uuid, const char *name);

/* Removes a callback-style registration; -1 + VIR_ERR_INVALID_ARG if the
 * client has no such callbackID in that family. */
int event_deregister(Client *client, VkEventFamily family, int callback_id);

/* Legacy domain registrations (105/106, 167/168): one per event ID. */
int event_register_legacy(Client *client, int event_id);
int event_deregister_legacy(Client *client, int event_id);

/* Number of registrations a client holds (tests, admin). */
unsigned event_count(Client *client);

/* Sends ev to every matching registration of every client of srv. */
void event_deliver(Server *srv, const VkEvent *ev);

/* Sends CONNECT_EVENT_CONNECTION_CLOSED to clients that asked (360). */
void event_send_connection_closed(Server *srv, int reason);
