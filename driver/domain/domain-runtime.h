/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runtime state of a running domain (obj->priv) shared by the lifecycle
 * files: the VMM process, its control socket, the resources the daemon
 * set up for it (taps, relabelled images, log), and the monitor.
 *
 * Everything here is protected by the DomainObj lock.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include <glib.h>

#include "driver/domain/domain-driver.h"
#include "security/manager.h"

typedef struct {
    guint64 gen;                /* unique per start: stale monitors compare */
    pid_t pid;
    char *ctl_path;             /* control socket */
    char *pty_path;             /* serial pty (VMM-created), or NULL */
    char *log_path;
    GPtrArray *taps;            /* char*: taps we created (removed at stop) */
    GPtrArray *labelled;        /* char*: images we relabelled */
    SecurityGuest *sec;
    /* What the monitor saw / what the API asked (reasons of the next stop). */
    char *shutdown_reason;      /* last SHUTDOWN event's reason */
    bool destroying;            /* destroy in progress: stop = destroyed */
    bool pending_stop;          /* the API sent "stop" */
    bool pending_cont;
    bool autodestroy;
    void *autodestroy_conn;     /* opaque connection key */
    bool stopped;               /* cleanup done */
    gint64 start_mono;
    int console_fd;             /* open console session's fd (or -1) */
    guint64 console_gen;
} DomainRuntime;

DomainRuntime *domain_runtime_new(void);
void domain_runtime_free(DomainRuntime *rt);

static inline DomainRuntime *
domain_runtime_get(DomainObj *obj)
{
    return obj->priv;
}

/* --- domain-process.c ------------------------------------------------ */

/* The daemon-wide settings of the lifecycle code. */
typedef struct {
    DomainDriver *drv;
    SecurityManager *sec;
    char *run_dir;              /* <run>/virtkvm/domains */
    char *log_dir;              /* <log>/virtkvm */
    char *sec_error;            /* why sec is NULL (no VMM user...) */
} DomainLifecycleCtx;

DomainLifecycleCtx *domain_lifecycle_ctx(void);

/*
 * Starts the VMM for @obj (locked, job held, inactive): opens and labels
 * every resource, spawns the VMM detached (double fork, own session),
 * waits for its control socket.  On success @obj->priv holds the runtime
 * (state not yet set).  On failure everything is undone.
 */
int domain_process_start(DomainObj *obj, bool start_paused);

/* Undoes what start set up (taps, labels, status file, sockets); marks
 * @obj inactive with @reason; frees the runtime.  Idempotent. */
void domain_process_cleanup(DomainObj *obj);

/* Signals the VMM: SIGKILL after a grace period of @grace_ms for quit. */
int domain_process_kill(DomainRuntime *rt, int grace_ms);

/* Appends a timestamped line to the domain's log. */
void domain_process_log(DomainRuntime *rt, const char *msg);

/* Whether pid is a live virtkvm-vmm. */
bool domain_process_alive(pid_t pid);

/* CPU time of the VMM from /proc/PID/stat (ns). */
unsigned long long domain_process_cpu_time(pid_t pid);
/* Resident memory (KiB) of the VMM, from /proc/PID/statm. */
unsigned long long domain_process_rss_kib(pid_t pid);

/* --- domain-monitor.c ------------------------------------------------ */

/*
 * Sends one command on a fresh connection to @ctl_path and returns the
 * "return" member (new reference) or NULL with VK_ERR_OPERATION_FAILED
 * naming the VMM's error.  @timeout_ms bounds the whole exchange.
 */
struct json_object;
struct json_object *domain_monitor_command(const char *ctl_path, const char *cmd,
                                           int timeout_ms);
/* The same with an "arguments" object (borrowed; may be NULL). */
struct json_object *domain_monitor_command_args(const char *ctl_path, const char *cmd,
                                                struct json_object *args, int timeout_ms);

/*
 * Parses one line from the VMM (untrusted): an event object gives its
 * name (*event, g_free) and its "data" object (*data, NULL or a reference
 * to json_object_put).  -1 for anything else (replies, greeting, junk).
 */
int domain_monitor_parse_event(const char *buf, size_t len, char **event,
                               struct json_object **data);

/* Starts the event thread of @obj's current runtime. */
int domain_monitor_start(DomainObj *obj);

/* --- domain-status.c ------------------------------------------------- */

int domain_status_save(DomainObj *obj);
void domain_status_remove(const char *name);
/* Reattaches running domains after a daemon restart. */
void domain_status_reconnect_all(DomainDriver *drv);

/* --- domain-lifecycle.c ---------------------------------------------- */

/* Makes sure ids handed out later are above @id (reconnect). */
void domain_lifecycle_note_id(int id);

/* Called by the monitor when the VMM is gone (obj locked). */
void domain_lifecycle_vmm_gone(DomainObj *obj);
/* Called by the monitor for each event (obj locked). */
void domain_lifecycle_vmm_event(DomainObj *obj, const char *event,
                                struct json_object *data);
