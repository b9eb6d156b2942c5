/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The domain driver: libvirt's qemu-driver semantics for the catalogue of
 * domains (define, undefine, lookups, listing, XML, info, autostart,
 * metadata, rename).  The daemon creates one at start
 * (domain_driver_new + domain_driver_load) and the RPC handlers call it.
 *
 * Objects returned by lookups and define are referenced and locked;
 * release them with domain_obj_end_api().  Functions taking a DomainObj
 * expect it locked by the caller and leave it locked.
 *
 * Errors: libvirt's codes; driver errors in VK_FROM_QEMU, list conflicts
 * in VK_FROM_DOMAIN (as libvirt's virdomainobjlist.c).
 *
 * Events (through the VkEventSink): lifecycle (event id 0)
 *   define of a new domain       DEFINED(0)   / ADDED(0)
 *   define of an existing one    DEFINED(0)   / UPDATED(1)
 *   undefine                     UNDEFINED(1) / REMOVED(0)
 *   rename                       UNDEFINED(1) / RENAMED(1) under the old
 *                                name, then DEFINED(0) / RENAMED(2)
 * and METADATA_CHANGE (event id 23: event = metadata type, str = ns uri).
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "conf/domain/domain-conf.h"
#include "driver/domain/domain-list.h"
#include "driver/domain/domain-obj.h"
#include "driver/domain/domain-store.h"
#include "driver/events.h"

typedef struct DomainDriver DomainDriver;

/* libvirt's public flag values the driver accepts. */
enum {
    DOMAIN_DEFINE_VALIDATE = 1 << 0,

    DOMAIN_UNDEFINE_MANAGED_SAVE = 1 << 0,
    DOMAIN_UNDEFINE_SNAPSHOTS_METADATA = 1 << 1,
    DOMAIN_UNDEFINE_NVRAM = 1 << 2,
    DOMAIN_UNDEFINE_KEEP_NVRAM = 1 << 3,
    DOMAIN_UNDEFINE_CHECKPOINTS_METADATA = 1 << 4,
    DOMAIN_UNDEFINE_TPM = 1 << 5,
    DOMAIN_UNDEFINE_KEEP_TPM = 1 << 6,

    DOMAIN_XML_SECURE = 1 << 0,
    DOMAIN_XML_INACTIVE = 1 << 1,
    DOMAIN_XML_UPDATE_CPU = 1 << 2,
    DOMAIN_XML_MIGRATABLE = 1 << 3,

    DOMAIN_AFFECT_LIVE = 1 << 0,
    DOMAIN_AFFECT_CONFIG = 1 << 1,
    DOMAIN_VCPU_MAXIMUM = 1 << 2,
    DOMAIN_VCPU_GUEST = 1 << 3,
};

/* VIR_CONNECT_LIST_DOMAINS_* */
enum {
    DOMAIN_LIST_ACTIVE = 1 << 0,
    DOMAIN_LIST_INACTIVE = 1 << 1,
    DOMAIN_LIST_PERSISTENT = 1 << 2,
    DOMAIN_LIST_TRANSIENT = 1 << 3,
    DOMAIN_LIST_RUNNING = 1 << 4,
    DOMAIN_LIST_PAUSED = 1 << 5,
    DOMAIN_LIST_SHUTOFF = 1 << 6,
    DOMAIN_LIST_OTHER = 1 << 7,
    DOMAIN_LIST_MANAGEDSAVE = 1 << 8,
    DOMAIN_LIST_NO_MANAGEDSAVE = 1 << 9,
    DOMAIN_LIST_AUTOSTART = 1 << 10,
    DOMAIN_LIST_NO_AUTOSTART = 1 << 11,
    DOMAIN_LIST_HAS_SNAPSHOT = 1 << 12,
    DOMAIN_LIST_NO_SNAPSHOT = 1 << 13,
    DOMAIN_LIST_HAS_CHECKPOINT = 1 << 14,
    DOMAIN_LIST_NO_CHECKPOINT = 1 << 15,
    DOMAIN_LIST_ALL_FLAGS = 0xffff,
};

/* VIR_DOMAIN_METADATA_* */
enum {
    DOMAIN_METADATA_DESCRIPTION = 0,
    DOMAIN_METADATA_TITLE = 1,
    DOMAIN_METADATA_ELEMENT = 2,
};

/* Lifecycle event values (virDomainEventType and details). */
enum {
    DOMAIN_EVENT_ID_LIFECYCLE = 0,
    DOMAIN_EVENT_ID_METADATA_CHANGE = 23,

    DOMAIN_EVENT_DEFINED = 0,
    DOMAIN_EVENT_UNDEFINED = 1,
    DOMAIN_EVENT_DEFINED_ADDED = 0,
    DOMAIN_EVENT_DEFINED_UPDATED = 1,
    DOMAIN_EVENT_DEFINED_RENAMED = 2,
    DOMAIN_EVENT_UNDEFINED_REMOVED = 0,
    DOMAIN_EVENT_UNDEFINED_RENAMED = 1,
};

/* A listed domain: copies, valid after the object changes. */
typedef struct {
    char *name;
    unsigned char uuid[DOMAIN_UUID_BUFLEN];
    int id;
} DomainRef;

typedef struct {
    int state;                          /* DomainState */
    unsigned long long max_mem_kib;
    unsigned long long memory_kib;
    unsigned int nr_vcpus;
    unsigned long long cpu_time_ns;
} DomainInfo;

/*
 * @config_dir: the daemon's config dir (paths_config_dir()); configs go to
 * its domains/ folder.  @state_dir: paths_state_dir(); default NVRAM files
 * go to its nvram/ folder.  @sink may be NULL (no events).
 */
DomainDriver *domain_driver_new(const char *config_dir, const char *state_dir,
                                const VkEventSink *sink);
void domain_driver_free(DomainDriver *drv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainDriver, domain_driver_free)

/* Loads every config (invalid ones are logged and skipped); returns the
 * number of domains loaded. */
int domain_driver_load(DomainDriver *drv);

/* The daemon's driver (NULL when it runs without drivers). */
void domain_driver_set_default(DomainDriver *drv);
DomainDriver *domain_driver_get_default(void);

DomainObjList *domain_driver_get_list(DomainDriver *drv);
const DomainStore *domain_driver_get_store(DomainDriver *drv);
const char *domain_driver_get_nvram_dir(DomainDriver *drv);

/* Emits a lifecycle event for @obj (locked). */
void domain_driver_emit_lifecycle(DomainDriver *drv, DomainObj *obj,
                                  int event, int detail);

/* Lookups reporting VK_ERR_NO_DOMAIN as libvirt's qemu driver words it.
 * domain_driver_lookup() is the one every per-domain call uses: by UUID,
 * with @name only in the message. */
DomainObj *domain_driver_lookup(DomainDriver *drv, const unsigned char *uuid,
                                const char *name);
DomainObj *domain_driver_lookup_by_name(DomainDriver *drv, const char *name);
DomainObj *domain_driver_lookup_by_uuid(DomainDriver *drv, const unsigned char *uuid);
DomainObj *domain_driver_lookup_by_id(DomainDriver *drv, int id);

/* DOMAIN_DEFINE_XML(_FLAGS): the new or updated object, or NULL. */
DomainObj *domain_driver_define_xml(DomainDriver *drv, const char *xml,
                                    unsigned int flags);
/* DOMAIN_UNDEFINE(_FLAGS) of @obj. */
int domain_driver_undefine(DomainDriver *drv, DomainObj *obj, unsigned int flags);

/* CONNECT_LIST_ALL_DOMAINS: the matching domains, or NULL on bad flags. */
GArray *domain_driver_list_all(DomainDriver *drv, unsigned int flags);
void domain_ref_clear(DomainRef *ref);
/* Counts / ids / names of active (or inactive) domains (legacy calls). */
int domain_driver_count(DomainDriver *drv, bool active);

/* Queries and changes of one locked object (domain-query.c). */
char *domain_driver_get_xml(DomainDriver *drv, DomainObj *obj, unsigned int flags);
void domain_driver_get_info(DomainObj *obj, DomainInfo *info);
int domain_driver_get_vcpus(DomainObj *obj, unsigned int flags);
int domain_driver_set_autostart(DomainDriver *drv, DomainObj *obj, bool autostart);
char *domain_driver_get_metadata(DomainObj *obj, int type, const char *uri,
                                 unsigned int flags);
int domain_driver_set_metadata(DomainDriver *drv, DomainObj *obj, int type,
                               const char *metadata, const char *key,
                               const char *uri, unsigned int flags);
int domain_driver_rename(DomainDriver *drv, DomainObj *obj, const char *new_name,
                         unsigned int flags);

/* "unsupported flags (0x%x) in function %s" unless flags ⊆ allowed. */
int domain_driver_check_flags(unsigned int flags, unsigned int allowed,
                              const char *func);
