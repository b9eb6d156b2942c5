/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver: pools (dir, fs, netfs, logical, disk, iscsi) and
 * their volumes.  Persistent pool configs live in
 * <root>/etc/virtkvm/storage/NAME.xml (autostart links in autostart/),
 * live state of active pools in <root>/run/virtkvm/storage/NAME.xml, so a
 * restarted daemon finds its active pools again.
 *
 * Pools are named by UUID in the calls below (as libvirt's handles carry
 * both), volumes by pool name and volume name.  Every call returns -1 or
 * NULL with a libvirt error reported (VK_FROM_STORAGE).  Thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "driver/events.h"

typedef struct {
    char *name;
    unsigned char uuid[16];
} StoragePoolId;

typedef struct {
    char *pool;
    char *name;
    char *key;
} StorageVolId;

typedef struct {
    int state;                  /* VIR_STORAGE_POOL_* state */
    uint64_t capacity;
    uint64_t allocation;
    uint64_t available;
} StoragePoolInfo;

void storage_pool_id_clear(StoragePoolId *id);
void storage_pool_id_free(StoragePoolId *id);
void storage_vol_id_clear(StorageVolId *id);
void storage_vol_id_free(StorageVolId *id);

/* Loads configs and live state, starts autostart pools. */
int storage_driver_init(const VkEventSink *sink);
void storage_driver_shutdown(void);

int storage_pool_define(const char *xml, unsigned flags, StoragePoolId *out);
int storage_pool_create_xml(const char *xml, unsigned flags, StoragePoolId *out);
int storage_pool_undefine(const unsigned char *uuid);
int storage_pool_build(const unsigned char *uuid, unsigned flags);
int storage_pool_start(const unsigned char *uuid, unsigned flags);
int storage_pool_destroy(const unsigned char *uuid);
int storage_pool_delete(const unsigned char *uuid, unsigned flags);
int storage_pool_refresh(const unsigned char *uuid, unsigned flags);
char *storage_pool_get_xml(const unsigned char *uuid, unsigned flags);
int storage_pool_get_info(const unsigned char *uuid, StoragePoolInfo *info);
int storage_pool_get_autostart(const unsigned char *uuid, int *autostart);
int storage_pool_set_autostart(const unsigned char *uuid, bool autostart);
/* 1 or 0, or -1 reported. */
int storage_pool_is_active(const unsigned char *uuid);
int storage_pool_is_persistent(const unsigned char *uuid);

int storage_pool_lookup_by_name(const char *name, StoragePoolId *out);
int storage_pool_lookup_by_uuid(const unsigned char *uuid, StoragePoolId *out);
int storage_pool_lookup_by_target_path(const char *path, StoragePoolId *out);
int storage_pool_lookup_by_volume(const char *pool, StoragePoolId *out);
/* StoragePoolId* matching VIR_CONNECT_LIST_STORAGE_POOLS_* flags. */
GPtrArray *storage_pool_list(unsigned flags);
char *storage_pool_find_sources(const char *type, const char *spec, unsigned flags);
char *storage_pool_capabilities(void);

/* Volumes of an active pool: count, StorageVolId* list. */
int storage_pool_num_volumes(const unsigned char *uuid);
GPtrArray *storage_pool_list_volumes(const unsigned char *uuid);

int storage_vol_lookup_by_name(const unsigned char *pool_uuid, const char *name,
                               StorageVolId *out);
int storage_vol_lookup_by_key(const char *key, StorageVolId *out);
int storage_vol_lookup_by_path(const char *path, StorageVolId *out);
int storage_vol_create_xml(const unsigned char *pool_uuid, const char *xml,
                           unsigned flags, StorageVolId *out);
int storage_vol_create_xml_from(const unsigned char *pool_uuid, const char *xml,
                                const char *src_pool, const char *src_name,
                                unsigned flags, StorageVolId *out);
int storage_vol_delete(const char *pool, const char *name, unsigned flags);
int storage_vol_wipe(const char *pool, const char *name, unsigned algorithm,
                     unsigned flags);
int storage_vol_get_info(const char *pool, const char *name, unsigned flags,
                         int *type, uint64_t *capacity, uint64_t *allocation);
char *storage_vol_get_xml(const char *pool, const char *name, unsigned flags);
char *storage_vol_get_path(const char *pool, const char *name);
int storage_vol_resize(const char *pool, const char *name, uint64_t capacity,
                       unsigned flags);
/*
 * Opens a volume for UPLOAD (write) or DOWNLOAD (read): checks offset and
 * length against its size and returns an fd positioned nowhere in
 * particular (use pread/pwrite) plus the size.  *is_block tells whether
 * holes must be written as zeroes.
 */
int storage_vol_open(const char *pool, const char *name, bool upload,
                     uint64_t offset, uint64_t length, uint64_t *size, bool *is_block);
/* An upload ended: refreshes the volume's sizes. */
void storage_vol_uploaded(const char *pool, const char *name);

/*
 * For the domain driver: <disk type='volume'><source pool= volume=/>.
 * The volume's path and its format ("raw", "qcow2"...); -1 reported when
 * the pool is missing or inactive or has no such volume.
 */
int storage_volume_resolve(const char *pool, const char *vol, char **path, char **format);
