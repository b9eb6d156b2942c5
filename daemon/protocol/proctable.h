/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names and classification of every procedure number of the programs
 * virtkvmd serves (libvirt 9.0.0's numbering), generated into
 * proctable.c by gen-proctable.py.
 */
#pragma once

#include <stddef.h>

typedef enum {
    PROC_MUTATING = 1 << 0,   /* refused on read-only connections */
    PROC_PRIORITY = 1 << 1,   /* may run on the priority workers */
    PROC_MESSAGE = 1 << 2,    /* an event the daemon sends, not a call */
} ProcFlags;

typedef struct {
    const char *name;         /* "CONNECT_OPEN"; NULL: no such number */
    unsigned flags;           /* ProcFlags */
} ProcInfo;

extern const ProcInfo proctable_remote_procs[];
extern const size_t proctable_remote_nprocs;
extern const ProcInfo proctable_qemu_procs[];
extern const size_t proctable_qemu_nprocs;
extern const ProcInfo proctable_admin_procs[];
extern const size_t proctable_admin_nprocs;
extern const ProcInfo proctable_keepalive_procs[];
extern const size_t proctable_keepalive_nprocs;
