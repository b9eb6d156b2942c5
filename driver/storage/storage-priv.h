/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Storage driver internals: pool objects, their volumes and the backend
 * operations table each pool type provides.  One driver lock (held by
 * storage-driver.c around every public call) guards every pool and volume.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <unistd.h>

#include "conf/storage/storage-conf.h"

/* An fd closed when it goes out of scope (this GLib has no g_autofd). */
static inline void
storage_fd_cleanup(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}
#define storage_autofd __attribute__((cleanup(storage_fd_cleanup)))

/* A volume of an active pool; error is set when probing it failed. */
typedef struct {
    StorageVolDef *def;
    char *error;
    bool building;              /* being filled outside the driver lock */
    int in_use;                 /* the source of copies in progress */
} StorageVolObj;

typedef struct {
    StoragePoolDef *def;        /* live definition */
    StoragePoolDef *newdef;     /* persistent definition pending a restart */
    bool active;
    bool persistent;
    bool autostart;
    int asyncjobs;              /* copies running outside the driver lock */
    GPtrArray *vols;            /* StorageVolObj* */
} StoragePoolObj;

typedef struct {
    StoragePoolType type;
    /* Creates what the pool needs on the host (directory, file system...). */
    int (*build)(StoragePoolObj *pool, unsigned flags);
    int (*start)(StoragePoolObj *pool);
    int (*stop)(StoragePoolObj *pool);
    /* Removes what build made (VIR_STORAGE_POOL_DELETE_*). */
    int (*remove)(StoragePoolObj *pool, unsigned flags);
    /* Fills pool->vols and def capacity/allocation/available. */
    int (*refresh)(StoragePoolObj *pool);
    /* <sources> XML, or NULL with an error reported. */
    char *(*find_sources)(const StoragePoolSource *spec, unsigned flags);
    /* Creates the volume described by vol->def (target path already set). */
    int (*vol_create)(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags);
    int (*vol_create_from)(StoragePoolObj *pool, StorageVolDef *vol,
                           const StorageVolDef *src, unsigned flags);
    int (*vol_delete)(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags);
    int (*vol_resize)(StoragePoolObj *pool, StorageVolDef *vol, uint64_t capacity,
                      unsigned flags);
    /* Sets key, target path and type of a new volume definition. */
    int (*vol_prepare)(StoragePoolObj *pool, StorageVolDef *vol);
} StorageBackend;

extern const StorageBackend storage_backend_dir;
extern const StorageBackend storage_backend_fs;
extern const StorageBackend storage_backend_netfs;
extern const StorageBackend storage_backend_logical;
extern const StorageBackend storage_backend_disk;
extern const StorageBackend storage_backend_iscsi;

const StorageBackend *storage_backend_for(StoragePoolType type);

/* The detail of the thread's last error (without its prefix), for
 * reporting it again later. */
char *storage_error_detail(void);

/* storage-file.c: volumes that are files or block devices. */
StorageVolObj *storage_vol_obj_new(StorageVolDef *def);
void storage_vol_obj_free(StorageVolObj *vol);
/* An empty volume definition (no permissions, no format). */
StorageVolDef *storage_vol_def_blank(const char *name, const char *path);
/*
 * Fills type, capacity, allocation, format, qcow2 details and backing
 * store of def from the file at def->target_path.  -1 with an error
 * reported when the file cannot be read or its header is corrupt.
 */
int storage_file_probe(StorageVolDef *def);
/* Scans a directory into pool->vols (dir, fs, netfs pools). */
int storage_dir_refresh_vols(StoragePoolObj *pool);
/* statvfs of the pool target into capacity/allocation/available. */
int storage_dir_refresh_space(StoragePoolObj *pool);
/* File volume creation, cloning, resizing and deletion.  REPLACE (a
 * flag of ours) recreates an existing image in place. */
#define STORAGE_FILE_CREATE_REPLACE (1u << 31)
int storage_file_vol_prepare(StoragePoolObj *pool, StorageVolDef *vol);
int storage_file_vol_create(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags);
int storage_file_vol_create_from(StoragePoolObj *pool, StorageVolDef *vol,
                                 const StorageVolDef *src, unsigned flags);
int storage_file_vol_delete(StoragePoolObj *pool, StorageVolDef *vol, unsigned flags);
int storage_file_vol_resize(StoragePoolObj *pool, StorageVolDef *vol, uint64_t capacity,
                            unsigned flags);
/* Applies <permissions> mode/owner/group to path. */
int storage_apply_perms(const char *path, const StoragePerms *perms, bool is_dir);
/* Copies @src (raw or qcow2) into @dst (raw or qcow2, already created with
 * at least the source's size), skipping zero regions. */
int storage_copy_image(const char *src, const char *src_format,
                       const char *dst, const char *dst_format);
/* Grows a qcow2 image's virtual size in place (its L1 table must fit). */
int storage_qcow2_grow(const char *path, uint64_t capacity);

/* storage-wipe.c */
int storage_vol_wipe_path(const char *path, bool is_block, unsigned algorithm);

/* storage-cmd.c: external tools. */
/* Runs argv; 0 on exit status 0 (stdout in *out if wanted), else -1 reported. */
int storage_run(const char *const *argv, char **out);
/* Like storage_run, but returns the exit status (or -1 when not runnable). */
int storage_run_status(const char *const *argv, char **out, char **err);
bool storage_have_tool(const char *name);
char *storage_argv_join(const char *const *argv);

/* Command lines the backends run (unit-tested). */
GStrv storage_fs_mount_argv(const StoragePoolDef *def);
GStrv storage_fs_umount_argv(const StoragePoolDef *def);
GStrv storage_logical_vgcreate_argv(const StoragePoolDef *def);
GStrv storage_logical_lvcreate_argv(const StoragePoolDef *def, const StorageVolDef *vol);
GStrv storage_disk_mkpart_argv(const StoragePoolDef *def, const StorageVolDef *vol,
                               uint64_t start, uint64_t end);
GStrv storage_iscsi_discover_argv(const StoragePoolDef *def);
GStrv storage_iscsi_login_argv(const StoragePoolDef *def, bool login);
/* Parses `lvs --reportformat json` output into volumes of the pool. */
int storage_logical_parse_lvs(StoragePoolObj *pool, const char *json);
/* Parses `vgs --reportformat json` into a <sources> list. */
char *storage_logical_parse_vgs(const char *json);
