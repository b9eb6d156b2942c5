/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Taps of a domain's interfaces (see domain-net.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "driver/domain/domain-net.h"
#include "driver/interface/iface-netlink.h"
#include "driver/network/network-driver.h"
#include "util/error.h"
#include "util/i18n.h"

/* Sends @msg (consumed). */
static int
nl_send_free(struct nl_sock *sk, struct nl_msg *msg, const char *what)
{
    int r;

    if (!msg) {
        error_report(VK_FROM_QEMU, VK_ERR_NO_MEMORY, "%s", what);
        return -1;
    }
    r = iface_nl_send(sk, msg, what, NULL);
    nlmsg_free(msg);
    return r;
}

/* Opens (creating if needed) tap @name ("vk%d" template allowed). */
static int
tap_open(const char *name, char *actual)
{
    struct ifreq ifr = { 0 };
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_report_errno(VK_FROM_QEMU, errno, "%s", _("cannot open /dev/net/tun"));
        return -1;
    }
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    g_strlcpy(ifr.ifr_name, name, IFNAMSIZ);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        error_report_errno(VK_FROM_QEMU, errno, _("cannot create tap '%1$s'"), name);
        close(fd);
        return -1;
    }
    g_strlcpy(actual, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

static int
tap_set_mac(const char *name, const unsigned char *guest_mac)
{
    struct ifreq ifr = { 0 };
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int r;

    g_strlcpy(ifr.ifr_name, name, IFNAMSIZ);
    ifr.ifr_hwaddr.sa_family = 1;   /* ARPHRD_ETHER */
    memcpy(ifr.ifr_hwaddr.sa_data, guest_mac, 6);
    /* as libvirt: the host side gets 0xfe in the first byte */
    ifr.ifr_hwaddr.sa_data[0] = (char) 0xfe;
    r = s < 0 ? -1 : ioctl(s, SIOCSIFHWADDR, &ifr);
    if (r < 0)
        error_report_errno(VK_FROM_QEMU, errno, _("cannot set MAC of tap '%1$s'"), name);
    if (s >= 0)
        close(s);
    return r;
}

static int
tap_plug(struct nl_sock *sk, const char *tap, const char *bridge)
{
    int ifindex = iface_nl_ifindex(sk, tap);
    int br = 0;

    if (ifindex <= 0) {
        error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                     _("tap '%1$s' vanished"), tap);
        return -1;
    }
    if (bridge) {
        br = iface_nl_ifindex(sk, bridge);
        if (br <= 0) {
            error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                         _("bridge '%1$s' does not exist"), bridge);
            return -1;
        }
        if (nl_send_free(sk, iface_nl_build_set_master(ifindex, br), "set master") < 0)
            return -1;
    }
    return nl_send_free(sk, iface_nl_build_set_up(ifindex, true), "set up");
}

static void
net_unplug(const DomainNetDef *net, const unsigned char *uuid)
{
    char mac[18];

    if (net->type != DOMAIN_NET_NETWORK)
        return;
    domain_mac_format(net->mac, mac);
    network_port_delete(net->source, uuid, mac);
}

static int
net_setup_one(struct nl_sock *sk, DomainNetDef *net, DomainRuntime *rt,
              const unsigned char *uuid, const char *owner)
{
    g_autofree char *port_bridge = NULL;
    char name[IFNAMSIZ];
    const char *bridge = NULL;
    bool created = true;
    int fd;

    if (net->type == DOMAIN_NET_NETWORK) {
        char mac[18];

        domain_mac_format(net->mac, mac);
        if (network_port_create(net->source, uuid, owner, mac, &port_bridge, NULL) < 0)
            return -1;
        bridge = port_bridge;
    }
    if (net->type == DOMAIN_NET_BRIDGE) {
        bridge = net->source;
        if (!bridge || iface_nl_ifindex(sk, bridge) <= 0) {
            error_report(VK_FROM_QEMU, VK_ERR_OPERATION_FAILED,
                         _("bridge '%1$s' does not exist"), bridge ? bridge : "");
            return -1;
        }
    }
    if (net->type == DOMAIN_NET_ETHERNET && net->target_dev &&
        iface_nl_ifindex(sk, net->target_dev) > 0)
        created = false;
    fd = tap_open(net->target_dev && !g_str_has_prefix(net->target_dev, "vnet") ?
                  net->target_dev : "vk%d", name);
    if (fd < 0) {
        net_unplug(net, uuid);
        return -1;
    }
    if (created)
        g_ptr_array_add(rt->taps, g_strdup(name));
    g_free(net->target_dev);
    net->target_dev = g_strdup(name);
    if ((created && tap_set_mac(name, net->mac) < 0) || tap_plug(sk, name, bridge) < 0) {
        net_unplug(net, uuid);
        close(fd);
        return -1;
    }
    return fd;
}

int
domain_net_setup(DomainObj *obj, DomainRuntime *rt, int *fds)
{
    struct nl_sock *sk;
    guint n = obj->def->nets->len;

    if (n == 0)
        return 0;
    if (!(sk = iface_nl_open()))
        return -1;
    for (guint i = 0; i < n; i++) {
        int fd = net_setup_one(sk, g_ptr_array_index(obj->def->nets, i), rt,
                               obj->def->uuid, obj->def->name);

        if (fd < 0) {
            for (guint j = 0; j < i; j++) {
                close(fds[j]);
                net_unplug(g_ptr_array_index(obj->def->nets, j), obj->def->uuid);
            }
            nl_socket_free(sk);
            return -1;
        }
        fds[i] = fd;
    }
    nl_socket_free(sk);
    return 0;
}

void
domain_net_cleanup(DomainObj *obj, DomainRuntime *rt)
{
    struct nl_sock *sk;

    for (guint i = 0; i < obj->def->nets->len; i++)
        net_unplug(g_ptr_array_index(obj->def->nets, i), obj->def->uuid);
    if (rt->taps->len == 0 || !(sk = iface_nl_open()))
        return;
    for (guint i = 0; i < rt->taps->len; i++) {
        int ifindex = iface_nl_ifindex(sk, g_ptr_array_index(rt->taps, i));

        if (ifindex > 0)
            nl_send_free(sk, iface_nl_build_delete(ifindex), "delete");
    }
    g_ptr_array_set_size(rt->taps, 0);
    nl_socket_free(sk);
}
