/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver/network/network-dnsmasq.h"
#include "util/error.h"
#include "util/file-util.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/paths.h"

#define DOM VK_FROM_NETWORK
#define DNSMASQ "/usr/sbin/dnsmasq"

void
network_dnsmasq_paths(const char *name, NetworkDnsmasqPaths *p)
{
    g_autofree char *state = paths_state_dir();
    g_autofree char *dir = g_build_filename(state, "dnsmasq", NULL);

    p->conf = g_strdup_printf("%s/%s.conf", dir, name);
    p->hostsfile = g_strdup_printf("%s/%s.hostsfile", dir, name);
    p->addnhosts = g_strdup_printf("%s/%s.addnhosts", dir, name);
    p->leases = g_strdup_printf("%s/%s.leases", dir, name);
    p->pidfile = g_strdup_printf("%s/%s.pid", dir, name);
}

void
network_dnsmasq_paths_clear(NetworkDnsmasqPaths *p)
{
    g_clear_pointer(&p->conf, g_free);
    g_clear_pointer(&p->hostsfile, g_free);
    g_clear_pointer(&p->addnhosts, g_free);
    g_clear_pointer(&p->leases, g_free);
    g_clear_pointer(&p->pidfile, g_free);
}

bool
network_dnsmasq_needed(const NetworkDef *def)
{
    if (def->forward.mode == NETWORK_FORWARD_BRIDGE || !def->bridge)
        return false;
    if (def->dns.enable == XML_TRISTATE_NO && !network_def_dhcp_ip(def, AF_INET) &&
        !network_def_dhcp_ip(def, AF_INET6))
        return false;
    return def->ips->len > 0;
}

static void
lease_format(GString *s, const NetworkLease *lease)
{
    static const char unit[] = { 'm', 's', 'm', 'h' };

    if (!lease->present)
        return;
    if (lease->expiry == 0)
        g_string_append(s, ",infinite");
    else
        g_string_append_printf(s, ",%" G_GUINT64_FORMAT "%c", lease->expiry, unit[lease->unit]);
}

/* Number of addresses of an IPv4 range (for dhcp-lease-max). */
static uint64_t
range_size(const NetworkDhcpRange *r)
{
    uint32_t a, b;

    if (r->start.family != AF_INET)
        return 0;
    memcpy(&a, r->start.bytes, 4);
    memcpy(&b, r->end.bytes, 4);
    return (uint64_t) g_ntohl(b) - g_ntohl(a) + 1;
}

static void
config_dns(GString *s, const NetworkDef *def)
{
    bool plain_forwarder = false;

    if (def->dns.enable == XML_TRISTATE_NO) {
        g_string_append(s, "port=0\n");
        return;
    }
    if (def->domain) {
        g_string_append_printf(s, "domain=%s\nexpand-hosts\n", def->domain);
        if (def->domain_local_only == XML_TRISTATE_YES)
            g_string_append_printf(s, "local=/%s/\n", def->domain);
    }
    for (guint i = 0; def->dns.forwarders && i < def->dns.forwarders->len; i++) {
        const NetworkDnsForwarder *f = def->dns.forwarders->pdata[i];
        g_autofree char *addr = net_addr_is_set(&f->addr) ? net_addr_format(&f->addr) : NULL;

        g_string_append(s, "server=");
        if (f->domain)
            g_string_append_printf(s, "/%s/", f->domain);
        if (addr)
            g_string_append(s, addr);
        else
            g_string_append(s, "#");
        g_string_append_c(s, '\n');
        if (addr && !f->domain)
            plain_forwarder = true;
    }
    if (plain_forwarder)
        g_string_append(s, "no-resolv\n");
}

static void
config_dhcp(GString *s, const NetworkDef *def, const NetworkDnsmasqPaths *p)
{
    uint64_t nleases = 0;
    bool any = false, v6 = false;

    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];

        if (!ip->has_dhcp)
            continue;
        for (guint j = 0; ip->ranges && j < ip->ranges->len; j++) {
            const NetworkDhcpRange *r = &g_array_index(ip->ranges, NetworkDhcpRange, j);
            g_autofree char *a = net_addr_format(&r->start);
            g_autofree char *b = net_addr_format(&r->end);

            if (ip->family == AF_INET) {
                NetAddr mask;
                g_autofree char *m = NULL;

                net_addr_prefix_to_netmask(ip->prefix, AF_INET, &mask);
                m = net_addr_format(&mask);
                g_string_append_printf(s, "dhcp-range=%s,%s,%s", a, b, m);
            } else {
                g_string_append_printf(s, "dhcp-range=%s,%s,%d", a, b, ip->prefix);
                v6 = true;
            }
            lease_format(s, &r->lease);
            g_string_append_c(s, '\n');
            nleases += range_size(r);
        }
        if (ip->family == AF_INET6 && (!ip->ranges || ip->ranges->len == 0) &&
            ip->hosts && ip->hosts->len) {
            g_autofree char *net = net_addr_format(&ip->address);

            g_string_append_printf(s, "dhcp-range=%s,static,%d\n", net, ip->prefix);
            v6 = true;
        }
        if (ip->hosts)
            nleases += ip->hosts->len;
        if (ip->family == AF_INET && ip->bootp_file) {
            g_string_append_printf(s, "dhcp-boot=%s%s%s\n", ip->bootp_file,
                                   ip->bootp_server ? ",," : "",
                                   ip->bootp_server ? ip->bootp_server : "");
        }
        any = true;
    }
    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];

        if (ip->tftp_root)
            g_string_append_printf(s, "enable-tftp\ntftp-root=%s\n", ip->tftp_root);
    }
    if (!any)
        return;
    g_string_append_printf(s, "dhcp-no-override\ndhcp-authoritative\n"
                           "dhcp-lease-max=%" G_GUINT64_FORMAT "\n", nleases);
    g_string_append_printf(s, "dhcp-hostsfile=%s\n", p->hostsfile);
    g_string_append_printf(s, "dhcp-leasefile=%s\n", p->leases);
    if (v6)
        g_string_append(s, "enable-ra\n");
}

char *
network_dnsmasq_config(const NetworkDef *def, const NetworkDnsmasqPaths *p, const char *user)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "##Generated by virtkvm for network '%s': changes are "
                           "overwritten.\n", def->name);
    g_string_append(s, "strict-order\n");
    g_string_append_printf(s, "pid-file=%s\n", p->pidfile);
    if (user)
        g_string_append_printf(s, "user=%s\n", user);
    g_string_append(s, "except-interface=lo\nbind-dynamic\n");
    g_string_append_printf(s, "interface=%s\n", def->bridge);
    g_string_append(s, "no-hosts\n");
    config_dns(s, def);
    config_dhcp(s, def, p);
    if (def->dns.enable != XML_TRISTATE_NO)
        g_string_append_printf(s, "addn-hosts=%s\n", p->addnhosts);
    return g_string_free(s, FALSE);
}

char *
network_dnsmasq_hostsfile(const NetworkDef *def)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i < def->ips->len; i++) {
        const NetworkIPDef *ip = def->ips->pdata[i];

        for (guint j = 0; ip->hosts && j < ip->hosts->len; j++) {
            const NetworkDhcpHost *h = ip->hosts->pdata[j];
            g_autofree char *addr = net_addr_is_set(&h->ip) ? net_addr_format(&h->ip) : NULL;
            bool first = true;

            if (ip->family == AF_INET6 && h->id) {
                g_string_append_printf(s, "id:%s", h->id);
                first = false;
            } else if (h->has_mac) {
                g_string_append_printf(s, "%02x:%02x:%02x:%02x:%02x:%02x",
                                       h->mac[0], h->mac[1], h->mac[2],
                                       h->mac[3], h->mac[4], h->mac[5]);
                first = false;
            }
            if (addr) {
                if (ip->family == AF_INET6)
                    g_string_append_printf(s, "%s[%s]", first ? "" : ",", addr);
                else
                    g_string_append_printf(s, "%s%s", first ? "" : ",", addr);
                first = false;
            }
            if (h->name)
                g_string_append_printf(s, "%s%s", first ? "" : ",", h->name);
            lease_format(s, &h->lease);
            g_string_append_c(s, '\n');
        }
    }
    return g_string_free(s, FALSE);
}

char *
network_dnsmasq_addnhosts(const NetworkDef *def)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; def->dns.hosts && i < def->dns.hosts->len; i++) {
        const NetworkDnsHost *h = def->dns.hosts->pdata[i];
        g_autofree char *addr = net_addr_format(&h->ip);

        g_string_append(s, addr);
        for (guint j = 0; h->hostnames && j < h->hostnames->len; j++)
            g_string_append_printf(s, "\t%s", (const char *) h->hostnames->pdata[j]);
        g_string_append_c(s, '\n');
    }
    return g_string_free(s, FALSE);
}

static int
write_text(const char *path, const char *text)
{
    return file_write_atomic(path, text, strlen(text), 0644, DOM);
}

static int
write_hosts(const NetworkDef *def, const NetworkDnsmasqPaths *p)
{
    g_autofree char *hosts = network_dnsmasq_hostsfile(def);
    g_autofree char *addn = network_dnsmasq_addnhosts(def);

    if (write_text(p->hostsfile, hosts) < 0 || write_text(p->addnhosts, addn) < 0)
        return -1;
    return 0;
}

/*
 * dnsmasq drops root after opening its sockets, pid and lease files, and
 * re-reads the hosts files as that user on SIGHUP.  On the real root it
 * runs as Debian's "dnsmasq" user (its own default otherwise), and the
 * state directory is made traversable for it; under a private --root
 * (tests) the tree may sit in a private temporary directory, so dnsmasq
 * keeps root there.
 */
static const char *
dnsmasq_user(void)
{
    const char *root = paths_root();

    if (root && *root)
        return "root";
    return getpwnam("dnsmasq") ? "dnsmasq" : NULL;
}

static void
state_dir_traversable(const char *state)
{
    struct stat st;

    if (stat(state, &st) == 0 && (st.st_mode & 0011) != 0011 &&
        chmod(state, (st.st_mode & 07777) | 0011) < 0)
        log_warning("cannot make %s traversable for dnsmasq: %s", state, g_strerror(errno));
}

static pid_t
read_pid(const char *path)
{
    g_autofree char *text = NULL;
    gint64 v;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return -1;
    v = g_ascii_strtoll(text, NULL, 10);
    return v > 1 && v < G_MAXINT ? (pid_t) v : -1;
}

int
network_dnsmasq_start(const NetworkDef *def, pid_t *pid_out)
{
    NetworkDnsmasqPaths p = { 0 };
    g_autofree char *state = paths_state_dir();
    g_autofree char *dir = g_build_filename(state, "dnsmasq", NULL);
    g_autofree char *conf = NULL;
    g_autofree char *arg = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    int status = 0, ret = -1;
    pid_t pid;

    network_dnsmasq_paths(def->name, &p);
    if (file_make_dirs(dir, 0755, DOM) < 0)
        goto out;
    if (!paths_root()[0])
        state_dir_traversable(state);
    conf = network_dnsmasq_config(def, &p, dnsmasq_user());
    if (write_text(p.conf, conf) < 0 || write_hosts(def, &p) < 0)
        goto out;
    unlink(p.pidfile);
    arg = g_strdup_printf("--conf-file=%s", p.conf);
    {
        const char *argv[] = { DNSMASQ, arg, NULL };

        /* dnsmasq daemonizes and its parent exits once the child is
         * ready (sockets bound) or reports why it failed. */
        if (!g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                          NULL, NULL, NULL, &err, &status, &gerr)) {
            error_report(DOM, VK_ERR_OPERATION_FAILED, _("cannot run %1$s: %2$s"),
                         DNSMASQ, gerr->message);
            goto out;
        }
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        error_report(DOM, VK_ERR_OPERATION_FAILED, _("dnsmasq failed for network '%1$s': %2$s"),
                     def->name, err ? g_strstrip(err) : "");
        goto out;
    }
    if ((pid = read_pid(p.pidfile)) < 0) {
        error_report(DOM, VK_ERR_OPERATION_FAILED,
                     _("dnsmasq for network '%s' wrote no pid file"), def->name);
        goto out;
    }
    *pid_out = pid;
    ret = 0;
 out:
    network_dnsmasq_paths_clear(&p);
    return ret;
}

int
network_dnsmasq_reload(const NetworkDef *def, pid_t pid)
{
    NetworkDnsmasqPaths p = { 0 };
    int ret = -1;

    network_dnsmasq_paths(def->name, &p);
    if (write_hosts(def, &p) < 0)
        goto out;
    if (pid > 0 && kill(pid, SIGHUP) < 0) {
        error_report_errno(DOM, errno, _("cannot signal dnsmasq of network '%s'"), def->name);
        goto out;
    }
    ret = 0;
 out:
    network_dnsmasq_paths_clear(&p);
    return ret;
}

bool
network_dnsmasq_alive(const char *name, pid_t pid)
{
    g_autofree char *path = NULL;
    g_autofree char *cmd = NULL;
    NetworkDnsmasqPaths p = { 0 };
    gsize len = 0;
    bool ok = false;

    if (pid <= 1)
        return false;
    path = g_strdup_printf("/proc/%d/cmdline", (int) pid);
    if (!g_file_get_contents(path, &cmd, &len, NULL))
        return false;
    network_dnsmasq_paths(name, &p);
    /* argv is NUL-separated: look for our --conf-file argument. */
    for (gsize off = 0; off < len; off += strlen(cmd + off) + 1) {
        if (g_str_has_prefix(cmd + off, "--conf-file=") &&
            strcmp(cmd + off + strlen("--conf-file="), p.conf) == 0)
            ok = true;
    }
    network_dnsmasq_paths_clear(&p);
    return ok;
}

void
network_dnsmasq_stop(const char *name, pid_t pid)
{
    NetworkDnsmasqPaths p = { 0 };

    if (network_dnsmasq_alive(name, pid)) {
        kill(pid, SIGTERM);
        for (int i = 0; i < 2000 && kill(pid, 0) == 0; i++) {
            if (!network_dnsmasq_alive(name, pid))
                break;
            g_usleep(1000);
        }
        if (network_dnsmasq_alive(name, pid))
            kill(pid, SIGKILL);
    }
    network_dnsmasq_paths(name, &p);
    unlink(p.pidfile);
    unlink(p.conf);
    network_dnsmasq_paths_clear(&p);
}

void
network_dnsmasq_lease_free(NetworkDnsmasqLease *l)
{
    if (!l)
        return;
    g_free(l->mac);
    g_free(l->iaid);
    g_free(l->ip);
    g_free(l->hostname);
    g_free(l->clientid);
    g_free(l);
}

static char *
field_or_null(const char *f)
{
    return f && strcmp(f, "*") != 0 ? g_strdup(f) : NULL;
}

GPtrArray *
network_dnsmasq_leases_parse(const char *text)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) network_dnsmasq_lease_free);
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    g_autofree char *duid = NULL;

    for (size_t i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
        NetworkDnsmasqLease *l;
        NetAddr addr;
        char *end = NULL;
        guint n = g_strv_length(f);
        gint64 expiry;

        if (n == 2 && strcmp(f[0], "duid") == 0) {
            g_free(duid);
            duid = g_strdup(f[1]);
            continue;
        }
        if (n < 4)
            continue;
        expiry = g_ascii_strtoll(f[0], &end, 10);
        if (!end || *end || expiry < 0 || net_addr_parse(f[2], &addr) < 0)
            continue;
        l = g_new0(NetworkDnsmasqLease, 1);
        l->expiry = expiry;
        l->ipv6 = addr.family == AF_INET6;
        l->ip = g_strdup(f[2]);
        l->hostname = field_or_null(f[3]);
        if (l->ipv6) {
            l->iaid = g_strdup(f[1]);
            l->clientid = n > 4 ? field_or_null(f[4]) : g_strdup(duid);
        } else {
            l->mac = g_ascii_strdown(f[1], -1);
            l->clientid = n > 4 ? field_or_null(f[4]) : NULL;
        }
        g_ptr_array_add(out, l);
    }
    return out;
}
