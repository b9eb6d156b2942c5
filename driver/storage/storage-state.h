/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The driver's pool list and lock, shared by the pool and volume calls. */
#pragma once

#include "driver/storage/storage-driver.h"
#include "driver/storage/storage-priv.h"

/* The sink events go to (set by storage_driver_init). */
extern VkEventSink storage_sink;

void storage_lock(void);
void storage_unlock(void);

/* Locked lookups: NULL with NO_STORAGE_POOL reported. */
StoragePoolObj *storage_pool_obj_by_uuid(const unsigned char *uuid);
StoragePoolObj *storage_pool_obj_by_name(const char *name);
/* As above, and OPERATION_INVALID when the pool is not active. */
StoragePoolObj *storage_pool_obj_active_by_uuid(const unsigned char *uuid);
StoragePoolObj *storage_pool_obj_active_by_name(const char *name);
GPtrArray *storage_pool_objs(void);
/* Quiet lookups: NULL when absent. */
StoragePoolObj *storage_pool_find_uuid(const unsigned char *uuid);
StoragePoolObj *storage_pool_find_name(const char *name);
/* A new inactive pool in the list (takes def); removing frees it. */
StoragePoolObj *storage_pool_obj_new(StoragePoolDef *def);
void storage_pool_obj_remove(StoragePoolObj *pool);
/* Starts a pool (VIR_STORAGE_POOL_CREATE_* flags), emitting STARTED. */
int storage_pool_obj_start(StoragePoolObj *pool, unsigned flags);
char *storage_uuid_string(const unsigned char *uuid);

/* storage-config.c: files of persistent and live pools. */
char *storage_config_path(const char *name);
char *storage_autostart_path(const char *name);
int storage_pool_save_config(const StoragePoolDef *def);
void storage_pool_remove_state(StoragePoolObj *pool);
int storage_set_autostart_link(const char *name, bool on);

/* -1 (OPERATION_INVALID reported) while volumes are being copied. */
int storage_pool_obj_check_idle(StoragePoolObj *pool);

/* Runs the backend refresh and replaces the pool's volumes. */
int storage_pool_obj_refresh(StoragePoolObj *pool);
/* Rewrites the live state file of an active pool. */
int storage_pool_obj_save_state(StoragePoolObj *pool);

/* A pool's volume by name: NULL with NO_STORAGE_VOL reported. */
StorageVolObj *storage_vol_obj_by_name(StoragePoolObj *pool, const char *name);

void storage_vol_id_fill(StorageVolId *out, StoragePoolObj *pool, const StorageVolDef *vol);
void storage_pool_emit(StoragePoolObj *pool, int event_id, int event);
