/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One packet in flight inside the daemon: a received call (bytes, decoded
 * header, passed fds) or a packet queued for sending.
 */
#pragma once

#include <glib.h>

#include "daemon/packet.h"

typedef struct {
    PacketHeader hdr;
    GByteArray *buf;          /* the whole packet, length word included */
    size_t payload_off;       /* where the XDR payload starts */
    int *fds;                 /* received (in) or to pass (out) */
    unsigned nfds;
    unsigned nfds_expected;   /* in: fds announced, still to be received */
    size_t sent;              /* out: bytes of buf already written */
    unsigned fds_sent;        /* out: fds already passed */
} Message;

Message *message_new(void);
void message_free(Message *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Message, message_free)

/* Wraps an encoded packet (from packet_build) for sending; takes buf. */
Message *message_new_out(GByteArray *buf);

/* Appends an fd (dup'ed) to pass with an outgoing message. */
int message_add_fd(Message *msg, int fd);

/* Takes ownership of received fd number idx; -1 if absent or taken. */
int message_steal_fd(Message *msg, unsigned idx);
