/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The storage driver in-process on a private root: dir pool lifecycle and
 * persistence across a driver restart, events, raw and qcow2 volumes,
 * conversion, qcow2 growth, wipe, lookups, volume resolution for domains
 * and the errors of bad input.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "driver/storage/storage-driver.h"
#include "driver/storage/storage-priv.h"
#include "hv/block/qcow2.h"
#include "util/error.h"
#include "util/paths.h"

static char *tmpdir;
static GPtrArray *events;   /* "name:event_id:event" */

static void
on_event(const VkEvent *ev, void *opaque)
{
    g_ptr_array_add(events, g_strdup_printf("%s:%d:%d", ev->name, ev->event_id, ev->event));
}

static const VkEventSink sink = { on_event, NULL };

static char *
pool_xml(const char *name, const char *sub)
{
    return g_strdup_printf("<pool type='dir'><name>%s</name><target><path>%s/%s</path>"
                           "</target></pool>", name, tmpdir, sub);
}

static void
expect_error(int code)
{
    const VkError *e = error_get_last();

    g_assert_nonnull(e);
    if (e->code != code)
        g_error("expected error %d, got %d: %s", code, e->code, e->message);
    error_reset();
}

static StoragePoolId pid;

static void
test_pool_lifecycle(void)
{
    g_autofree char *xml = pool_xml("p", "pool");
    g_autofree char *inner = pool_xml("q", "pool/inner");
    StoragePoolId other = { 0 };
    StoragePoolInfo info;
    int autostart = -1;

    g_assert_cmpint(storage_pool_define(xml, 0, &pid), ==, 0);
    g_assert_cmpstr(pid.name, ==, "p");
    g_assert_cmpint(storage_pool_define(inner, 0, &other), ==, -1);
    expect_error(VK_ERR_OPERATION_FAILED);
    g_assert_cmpint(storage_pool_start(pid.uuid, 0), ==, -1);   /* not built */
    error_reset();
    g_assert_cmpint(storage_pool_build(pid.uuid, (1 << 2) | (1 << 3)), ==, -1);
    expect_error(VK_ERR_OPERATION_INVALID);
    g_assert_cmpint(storage_pool_start(pid.uuid, 1), ==, 0);   /* WITH_BUILD */
    g_assert_cmpint(storage_pool_is_active(pid.uuid), ==, 1);
    g_assert_cmpint(storage_pool_get_info(pid.uuid, &info), ==, 0);
    g_assert_cmpint(info.state, ==, 2);
    g_assert_cmpuint(info.capacity, >, 0);
    g_assert_cmpint(storage_pool_set_autostart(pid.uuid, true), ==, 0);
    g_assert_cmpint(storage_pool_get_autostart(pid.uuid, &autostart), ==, 0);
    g_assert_cmpint(autostart, ==, 1);
    g_assert_cmpint(storage_pool_lookup_by_name("nope", &other), ==, -1);
    expect_error(VK_ERR_NO_STORAGE_POOL);
    g_assert_cmpuint(events->len, ==, 2);
    g_assert_cmpstr(events->pdata[0], ==, "p:0:0");                /* DEFINED */
    g_assert_cmpstr(events->pdata[events->len - 1], ==, "p:0:2");  /* STARTED */
}

static void
create_vol(const char *xml, StorageVolId *id)
{
    if (storage_vol_create_xml(pid.uuid, xml, 0, id) < 0)
        g_error("create: %s", error_get_last()->message);
}

static void
test_volumes(void)
{
    StorageVolId a = { 0 }, q = { 0 }, c = { 0 }, tmp = { 0 };
    g_autofree char *path = NULL, *format = NULL;
    g_autofree char *apath = g_strdup_printf("%s/pool/a.raw", tmpdir);
    int type;
    uint64_t cap, alloc;
    int fd;

    create_vol("<volume><name>a.raw</name><capacity unit='MiB'>4</capacity>"
               "<allocation>0</allocation><target><permissions><mode>0640</mode>"
               "<owner>1</owner><group>2</group></permissions></target></volume>", &a);
    g_assert_cmpstr(a.key, ==, apath);
    g_assert_cmpint(g_access(apath, F_OK), ==, 0);
    {
        GStatBuf st;

        g_assert_cmpint(g_stat(apath, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0640);
        g_assert_cmpint(st.st_uid, ==, 1);
        g_assert_cmpint(st.st_gid, ==, 2);
    }
    create_vol("<volume><name>q.qcow2</name><capacity unit='MiB'>8</capacity>"
               "<target><format type='qcow2'/><compat>1.1</compat>"
               "<clusterSize unit='KiB'>128</clusterSize><features><lazy_refcounts/>"
               "</features></target></volume>", &q);
    g_assert_cmpint(storage_volume_resolve("p", "q.qcow2", &path, &format), ==, 0);
    g_assert_true(g_str_has_suffix(path, "/pool/q.qcow2"));
    g_assert_cmpstr(format, ==, "qcow2");
    g_assert_cmpint(storage_volume_resolve("p", "none", &path, &format), ==, -1);
    expect_error(VK_ERR_NO_STORAGE_VOL);
    g_assert_cmpint(storage_vol_get_info("p", "q.qcow2", 0, &type, &cap, &alloc), ==, 0);
    g_assert_cmpuint(cap, ==, 8 << 20);
    {
        g_autofree char *x = storage_vol_get_xml("p", "q.qcow2", 0);

        g_assert_nonnull(strstr(x, "<clusterSize unit=\"B\">131072</clusterSize>"));
        g_assert_nonnull(strstr(x, "<lazy_refcounts/>"));
    }

    /* the same name again, a name with '/', an absurd capacity */
    g_assert_cmpint(storage_vol_create_xml(pid.uuid, "<volume><name>a.raw</name>"
                                           "<capacity>1</capacity></volume>", 0, &tmp), ==, -1);
    expect_error(VK_ERR_STORAGE_VOL_EXIST);
    g_assert_cmpint(storage_vol_create_xml(pid.uuid, "<volume><name>x/y</name>"
                                           "<capacity>1</capacity></volume>", 0, &tmp), ==, -1);
    error_reset();
    g_assert_cmpint(storage_vol_create_xml(pid.uuid, "<volume><name>huge</name>"
                                           "<capacity>18446744073709551615</capacity></volume>",
                                           0, &tmp), ==, -1);
    expect_error(VK_ERR_OVERFLOW);
    {
        g_autofree char *huge = g_build_filename(tmpdir, "pool", "huge", NULL);

        g_assert_cmpint(g_access(huge, F_OK), ==, -1);
    }

    /* data in the raw volume survives raw -> qcow2 -> raw */
    fd = open(apath, O_WRONLY);
    g_assert_cmpint(pwrite(fd, "virtkvm", 7, 3 << 20), ==, 7);
    close(fd);
    g_assert_cmpint(storage_vol_create_xml_from(pid.uuid, "<volume><name>c.qcow2</name>"
                                                "<target><format type='qcow2'/></target>"
                                                "</volume>", "p", "a.raw", 0, &c), ==, 0);
    {
        StorageVolId back = { 0 };
        g_autofree char *bpath = g_strdup_printf("%s/pool/back.raw", tmpdir);
        char buf[8] = { 0 };

        g_assert_cmpint(storage_vol_create_xml_from(pid.uuid, "<volume><name>back.raw</name>"
                                                    "</volume>", "p", "c.qcow2", 0, &back), ==, 0);
        fd = open(bpath, O_RDONLY);
        g_assert_cmpint(pread(fd, buf, 7, 3 << 20), ==, 7);
        close(fd);
        g_assert_cmpstr(buf, ==, "virtkvm");
        storage_vol_id_clear(&back);
    }

    /* grow qcow2, refuse shrinking without the flag, wipe raw */
    g_assert_cmpint(storage_vol_resize("p", "q.qcow2", 1ULL << 30, 0), ==, 0);
    g_assert_cmpint(storage_vol_get_info("p", "q.qcow2", 0, &type, &cap, &alloc), ==, 0);
    g_assert_cmpuint(cap, ==, 1ULL << 30);
    g_assert_cmpint(storage_vol_resize("p", "a.raw", 1 << 20, 0), ==, -1);
    expect_error(VK_ERR_INVALID_ARG);
    g_assert_cmpint(storage_vol_resize("p", "a.raw", 1 << 20, 2 | 4), ==, 0);   /* DELTA|SHRINK */
    g_assert_cmpint(storage_vol_get_info("p", "a.raw", 0, &type, &cap, &alloc), ==, 0);
    g_assert_cmpuint(cap, ==, 3 << 20);
    g_assert_cmpint(storage_vol_wipe("p", "a.raw", 0, 0), ==, 0);
    g_assert_cmpint(storage_vol_wipe("p", "a.raw", 4, 0) == 0 ||
                    error_get_last()->code == VK_ERR_ARGUMENT_UNSUPPORTED, ==, 1);
    error_reset();

    g_assert_cmpint(storage_vol_lookup_by_path(apath, &tmp), ==, 0);
    g_assert_cmpstr(tmp.name, ==, "a.raw");
    storage_vol_id_clear(&tmp);
    g_assert_cmpint(storage_vol_delete("p", "c.qcow2", 0), ==, 0);
    g_assert_cmpint(storage_pool_num_volumes(pid.uuid), ==, 3);
    storage_vol_id_clear(&a);
    storage_vol_id_clear(&q);
    storage_vol_id_clear(&c);
}

typedef struct {
    int ret;
    gint done;
} CloneJob;

static gpointer
clone_thread(gpointer data)
{
    CloneJob *job = data;
    StorageVolId id = { 0 };

    job->ret = storage_vol_create_xml_from(pid.uuid, "<volume><name>big.qcow2</name>"
                                           "<target><format type='qcow2'/></target></volume>",
                                           "p", "big.raw", 0, &id);
    storage_vol_id_clear(&id);
    g_atomic_int_set(&job->done, 1);
    return NULL;
}

/* A long clone runs without the driver lock: other calls go on, the new
 * volume is "being allocated" and the pool cannot be destroyed. */
static void
test_clone_unlocked(void)
{
    StorageVolId big = { 0 };
    CloneJob job = { 0 };
    g_autofree char *path = NULL;
    g_autofree char *buf = g_malloc(1 << 20);
    GThread *t;
    int fd, type, seen_building = 0, refused = 0, calls = 0;
    bool raw_deleted = false;
    uint64_t cap, alloc;

    create_vol("<volume><name>big.raw</name><capacity unit='MiB'>96</capacity>"
               "<allocation>0</allocation></volume>", &big);
    path = g_strdup(big.key);
    fd = open(path, O_WRONLY);
    for (int i = 0; i < 96; i++) {
        memset(buf, i + 1, 1 << 20);
        g_assert_cmpint(pwrite(fd, buf, 1 << 20, (off_t) i << 20), ==, 1 << 20);
    }
    close(fd);
    t = g_thread_new("clone", clone_thread, &job);
    while (!g_atomic_int_get(&job.done)) {
        StoragePoolInfo info;

        g_assert_cmpint(storage_pool_get_info(pid.uuid, &info), ==, 0);
        calls++;
        if (storage_vol_get_info("p", "big.qcow2", 0, &type, &cap, &alloc) < 0) {
            const VkError *e = error_get_last();

            if (e->code == VK_ERR_OPERATION_INVALID) {
                seen_building++;
                /* The clone may finish between the query and these calls;
                 * then they rightly succeed, and only then. */
                if (storage_pool_destroy(pid.uuid) == 0) {
                    g_assert_cmpint(storage_pool_start(pid.uuid, 0), ==, 0);
                } else {
                    expect_error(VK_ERR_OPERATION_INVALID);
                    refused++;
                    if (storage_vol_delete("p", "big.raw", 0) == 0)
                        raw_deleted = true;
                    else
                        expect_error(VK_ERR_OPERATION_INVALID);
                }
            }
            error_reset();
        }
        g_usleep(1000);
    }
    g_thread_join(t);
    g_assert_cmpint(job.ret, ==, 0);
    g_test_message("%d calls during the clone, %d saw it building", calls, seen_building);
    /* a single sighting may have raced with the clone's end; more may not all */
    g_assert_true(refused > 0 || seen_building <= 1);
    g_assert_cmpint(storage_vol_get_info("p", "big.qcow2", 0, &type, &cap, &alloc), ==, 0);
    g_assert_cmpuint(cap, ==, 96 << 20);
    g_assert_cmpint(storage_vol_delete("p", "big.qcow2", 0), ==, 0);
    if (!raw_deleted)
        g_assert_cmpint(storage_vol_delete("p", "big.raw", 0), ==, 0);
    storage_vol_id_clear(&big);
}

static void
test_restart(void)
{
    StoragePoolId again = { 0 };

    storage_driver_shutdown();
    g_assert_cmpint(storage_driver_init(&sink), ==, 0);
    g_assert_cmpint(storage_pool_lookup_by_name("p", &again), ==, 0);
    g_assert_cmpmem(again.uuid, 16, pid.uuid, 16);
    g_assert_cmpint(storage_pool_is_active(pid.uuid), ==, 1);
    g_assert_cmpint(storage_pool_num_volumes(pid.uuid), ==, 3);
    storage_pool_id_clear(&again);

    g_assert_cmpint(storage_pool_undefine(pid.uuid), ==, -1);   /* still active */
    expect_error(VK_ERR_OPERATION_INVALID);
    g_assert_cmpint(storage_pool_destroy(pid.uuid), ==, 0);
    g_assert_cmpint(storage_pool_num_volumes(pid.uuid), ==, -1);
    expect_error(VK_ERR_OPERATION_INVALID);
    g_assert_cmpint(storage_pool_undefine(pid.uuid), ==, 0);
    g_assert_cmpint(storage_pool_is_active(pid.uuid), ==, -1);
    expect_error(VK_ERR_NO_STORAGE_POOL);
    storage_pool_id_clear(&pid);
}

int
main(int argc, char **argv)
{
    int ret;
    g_autofree char *root = NULL;

    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("virtkvm-storage-XXXXXX", NULL);
    root = g_build_filename(tmpdir, "root", NULL);
    paths_init(root);
    events = g_ptr_array_new_with_free_func(g_free);
    storage_driver_init(&sink);
    g_test_add_func("/storage/driver/pool-lifecycle", test_pool_lifecycle);
    g_test_add_func("/storage/driver/volumes", test_volumes);
    g_test_add_func("/storage/driver/clone-unlocked", test_clone_unlocked);
    g_test_add_func("/storage/driver/restart", test_restart);
    ret = g_test_run();
    storage_driver_shutdown();
    g_ptr_array_unref(events);
    {
        const char *rm[] = { "rm", "-rf", tmpdir, NULL };

        g_spawn_sync(NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     NULL, NULL);
    }
    g_free(tmpdir);
    return ret;
}
