/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Streams: a call (e.g. DOMAIN_OPEN_CONSOLE, STORAGE_VOL_UPLOAD/DOWNLOAD)
 * opens one; after its OK reply, STREAM packets with the call's proc and
 * serial flow both ways: data (status CONTINUE, at most 262120 bytes),
 * holes (STREAM_HOLE), end of data (daemon: empty CONTINUE; client: OK,
 * confirmed with OK) and errors (ERROR + remote_error; client abort:
 * ERROR, empty).
 *
 * Threads: ops->start runs on the worker that answered the opening call,
 * right after the reply was queued; ops->data/hole/finish/abort run on the
 * main loop and must not block.  stream_send_* may be called from any
 * thread.
 */
#pragma once

#include <glib.h>

#include "daemon/client.h"

typedef struct _Stream Stream;

typedef struct {
    /* The opening call's reply was sent: the driver may start sending. */
    void (*start)(Stream *st, void *opaque);
    /* Client data (upload, console input): 0, or -1 with an error set. */
    int (*data)(Stream *st, const char *buf, size_t len, void *opaque);
    /* Client hole (sparse upload): 0, or -1 with an error set. */
    int (*hole)(Stream *st, gint64 length, unsigned flags, void *opaque);
    /* Client finished (status OK): 0 confirms, -1 (error set) fails it. */
    int (*finish)(Stream *st, void *opaque);
    /* Client aborted or went away, or the opening call failed. */
    void (*abort)(Stream *st, void *opaque);
    /* Releases opaque once the stream is gone. */
    void (*free)(void *opaque);
} StreamOps;

/* Used by dispatch_open_stream(); the stream is owned by the client. */
Stream *stream_new(Client *client, const PacketHeader *call_hdr,
                   const StreamOps *ops, void *opaque);
void stream_activate(Stream *st);       /* reply sent: calls ops->start */
void stream_discard(Stream *st);        /* the opening call failed */

/* Queues data for the client in packets of at most 262120 bytes.  -1 if
 * the stream or the client is closed. */
int stream_send_data(Stream *st, const void *buf, size_t len);
int stream_send_hole(Stream *st, gint64 length, unsigned flags);
/* End of the daemon's data: the client answers OK, which is confirmed. */
int stream_send_eof(Stream *st);
/* Fails the stream with the calling thread's last error and closes it. */
void stream_send_error(Stream *st);
/* Bytes queued for the client but not yet written (flow control). */
gsize stream_pending_bytes(Stream *st);
Client *stream_get_client(Stream *st);

Stream *stream_ref(Stream *st);
void stream_unref(Stream *st);

/* Main loop: a STREAM/STREAM_HOLE packet from the client (takes msg). */
void stream_handle_packet(Client *client, Message *msg);
/* Main loop: the client is gone, abort its streams. */
void stream_abort_all(Client *client);
