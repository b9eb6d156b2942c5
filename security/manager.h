/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The security manager: confines each VMM and labels the files it uses.
 * It stacks a primary driver (SELinux sVirt where the kernel enables it,
 * else the no-op driver) with the DAC driver, as libvirt's qemu driver does.
 * Operations run on every driver of the stack (restores in reverse order).
 *
 * Lifecycle seen from the domain driver, per guest:
 *   gen_label (start) or reserve_label (daemon restart, running guest)
 *   set_image_label for each disk, set_char_label for ptys / sockets
 *   prepare_process in the parent, security_process_apply in the child
 *   ... guest runs ...
 *   restore_image_label / restore_char_label, release_label (stop)
 * All functions return 0 / -1 (error reported, VK_FROM_SECURITY) unless
 * said otherwise; the manager is thread-safe.
 */
#pragma once

#include <sys/types.h>

#include <glib.h>

#include "security/security-label.h"

typedef struct {
    /*
     * Primary drivers to probe, in order; the first available one is used
     * ("selinux", "none").  NULL: {"selinux", "none"}.  A list that names
     * only unavailable drivers is an error.
     */
    const char *const *drivers;
    gboolean stack_dac;             /* add the DAC driver (default TRUE) */

    /* DAC (qemu.conf user/group, dynamic_ownership, remember_owner) */
    const char *user;               /* NULL: "virtkvm"; "+UID" accepted */
    const char *group;              /* NULL: the user's primary group */
    gboolean dynamic_ownership;     /* chown images while guests run */
    gboolean remember_owner;        /* record original owners in xattrs */

    /* SELinux: base contexts; NULL picks libvirt's usual ones */
    const char *selinux_process_context;   /* system_u:system_r:svirt_t:s0 */
    const char *selinux_image_context;     /* system_u:object_r:svirt_image_t:s0 */
    const char *selinux_content_context;   /* system_u:object_r:virt_content_t:s0 */
    unsigned int mcs_min;           /* category range, default c0.c1023 */
    unsigned int mcs_max;
} SecurityConfig;

/* Defaults above (stack_dac, dynamic_ownership, remember_owner TRUE). */
void security_config_init(SecurityConfig *cfg);

typedef struct SecurityManager SecurityManager;

/* What a VMM child must become; computed in the parent (no NSS after fork). */
typedef struct {
    gboolean set_ids;
    uid_t uid;
    gid_t gid;
    gid_t *groups;
    int ngroups;
    char *exec_context;             /* SELinux exec context, or NULL */
} SecurityProcess;

void security_process_free(SecurityProcess *proc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SecurityProcess, security_process_free)

/*
 * Child side, between fork and exec: exec context, supplementary groups,
 * gid, uid (dropping every capability with root).  Only system calls; it
 * does not report through util/error.h (returns -errno) so it can run in a
 * forked child of a threaded daemon.
 */
int security_process_apply(const SecurityProcess *proc);

SecurityManager *security_manager_new(const SecurityConfig *cfg);
void security_manager_free(SecurityManager *mgr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SecurityManager, security_manager_free)

/* Model and DOI of the primary driver ("selinux"/"none", "0"). */
const char *security_manager_get_model(SecurityManager *mgr);
const char *security_manager_get_doi(SecurityManager *mgr);

/* Models of the whole stack, primary first (NULL-terminated, borrowed). */
const char *const *security_manager_get_models(SecurityManager *mgr);
/* DOI and base label ("+995:+995", "system_u:system_r:svirt_t:s0") of @model. */
const char *security_manager_get_model_doi(SecurityManager *mgr,
                                           const char *model);
char *security_manager_get_base_label(SecurityManager *mgr, const char *model,
                                      const char *virttype);

/*
 * Fills the guest's labels for every model of the stack: dynamic labels
 * are generated (a new unique MCS pair for SELinux), missing models get a
 * dynamic label, static ones are checked.
 */
int security_manager_gen_label(SecurityManager *mgr, SecurityGuest *guest);
/* Marks the labels of a guest found running (daemon restart) as taken. */
int security_manager_reserve_label(SecurityManager *mgr, SecurityGuest *guest,
                                   pid_t pid);
/* Frees what gen/reserve took (MCS pair); labels stay in @guest. */
int security_manager_release_label(SecurityManager *mgr, SecurityGuest *guest);

typedef enum {
    SECURITY_IMAGE_READONLY = 1 << 0,   /* <readonly/>: never relabelled */
    SECURITY_IMAGE_SHAREABLE = 1 << 1,  /* <shareable/>: never relabelled */
} SecurityImageFlags;

int security_manager_set_image_label(SecurityManager *mgr, SecurityGuest *guest,
                                     const char *path, unsigned int flags);
int security_manager_restore_image_label(SecurityManager *mgr,
                                         SecurityGuest *guest,
                                         const char *path, unsigned int flags);

/* Character devices and sockets (pty, unix socket path): not remembered. */
int security_manager_set_char_label(SecurityManager *mgr, SecurityGuest *guest,
                                    const char *path);
int security_manager_restore_char_label(SecurityManager *mgr,
                                        SecurityGuest *guest,
                                        const char *path);
/* A tap (or other) fd passed to the VMM. */
int security_manager_set_tap_fd_label(SecurityManager *mgr,
                                      SecurityGuest *guest, int fd);

/*
 * DOMAIN_GET_SECURITY_LABEL(_LIST): the label process @pid runs with under
 * @model (NULL: the primary model): "" for none, "+UID:+GID" for dac, the
 * context for selinux; *enforcing is 1 when that model is enforced.
 */
int security_manager_get_process_label(SecurityManager *mgr, const char *model,
                                       pid_t pid, char **label, int *enforcing);

/* Parent side of the process label: see SecurityProcess. */
int security_manager_prepare_process(SecurityManager *mgr, SecurityGuest *guest,
                                     SecurityProcess **proc);
