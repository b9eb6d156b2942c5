/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DAC confinement on real files with the real unprivileged `virtkvm` user:
 * ownership while a guest runs, the original owner restored afterwards
 * (also by a new manager, as after a daemon restart), reference counts for
 * a disk two guests share, and the VMM child's identity.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "security/dac/dac.h"
#include "security/manager.h"
#include "security/remember.h"
#include "util/error.h"

static char *tmpdir;
static uid_t vk_uid;
static gid_t vk_gid;

static char *
make_file(const char *name, uid_t uid, gid_t gid)
{
    char *path = g_build_filename(tmpdir, name, NULL);

    g_assert_true(g_file_set_contents(path, "disk", -1, NULL));
    g_assert_cmpint(chown(path, uid, gid), ==, 0);
    return path;
}

static void
assert_owner(const char *path, uid_t uid, gid_t gid)
{
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpuint(st.st_uid, ==, uid);
    g_assert_cmpuint(st.st_gid, ==, gid);
}

static gboolean
has_xattr(const char *path, const char *name)
{
    return getxattr(path, name, NULL, 0) >= 0;
}

static SecurityManager *
new_manager(void)
{
    SecurityConfig cfg;
    SecurityManager *mgr;

    security_config_init(&cfg);
    mgr = security_manager_new(&cfg);
    g_assert_nonnull(mgr);
    return mgr;
}

static SecurityGuest *
new_guest(SecurityManager *mgr, const char *name)
{
    SecurityGuest *g = security_guest_new(name, NULL);

    g_assert_cmpint(security_manager_gen_label(mgr, g), ==, 0);
    return g;
}

static void
test_labels(void)
{
    uid_t uid;
    gid_t gid;
    g_autofree char *label = security_dac_format_label(vk_uid, vk_gid);
    g_autofree char *expect = g_strdup_printf("+%u:+%u", vk_uid, vk_gid);

    g_assert_cmpint(security_dac_parse_label("virtkvm:virtkvm", &uid, &gid), ==, 0);
    g_assert_cmpuint(uid, ==, vk_uid);
    g_assert_cmpuint(gid, ==, vk_gid);
    g_assert_cmpint(security_dac_parse_label("+107:+36", &uid, &gid), ==, 0);
    g_assert_cmpuint(uid, ==, 107);
    g_assert_cmpuint(gid, ==, 36);
    g_assert_cmpint(security_dac_parse_label("nosuchuser-vk:root", &uid, &gid), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INVALID_ARG);
    g_assert_cmpint(security_dac_parse_label("+1", &uid, &gid), ==, -1);
    error_reset();
    g_assert_cmpstr(label, ==, expect);
}

static void
test_owner_roundtrip(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    g_autoptr(SecurityGuest) g = new_guest(mgr, "g1");
    g_autofree char *disk = make_file("disk1.img", 1234, 5678);
    g_autofree char *expect = security_dac_format_label(vk_uid, vk_gid);
    SecurityLabel *l = security_guest_get_label(g, "dac");

    g_assert_nonnull(l);
    g_assert_cmpstr(l->label, ==, expect);
    g_assert_cmpint(security_manager_set_image_label(mgr, g, disk, 0), ==, 0);
    assert_owner(disk, vk_uid, vk_gid);
    g_assert_true(has_xattr(disk, "trusted.virtkvm.security.dac"));
    g_assert_cmpint(security_remember_refcount(disk, "dac"), ==, 1);
    g_assert_cmpint(security_manager_restore_image_label(mgr, g, disk, 0), ==, 0);
    assert_owner(disk, 1234, 5678);
    g_assert_false(has_xattr(disk, "trusted.virtkvm.security.dac"));
    g_assert_false(has_xattr(disk, "trusted.virtkvm.security.ref_dac"));
    g_unlink(disk);
}

static void
test_owner_survives_restart(void)
{
    g_autofree char *disk = make_file("disk2.img", 4321, 8765);
    SecurityManager *first = new_manager();
    SecurityGuest *g = new_guest(first, "g2");
    g_autoptr(SecurityManager) second = NULL;
    g_autoptr(SecurityGuest) g_again = NULL;
    g_autofree char *label = g_strdup(security_guest_get_label(g, "dac")->label);

    g_assert_cmpint(security_manager_set_image_label(first, g, disk, 0), ==, 0);
    assert_owner(disk, vk_uid, vk_gid);
    /* the daemon goes away; nothing of it but the file remains */
    security_guest_free(g);
    security_manager_free(first);

    second = new_manager();
    g_again = security_guest_new("g2", NULL);
    security_guest_set_label(g_again, "dac", SECURITY_LABEL_DYNAMIC, label,
                             label, TRUE);
    g_assert_cmpint(security_manager_reserve_label(second, g_again, 1), ==, 0);
    g_assert_cmpint(security_manager_restore_image_label(second, g_again, disk, 0),
                    ==, 0);
    assert_owner(disk, 4321, 8765);
    g_unlink(disk);
}

static void
test_shared_refcount(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    g_autoptr(SecurityGuest) a = new_guest(mgr, "a");
    g_autoptr(SecurityGuest) b = new_guest(mgr, "b");
    g_autofree char *disk = make_file("shared.img", 0, 0);

    g_assert_cmpint(security_manager_set_image_label(mgr, a, disk, 0), ==, 0);
    g_assert_cmpint(security_manager_set_image_label(mgr, b, disk, 0), ==, 0);
    g_assert_cmpint(security_remember_refcount(disk, "dac"), ==, 2);
    assert_owner(disk, vk_uid, vk_gid);
    g_assert_cmpint(security_manager_restore_image_label(mgr, a, disk, 0), ==, 0);
    /* b still runs: the file stays its */
    assert_owner(disk, vk_uid, vk_gid);
    g_assert_cmpint(security_remember_refcount(disk, "dac"), ==, 1);
    g_assert_cmpint(security_manager_restore_image_label(mgr, b, disk, 0), ==, 0);
    assert_owner(disk, 0, 0);
    g_assert_cmpint(security_remember_refcount(disk, "dac"), ==, 0);
    g_unlink(disk);
}

static void
test_readonly_shareable_untouched(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    g_autoptr(SecurityGuest) g = new_guest(mgr, "ro");
    g_autofree char *ro = make_file("ro.iso", 1111, 2222);
    g_autofree char *sh = make_file("shareable.img", 3333, 4444);

    g_assert_cmpint(security_manager_set_image_label(mgr, g, ro,
                    SECURITY_IMAGE_READONLY), ==, 0);
    g_assert_cmpint(security_manager_set_image_label(mgr, g, sh,
                    SECURITY_IMAGE_SHAREABLE), ==, 0);
    assert_owner(ro, 1111, 2222);
    assert_owner(sh, 3333, 4444);
    g_assert_false(has_xattr(ro, "trusted.virtkvm.security.dac"));
    g_assert_cmpint(security_manager_restore_image_label(mgr, g, ro,
                    SECURITY_IMAGE_READONLY), ==, 0);
    g_assert_cmpint(security_manager_restore_image_label(mgr, g, sh,
                    SECURITY_IMAGE_SHAREABLE), ==, 0);
    assert_owner(ro, 1111, 2222);
    assert_owner(sh, 3333, 4444);
    g_unlink(ro);
    g_unlink(sh);
}

static void
test_stale_record_discarded(void)
{
    g_autofree char *disk = make_file("stale.img", 5, 6);

    g_assert_cmpint(security_dac_set_owner(disk, vk_uid, vk_gid, true), ==, 0);
    /* as if written before a reboot */
    g_assert_cmpint(setxattr(disk, "trusted.virtkvm.security.timestamp_dac",
                             "old-boot", 8, 0), ==, 0);
    g_assert_cmpint(security_remember_refcount(disk, "dac"), ==, 0);
    g_assert_false(has_xattr(disk, "trusted.virtkvm.security.dac"));
    g_unlink(disk);
}

static void
test_no_dynamic_ownership(void)
{
    SecurityConfig cfg;
    g_autoptr(SecurityManager) mgr = NULL;
    g_autoptr(SecurityGuest) g = NULL;
    g_autofree char *disk = make_file("static.img", 77, 88);

    security_config_init(&cfg);
    cfg.dynamic_ownership = FALSE;
    mgr = security_manager_new(&cfg);
    g = new_guest(mgr, "nodyn");
    g_assert_cmpint(security_manager_set_image_label(mgr, g, disk, 0), ==, 0);
    assert_owner(disk, 77, 88);
    g_unlink(disk);
}

static void
test_static_label_and_none(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    g_autoptr(SecurityGuest) s = security_guest_new("static", NULL);
    g_autoptr(SecurityGuest) n = security_guest_new("none", NULL);
    g_autoptr(SecurityGuest) bad = security_guest_new("bad", NULL);
    g_autoptr(SecurityGuest) unknown = security_guest_new("unknown", NULL);
    g_autofree char *disk = make_file("static2.img", 9, 9);

    security_guest_set_label(s, "dac", SECURITY_LABEL_STATIC, "+2000:+3000",
                             NULL, TRUE);
    g_assert_cmpint(security_manager_gen_label(mgr, s), ==, 0);
    g_assert_cmpint(security_manager_set_image_label(mgr, s, disk, 0), ==, 0);
    assert_owner(disk, 2000, 3000);
    g_assert_cmpint(security_manager_restore_image_label(mgr, s, disk, 0), ==, 0);
    assert_owner(disk, 9, 9);

    security_guest_set_label(n, "dac", SECURITY_LABEL_NONE, NULL, NULL, FALSE);
    g_assert_cmpint(security_manager_gen_label(mgr, n), ==, 0);
    g_assert_cmpint(security_manager_set_image_label(mgr, n, disk, 0), ==, 0);
    assert_owner(disk, 9, 9);

    security_guest_set_label(bad, "dac", SECURITY_LABEL_STATIC, "garbage",
                             NULL, TRUE);
    g_assert_cmpint(security_manager_gen_label(mgr, bad), ==, -1);
    error_reset();
    security_guest_set_label(unknown, "apparmor", SECURITY_LABEL_DYNAMIC,
                             NULL, NULL, TRUE);
    g_assert_cmpint(security_manager_gen_label(mgr, unknown), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_CONFIG_UNSUPPORTED);
    error_reset();
    g_unlink(disk);
}

static void
test_missing_file(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    g_autoptr(SecurityGuest) g = new_guest(mgr, "missing");
    g_autofree char *path = g_build_filename(tmpdir, "absent.img", NULL);

    g_assert_cmpint(security_manager_set_image_label(mgr, g, path, 0), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_SYSTEM_ERROR);
    error_reset();
}

static void
test_char_label(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    g_autoptr(SecurityGuest) g = new_guest(mgr, "console");
    g_autofree char *pty = make_file("pty", 0, 5);

    g_assert_cmpint(security_manager_set_char_label(mgr, g, pty), ==, 0);
    assert_owner(pty, vk_uid, vk_gid);
    g_assert_cmpint(security_manager_restore_char_label(mgr, g, pty), ==, 0);
    assert_owner(pty, 0, 0);
    g_unlink(pty);
}

/* In the child: 0 if the identity and capabilities are what we expect. */
static int
child_check(const SecurityProcess *proc)
{
    g_autofree char *status = NULL;
    const char *cap;

    if (security_process_apply(proc) < 0)
        return 1;
    if (getuid() != vk_uid || geteuid() != vk_uid || getgid() != vk_gid ||
        getegid() != vk_gid)
        return 2;
    if (getgroups(0, NULL) != proc->ngroups)
        return 3;
    if (!g_file_get_contents("/proc/self/status", &status, NULL, NULL))
        return 4;
    cap = strstr(status, "CapEff:");
    if (!cap || !g_str_has_prefix(cap, "CapEff:\t0000000000000000"))
        return 5;
    /* root's files are out of reach now */
    if (access("/etc/shadow", R_OK) == 0)
        return 6;
    return 0;
}

static void
test_process_identity(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    g_autoptr(SecurityGuest) g = new_guest(mgr, "proc");
    g_autoptr(SecurityProcess) proc = NULL;
    int status;
    pid_t pid;

    g_assert_cmpint(security_manager_prepare_process(mgr, g, &proc), ==, 0);
    g_assert_true(proc->set_ids);
    g_assert_cmpuint(proc->uid, ==, vk_uid);
    g_assert_null(proc->exec_context);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0)
        _exit(child_check(proc));
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

static void
test_process_label(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    g_autoptr(SecurityGuest) g = new_guest(mgr, "label");
    g_autoptr(SecurityProcess) proc = NULL;
    g_autofree char *mine = NULL, *child = NULL, *primary = NULL;
    g_autofree char *expect = security_dac_format_label(vk_uid, vk_gid);
    int pipefd[2], status, enforcing = -1;
    char c;
    pid_t pid;

    g_assert_cmpint(security_manager_get_process_label(mgr, "dac", getpid(),
                    &mine, &enforcing), ==, 0);
    g_assert_cmpstr(mine, ==, "+0:+0");
    g_assert_cmpint(security_manager_get_process_label(mgr, NULL, getpid(),
                    &primary, &enforcing), ==, 0);
    if (g_str_equal(security_manager_get_model(mgr), "none"))
        g_assert_cmpstr(primary, ==, "");

    /* a confined child, kept alive until we have looked at it */
    g_assert_cmpint(security_manager_prepare_process(mgr, g, &proc), ==, 0);
    g_assert_cmpint(pipe(pipefd), ==, 0);
    pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0) {
        close(pipefd[1]);
        if (security_process_apply(proc) < 0)
            _exit(1);
        (void) !read(pipefd[0], &c, 1);
        _exit(0);
    }
    close(pipefd[0]);
    /* the child may not have switched yet: poll briefly */
    for (int i = 0; i < 200; i++) {
        g_clear_pointer(&child, g_free);
        g_assert_cmpint(security_manager_get_process_label(mgr, "dac", pid,
                        &child, &enforcing), ==, 0);
        if (g_str_equal(child, expect))
            break;
        g_usleep(10000);
    }
    close(pipefd[1]);
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_cmpstr(child, ==, expect);
    g_assert_cmpint(security_manager_get_process_label(mgr, "dac", pid,
                    &mine, &enforcing), ==, -1);
    error_reset();
}

static void
test_models(void)
{
    g_autoptr(SecurityManager) mgr = new_manager();
    const char *const *models = security_manager_get_models(mgr);
    g_autofree char *base = security_manager_get_base_label(mgr, "dac", "kvm");
    g_autofree char *expect = security_dac_format_label(vk_uid, vk_gid);
    SecurityConfig cfg;
    const char *const only_selinux[] = { "selinux", NULL };
    const char *const bogus[] = { "apparmor", NULL };

    if (access("/sys/fs/selinux/enforce", F_OK) != 0) {
        g_assert_cmpstr(security_manager_get_model(mgr), ==, "none");
        g_assert_cmpstr(models[0], ==, "none");
        security_config_init(&cfg);
        cfg.drivers = only_selinux;
        g_assert_null(security_manager_new(&cfg));
        g_assert_cmpint(error_get_last()->code, ==, VK_ERR_CONFIG_UNSUPPORTED);
        error_reset();
    }
    g_assert_cmpstr(security_manager_get_doi(mgr), ==, "0");
    g_assert_cmpstr(models[1], ==, "dac");
    g_assert_null(models[2]);
    g_assert_cmpstr(base, ==, expect);
    g_assert_cmpstr(security_manager_get_model_doi(mgr, "dac"), ==, "0");

    security_config_init(&cfg);
    cfg.drivers = bogus;
    g_assert_null(security_manager_new(&cfg));
    error_reset();
    security_config_init(&cfg);
    cfg.user = "nosuchuser-vk";
    g_assert_null(security_manager_new(&cfg));
    error_reset();
}

static void
remove_tree(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);

        g_unlink(p);
    }
    g_rmdir(dir);
}

/* A failed assertion aborts: still leave no files behind. */
static void
on_abort(int sig)
{
    remove_tree(tmpdir);
    signal(sig, SIG_DFL);
    raise(sig);
}

int
main(int argc, char **argv)
{
    struct passwd *pw;
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (geteuid() != 0) {
        printf("SKIP: DAC tests chown files and need root\n");
        return 77;
    }
    pw = getpwnam("virtkvm");
    if (!pw) {
        printf("SKIP: no 'virtkvm' user (run scripts/deps.sh)\n");
        return 77;
    }
    vk_uid = pw->pw_uid;
    vk_gid = pw->pw_gid;
    tmpdir = g_dir_make_tmp("vk-dac-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    signal(SIGABRT, on_abort);
    g_test_add_func("/dac/labels", test_labels);
    g_test_add_func("/dac/owner-roundtrip", test_owner_roundtrip);
    g_test_add_func("/dac/owner-survives-restart", test_owner_survives_restart);
    g_test_add_func("/dac/shared-refcount", test_shared_refcount);
    g_test_add_func("/dac/readonly-shareable", test_readonly_shareable_untouched);
    g_test_add_func("/dac/stale-record", test_stale_record_discarded);
    g_test_add_func("/dac/no-dynamic-ownership", test_no_dynamic_ownership);
    g_test_add_func("/dac/static-and-none", test_static_label_and_none);
    g_test_add_func("/dac/missing-file", test_missing_file);
    g_test_add_func("/dac/char-label", test_char_label);
    g_test_add_func("/dac/process-identity", test_process_identity);
    g_test_add_func("/dac/process-label", test_process_label);
    g_test_add_func("/dac/models", test_models);
    ret = g_test_run();
    remove_tree(tmpdir);
    g_free(tmpdir);
    return ret;
}
