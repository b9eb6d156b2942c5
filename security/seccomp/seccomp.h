/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VMM's system call allow-list.  The list is a reviewed data file
 * (security/seccomp/vmm-x86_64.policy): one syscall name per line, '#'
 * comments.  The daemon compiles it with libseccomp into a BPF program
 * (parent side) and installs it in the VMM child just before exec
 * (security_seccomp_apply, system calls only), so the exec'd VMM runs
 * under it from its first instruction.
 */
#pragma once

#include <glib.h>

typedef enum {
    SECCOMP_DEFAULT_KILL = 0,       /* SIGSYS kills the whole VMM */
    SECCOMP_DEFAULT_ERRNO,          /* disallowed calls fail with EPERM */
    SECCOMP_DEFAULT_LOG,            /* allowed but logged (policy tuning) */
} SeccompDefault;

typedef struct SeccompProgram SeccompProgram;

/*
 * Compiles @policy (the text of a policy file; @origin names it in
 * errors).  Unknown syscall names are an error naming the line.
 * NULL with an error reported (VK_FROM_SECURITY) on failure.
 */
SeccompProgram *security_seccomp_compile(const char *policy, const char *origin,
                                         SeccompDefault def);
/* As above, reading the file at @path. */
SeccompProgram *security_seccomp_compile_file(const char *path,
                                              SeccompDefault def);
void security_seccomp_free(SeccompProgram *prog);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SeccompProgram, security_seccomp_free)

/* Number of allowed syscalls in @prog. */
guint security_seccomp_count(const SeccompProgram *prog);

/*
 * Child side: sets no_new_privs and installs the filter for the calling
 * thread and its future threads.  Returns 0 or -errno; no allocation.
 */
int security_seccomp_apply(const SeccompProgram *prog);
