/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Packets of libvirt's RPC wire format: the length word, the 24-byte
 * header and XDR payloads.  Pure functions over byte buffers: no sockets,
 * no locking, so the decoder is directly fuzzable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include <rpc/rpc.h>

#include "daemon/protocol/virtkvm_net.h"
#include "util/error.h"

#define PACKET_LEN_SIZE 4
#define PACKET_HEADER_SIZE 24
/* Smallest and largest legal value of the length word. */
#define PACKET_MIN_LEN (PACKET_LEN_SIZE + PACKET_HEADER_SIZE)
#define PACKET_MAX_LEN (VK_NET_MESSAGE_MAX + PACKET_LEN_SIZE)
#define PACKET_STREAM_CHUNK VK_NET_MESSAGE_LEGACY_PAYLOAD_MAX
#define PACKET_MAX_FDS VK_NET_MESSAGE_NUM_FDS_MAX

typedef struct {
    uint32_t prog;
    uint32_t vers;
    int32_t proc;
    uint32_t type;     /* vk_net_message_type */
    uint32_t serial;
    uint32_t status;   /* vk_net_message_status */
} PacketHeader;

/*
 * Validates the length word read from the first 4 bytes of a packet.
 * Returns the total length, or 0 if the packet must not be read (the
 * connection is then closed, as libvirtd does).
 */
uint32_t packet_length_decode(const uint8_t lenbuf[PACKET_LEN_SIZE]);

/*
 * Decodes the header of a complete packet (buf includes the length word).
 * Returns 0 with *payload_off set to the offset of the payload, or -1 if
 * the packet is malformed.
 */
int packet_header_decode(const uint8_t *buf, size_t len, PacketHeader *hdr,
                         size_t *payload_off);

/*
 * For CALL_WITH_FDS/REPLY_WITH_FDS: reads the leading fd count of the
 * payload.  Returns 0 and advances *payload_off, or -1 on a bad count.
 */
int packet_nfds_decode(const uint8_t *buf, size_t len, size_t *payload_off,
                       unsigned *nfds);

/*
 * Decodes an XDR payload buf[off..len) into obj (zeroed by the caller) with
 * filter.  All payload bytes must be consumed.  On failure the partially
 * decoded object is freed and -1 returned.
 */
int packet_payload_decode(const uint8_t *buf, size_t len, size_t off,
                          xdrproc_t filter, void *obj);

/*
 * Builds a complete packet: length word, header, optional nfds word, then
 * obj encoded with filter (filter NULL: raw bytes raw/rawlen, which may be
 * empty).  Returns a new GByteArray or NULL if encoding failed or the
 * result would exceed the maximum packet size.
 */
GByteArray *packet_build(const PacketHeader *hdr, int nfds, xdrproc_t filter,
                         void *obj, const void *raw, size_t rawlen);

/* Builds an error packet for hdr (type and status set by the caller). */
GByteArray *packet_build_error(const PacketHeader *hdr, const VkError *err);

/* Decodes a remote_error payload into a VkError (for tests and clients). */
VkError *packet_error_decode(const uint8_t *buf, size_t len, size_t off);
