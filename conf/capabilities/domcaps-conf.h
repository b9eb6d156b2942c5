/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain capabilities document (virConnectGetDomainCapabilities):
 * structs and formatter; the output validates against domaincaps.rng.
 * Most blocks of that document are "<name supported='yes|no'>" with
 * <enum name='...'><value>..</value></enum> children, so they share one
 * struct, DomCapsBlock.
 */
#pragma once

#include <glib.h>

typedef struct {
    char *name;
    GPtrArray *values;              /* char * */
} DomCapsEnum;

typedef struct {
    char *name;                     /* element name: disk, rng, os ... */
    gboolean supported;
    GPtrArray *values;              /* char *: plain <value> children (loader) */
    GPtrArray *enums;               /* DomCapsEnum */
} DomCapsBlock;

typedef struct {
    char *name;
    char *vendor;
    char *usable;                   /* yes, no, unknown */
} DomCapsCpuModel;

typedef struct {
    DomCapsBlock *host_passthrough; /* name "host-passthrough" */
    DomCapsBlock *maximum;
    gboolean host_model_supported;
    char *host_model;               /* NULL: no <model> */
    char *host_model_vendor;
    char *host_model_fallback;      /* forbid, allow */
    GPtrArray *host_model_features; /* char * (policy require) */
    gboolean custom_supported;
    GPtrArray *custom_models;       /* DomCapsCpuModel */
} DomCapsCpu;

typedef struct {
    char *path;
    char *domain;
    char *machine;
    char *arch;
    unsigned int max_vcpus;         /* 0: no <vcpu> */
    int iothreads;                  /* -1 omitted, 0 no, 1 yes */
    DomCapsBlock *os;               /* may carry a nested loader block */
    DomCapsBlock *loader;           /* printed inside <os> */
    DomCapsCpu cpu;
    DomCapsBlock *memory_backing;
    GPtrArray *devices;             /* DomCapsBlock, in schema order */
    GPtrArray *features;            /* DomCapsBlock, in schema order */
} DomCaps;

DomCaps *domcaps_new(void);
void domcaps_free(DomCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomCaps, domcaps_free)

DomCapsBlock *domcaps_block_new(const char *name, gboolean supported);
void domcaps_block_free(DomCapsBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomCapsBlock, domcaps_block_free)

/* Adds enum @enum_name with the NULL-terminated list of values. */
void domcaps_block_add_enum(DomCapsBlock *block, const char *enum_name,
                            ...) G_GNUC_NULL_TERMINATED;
void domcaps_block_add_enumv(DomCapsBlock *block, const char *enum_name,
                             const char *const *values);

void domcaps_cpu_add_custom_model(DomCapsCpu *cpu, const char *name,
                                  const char *vendor, const char *usable);

/* The domain capabilities XML; NULL with an error reported on failure. */
char *domcaps_format(const DomCaps *caps);
