/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The keepalive program: PONG for every PING a client sends; PINGs to
 * clients that probed PROGRAM_KEEPALIVE after keepalive_interval seconds
 * of silence, closing them after keepalive_count unanswered PINGs.  Also
 * closes clients that stay unauthenticated past anonymous_timeout.
 */
#pragma once

#include <stdbool.h>

#include "daemon/client.h"
#include "daemon/server.h"

/* Consumes keepalive packets (main loop); false for any other program. */
bool keepalive_handle_packet(Client *client, Message *msg);

/* Periodic check of one client (main loop); now is monotonic µs. */
void keepalive_check_client(Client *client, const ServerLimits *limits,
                            gint64 now);
