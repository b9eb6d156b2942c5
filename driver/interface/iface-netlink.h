/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink requests of the interface driver, built separately from being
 * sent so that their exact attributes are unit-testable on kernels that
 * lack bonding or 802.1q.  Builders return a new message (nlmsg_free) or
 * NULL with the error reported (VK_FROM_INTERFACE).
 */
#pragma once

#include <stdbool.h>

#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "conf/interface/interface-conf.h"

/* Flags every create request carries. */
#define IFACE_NL_CREATE_FLAGS (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)

/*
 * RTM_NEWLINK creating the bridge, bond or vlan @def describes:
 *   IFLA_IFNAME, IFLA_MTU (when set), IFLA_ADDRESS (ethernet MAC, when set),
 *   IFLA_LINKINFO { IFLA_INFO_KIND "bridge"|"bond"|"vlan", IFLA_INFO_DATA }.
 * bridge data: IFLA_BR_FORWARD_DELAY (u32, centiseconds = USER_HZ clock_t)
 *   when a delay is given, IFLA_BR_STP_STATE (u32 0/1) when stp is given.
 * bond data: IFLA_BOND_MODE (u8, kernel numbering: balance-rr = 0 ...),
 *   IFLA_BOND_MIIMON / UPDELAY / DOWNDELAY (u32 ms), IFLA_BOND_USE_CARRIER
 *   (u8: netif 1, ioctl 0), or IFLA_BOND_ARP_INTERVAL (u32 ms),
 *   IFLA_BOND_ARP_IP_TARGET { 0: be32 }, IFLA_BOND_ARP_VALIDATE (u32).
 * vlan: IFLA_LINK (u32 @parent_ifindex), data IFLA_VLAN_ID (u16).
 * Ports/slaves are not created; enslave them with iface_nl_build_set_master.
 */
struct nl_msg *iface_nl_build_create(const InterfaceDef *def, int parent_ifindex);

/* RTM_NEWLINK on @ifindex with IFLA_MASTER = @master_ifindex (0 releases). */
struct nl_msg *iface_nl_build_set_master(int ifindex, int master_ifindex);

/* RTM_NEWLINK on @ifindex with IFLA_MTU = @mtu. */
struct nl_msg *iface_nl_build_set_mtu(int ifindex, unsigned mtu);

/* RTM_NEWLINK on @ifindex: ifi_flags IFF_UP or 0, ifi_change IFF_UP. */
struct nl_msg *iface_nl_build_set_up(int ifindex, bool up);

/* RTM_DELLINK on @ifindex. */
struct nl_msg *iface_nl_build_delete(int ifindex);

/* RTM_NEWADDR: IFA_LOCAL and IFA_ADDRESS = @addr, ifa_prefixlen @prefix. */
struct nl_msg *iface_nl_build_add_address(int ifindex, const NetAddr *addr, int prefix);

/* RTM_DELADDR of @addr/@prefix on @ifindex (IFA_LOCAL and IFA_ADDRESS). */
struct nl_msg *iface_nl_build_del_address(int ifindex, const NetAddr *addr, int prefix);

/* Opens a NETLINK_ROUTE socket; NULL with the error reported. */
struct nl_sock *iface_nl_open(void);

/*
 * Sends @msg and waits for the kernel's ack.  0, or -1 with the error
 * reported (OPERATION_FAILED with the kernel's reason, e.g. "Unknown
 * device type" when the kernel lacks bonding).  *kernel_err, when not
 * NULL, receives the negative libnl error code.
 */
int iface_nl_send(struct nl_sock *sk, struct nl_msg *msg, const char *what, int *kernel_err);

/* The ifindex of @name (0 if absent, -1 on error). */
int iface_nl_ifindex(struct nl_sock *sk, const char *name);

/*
 * Creates the interface @def describes and everything it needs: the link,
 * its ports/slaves enslaved (they must exist), its MTU again (a bridge
 * adjusts its MTU to its ports'), its static addresses, and sets it up
 * when @up.  Rolls back the link it created on failure.
 */
int iface_nl_create(struct nl_sock *sk, const InterfaceDef *def, bool up);

/*
 * iface_nl_create, also giving the libnl error code of the link creation
 * request itself in *create_err (0 when it succeeded or was not sent), so
 * callers can tell a kernel without bonding/802.1q (-NLE_OPNOTSUPP).
 */
int iface_nl_create_full(struct nl_sock *sk, const InterfaceDef *def, bool up, int *create_err);

/*
 * Destroys the live interface @name: bridges, bonds and vlans are deleted
 * (the kernel releases their ports), anything else is set down.
 */
int iface_nl_destroy(struct nl_sock *sk, const char *name);

/* Which links iface_nl_list returns (CONNECT_LIST_ALL_INTERFACES flags). */
typedef enum {
    IFACE_NL_LIST_INACTIVE = 1 << 0,   /* links without IFF_UP */
    IFACE_NL_LIST_ACTIVE = 1 << 1,     /* links with IFF_UP */
} IfaceNlListFlags;

/*
 * Names of the host's links (loopback excluded), sorted; @flags 0 means
 * both active and inactive.  NULL-terminated, g_strfreev; NULL on error.
 */
char **iface_nl_list(struct nl_sock *sk, unsigned flags);

/* Name of the link with MAC @mac (first by ifindex); NULL + NO_INTERFACE. */
char *iface_nl_name_by_mac(struct nl_sock *sk, const uint8_t mac[6]);

/*
 * Live state of @name as interface XML data: type from IFLA_INFO_KIND,
 * MAC, MTU, link state/speed, IPv4/IPv6 addresses, bridge STP/forward
 * delay and ports (links whose IFLA_MASTER is it), bond mode/miimon and
 * slaves, vlan tag and parent.  NULL with NO_INTERFACE if absent.
 */
InterfaceDef *iface_nl_read(struct nl_sock *sk, const char *name);

/* One live link as the driver's listing and transactions see it. */
typedef struct {
    char *name;
    InterfaceType type;        /* from IFLA_INFO_KIND; ethernet otherwise */
    bool up;                   /* IFF_UP */
    char *master;              /* bridge/bond it is enslaved to, or NULL */
    unsigned mtu;
    bool has_mac;
    uint8_t mac[6];
    GArray *addrs;             /* InterfaceIP; IPv6 link-local left out */
} IfaceNlLink;

void iface_nl_link_free(IfaceNlLink *l);

/* Every link but loopback, sorted by name (IfaceNlLink*); NULL on error. */
GPtrArray *iface_nl_links(struct nl_sock *sk);

/* Whether @addr is an IPv6 link-local address (fe80::/10). */
bool iface_nl_addr_is_link_local(const NetAddr *addr);
