/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/packet.h"

#include <string.h>

uint32_t
packet_length_decode(const uint8_t lenbuf[PACKET_LEN_SIZE])
{
    uint32_t len = ((uint32_t) lenbuf[0] << 24) | ((uint32_t) lenbuf[1] << 16) |
                   ((uint32_t) lenbuf[2] << 8) | lenbuf[3];

    if (len < PACKET_MIN_LEN || len > PACKET_MAX_LEN)
        return 0;
    return len;
}

int
packet_header_decode(const uint8_t *buf, size_t len, PacketHeader *hdr,
                     size_t *payload_off)
{
    XDR xdr;
    uint32_t word;
    vk_net_message_header h;
    int ret = -1;

    if (len < PACKET_MIN_LEN || len > PACKET_MAX_LEN)
        return -1;
    memset(&h, 0, sizeof(h));
    xdrmem_create(&xdr, (char *) buf, (u_int) len, XDR_DECODE);
    if (!xdr_u_int(&xdr, &word) || word != len)
        goto out;
    if (!xdr_vk_net_message_header(&xdr, &h))
        goto out;
    hdr->prog = h.prog;
    hdr->vers = h.vers;
    hdr->proc = h.proc;
    hdr->type = (uint32_t) h.type;
    hdr->serial = h.serial;
    hdr->status = (uint32_t) h.status;
    *payload_off = xdr_getpos(&xdr);
    ret = 0;
 out:
    xdr_destroy(&xdr);
    return ret;
}

int
packet_nfds_decode(const uint8_t *buf, size_t len, size_t *payload_off,
                   unsigned *nfds)
{
    XDR xdr;
    int n = 0;
    int ret = -1;

    if (*payload_off > len)
        return -1;
    xdrmem_create(&xdr, (char *) buf + *payload_off,
                  (u_int) (len - *payload_off), XDR_DECODE);
    if (xdr_int(&xdr, &n) && n >= 0 && n <= PACKET_MAX_FDS) {
        *nfds = (unsigned) n;
        *payload_off += 4;
        ret = 0;
    }
    xdr_destroy(&xdr);
    return ret;
}

int
packet_payload_decode(const uint8_t *buf, size_t len, size_t off,
                      xdrproc_t filter, void *obj)
{
    XDR xdr;
    int ret = -1;

    if (off > len)
        return -1;
    xdrmem_create(&xdr, (char *) buf + off, (u_int) (len - off), XDR_DECODE);
    if (filter(&xdr, obj, 0) && xdr_getpos(&xdr) == len - off)
        ret = 0;
    xdr_destroy(&xdr);
    if (ret < 0)
        xdr_free(filter, obj);
    return ret;
}

/* Encodes into a growing buffer: XDR needs a fixed window, so retry with
 * larger windows up to the packet limit. */
static GByteArray *
packet_encode(const PacketHeader *hdr, int nfds, xdrproc_t filter, void *obj,
              const void *raw, size_t rawlen)
{
    size_t cap = 65536;

    if (rawlen > PACKET_MAX_LEN - PACKET_MIN_LEN - 4)
        return NULL;
    while (cap <= PACKET_MAX_LEN) {
        g_autoptr(GByteArray) out = g_byte_array_sized_new((guint) cap);
        vk_net_message_header h = {
            .prog = hdr->prog, .vers = hdr->vers, .proc = hdr->proc,
            .type = (vk_net_message_type) hdr->type, .serial = hdr->serial,
            .status = (vk_net_message_status) hdr->status,
        };
        u_int len = 0;
        XDR xdr;
        bool ok;

        g_byte_array_set_size(out, (guint) cap);
        xdrmem_create(&xdr, (char *) out->data, (u_int) cap, XDR_ENCODE);
        ok = xdr_u_int(&xdr, &len) && xdr_vk_net_message_header(&xdr, &h);
        if (ok && nfds >= 0)
            ok = xdr_int(&xdr, &nfds);
        if (ok && filter)
            ok = filter(&xdr, obj, 0);
        len = xdr_getpos(&xdr);
        xdr_destroy(&xdr);
        if (ok && !filter && rawlen > 0) {
            if (len + rawlen > cap)
                ok = false;
            else
                memcpy(out->data + len, raw, rawlen);
            len += (u_int) rawlen;
        }
        if (ok) {
            g_byte_array_set_size(out, len);
            out->data[0] = (uint8_t) (len >> 24);
            out->data[1] = (uint8_t) (len >> 16);
            out->data[2] = (uint8_t) (len >> 8);
            out->data[3] = (uint8_t) len;
            return g_steal_pointer(&out);
        }
        if (cap == PACKET_MAX_LEN)
            break;
        cap = MIN(cap * 4, (size_t) PACKET_MAX_LEN);
    }
    return NULL;
}

GByteArray *
packet_build(const PacketHeader *hdr, int nfds, xdrproc_t filter, void *obj,
             const void *raw, size_t rawlen)
{
    return packet_encode(hdr, nfds, filter, obj, raw, rawlen);
}

GByteArray *
packet_build_error(const PacketHeader *hdr, const VkError *err)
{
    vk_net_message_error e;
    char *msg = err->message;
    char *s1 = err->str1, *s2 = err->str2, *s3 = err->str3;

    memset(&e, 0, sizeof(e));
    e.code = err->code;
    e.domain = err->domain;
    e.level = err->level ? err->level : VK_ERR_LEVEL_ERROR;
    e.message = msg ? &msg : NULL;
    e.str1 = s1 ? &s1 : NULL;
    e.str2 = s2 ? &s2 : NULL;
    e.str3 = s3 ? &s3 : NULL;
    e.int1 = err->int1;
    e.int2 = err->int2;
    return packet_encode(hdr, -1, (xdrproc_t) xdr_vk_net_message_error, &e,
                         NULL, 0);
}

static char *
packet_take_string(vk_net_string s)
{
    return s ? g_strdup(*s) : NULL;
}

VkError *
packet_error_decode(const uint8_t *buf, size_t len, size_t off)
{
    vk_net_message_error e;
    VkError *err;

    memset(&e, 0, sizeof(e));
    if (packet_payload_decode(buf, len, off,
                              (xdrproc_t) xdr_vk_net_message_error, &e) < 0)
        return NULL;
    err = g_new0(VkError, 1);
    err->code = e.code;
    err->domain = e.domain;
    err->level = e.level;
    err->message = packet_take_string(e.message);
    err->str1 = packet_take_string(e.str1);
    err->str2 = packet_take_string(e.str2);
    err->str3 = packet_take_string(e.str3);
    err->int1 = e.int1;
    err->int2 = e.int2;
    xdr_free((xdrproc_t) xdr_vk_net_message_error, (char *) &e);
    return err;
}
