/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One connected client: socket I/O on the main loop (non-blocking reads
 * into a per-client packet buffer, a queue of outgoing packets), the
 * connection state the dispatchers consult, and its streams and event
 * registrations.
 *
 * Threads: the main loop owns reading and the watch; any thread may queue
 * a packet with client_send() or close the client.  Fields marked "lock"
 * are protected by Client.lock.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

#include "daemon/message.h"

typedef struct _Server Server;
typedef struct _Client Client;
typedef struct _ClientEvents ClientEvents;

struct _Client {
    gint refs;
    GMutex lock;
    Server *srv;
    guint64 id;
    int fd;
    bool readonly;             /* accepted on the read-only socket */
    gint64 connect_time;       /* wall clock, seconds since the epoch */
    gint64 connect_mono;       /* monotonic µs, for the auth timeout */
    uid_t uid;                 /* peer credentials (SO_PEERCRED) */
    gid_t gid;
    pid_t pid;
    char *sock_addr;           /* the listening socket's path */

    /* lock */
    bool authenticated;
    bool opened;               /* CONNECT_OPEN done */
    bool closed;
    bool close_after_flush;
    bool keepalive_enabled;    /* client probed PROGRAM_KEEPALIVE */
    bool close_callback;       /* CONNECT_REGISTER_CLOSE_CALLBACK */
    bool watch_update_queued;
    bool counted_anonymous;    /* Server.lock: in Server.nanonymous */
    int inflight;              /* calls dispatched, reply not yet queued */
    GQueue txq;                /* of Message */
    gsize tx_bytes;
    GHashTable *streams;       /* serial -> Stream */
    ClientEvents *events;      /* event registrations, see event.h */
    gpointer priv;             /* per-program connection data */
    GDestroyNotify priv_free;

    /* main loop only */
    GSource *source;
    GIOCondition cond;
    guint8 head[PACKET_MIN_LEN];  /* length word + header of the next packet */
    size_t headhave;
    Message *rx;               /* packet being read */
    size_t rxhave;
    size_t rx_len;             /* announced length of rx */
    bool rx_complete;          /* rx bytes in, waiting for its fds */
    gint64 last_rx;            /* monotonic microseconds */
    bool seen_data;            /* has sent at least one byte */
    gint64 ka_last_ping;
    int ka_unanswered;
};

Client *client_new(Server *srv, int fd, bool readonly, const char *sock_addr);
Client *client_ref(Client *client);
void client_unref(Client *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Client, client_unref)

/* Attaches the socket watch to the server's main context (main loop). */
void client_start(Client *client);

/* Detaches the watch without the close bookkeeping (daemon exit). */
void client_stop(Client *client);

/*
 * Queues a packet (takes msg) and writes what the socket accepts at once.
 * Any thread.  Dropped silently if the client is closed.
 */
void client_send(Client *client, Message *msg);

/* Builds and queues a MESSAGE/REPLY/STREAM packet; returns -1 if encoding
 * failed (nothing queued). */
int client_send_packet(Client *client, const PacketHeader *hdr,
                       xdrproc_t filter, void *obj);

/* Closes the connection now (any thread); pending output is dropped. */
void client_close(Client *client);

/* Closes once every queued packet has been written (after CONNECT_CLOSE). */
void client_close_after_flush(Client *client);

/* A dispatched call finished: lets the main loop read the next ones. */
void client_call_done(Client *client);

bool client_is_closed(Client *client);

/* Asks the main loop to recompute which events the watch waits for. */
void client_update_watch(Client *client);
