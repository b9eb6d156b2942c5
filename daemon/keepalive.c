/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/keepalive.h"

#include "util/log.h"

static void
keepalive_send(Client *client, int proc)
{
    PacketHeader hdr = {
        .prog = VK_KEEPALIVE_PROGRAM, .vers = VK_KEEPALIVE_PROTOCOL_VERSION,
        .proc = proc, .type = VK_NET_MESSAGE, .serial = 0, .status = VK_NET_OK,
    };

    client_send_packet(client, &hdr, NULL, NULL);
}

bool
keepalive_handle_packet(Client *client, Message *msg)
{
    if (msg->hdr.prog != VK_KEEPALIVE_PROGRAM)
        return false;
    if (msg->hdr.vers == VK_KEEPALIVE_PROTOCOL_VERSION &&
        msg->hdr.type == VK_NET_MESSAGE && msg->hdr.proc == VK_KEEPALIVE_PROC_PING)
        keepalive_send(client, VK_KEEPALIVE_PROC_PONG);
    /* PONG: the arrival itself reset the silence counter. */
    return true;
}

void
keepalive_check_client(Client *client, const ServerLimits *limits, gint64 now)
{
    bool authenticated, enabled;
    gint64 idle = now - client->last_rx;
    gint64 interval = (gint64) limits->keepalive_interval * G_USEC_PER_SEC;

    g_mutex_lock(&client->lock);
    authenticated = client->authenticated;
    enabled = client->keepalive_enabled;
    g_mutex_unlock(&client->lock);

    if (!authenticated && limits->anonymous_timeout > 0 &&
        now - client->connect_mono >=
            (gint64) limits->anonymous_timeout * G_USEC_PER_SEC) {
        log_debug("closing client %" G_GUINT64_FORMAT ": no authentication",
                  client->id);
        client_close(client);
        return;
    }
    if (!enabled || limits->keepalive_interval <= 0 || idle < interval)
        return;
    if (client->ka_unanswered >= limits->keepalive_count) {
        log_info("closing client %" G_GUINT64_FORMAT
                 ": no answer to %d keepalive messages",
                 client->id, client->ka_unanswered);
        client_close(client);
        return;
    }
    if (client->ka_unanswered == 0 || now - client->ka_last_ping >= interval) {
        keepalive_send(client, VK_KEEPALIVE_PROC_PING);
        client->ka_last_ping = now;
        client->ka_unanswered++;
    }
}
