/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dnsmasq for one virtual network: the generated configuration, hosts
 * files, starting and stopping the process, and dnsmasq's lease file.
 * The generators are pure (unit-tested for their exact text).
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include <glib.h>

#include "conf/network/network-conf.h"

typedef struct {
    char *conf;        /* NAME.conf */
    char *hostsfile;   /* NAME.hostsfile: dhcp-hostsfile */
    char *addnhosts;   /* NAME.addnhosts: DNS hosts */
    char *leases;      /* NAME.leases */
    char *pidfile;     /* NAME.pid */
} NetworkDnsmasqPaths;

/* Paths under <state>/dnsmasq/ for @name; free with _clear. */
void network_dnsmasq_paths(const char *name, NetworkDnsmasqPaths *p);
void network_dnsmasq_paths_clear(NetworkDnsmasqPaths *p);

/* True if the network gets a dnsmasq (an <ip> on a bridge it creates). */
bool network_dnsmasq_needed(const NetworkDef *def);

/* The configuration file; @user: user= line, NULL for none. */
char *network_dnsmasq_config(const NetworkDef *def, const NetworkDnsmasqPaths *p,
                             const char *user);
/* dhcp-hostsfile: "mac,ip,name[,lease]" per static host (IPv6: id:DUID). */
char *network_dnsmasq_hostsfile(const NetworkDef *def);
/* addn-hosts: "ip\tname..." per <dns><host>. */
char *network_dnsmasq_addnhosts(const NetworkDef *def);

/* Writes the files and starts dnsmasq; *pid_out is its pid.  0/-1. */
int network_dnsmasq_start(const NetworkDef *def, pid_t *pid_out);
/* Rewrites the hosts files and sends SIGHUP.  0/-1. */
int network_dnsmasq_reload(const NetworkDef *def, pid_t pid);
/* True if @pid is the dnsmasq started for network @name. */
bool network_dnsmasq_alive(const char *name, pid_t pid);
/* Stops it (SIGTERM, then SIGKILL) and removes the pid/config files. */
void network_dnsmasq_stop(const char *name, pid_t pid);

/* One lease from dnsmasq's lease file. */
typedef struct {
    gint64 expiry;
    bool ipv6;
    char *mac;       /* IPv4: hardware address; IPv6: NULL */
    char *iaid;      /* IPv6 only */
    char *ip;
    char *hostname;  /* NULL for '*' */
    char *clientid;  /* IPv4: client id; IPv6: the DUID */
} NetworkDnsmasqLease;

void network_dnsmasq_lease_free(NetworkDnsmasqLease *l);
/* Parses dnsmasq's lease file text; bad lines are skipped. */
GPtrArray *network_dnsmasq_leases_parse(const char *text);
