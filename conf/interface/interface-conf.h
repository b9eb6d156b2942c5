/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host interface XML (libvirt's interface.rng, netcf's format): ethernet,
 * bridge (stp, delay, ports), bond (mode, miimon/arpmon, slaves), vlan
 * (tag, parent) with IPv4/IPv6 protocol blocks; link state/speed appear in
 * live XML.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "conf/network/net-addr.h"
#include "conf/xml-strict.h"

typedef enum {
    INTERFACE_TYPE_ETHERNET = 0,
    INTERFACE_TYPE_BRIDGE,
    INTERFACE_TYPE_BOND,
    INTERFACE_TYPE_VLAN,
    INTERFACE_TYPE_LAST,
} InterfaceType;

typedef enum {
    INTERFACE_START_DEFAULT = 0,   /* no <start> */
    INTERFACE_START_ONBOOT,
    INTERFACE_START_NONE,
    INTERFACE_START_HOTPLUG,
} InterfaceStartMode;

/* Values of IFLA_BOND_MODE + 1 (0 = not given). */
typedef enum {
    INTERFACE_BOND_DEFAULT = 0,
    INTERFACE_BOND_BALANCE_RR,
    INTERFACE_BOND_ACTIVE_BACKUP,
    INTERFACE_BOND_BALANCE_XOR,
    INTERFACE_BOND_BROADCAST,
    INTERFACE_BOND_8023AD,
    INTERFACE_BOND_BALANCE_TLB,
    INTERFACE_BOND_BALANCE_ALB,
    INTERFACE_BOND_LAST,
} InterfaceBondMode;

typedef enum {
    INTERFACE_MONITOR_NONE = 0,
    INTERFACE_MONITOR_MII,
    INTERFACE_MONITOR_ARP,
} InterfaceBondMonitor;

typedef struct {
    NetAddr address;
    int prefix;          /* -1 when absent */
} InterfaceIP;

typedef struct {
    bool present;
    int family;          /* AF_INET / AF_INET6 */
    bool dhcp;
    XmlTristate peerdns;
    bool autoconf;       /* IPv6 only */
    GArray *ips;         /* InterfaceIP */
    NetAddr gateway;     /* <route gateway=''/>, unset when absent */
} InterfaceProtocol;

typedef struct InterfaceDef InterfaceDef;

struct InterfaceDef {
    InterfaceType type;
    char *name;
    bool has_mac;
    uint8_t mac[6];
    uint64_t mtu;                  /* 0 when absent */
    InterfaceStartMode start_mode;
    char *link_state;              /* live XML: up, down, ... */
    uint64_t link_speed;           /* Mb/s, 0 when absent */
    InterfaceProtocol ipv4, ipv6;

    /* bridge */
    XmlTristate stp;
    char *delay;                   /* seconds, a decimal number as written */
    GPtrArray *ports;              /* InterfaceDef* (bridge ports, bond slaves) */

    /* bond */
    InterfaceBondMode bond_mode;
    InterfaceBondMonitor monitor;
    uint64_t mii_freq, mii_downdelay, mii_updelay;
    char *mii_carrier;             /* ioctl / netif */
    uint64_t arp_interval;
    NetAddr arp_target;
    char *arp_validate;            /* none / active / backup / all */

    /* vlan */
    uint64_t vlan_tag;
    char *vlan_parent;
};

/* Flags of interface_def_parse_string; equals VIR_INTERFACE_DEFINE_VALIDATE. */
typedef enum {
    INTERFACE_PARSE_VALIDATE = 1 << 0,   /* also check against interface.rng */
} InterfaceParseFlags;

/*
 * Parses interface XML.  NULL with the error reported (VK_FROM_INTERFACE):
 * XML_ERROR for bad values, CONFIG_UNSUPPORTED for unknown
 * elements/attributes, XML_INVALID_SCHEMA with INTERFACE_PARSE_VALIDATE.
 */
InterfaceDef *interface_def_parse_string(const char *xml, unsigned flags);
char *interface_def_format(const InterfaceDef *def, unsigned flags);
void interface_def_free(InterfaceDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InterfaceDef, interface_def_free)

/* A new, empty definition of @type (for building live XML from netlink). */
InterfaceDef *interface_def_new(InterfaceType type, const char *name);

const char *interface_type_to_string(InterfaceType type);
const char *interface_bond_mode_to_string(InterfaceBondMode mode);
