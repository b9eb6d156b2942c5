/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "util/error.h"
#include "util/file-util.h"

static void
test_error_message_form(void)
{
    const VkError *err;

    error_reset();
    g_assert_null(error_get_last());
    error_report(VK_FROM_QEMU, VK_ERR_NO_DOMAIN, "no domain with matching name '%s'", "x");
    err = error_get_last();
    g_assert_nonnull(err);
    g_assert_cmpint(err->code, ==, 42);
    g_assert_cmpint(err->domain, ==, 10);
    g_assert_cmpint(err->level, ==, 2);
    g_assert_cmpstr(err->message, ==, "Domain not found: no domain with matching name 'x'");
    g_assert_cmpstr(err->str1, ==, "Domain not found: %s");
    g_assert_cmpstr(err->str2, ==, "no domain with matching name 'x'");
    g_assert_cmpint(err->int1, ==, -1);
}

static void
test_error_steal_restore(void)
{
    g_autoptr(VkError) err = NULL;

    error_report(VK_FROM_RPC, VK_ERR_RPC, "unknown procedure: %d", 9999);
    g_assert_cmpstr(error_get_last()->message, ==, "unknown procedure: 9999");
    err = error_steal_last();
    g_assert_null(error_get_last());
    error_restore(error_copy(err));
    g_assert_cmpstr(error_get_last()->message, ==, err->message);
    error_reset();
}

static void
test_error_errno(void)
{
    error_report_errno(VK_FROM_STORAGE, ENOENT, "cannot open '%s'", "/nonexistent");
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(error_get_last()->message, "cannot open '/nonexistent': "));
    error_reset();
}

static gpointer
thread_reports(gpointer data)
{
    error_report(VK_FROM_QEMU, VK_ERR_INTERNAL_ERROR, "%s", (const char *) data);
    return g_strdup(error_get_last()->message);
}

static void
test_error_thread_local(void)
{
    GThread *t;
    g_autofree char *msg = NULL;

    error_report(VK_FROM_QEMU, VK_ERR_NO_NETWORK, "main");
    t = g_thread_new("reporter", thread_reports, (gpointer) "other");
    msg = g_thread_join(t);
    g_assert_cmpstr(msg, ==, "internal error: other");
    g_assert_cmpstr(error_get_last()->message, ==, "Network not found: main");
    error_reset();
}

static void
test_atomic_write(void)
{
    g_autofree char *dir = g_dir_make_tmp("vk-util-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "a", "b", "obj.xml", NULL);
    g_autofree char *parent = g_path_get_dirname(path);
    g_autofree char *contents = NULL;
    g_autoptr(GDir) d = NULL;
    struct stat st;
    int entries = 0;

    g_assert_cmpint(file_make_dirs(parent, 0755, VK_FROM_CONF), ==, 0);
    g_assert_cmpint(file_write_atomic(path, "old", 3, 0600, VK_FROM_CONF), ==, 0);
    g_assert_cmpint(file_write_atomic(path, "new!", 4, 0600, VK_FROM_CONF), ==, 0);
    g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
    g_assert_cmpstr(contents, ==, "new!");
    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    d = g_dir_open(parent, 0, NULL);
    while (g_dir_read_name(d))
        entries++;
    g_assert_cmpint(entries, ==, 1);   /* no temporary file left behind */

    g_assert_cmpint(file_remove_durable(path, VK_FROM_CONF), ==, 0);
    g_assert_cmpint(file_remove_durable(path, VK_FROM_CONF), ==, 0);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));

    /* a directory that cannot be written reports an error, changes nothing */
    g_assert_cmpint(file_write_atomic("/proc/vk-nonexistent/x", "x", 1, 0600, VK_FROM_CONF), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_SYSTEM_ERROR);
    error_reset();
    g_rmdir(parent);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/error/message-form", test_error_message_form);
    g_test_add_func("/error/steal-restore", test_error_steal_restore);
    g_test_add_func("/error/errno", test_error_errno);
    g_test_add_func("/error/thread-local", test_error_thread_local);
    g_test_add_func("/file/atomic-write", test_atomic_write);
    return g_test_run();
}
