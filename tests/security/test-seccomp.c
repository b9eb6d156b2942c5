/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The VMM seccomp allow-list: the shipped policy compiles, a filtered
 * child is refused (EPERM) or killed (SIGSYS) on a call outside its list,
 * and the shipped policy is enough to exec and run a dynamic binary.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security/seccomp/seccomp.h"
#include "util/error.h"

static char *
policy_path(void)
{
    const char *src = g_getenv("VIRTKVM_SOURCE_ROOT");

    return g_build_filename(src ? src : SOURCE_ROOT, "security", "seccomp",
                            "vmm-x86_64.policy", NULL);
}

static int
wait_child(pid_t pid)
{
    int status;

    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    return status;
}

static void
test_policy_compiles(void)
{
    g_autofree char *path = policy_path();
    g_autoptr(SeccompProgram) prog =
        security_seccomp_compile_file(path, SECCOMP_DEFAULT_KILL);

    g_assert_nonnull(prog);
    g_assert_cmpuint(security_seccomp_count(prog), >, 50);
}

static void
test_bad_policy(void)
{
    g_autoptr(SeccompProgram) prog =
        security_seccomp_compile("read\n# ok\nnot_a_syscall\n", "test.policy",
                                 SECCOMP_DEFAULT_KILL);

    g_assert_null(prog);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(error_get_last()->message, "test.policy:3"));
    error_reset();
    g_assert_null(security_seccomp_compile_file("/nonexistent/x.policy",
                                                SECCOMP_DEFAULT_KILL));
    error_reset();
}

static void
test_errno_default(void)
{
    g_autoptr(SeccompProgram) prog =
        security_seccomp_compile("exit_group\nexit\ngetpid\n", "mini",
                                 SECCOMP_DEFAULT_ERRNO);
    pid_t pid;
    int status;

    g_assert_nonnull(prog);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        if (security_seccomp_apply(prog) < 0)
            syscall(SYS_exit_group, 10);
        if (syscall(SYS_getpid) <= 0)
            syscall(SYS_exit_group, 11);
        /* outside the list: refused, not executed */
        if (syscall(SYS_getppid) != -1 || errno != EPERM)
            syscall(SYS_exit_group, 12);
        syscall(SYS_exit_group, 0);
    }
    status = wait_child(pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static void
test_kill_default(void)
{
    g_autoptr(SeccompProgram) prog =
        security_seccomp_compile("exit_group\n", "mini", SECCOMP_DEFAULT_KILL);
    pid_t pid;
    int status;

    g_assert_nonnull(prog);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        if (security_seccomp_apply(prog) < 0)
            syscall(SYS_exit_group, 10);
        syscall(SYS_getppid);
        syscall(SYS_exit_group, 0);
    }
    status = wait_child(pid);
    g_assert_true(WIFSIGNALED(status));
    g_assert_cmpint(WTERMSIG(status), ==, SIGSYS);
}

static void
test_policy_runs_dynamic_binary(void)
{
    g_autofree char *path = policy_path();
    g_autoptr(SeccompProgram) prog =
        security_seccomp_compile_file(path, SECCOMP_DEFAULT_KILL);
    char *const argv[] = { (char *) "true", NULL };
    char *const envp[] = { NULL };
    pid_t pid;
    int status;

    g_assert_nonnull(prog);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        if (security_seccomp_apply(prog) < 0)
            _exit(10);
        execve("/bin/true", argv, envp);
        _exit(11);
    }
    status = wait_child(pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/seccomp/policy-compiles", test_policy_compiles);
    g_test_add_func("/seccomp/bad-policy", test_bad_policy);
    g_test_add_func("/seccomp/errno-default", test_errno_default);
    g_test_add_func("/seccomp/kill-default", test_kill_default);
    g_test_add_func("/seccomp/policy-runs-dynamic-binary",
                    test_policy_runs_dynamic_binary);
    return g_test_run();
}
