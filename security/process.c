/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Child side of process confinement: system calls only (runs after fork). */
#include <errno.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <selinux/selinux.h>

#include "security/manager.h"

int
security_process_apply(const SecurityProcess *proc)
{
    if (proc->exec_context && setexeccon(proc->exec_context) < 0)
        return -errno;
    if (!proc->set_ids)
        return 0;
    if (setgroups(proc->ngroups, proc->groups) < 0)
        return -errno;
    if (setresgid(proc->gid, proc->gid, proc->gid) < 0)
        return -errno;
    /* leaving uid 0 for good clears every capability set */
    if (setresuid(proc->uid, proc->uid, proc->uid) < 0)
        return -errno;
    if (proc->uid != 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
        errno != EINVAL)
        return -errno;
    return 0;
}
