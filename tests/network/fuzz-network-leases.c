/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dnsmasq lease files and <networkport> documents: what the network
 * driver reads that others write. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "driver/network/network-dnsmasq.h"
#include "driver/network/network-priv.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = g_strndup((const char *) data, size);
    g_autoptr(GPtrArray) leases = network_dnsmasq_leases_parse(text);
    NetworkPortXml x;

    for (guint i = 0; i < leases->len; i++) {
        NetworkDnsmasqLease *l = leases->pdata[i];

        g_assert(l->ip && (l->ipv6 ? l->iaid != NULL : l->mac != NULL));
    }
    if (network_port_xml_parse((const char *) data, size, &x) == 0) {
        g_assert(x.owner_name && x.mac && strlen(x.mac) == 17);
        network_port_xml_clear(&x);
    }
    error_reset();
    return 0;
}
