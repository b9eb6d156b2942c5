/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Virtual network XML (libvirt's network.rng): parse, validate, format.
 * Interpreted: name, uuid, title, description, bridge, mtu, mac, forward
 * (nat/route/open/bridge, none = isolated), domain, dns (forwarders, hosts),
 * ip (dhcp ranges, static hosts, bootp, tftp).  Kept verbatim: metadata,
 * dns txt/srv, bandwidth, vlan, portOptions, route, virtualport,
 * portgroup, dnsmasq:options.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <libxml/tree.h>

#include "conf/network/net-addr.h"
#include "conf/xml-strict.h"

typedef enum {
    NETWORK_FORWARD_NONE = 0,   /* isolated */
    NETWORK_FORWARD_NAT,
    NETWORK_FORWARD_ROUTE,
    NETWORK_FORWARD_OPEN,
    NETWORK_FORWARD_BRIDGE,
    NETWORK_FORWARD_LAST,
} NetworkForwardMode;

typedef enum {
    NETWORK_MAC_TABLE_DEFAULT = 0,
    NETWORK_MAC_TABLE_KERNEL,
    NETWORK_MAC_TABLE_LIBVIRT,
} NetworkMacTableManager;

typedef enum {
    NETWORK_LEASE_UNIT_DEFAULT = 0,   /* minutes when an expiry is given */
    NETWORK_LEASE_UNIT_SECONDS,
    NETWORK_LEASE_UNIT_MINUTES,
    NETWORK_LEASE_UNIT_HOURS,
} NetworkLeaseUnit;

typedef struct {
    bool present;
    uint64_t expiry;
    NetworkLeaseUnit unit;
} NetworkLease;

typedef struct {
    NetAddr start;
    NetAddr end;
    NetworkLease lease;
} NetworkDhcpRange;

typedef struct {
    bool has_mac;
    uint8_t mac[6];
    char *id;            /* IPv6 DUID */
    char *name;
    NetAddr ip;          /* unset when absent */
    NetworkLease lease;
} NetworkDhcpHost;

typedef struct {
    int family;          /* AF_INET / AF_INET6 */
    bool family_given;   /* family='...' was in the XML */
    NetAddr address;
    int prefix;          /* effective prefix */
    bool prefix_given;
    NetAddr netmask;     /* set when netmask='' was given */
    XmlTristate local_ptr;
    char *tftp_root;
    bool has_dhcp;
    GArray *ranges;      /* NetworkDhcpRange */
    GPtrArray *hosts;    /* NetworkDhcpHost* */
    char *bootp_file;
    char *bootp_server;
} NetworkIPDef;

typedef struct {
    NetAddr addr;        /* unset when absent */
    char *domain;
} NetworkDnsForwarder;

typedef struct {
    NetAddr ip;
    GPtrArray *hostnames;  /* char* */
} NetworkDnsHost;

typedef struct {
    bool present;
    XmlTristate enable;
    XmlTristate forward_plain_names;
    GPtrArray *forwarders;   /* NetworkDnsForwarder* */
    GPtrArray *hosts;        /* NetworkDnsHost* */
    GPtrArray *kept;         /* txt, srv (xmlNode*) */
} NetworkDnsDef;

typedef struct {
    NetworkForwardMode mode;
    char *dev;
    XmlTristate nat_ipv6;
    NetAddr nat_start, nat_end;
    uint64_t nat_port_start, nat_port_end;   /* 0 when absent */
    bool has_nat;
} NetworkForwardDef;

typedef struct {
    char *name;
    uint8_t uuid[16];
    bool has_uuid;
    char *title;
    char *description;
    xmlNode *metadata;          /* verbatim */
    XmlTristate ipv6;
    XmlTristate trust_guest_rx_filters;
    uint64_t connections;       /* live XML only; 0 when absent */

    char *bridge;
    char *bridge_zone;
    XmlTristate stp;            /* absent means on */
    uint64_t delay;
    NetworkMacTableManager mac_table_manager;
    uint64_t mtu;               /* 0 when absent */
    bool has_mac;
    uint8_t mac[6];

    NetworkForwardDef forward;
    char *domain;
    XmlTristate domain_local_only;
    NetworkDnsDef dns;
    GPtrArray *ips;             /* NetworkIPDef* */

    GPtrArray *kept;            /* bandwidth, vlan, portOptions, route, virtualport,
                                 * portgroup, dnsmasq:options (xmlNode*) in order */
} NetworkDef;

/* Flags of network_def_format. */
typedef enum {
    NETWORK_FORMAT_INACTIVE = 1 << 0,   /* drop live-only data (connections) */
} NetworkFormatFlags;

/* Flags of network_def_parse_string; the bit equals VIR_NETWORK_DEFINE_VALIDATE. */
typedef enum {
    NETWORK_PARSE_VALIDATE = 1 << 0,   /* also check against network.rng */
} NetworkParseFlags;

/*
 * Parses and validates network XML.  Returns a new definition or NULL with
 * the error reported (VK_FROM_NETWORK): XML_ERROR for malformed documents,
 * bad values and inconsistencies, CONFIG_UNSUPPORTED for unknown
 * elements/attributes and features we do not implement, XML_INVALID_SCHEMA
 * when NETWORK_PARSE_VALIDATE is given and the document breaks network.rng.
 */
NetworkDef *network_def_parse_string(const char *xml, unsigned flags);

/* Parses from an already parsed <network> element. */
NetworkDef *network_def_parse_node(xmlNode *root);

/* Formats @def as XML (newly allocated, ends with a newline). */
char *network_def_format(const NetworkDef *def, unsigned flags);

void network_def_free(NetworkDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NetworkDef, network_def_free)

const char *network_forward_mode_to_string(NetworkForwardMode mode);

/* Semantic checks run by the parser (exported for the driver after edits). */
int network_def_validate(const NetworkDef *def);

/* True if any <ip> subnet of @a overlaps any <ip> subnet of @b. */
bool network_def_ip_ranges_overlap(const NetworkDef *a, const NetworkDef *b);

/* NETWORK_UPDATE commands, numbered as virNetworkUpdateCommand. */
typedef enum {
    NETWORK_UPDATE_COMMAND_MODIFY = 1,
    NETWORK_UPDATE_COMMAND_DELETE = 2,
    NETWORK_UPDATE_COMMAND_ADD_LAST = 3,
    NETWORK_UPDATE_COMMAND_ADD_FIRST = 4,
} NetworkUpdateCommand;

/*
 * NETWORK_UPDATE of section ip-dhcp-host with libvirt's semantics.
 * @xml is one <host/>; @parent_index picks the <ip> (counting all <ip>
 * elements), or -1: the first <ip> with dhcp ranges or hosts, else the
 * first IPv4, else the first IPv6.
 *   ADD_FIRST/ADD_LAST: fails if an existing host matches on mac, name or
 *     ip ("there is an existing dhcp host entry..."), or another <ip> of
 *     the family already has dhcp.
 *   MODIFY: replaces the first host matching on mac, ip or name.
 *   DELETE: removes the first host all of whose given attributes match
 *     (mac, name, ip; id for IPv6); ip may be omitted.
 * Errors: OPERATION_INVALID (VK_FROM_NETWORK) for no match / conflicts /
 * no <ip>, XML_ERROR for a bad <host>.  @def is unchanged on failure.
 */
int network_def_update_dhcp_host_cmd(NetworkDef *def, NetworkUpdateCommand cmd,
                                     int parent_index, const char *xml);

/* add: ADD_LAST, !add: DELETE, parent_index -1. */
int network_def_update_dhcp_host(NetworkDef *def, const char *host_xml, bool add);

/*
 * NETWORK_UPDATE of section ip-dhcp-range: @xml is one <range/>.  ADD_*
 * fails on an identical or overlapping range or one outside the subnet,
 * DELETE needs an identical range, MODIFY is OPERATION_UNSUPPORTED.
 */
int network_def_update_dhcp_range_cmd(NetworkDef *def, NetworkUpdateCommand cmd,
                                      int parent_index, const char *xml);

/* A deep copy (format + parse); NULL with the error reported. */
NetworkDef *network_def_copy(const NetworkDef *def);

/* Defaults libvirt fills in. */

/* First "virbr%d" (or @tmpl with one %d) not in @in_use (NULL-terminated). */
char *network_bridge_name_pick(const char *const *in_use, const char *tmpl);

/* Sets def->bridge to a free name if absent and the mode needs one. 0/-1. */
int network_def_assign_bridge(NetworkDef *def, const char *const *in_use);

/* Sets a random 52:54:00:xx:xx:xx bridge MAC if absent (not for bridge mode). */
void network_def_assign_mac(NetworkDef *def);

/* Sets a random UUID if absent. */
void network_def_assign_uuid(NetworkDef *def);

/* The <ip> whose subnet holds DHCP, of @family (AF_INET/AF_INET6), or NULL. */
const NetworkIPDef *network_def_dhcp_ip(const NetworkDef *def, int family);

/* Frees kept/parsed sub-objects (used by the parser and update). */
void network_ip_def_free(NetworkIPDef *ip);
void network_dhcp_host_free(NetworkDhcpHost *h);
int network_dhcp_host_parse(xmlNode *node, const NetworkIPDef *ip, bool partial,
                            NetworkDhcpHost **out);
void network_dhcp_host_format(const NetworkDhcpHost *h, xmlNode *parent);
