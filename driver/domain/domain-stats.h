/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Statistics of domains (virConnectGetAllDomainStats groups, block,
 * interface and memory stats).  Sources: the VMM's /proc entries (cpu
 * time, RSS), the taps' /sys/class/net/TAP/statistics (counters seen from
 * the guest: the tap's rx is the guest's tx), the definition.
 */
#pragma once

#include <glib.h>

#include "driver/domain/domain-driver.h"

/* VIR_DOMAIN_STATS_* groups. */
enum {
    DOMAIN_STATS_STATE = 1 << 0,
    DOMAIN_STATS_CPU_TOTAL = 1 << 1,
    DOMAIN_STATS_BALLOON = 1 << 2,
    DOMAIN_STATS_VCPU = 1 << 3,
    DOMAIN_STATS_INTERFACE = 1 << 4,
    DOMAIN_STATS_BLOCK = 1 << 5,
    DOMAIN_STATS_SUPPORTED = 0x3f,
};

/* VIR_TYPED_PARAM_* */
enum {
    DOMAIN_PARAM_INT = 1,
    DOMAIN_PARAM_UINT = 2,
    DOMAIN_PARAM_LLONG = 3,
    DOMAIN_PARAM_ULLONG = 4,
    DOMAIN_PARAM_STRING = 7,
};

typedef struct {
    char *field;
    int type;
    long long l;                /* INT, UINT, LLONG, ULLONG (as bits) */
    char *s;
} DomainStatParam;

/* Appends the stats of @groups for @obj (locked) to @out
 * (GArray of DomainStatParam, clear func set by domain_stats_new). */
GArray *domain_stats_new(void);
void domain_stats_collect(DomainObj *obj, unsigned int groups, GArray *out);

typedef struct {
    unsigned long long time_ns;     /* CPU time of the vCPU thread */
    int cpu;                        /* host CPU it last ran on, -1 unknown */
} DomainVcpuInfo;

/* Per-vCPU thread times (query-vcpus thread ids + /proc); zeros if the
 * VMM does not answer. */
void domain_stats_vcpus(DomainObj *obj, DomainVcpuInfo *info, unsigned int n);

typedef struct {
    long long rx_bytes, rx_packets, rx_errs, rx_drop;
    long long tx_bytes, tx_packets, tx_errs, tx_drop;
} DomainIfStats;

/* DOMAIN_INTERFACE_STATS of @device (tap name or guest MAC). */
int domain_stats_interface(DomainObj *obj, const char *device, DomainIfStats *st);

typedef struct {
    long long rd_req, rd_bytes, wr_req, wr_bytes, errs;   /* -1: unknown */
    long long flush_req;
} DomainBlockStats;

/* DOMAIN_BLOCK_STATS of @path (target "vda" or source path). */
int domain_stats_block(DomainObj *obj, const char *path, DomainBlockStats *st);

/* DOMAIN_MEMORY_STATS: pairs (VIR_DOMAIN_MEMORY_STAT_* tag, value); the
 * number filled (at most @max). */
int domain_stats_memory(DomainObj *obj, unsigned int max, int *tags,
                        unsigned long long *vals);
