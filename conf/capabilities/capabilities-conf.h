/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The host capabilities document (virConnectGetCapabilities): plain structs
 * filled by the host driver's probes, and their formatter.  The output
 * validates against libvirt's capability.rng.
 */
#pragma once

#include <glib.h>

typedef struct {
    unsigned int size_kib;
    unsigned long long count;       /* pages of this size (cells only) */
} CapsPages;

typedef struct {
    unsigned int id;
    unsigned int value;
} CapsDistance;

typedef struct {
    unsigned int id;
    gboolean have_topology;
    unsigned int socket_id;
    unsigned int die_id;
    unsigned int core_id;
    char *siblings;                 /* cpuset string, "0-1,4" */
} CapsCellCpu;

typedef struct {
    unsigned int id;
    unsigned long long memory_kib;
    GArray *pages;                  /* CapsPages */
    GArray *distances;              /* CapsDistance */
    GArray *cpus;                   /* CapsCellCpu, owns siblings */
} CapsCell;

typedef struct {
    unsigned int id;
    unsigned int level;
    char *type;                     /* both, code, data */
    unsigned long long size;
    char *unit;                     /* KiB, MiB ... */
    char *cpus;                     /* cpuset string */
} CapsCacheBank;

typedef struct {
    char *type;                     /* domain type: kvm */
    char *label;
} CapsBaseLabel;

typedef struct {
    char *model;
    char *doi;
    GPtrArray *baselabels;          /* CapsBaseLabel */
} CapsSecModel;

typedef struct {
    char *name;
    char *canonical;                /* NULL unless @name is an alias */
    unsigned int max_cpus;          /* 0: not printed */
} CapsMachine;

typedef struct {
    char *name;
    gboolean toggle;
    gboolean default_on;
    gboolean has_toggle;            /* FALSE: printed as an empty element */
} CapsGuestFeature;

typedef struct {
    char *os_type;                  /* hvm */
    char *arch;
    unsigned int wordsize;
    char *emulator;
    GPtrArray *machines;            /* CapsMachine */
    GPtrArray *domain_types;        /* char *: kvm, qemu */
    GPtrArray *features;            /* CapsGuestFeature */
} CapsGuest;

typedef struct {
    char *arch;
    char *model;
    char *vendor;
    gboolean have_microcode;
    unsigned long long microcode;
    gboolean have_signature;
    unsigned int family;
    unsigned int model_id;
    unsigned int stepping;
    unsigned long long tsc_hz;      /* 0: no counter element */
    gboolean tsc_scaling;
    unsigned int sockets;           /* 0: no topology element */
    unsigned int dies;
    unsigned int cores;
    unsigned int threads;
    unsigned int phys_bits;         /* 0: no maxphysaddr element */
    GPtrArray *features;            /* char * */
    GArray *page_sizes;             /* unsigned int, KiB */
} CapsHostCpu;

typedef struct {
    char *uuid;                     /* NULL: omitted */
    CapsHostCpu cpu;
    gboolean pm_suspend_mem;
    gboolean pm_suspend_disk;
    gboolean pm_suspend_hybrid;
    int iommu;                      /* -1: omitted, 0 no, 1 yes */
    gboolean migration_live;
    GPtrArray *uri_transports;      /* char *: tcp */
    GPtrArray *cells;               /* CapsCell */
    GPtrArray *cache_banks;         /* CapsCacheBank */
    GPtrArray *secmodels;           /* CapsSecModel */
    GPtrArray *guests;              /* CapsGuest */
} Caps;

Caps *caps_new(void);
void caps_free(Caps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Caps, caps_free)

CapsCell *caps_cell_new(unsigned int id);
CapsSecModel *caps_secmodel_new(const char *model, const char *doi);
void caps_secmodel_add_baselabel(CapsSecModel *sm, const char *type,
                                 const char *label);
CapsGuest *caps_guest_new(const char *os_type, const char *arch,
                          unsigned int wordsize, const char *emulator);
void caps_guest_add_machine(CapsGuest *guest, const char *name,
                            const char *canonical, unsigned int max_cpus);
void caps_guest_add_feature(CapsGuest *guest, const char *name,
                            gboolean has_toggle, gboolean toggle,
                            gboolean default_on);
CapsCacheBank *caps_cache_bank_new(unsigned int id, unsigned int level,
                                   const char *type, unsigned long long size,
                                   const char *unit, const char *cpus);

/* The capabilities XML; NULL with an error reported on failure. */
char *caps_format(const Caps *caps);
