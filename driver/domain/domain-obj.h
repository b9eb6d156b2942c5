/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One domain known to the driver: its definitions, state and locks.
 *
 * Locking (as libvirt's virDomainObj):
 *   - obj->lock protects every field; API code holds it while it reads or
 *     changes the object.  Lock order: list lock, then object lock.
 *   - the job (domain_obj_begin_job) serialises operations that change
 *     state and may drop obj->lock while they wait (start, destroy,
 *     undefine, rename, metadata...).  It is taken with obj->lock held and
 *     held across unlock/relock of obj->lock.
 *   - objects are reference counted; a lookup returns a reference and the
 *     lock, released together by domain_obj_end_api().
 *
 * Definitions: @def is what runs (the live definition) while active, and
 * the persistent configuration while inactive.  @newdef is the persistent
 * configuration waiting while an active domain runs with @def (NULL when
 * the config equals the live one or the domain is transient).
 */
#pragma once

#include <stdbool.h>
#include <glib.h>

#include "conf/domain/domain-conf.h"

/* virDomainState */
typedef enum {
    DOMAIN_STATE_NOSTATE = 0,
    DOMAIN_STATE_RUNNING = 1,
    DOMAIN_STATE_BLOCKED = 2,
    DOMAIN_STATE_PAUSED = 3,
    DOMAIN_STATE_SHUTDOWN = 4,
    DOMAIN_STATE_SHUTOFF = 5,
    DOMAIN_STATE_CRASHED = 6,
    DOMAIN_STATE_PMSUSPENDED = 7,
} DomainState;

/* virDomainShutoffReason (the reasons of the other states are libvirt's
 * enums of the same numbers). */
enum {
    DOMAIN_SHUTOFF_UNKNOWN = 0,
    DOMAIN_SHUTOFF_SHUTDOWN = 1,
    DOMAIN_SHUTOFF_DESTROYED = 2,
    DOMAIN_SHUTOFF_CRASHED = 3,
    DOMAIN_SHUTOFF_MIGRATED = 4,
    DOMAIN_SHUTOFF_SAVED = 5,
    DOMAIN_SHUTOFF_FAILED = 6,
    DOMAIN_SHUTOFF_FROM_SNAPSHOT = 7,
    DOMAIN_SHUTOFF_DAEMON = 8,
};

typedef enum {
    DOMAIN_JOB_NONE = 0,
    DOMAIN_JOB_QUERY,       /* reads that must see a stable state */
    DOMAIN_JOB_MODIFY,      /* config or state changes */
    DOMAIN_JOB_DESTROY,
} DomainJob;

typedef struct DomainObj DomainObj;

struct DomainObj {
    GMutex lock;
    gint refs;

    DomainDef *def;         /* live def when active, else the config */
    DomainDef *newdef;      /* pending config of an active domain */
    bool persistent;        /* has a config file */
    bool autostart;
    bool updated;           /* live def changed since start */
    bool removing;          /* being undefined: lookups must not use it */

    DomainState state;
    int reason;

    /* What the list filters ask; set by the snapshot/save code. */
    bool has_managed_save;
    unsigned int nsnapshots;
    unsigned int ncheckpoints;

    DomainJob job;
    GCond job_cond;
    GThread *job_owner;

    /* Runtime data of the lifecycle code (VMM process, monitor...). */
    void *priv;
    GDestroyNotify priv_free;
};

/* A new unlocked object holding one reference, owning @def (shut off). */
DomainObj *domain_obj_new(DomainDef *def);

DomainObj *domain_obj_ref(DomainObj *obj);
void domain_obj_unref(DomainObj *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomainObj, domain_obj_unref)

void domain_obj_lock(DomainObj *obj);
void domain_obj_unlock(DomainObj *obj);

/* Unlocks and drops the reference a lookup returned; NULL is a no-op. */
void domain_obj_end_api(DomainObj *obj);

/*
 * Waits (obj locked; the lock is dropped while waiting) until no other
 * job runs, then owns the job.  Returns 0, or -1 with
 * VK_ERR_OPERATION_TIMEOUT after 30 s, or VK_ERR_NO_DOMAIN if the domain
 * was removed meanwhile.
 */
int domain_obj_begin_job(DomainObj *obj, DomainJob job);
void domain_obj_end_job(DomainObj *obj);

bool domain_obj_is_active(const DomainObj *obj);
int domain_obj_get_id(const DomainObj *obj);
void domain_obj_set_state(DomainObj *obj, DomainState state, int reason);

/* The persistent definition: newdef if set, else def. */
DomainDef *domain_obj_get_persistent_def(DomainObj *obj);

/*
 * Resolves VIR_DOMAIN_AFFECT_{CURRENT,LIVE,CONFIG} (1 = LIVE, 2 = CONFIG)
 * for this object: *live / *config tell which definitions are meant.
 * Returns 0, or -1 with libvirt's errors (LIVE on an inactive domain,
 * CONFIG on a transient one).
 */
int domain_obj_resolve_affect(DomainObj *obj, unsigned int flags,
                              bool *live, bool *config);
