/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ops table of one security driver (after libvirt's security_driver.h).
 * A NULL entry means "nothing to do" for that driver.  @priv is what open()
 * stored; @label is the guest's label for this driver's model.
 */
#pragma once

#include "security/manager.h"

typedef enum {
    SECURITY_DRIVER_ENABLE = 0,
    SECURITY_DRIVER_DISABLE,
} SecurityDriverStatus;

typedef struct {
    const char *name;
    SecurityDriverStatus (*probe)(const SecurityConfig *cfg);
    int (*open)(const SecurityConfig *cfg, void **priv);
    void (*close)(void *priv);
    const char *(*get_doi)(void *priv);
    char *(*get_base_label)(void *priv, const char *virttype);
    int (*gen_label)(void *priv, SecurityLabel *label);
    int (*reserve_label)(void *priv, const SecurityLabel *label, pid_t pid);
    int (*release_label)(void *priv, SecurityLabel *label);
    int (*set_image_label)(void *priv, const SecurityLabel *label,
                           const char *path, unsigned int flags);
    int (*restore_image_label)(void *priv, const SecurityLabel *label,
                               const char *path, unsigned int flags);
    int (*set_char_label)(void *priv, const SecurityLabel *label,
                          const char *path);
    int (*restore_char_label)(void *priv, const SecurityLabel *label,
                              const char *path);
    int (*set_tap_fd_label)(void *priv, const SecurityLabel *label, int fd);
    int (*prepare_process)(void *priv, const SecurityLabel *label,
                           SecurityProcess *proc);
    /* Label of a running process; *enforcing 1 when the model enforces. */
    int (*get_process_label)(void *priv, pid_t pid, char **label,
                             int *enforcing);
} SecurityDriver;

extern const SecurityDriver security_driver_nop;
extern const SecurityDriver security_driver_dac;
extern const SecurityDriver security_driver_selinux;
