/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The virtual network driver: libvirt's network API over a list of
 * network objects.  A network is realised as a Linux bridge with its
 * addresses (netlink), one dnsmasq for DHCP/DNS, and nftables chains in
 * our own table.  Files:
 *   <config>/networks/NAME.xml            persistent definition
 *   <config>/networks/autostart/NAME.xml  symlink when autostarted
 *   <run>/network/NAME.xml                status of an active network
 *   <state>/dnsmasq/NAME.{conf,hostsfile,addnhosts,leases,pid}
 * All functions are thread-safe (one driver lock); they return 0/-1 (or
 * NULL) with the error reported (VK_FROM_NETWORK).  Networks are named by
 * UUID in calls after lookup, as the remote protocol does.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "driver/events.h"

typedef struct {
    char *name;
    unsigned char uuid[16];
} NetworkRef;

void network_ref_clear(NetworkRef *ref);
void network_ref_free(NetworkRef *ref);

/* Loads definitions and status, re-adopts or cleans up running networks,
 * starts autostart networks.  @sink may be NULL. */
int network_driver_init(const VkEventSink *sink);
/* Forgets the objects (running networks keep running). */
void network_driver_shutdown(void);

int network_lookup_by_name(const char *name, NetworkRef *out);
int network_lookup_by_uuid(const unsigned char *uuid, NetworkRef *out);

/* VIR_NETWORK_DEFINE_VALIDATE / VIR_NETWORK_CREATE_VALIDATE = 1. */
int network_define_xml(const char *xml, unsigned flags, NetworkRef *out);
int network_create_xml(const char *xml, unsigned flags, NetworkRef *out);
int network_undefine(const unsigned char *uuid);
int network_start(const unsigned char *uuid);
int network_destroy(const unsigned char *uuid);

/* flags: VIR_NETWORK_XML_INACTIVE (1). */
char *network_get_xml_desc(const unsigned char *uuid, unsigned flags);
int network_get_autostart(const unsigned char *uuid, int *autostart);
int network_set_autostart(const unsigned char *uuid, bool autostart);
char *network_get_bridge_name(const unsigned char *uuid);
int network_is_active(const unsigned char *uuid);      /* 1/0/-1 */
int network_is_persistent(const unsigned char *uuid);  /* 1/0/-1 */

/* VIR_CONNECT_LIST_NETWORKS_* filter; NetworkRef* sorted by name. */
GPtrArray *network_list_all(unsigned flags);

/* virNetworkUpdate: section IP_DHCP_HOST (4) or IP_DHCP_RANGE (5);
 * flags VIR_NETWORK_UPDATE_AFFECT_LIVE (1) / _CONFIG (2). */
int network_update(const unsigned char *uuid, unsigned command, unsigned section,
                   int parent_index, const char *xml, unsigned flags);

typedef struct {
    char *iface;
    int64_t expiry;
    int type;              /* VIR_IP_ADDR_TYPE_IPV4 0 / IPV6 1 */
    char *mac;             /* NULL for IPv6 leases without one */
    char *iaid;
    char *ipaddr;
    unsigned prefix;
    char *hostname;
    char *clientid;
} NetworkDhcpLease;

void network_dhcp_lease_free(NetworkDhcpLease *lease);
/* NetworkDhcpLease* of an active network, optionally only @mac's. */
GPtrArray *network_get_dhcp_leases(const unsigned char *uuid, const char *mac);

/* Network ports (VIR_ERR_NO_NETWORK_PORT when absent). */
int network_port_create_xml(const unsigned char *net_uuid, const char *xml,
                            unsigned char *port_uuid_out);
int network_port_lookup(const unsigned char *net_uuid, const unsigned char *port_uuid);
char *network_port_get_xml_desc(const unsigned char *net_uuid, const unsigned char *port_uuid);
int network_port_remove(const unsigned char *net_uuid, const unsigned char *port_uuid);
/* Port UUIDs (16-byte g_bytes) of the network, in creation order. */
GPtrArray *network_port_list(const unsigned char *net_uuid);

/*
 * In-process API for the domain driver.  Plugs a guest interface of
 * <interface type='network'><source network='NAME'/> into the network:
 * the network must be active; a port is recorded for @owner_uuid/@mac and
 * *bridge_out receives the bridge to enslave the tap to (g_free).  The
 * port's UUID is written to @port_uuid_out when not NULL.  0/-1.
 */
int network_port_create(const char *network, const unsigned char *owner_uuid,
                        const char *owner_name, const char *mac, char **bridge_out,
                        unsigned char *port_uuid_out);
/* Unplugs the port of @owner_uuid with @mac from @network (missing: 0). */
int network_port_delete(const char *network, const unsigned char *owner_uuid,
                        const char *mac);
