/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "driver/network/network-nft.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_NETWORK
#define NFT "/usr/sbin/nft"
#define TBL NETWORK_NFT_FAMILY " " NETWORK_NFT_TABLE

/* Chain names are identifiers: the bridge name with other characters
 * replaced (bridge names are unique among active networks). */
static char *
chain_name(const char *prefix, const char *bridge)
{
    char *s = g_strdup_printf("%s_%s", prefix, bridge);

    for (char *c = s; *c; c++) {
        if (!g_ascii_isalnum(*c) && *c != '_')
            *c = '_';
    }
    return s;
}

static const char fwd_spec[] = "{ type filter hook forward priority 0; policy accept; }";
static const char nat_spec[] = "{ type nat hook postrouting priority 100; policy accept; }";

static char *
subnet(const NetworkIPDef *ip)
{
    NetAddr net;
    g_autofree char *a = NULL;

    net_addr_network(&ip->address, ip->prefix, &net);
    a = net_addr_format(&net);
    return g_strdup_printf("%s/%d", a, ip->prefix);
}

static void
rules_forward(GString *s, const NetworkDef *def, const char *fwd)
{
    const char *br = def->bridge;
    g_autofree char *out_dev = def->forward.dev ?
        g_strdup_printf(" oifname \"%s\"", def->forward.dev) : g_strdup("");
    g_autofree char *in_dev = def->forward.dev ?
        g_strdup_printf(" iifname \"%s\"", def->forward.dev) : g_strdup("");

    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];
        const char *fam = ip->family == AF_INET6 ? "ip6" : "ip";
        g_autofree char *net = subnet(ip);

        if (def->forward.mode != NETWORK_FORWARD_NAT && def->forward.mode != NETWORK_FORWARD_ROUTE)
            break;
        g_string_append_printf(s, "add rule " TBL " %s iifname \"%s\"%s %s saddr %s accept\n",
                               fwd, br, out_dev, fam, net);
        if (def->forward.mode == NETWORK_FORWARD_NAT && ip->family == AF_INET)
            g_string_append_printf(s, "add rule " TBL " %s%s oifname \"%s\" %s daddr %s "
                                   "ct state related,established accept\n",
                                   fwd, in_dev, br, fam, net);
        else
            g_string_append_printf(s, "add rule " TBL " %s%s oifname \"%s\" %s daddr %s accept\n",
                                   fwd, in_dev, br, fam, net);
    }
    g_string_append_printf(s, "add rule " TBL " %s iifname \"%s\" oifname \"%s\" accept\n",
                           fwd, br, br);
    g_string_append_printf(s, "add rule " TBL " %s iifname \"%s\" reject\n", fwd, br);
    g_string_append_printf(s, "add rule " TBL " %s oifname \"%s\" reject\n", fwd, br);
}

static void
rules_nat(GString *s, const NetworkDef *def, const char *nat)
{
    const NetworkForwardDef *f = &def->forward;
    g_autofree char *out_dev = f->dev ? g_strdup_printf(" oifname \"%s\"", f->dev) : g_strdup("");
    g_autofree char *to = NULL;
    g_autofree char *ports = NULL;

    if (net_addr_is_set(&f->nat_start)) {
        g_autofree char *a = net_addr_format(&f->nat_start);
        g_autofree char *b = net_addr_format(net_addr_is_set(&f->nat_end) ? &f->nat_end
                                                                            : &f->nat_start);
        to = g_strdup_printf("snat ip to %s-%s", a, b);
    } else {
        to = g_strdup("masquerade");
    }
    /* "masquerade to :P-Q", "snat ip to A-B:P-Q" */
    ports = g_strdup_printf("%s%s:%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
                            to, net_addr_is_set(&f->nat_start) ? "" : " to ",
                            f->nat_port_start ? f->nat_port_start : 1024,
                            f->nat_port_end ? f->nat_port_end : 65535);
    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];
        g_autofree char *net = NULL;

        if (ip->family != AF_INET)
            continue;
        net = subnet(ip);
        g_string_append_printf(s, "add rule " TBL " %s ip saddr %s ip daddr 224.0.0.0/24 return\n",
                               nat, net);
        g_string_append_printf(s, "add rule " TBL " %s ip saddr %s ip daddr 255.255.255.255 "
                               "return\n", nat, net);
        for (int p = 0; p < 2; p++)
            g_string_append_printf(s, "add rule " TBL " %s meta l4proto %s ip saddr %s ip daddr "
                                   "!= %s%s %s\n", nat, p ? "udp" : "tcp", net, net, out_dev,
                                   ports);
        g_string_append_printf(s, "add rule " TBL " %s ip saddr %s ip daddr != %s%s %s\n",
                               nat, net, net, out_dev, to);
    }
}

bool
network_nft_needed(const NetworkDef *def)
{
    return def->bridge && def->forward.mode != NETWORK_FORWARD_BRIDGE &&
           def->forward.mode != NETWORK_FORWARD_OPEN;
}

char *
network_nft_rules_add(const NetworkDef *def)
{
    g_autofree char *fwd = NULL;
    g_autofree char *nat = NULL;
    GString *s;

    if (!network_nft_needed(def))
        return NULL;
    fwd = chain_name("fwd", def->bridge);
    nat = chain_name("nat", def->bridge);
    s = g_string_new("add table " TBL "\n");
    g_string_append_printf(s, "add chain " TBL " %s %s\nflush chain " TBL " %s\n",
                           fwd, fwd_spec, fwd);
    rules_forward(s, def, fwd);
    if (def->forward.mode == NETWORK_FORWARD_NAT) {
        g_string_append_printf(s, "add chain " TBL " %s %s\nflush chain " TBL " %s\n",
                               nat, nat_spec, nat);
        rules_nat(s, def, nat);
    }
    return g_string_free(s, FALSE);
}

char *
network_nft_rules_remove(const NetworkDef *def, bool drop_table)
{
    g_autofree char *fwd = NULL;
    g_autofree char *nat = NULL;
    GString *s;

    if (!network_nft_needed(def))
        return NULL;
    if (drop_table)
        return g_strdup("add table " TBL "\ndelete table " TBL "\n");
    fwd = chain_name("fwd", def->bridge);
    nat = chain_name("nat", def->bridge);
    s = g_string_new("add table " TBL "\n");
    g_string_append_printf(s, "add chain " TBL " %s %s\nflush chain " TBL " %s\n"
                           "delete chain " TBL " %s\n", fwd, fwd_spec, fwd, fwd);
    if (def->forward.mode == NETWORK_FORWARD_NAT)
        g_string_append_printf(s, "add chain " TBL " %s %s\nflush chain " TBL " %s\n"
                               "delete chain " TBL " %s\n", nat, nat_spec, nat, nat);
    return g_string_free(s, FALSE);
}

/* Runs nft with @argv; @input, when given, is passed as a file ("-f"). */
static int
nft_run(const char *const *argv, const char *input, char **out)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *so = NULL;
    g_autofree char *se = NULL;
    g_autofree char *tmp = NULL;
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    int status = 0, fd = -1, ret = -1;

    for (size_t i = 0; argv[i]; i++)
        g_ptr_array_add(args, (char *) argv[i]);
    if (input) {
        if ((fd = g_file_open_tmp("virtkvm-nft-XXXXXX", &tmp, &err)) < 0 ||
            !g_file_set_contents(tmp, input, -1, &err)) {
            error_report(DOM, VK_ERR_OPERATION_FAILED, _("cannot write nft script: %s"),
                         err->message);
            goto out;
        }
        g_ptr_array_add(args, (char *) "-f");
        g_ptr_array_add(args, tmp);
    }
    g_ptr_array_add(args, NULL);
    if (!g_spawn_sync(NULL, (char **) args->pdata, NULL, 0, NULL, NULL, &so, &se, &status,
                      &err)) {
        error_report(DOM, VK_ERR_OPERATION_FAILED, _("cannot run %1$s: %2$s"), NFT,
                     err->message);
        goto out;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        error_report(DOM, VK_ERR_OPERATION_FAILED, _("nft failed: %s"),
                     se ? g_strstrip(se) : "");
        goto out;
    }
    if (out)
        *out = g_steal_pointer(&so);
    ret = 0;
 out:
    if (fd >= 0)
        close(fd);
    if (tmp)
        unlink(tmp);
    return ret;
}

int
network_nft_apply(const char *script)
{
    const char *argv[] = { NFT, NULL };

    if (!script)
        return 0;
    return nft_run(argv, script, NULL);
}

void
network_nft_table_gc(void)
{
    const char *list[] = { NFT, "list", "table", NETWORK_NFT_FAMILY, NETWORK_NFT_TABLE, NULL };
    const char *del[] = { NFT, "delete", "table", NETWORK_NFT_FAMILY, NETWORK_NFT_TABLE, NULL };
    g_autofree char *out = NULL;

    if (nft_run(list, NULL, &out) < 0) {
        error_reset();
        return;
    }
    if (!strstr(out, "chain ") && nft_run(del, NULL, NULL) < 0)
        error_reset();
}

static int
sysctl_write(const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    if (fd < 0 || write(fd, "1\n", 2) != 2) {
        error_report_errno(DOM, errno, _("cannot enable forwarding in %s"), path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int
network_ip_forward_enable(bool v6)
{
    if (sysctl_write("/proc/sys/net/ipv4/ip_forward") < 0)
        return -1;
    if (v6 && sysctl_write("/proc/sys/net/ipv6/conf/all/forwarding") < 0)
        return -1;
    return 0;
}
