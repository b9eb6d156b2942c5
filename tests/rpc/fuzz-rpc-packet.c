/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Packet decoding as the daemon does it on untrusted bytes: the length
 * word, the header, the fd count, then the payload with every argument
 * decoder the dispatchers use (and the error and stream-hole bodies);
 * whatever decodes is encoded again and freed.
 */
#include <stdint.h>
#include <string.h>

#include "daemon/packet.h"
#include "daemon/protocol/virtkvm_admin.h"
#include "daemon/protocol/virtkvm_remote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const xdrproc_t filters[] = {
    (xdrproc_t) xdr_remote_connect_open_args,
    (xdrproc_t) xdr_remote_connect_supports_feature_args,
    (xdrproc_t) xdr_remote_connect_list_all_domains_args,
    (xdrproc_t) xdr_remote_domain_lookup_by_name_args,
    (xdrproc_t) xdr_remote_domain_lookup_by_uuid_args,
    (xdrproc_t) xdr_remote_storage_vol_lookup_by_name_args,
    (xdrproc_t) xdr_remote_secret_lookup_by_usage_args,
    (xdrproc_t) xdr_remote_connect_domain_event_callback_register_any_args,
    (xdrproc_t) xdr_remote_connect_network_event_register_any_args,
    (xdrproc_t) xdr_remote_connect_secret_event_register_any_args,
    (xdrproc_t) xdr_remote_connect_get_domain_capabilities_args,
    (xdrproc_t) xdr_remote_node_get_memory_stats_args,
    (xdrproc_t) xdr_remote_node_get_cells_free_memory_args,
    (xdrproc_t) xdr_remote_typed_param,
    (xdrproc_t) xdr_remote_auth_list_ret,
    (xdrproc_t) xdr_remote_node_get_security_model_ret,
    (xdrproc_t) xdr_remote_domain_event_callback_lifecycle_msg,
    (xdrproc_t) xdr_admin_server_set_threadpool_parameters_args,
    (xdrproc_t) xdr_admin_server_list_clients_args,
    (xdrproc_t) xdr_admin_client_get_info_ret,
    (xdrproc_t) xdr_vk_net_stream_hole,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    PacketHeader hdr;
    size_t off;
    unsigned nfds = 0;
    VkError *err;

    if (size < 4 || !packet_length_decode(data) ||
        packet_header_decode(data, size, &hdr, &off) < 0)
        return 0;
    if (hdr.type == 4 || hdr.type == 5) {
        if (packet_nfds_decode(data, size, &off, &nfds) < 0)
            return 0;
    }
    if ((err = packet_error_decode(data, size, off))) {
        GByteArray *again = packet_build_error(&hdr, err);

        if (again)
            g_byte_array_unref(again);
        error_free(err);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(filters); i++) {
        union {
            char bytes[1024];
            double align;
        } obj;

        memset(&obj, 0, sizeof(obj));
        if (packet_payload_decode(data, size, off, filters[i], &obj) == 0) {
            GByteArray *again = packet_build(&hdr, -1, filters[i], &obj, NULL, 0);

            if (again)
                g_byte_array_unref(again);
            xdr_free(filters[i], (char *) &obj);
        }
    }
    return 0;
}
