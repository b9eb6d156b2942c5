/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "security/seccomp/seccomp.h"
#include "util/error.h"
#include "util/i18n.h"

struct SeccompProgram {
    struct sock_filter *insns;
    unsigned short len;
    guint nsyscalls;
};

void
security_seccomp_free(SeccompProgram *prog)
{
    if (!prog)
        return;
    g_free(prog->insns);
    g_free(prog);
}

guint
security_seccomp_count(const SeccompProgram *prog)
{
    return prog->nsyscalls;
}

static uint32_t
seccomp_default_action(SeccompDefault def)
{
    switch (def) {
    case SECCOMP_DEFAULT_ERRNO:
        return SCMP_ACT_ERRNO(EPERM);
    case SECCOMP_DEFAULT_LOG:
        return SCMP_ACT_LOG;
    case SECCOMP_DEFAULT_KILL:
    default:
        return SCMP_ACT_KILL_PROCESS;
    }
}

/* Adds one allow rule per policy line; the count of rules, or -1. */
static int
seccomp_add_rules(scmp_filter_ctx ctx, const char *policy, const char *origin)
{
    g_auto(GStrv) lines = g_strsplit(policy, "\n", -1);
    int count = 0;
    guint i;

    for (i = 0; lines[i]; i++) {
        char *hash = strchr(lines[i], '#');
        const char *name;
        int nr, rc;

        if (hash)
            *hash = '\0';
        name = g_strstrip(lines[i]);
        if (!*name)
            continue;
        nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) {
            error_report(VK_FROM_SECURITY, VK_ERR_CONFIG_UNSUPPORTED,
                         _("%1$s:%2$u: unknown system call '%3$s'"),
                         origin, i + 1, name);
            return -1;
        }
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
        if (rc < 0 && rc != -EEXIST) {
            error_report_errno(VK_FROM_SECURITY, -rc,
                               _("%1$s:%2$u: cannot allow '%3$s'"),
                               origin, i + 1, name);
            return -1;
        }
        count++;
    }
    return count;
}

/* libseccomp exports BPF only to an fd: read it back from a memfd. */
static int
seccomp_export(scmp_filter_ctx ctx, SeccompProgram *prog)
{
    int fd = memfd_create("virtkvm-seccomp", MFD_CLOEXEC);
    off_t size;
    int rc;

    if (fd < 0) {
        error_report_errno(VK_FROM_SECURITY, errno, "%s",
                           _("cannot create a memfd for the seccomp filter"));
        return -1;
    }
    rc = seccomp_export_bpf(ctx, fd);
    size = lseek(fd, 0, SEEK_END);
    if (rc < 0 || size <= 0 || size % sizeof(struct sock_filter) ||
        size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
        close(fd);
        error_report(VK_FROM_SECURITY, VK_ERR_INTERNAL_ERROR, "%s",
                     _("cannot export the seccomp filter"));
        return -1;
    }
    prog->insns = g_malloc(size);
    prog->len = size / sizeof(struct sock_filter);
    if (pread(fd, prog->insns, size, 0) != size) {
        close(fd);
        error_report_errno(VK_FROM_SECURITY, errno, "%s",
                           _("cannot read back the seccomp filter"));
        return -1;
    }
    close(fd);
    return 0;
}

SeccompProgram *
security_seccomp_compile(const char *policy, const char *origin,
                         SeccompDefault def)
{
    g_autoptr(SeccompProgram) prog = g_new0(SeccompProgram, 1);
    scmp_filter_ctx ctx = seccomp_init(seccomp_default_action(def));
    int n;

    if (!ctx) {
        error_report(VK_FROM_SECURITY, VK_ERR_INTERNAL_ERROR, "%s",
                     _("cannot initialise libseccomp"));
        return NULL;
    }
    n = seccomp_add_rules(ctx, policy, origin);
    if (n < 0 || seccomp_export(ctx, prog) < 0) {
        seccomp_release(ctx);
        return NULL;
    }
    seccomp_release(ctx);
    prog->nsyscalls = n;
    return g_steal_pointer(&prog);
}

SeccompProgram *
security_seccomp_compile_file(const char *path, SeccompDefault def)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        error_report(VK_FROM_SECURITY, VK_ERR_OPEN_FAILED,
                     _("cannot read seccomp policy: %1$s"), err->message);
        return NULL;
    }
    return security_seccomp_compile(text, path, def);
}

int
security_seccomp_apply(const SeccompProgram *prog)
{
    struct sock_fprog fprog = {
        .len = prog->len,
        .filter = prog->insns,
    };

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -errno;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0)
        return -errno;
    return 0;
}
