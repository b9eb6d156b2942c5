/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage pool, volume and pool-source-list XML (libvirt's storagepool.rng
 * and storagevol.rng): parse, validate, format.  Pool types dir, fs, netfs,
 * logical, disk, iscsi.  Kept verbatim: source adapter/auth/initiator/
 * vendor/product, volume encryption and timestamps.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <libxml/tree.h>

typedef enum {
    STORAGE_POOL_DIR = 0,
    STORAGE_POOL_FS,
    STORAGE_POOL_NETFS,
    STORAGE_POOL_LOGICAL,
    STORAGE_POOL_DISK,
    STORAGE_POOL_ISCSI,
    STORAGE_POOL_LAST,
} StoragePoolType;

/* <permissions>: mode/owner/group are -1 when absent. */
typedef struct {
    bool present;
    int64_t mode;
    int64_t owner;
    int64_t group;
    char *label;
} StoragePerms;

typedef struct {
    char *name;
    uint64_t port;        /* 0 when absent */
} StoragePoolSourceHost;

typedef struct {
    uint64_t start, end;
} StorageExtent;

typedef struct {
    char *path;
    int part_separator;   /* XmlTristate */
    GArray *free_extents; /* StorageExtent, live XML of disk pools */
} StoragePoolSourceDevice;

typedef struct {
    GPtrArray *hosts;     /* StoragePoolSourceHost* */
    GPtrArray *devices;   /* StoragePoolSourceDevice* */
    char *dir;
    char *name;
    char *format;         /* validated against the pool type */
    GPtrArray *kept;      /* adapter, auth, initiator, vendor, product, protocol */
} StoragePoolSource;

typedef struct {
    StoragePoolType type;
    char *name;
    uint8_t uuid[16];
    bool has_uuid;
    uint64_t capacity, allocation, available;
    StoragePoolSource *source;
    char *target_path;
    StoragePerms target_perms;
} StoragePoolDef;

typedef struct {
    char *path;
    GArray *extents;      /* StorageExtent */
} StorageVolSourceDevice;

typedef enum {
    STORAGE_VOL_FILE = 0,
    STORAGE_VOL_BLOCK,
    STORAGE_VOL_DIR,
    STORAGE_VOL_NETWORK,
    STORAGE_VOL_NETDIR,
    STORAGE_VOL_PLOOP,
    STORAGE_VOL_LAST,
} StorageVolType;

typedef struct {
    char *name;
    char *key;
    StorageVolType type;
    bool type_given;
    GPtrArray *source_devices;  /* StorageVolSourceDevice* */
    uint64_t capacity;
    bool has_capacity;
    uint64_t allocation;
    bool has_allocation;
    uint64_t physical;
    bool has_physical;

    char *target_path;
    char *target_format;        /* NULL: none given and no default */
    StoragePerms target_perms;
    char *compat;               /* qcow2 "0.10" / "1.1" */
    bool lazy_refcounts;
    bool has_features;
    uint64_t cluster_size;      /* bytes, 0 when absent */
    GPtrArray *target_kept;     /* encryption, timestamps */

    bool has_backing;
    char *backing_path;
    char *backing_format;
    StoragePerms backing_perms;
} StorageVolDef;

typedef struct {
    StoragePoolType type;
    GPtrArray *sources;         /* StoragePoolSource* */
} StoragePoolSourceList;

/* Flags of storage_pool_def_parse_string; equals VIR_STORAGE_POOL_DEFINE_VALIDATE. */
typedef enum {
    STORAGE_POOL_PARSE_VALIDATE = 1 << 0,     /* also check against storagepool.rng */
} StoragePoolParseFlags;

/*
 * Flags of storage_vol_def_parse_string: VALIDATE equals
 * VIR_STORAGE_VOL_CREATE_VALIDATE; OPT_CAPACITY is ours, above the API bits.
 */
typedef enum {
    STORAGE_VOL_PARSE_VALIDATE = 1 << 2,      /* also check against storagevol.rng */
    STORAGE_VOL_PARSE_OPT_CAPACITY = 1 << 16, /* <capacity> may be absent */
} StorageVolParseFlags;

const char *storage_pool_type_to_string(StoragePoolType type);
int storage_pool_type_from_string(const char *str);

/*
 * Parses and validates pool XML.  NULL with the error reported
 * (VK_FROM_STORAGE): XML_ERROR for bad values and missing required
 * elements, CONFIG_UNSUPPORTED for unknown elements/attributes or pool
 * types we do not implement, OVERFLOW for sizes beyond 2^64-1.
 */
StoragePoolDef *storage_pool_def_parse_string(const char *xml, unsigned flags);
char *storage_pool_def_format(const StoragePoolDef *def, unsigned flags);
void storage_pool_def_free(StoragePoolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoragePoolDef, storage_pool_def_free)

/* Volume XML in @pool (whose type decides the allowed formats). */
StorageVolDef *storage_vol_def_parse_string(const StoragePoolDef *pool,
                                            const char *xml, unsigned flags);
char *storage_vol_def_format(const StoragePoolDef *pool, const StorageVolDef *def,
                             unsigned flags);
void storage_vol_def_free(StorageVolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StorageVolDef, storage_vol_def_free)

/* A volume name: not empty, not "." or "..", no '/'.  0 or -1 reported. */
int storage_vol_name_validate(const char *name);

/*
 * A <source> element for pool @type alone, as FIND_STORAGE_POOL_SOURCES
 * receives it (srcSpec).  No required elements are enforced.
 */
StoragePoolSource *storage_pool_source_parse_string(StoragePoolType type, const char *xml);
void storage_pool_source_free(StoragePoolSource *src);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoragePoolSource, storage_pool_source_free)

/* The <sources> list FIND_STORAGE_POOL_SOURCES returns. */
StoragePoolSourceList *storage_pool_source_list_new(StoragePoolType type);
char *storage_pool_source_list_format(const StoragePoolSourceList *list);
StoragePoolSourceList *storage_pool_source_list_parse_string(StoragePoolType type,
                                                             const char *xml);
void storage_pool_source_list_free(StoragePoolSourceList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoragePoolSourceList, storage_pool_source_list_free)

/*
 * "<capacity unit='GiB'>10</capacity>" style sizes: @unit as libvirt
 * accepts it (NULL/b/byte/bytes, k/K/KiB, KB = 1000, ... up to E/EiB/EB,
 * case-insensitive).  Fails with VK_ERR_OVERFLOW when beyond 2^64-1.
 */
int storage_parse_scaled(const char *text, const char *unit, const char *what,
                         uint64_t *out);
