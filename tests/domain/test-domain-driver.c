/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver/domain in-process, on a private directory: the object list
 * (lookups, uniqueness, concurrent defines of one name), persistence round
 * trips through a second driver, rename, undefine, list filters,
 * metadata, and the events the driver emits.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "driver/domain/domain-driver.h"
#include "util/error.h"

typedef struct {
    GMutex lock;
    GPtrArray *log;         /* "name event detail" strings */
} EventLog;

static void
record_event(const VkEvent *ev, void *opaque)
{
    EventLog *el = opaque;

    g_mutex_lock(&el->lock);
    g_ptr_array_add(el->log, g_strdup_printf("%s %d/%d %d %d", ev->name, ev->family,
                                             ev->event_id, ev->event, ev->detail));
    g_mutex_unlock(&el->lock);
}

typedef struct {
    char *dir;
    EventLog events;
    VkEventSink sink;
    DomainDriver *drv;
} Fixture;

static char *
dom_xml(const char *name, const char *uuid, unsigned int mem_mib)
{
    return g_strdup_printf("<domain type='kvm'><name>%s</name>%s%s%s"
                           "<memory unit='MiB'>%u</memory><vcpu current='1'>4</vcpu>"
                           "<os><type arch='x86_64'>hvm</type></os></domain>",
                           name, uuid ? "<uuid>" : "", uuid ? uuid : "",
                           uuid ? "</uuid>" : "", mem_mib);
}

static DomainDriver *
fixture_driver(Fixture *f)
{
    g_autofree char *etc = g_build_filename(f->dir, "etc", NULL);
    g_autofree char *var = g_build_filename(f->dir, "var", NULL);

    return domain_driver_new(etc, var, &f->sink);
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("virtkvm-domtest-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    g_mutex_init(&f->events.lock);
    f->events.log = g_ptr_array_new_with_free_func(g_free);
    f->sink.emit = record_event;
    f->sink.opaque = &f->events;
    f->drv = fixture_driver(f);
}

static void
rm_rf(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *p = g_build_filename(path, name, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            rm_rf(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    domain_driver_free(f->drv);
    rm_rf(f->dir);
    g_free(f->dir);
    g_ptr_array_unref(f->events.log);
    g_mutex_clear(&f->events.lock);
}

static DomainObj *
define(Fixture *f, const char *name, const char *uuid, unsigned int mem)
{
    g_autofree char *xml = dom_xml(name, uuid, mem);

    return domain_driver_define_xml(f->drv, xml, 0);
}

static char *
config_path(Fixture *f, const char *name)
{
    return domain_store_config_path(domain_driver_get_store(f->drv), name);
}

static void
test_define_lookup(Fixture *f, gconstpointer data)
{
    DomainObj *obj = define(f, "one", "11111111-2222-3333-4444-555555555555", 64);
    unsigned char uuid[16];
    g_autofree char *path = config_path(f, "one");
    DomainInfo info;

    g_assert_nonnull(obj);
    g_assert_true(obj->persistent);
    g_assert_cmpint(domain_obj_get_id(obj), ==, -1);
    g_assert_cmpint(obj->state, ==, DOMAIN_STATE_SHUTOFF);
    domain_driver_get_info(obj, &info);
    g_assert_cmpuint(info.max_mem_kib, ==, 65536);
    g_assert_cmpuint(info.nr_vcpus, ==, 1);
    g_assert_cmpint(domain_driver_get_vcpus(obj, DOMAIN_VCPU_MAXIMUM), ==, 4);
    g_assert_cmpint(domain_driver_get_vcpus(obj, DOMAIN_AFFECT_LIVE), ==, -1);
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_OPERATION_INVALID);
    memcpy(uuid, obj->def->uuid, 16);
    domain_obj_end_api(obj);
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));

    obj = domain_driver_lookup_by_name(f->drv, "one");
    g_assert_nonnull(obj);
    domain_obj_end_api(obj);
    obj = domain_driver_lookup_by_uuid(f->drv, uuid);
    g_assert_nonnull(obj);
    domain_obj_end_api(obj);
    g_assert_null(domain_driver_lookup_by_name(f->drv, "two"));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_NO_DOMAIN);
    g_assert_cmpstr(error_get_last()->message, ==,
                    "Domain not found: no domain with matching name 'two'");
    g_assert_null(domain_driver_lookup_by_id(f->drv, 1));

    /* Same name, other UUID; same UUID, other name. */
    g_assert_null(define(f, "one", NULL, 64));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(error_get_last()->message, "already exists with uuid 11111111"));
    g_assert_null(define(f, "uno", "11111111-2222-3333-4444-555555555555", 64));
    g_assert_nonnull(strstr(error_get_last()->message, "is already defined with uuid"));
    /* Same both: an update. */
    obj = define(f, "one", "11111111-2222-3333-4444-555555555555", 128);
    g_assert_nonnull(obj);
    g_assert_cmpuint(domain_def_get_memory(obj->def), ==, 131072);
    domain_obj_end_api(obj);
    g_assert_cmpuint(domain_obj_list_size(domain_driver_get_list(f->drv)), ==, 1);
    g_assert_cmpuint(f->events.log->len, ==, 2);
    g_assert_cmpstr(f->events.log->pdata[0], ==, "one 0/0 0 0");
    g_assert_cmpstr(f->events.log->pdata[1], ==, "one 0/0 0 1");

    /* Invalid XML writes nothing. */
    g_assert_null(domain_driver_define_xml(f->drv, "<domain type='kvm'><name>bad", 0));
    g_assert_null(domain_driver_define_xml(f->drv, "<domain/>", 0x10));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_INVALID_ARG);
    g_assert_cmpuint(domain_obj_list_size(domain_driver_get_list(f->drv)), ==, 1);
}

typedef struct {
    Fixture *f;
    int *winners;           /* per name: index of the winning thread */
    int thread;
} RaceArg;

#define RACE_NAMES 40
#define RACE_THREADS 6

static gpointer
race_thread(gpointer data)
{
    RaceArg *a = data;

    for (int i = 0; i < RACE_NAMES; i++) {
        g_autofree char *name = g_strdup_printf("race%02d", i);
        DomainObj *obj = define(a->f, name, NULL, 32);

        if (obj) {
            g_atomic_int_inc(&a->winners[i]);
            domain_obj_end_api(obj);
        } else {
            g_assert_cmpint(error_get_last()->code, ==, VK_ERR_OPERATION_FAILED);
        }
    }
    return NULL;
}

static void
test_concurrent_defines(Fixture *f, gconstpointer data)
{
    int winners[RACE_NAMES] = { 0 };
    RaceArg args[RACE_THREADS];
    GThread *threads[RACE_THREADS];
    g_autoptr(DomainDriver) second = NULL;

    for (int t = 0; t < RACE_THREADS; t++) {
        args[t] = (RaceArg) { f, winners, t };
        threads[t] = g_thread_new("race", race_thread, &args[t]);
    }
    for (int t = 0; t < RACE_THREADS; t++)
        g_thread_join(threads[t]);
    for (int i = 0; i < RACE_NAMES; i++)
        g_assert_cmpint(winners[i], ==, 1);
    g_assert_cmpuint(domain_obj_list_size(domain_driver_get_list(f->drv)), ==, RACE_NAMES);
    second = fixture_driver(f);
    g_assert_cmpint(domain_driver_load(second), ==, RACE_NAMES);
}

static void
test_persistence(Fixture *f, gconstpointer data)
{
    g_autoptr(DomainDriver) second = NULL;
    g_autoptr(GPtrArray) objs = NULL;

    for (int i = 0; i < 20; i++) {
        g_autofree char *name = g_strdup_printf("p%02d", i);
        DomainObj *obj = define(f, name, NULL, 16 + i);

        g_assert_nonnull(obj);
        if (i % 3 == 0)
            g_assert_cmpint(domain_driver_set_autostart(f->drv, obj, true), ==, 0);
        if (i == 4)
            g_assert_cmpint(domain_driver_set_metadata(f->drv, obj, DOMAIN_METADATA_TITLE,
                                                       "Four", NULL, NULL, 0), ==, 0);
        domain_obj_end_api(obj);
    }
    second = fixture_driver(f);
    g_assert_cmpint(domain_driver_load(second), ==, 20);
    objs = domain_obj_list_collect(domain_driver_get_list(f->drv));
    for (guint i = 0; i < objs->len; i++) {
        DomainObj *a = g_ptr_array_index(objs, i);
        DomainObj *b = domain_obj_list_find_by_name(domain_driver_get_list(second),
                                                    a->def->name);
        g_autofree char *xa = NULL, *xb = NULL;

        g_assert_nonnull(b);
        domain_obj_lock(a);
        xa = domain_driver_get_xml(f->drv, a, DOMAIN_XML_SECURE);
        xb = domain_driver_get_xml(second, b, DOMAIN_XML_SECURE);
        g_assert_cmpstr(xa, ==, xb);
        g_assert_cmpint(a->autostart, ==, b->autostart);
        domain_obj_unlock(a);
        domain_obj_end_api(b);
    }
    {
        g_autoptr(GArray) refs = domain_driver_list_all(second, DOMAIN_LIST_AUTOSTART);
        g_autoptr(GArray) none = domain_driver_list_all(second, DOMAIN_LIST_ACTIVE);
        g_autoptr(GArray) all = domain_driver_list_all(second, DOMAIN_LIST_INACTIVE |
                                                       DOMAIN_LIST_PERSISTENT |
                                                       DOMAIN_LIST_SHUTOFF |
                                                       DOMAIN_LIST_NO_SNAPSHOT |
                                                       DOMAIN_LIST_NO_MANAGEDSAVE |
                                                       DOMAIN_LIST_NO_CHECKPOINT);

        g_assert_cmpuint(refs->len, ==, 7);
        g_assert_cmpuint(none->len, ==, 0);
        g_assert_cmpuint(all->len, ==, 20);
        g_assert_null(domain_driver_list_all(second, 1u << 16));
    }
}

static void
test_rename_undefine(Fixture *f, gconstpointer data)
{
    DomainObj *obj = define(f, "old", NULL, 64);
    DomainObj *other = define(f, "taken", NULL, 64);
    g_autofree char *old_path = config_path(f, "old");
    g_autofree char *new_path = config_path(f, "new");
    g_autofree char *meta = NULL;

    g_assert_nonnull(obj);
    g_assert_nonnull(other);
    domain_obj_end_api(other);
    g_assert_cmpint(domain_driver_set_autostart(f->drv, obj, true), ==, 0);
    g_assert_cmpint(domain_driver_rename(f->drv, obj, "taken", 0), ==, -1);
    g_assert_cmpint(domain_driver_rename(f->drv, obj, "old", 0), ==, -1);
    g_assert_cmpint(domain_driver_rename(f->drv, obj, "new", 0), ==, 0);
    g_assert_cmpstr(obj->def->name, ==, "new");
    g_assert_false(g_file_test(old_path, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(new_path, G_FILE_TEST_EXISTS));
    g_assert_true(domain_store_get_autostart(domain_driver_get_store(f->drv), "new"));
    g_assert_false(domain_store_get_autostart(domain_driver_get_store(f->drv), "old"));
    g_assert_cmpstr(f->events.log->pdata[f->events.log->len - 2], ==, "old 0/0 1 1");
    g_assert_cmpstr(f->events.log->pdata[f->events.log->len - 1], ==, "new 0/0 0 2");

    g_assert_cmpint(domain_driver_set_metadata(f->drv, obj, DOMAIN_METADATA_ELEMENT,
                                               "<x a='1'/>", "k", "urn:t", 0), ==, 0);
    meta = domain_driver_get_metadata(obj, DOMAIN_METADATA_ELEMENT, "urn:t", 0);
    g_assert_cmpstr(meta, ==, "<x a=\"1\"/>");
    g_assert_null(domain_driver_get_metadata(obj, DOMAIN_METADATA_TITLE, NULL, 0));
    g_assert_cmpint(error_get_last()->code, ==, VK_ERR_NO_DOMAIN_METADATA);
    g_assert_cmpstr(f->events.log->pdata[f->events.log->len - 1], ==, "new 0/23 2 0");

    g_assert_cmpint(domain_driver_undefine(f->drv, obj, DOMAIN_UNDEFINE_NVRAM |
                                           DOMAIN_UNDEFINE_KEEP_NVRAM), ==, -1);
    g_assert_cmpint(domain_driver_undefine(f->drv, obj, 0), ==, 0);
    g_assert_true(obj->removing);
    domain_obj_end_api(obj);
    g_assert_false(g_file_test(new_path, G_FILE_TEST_EXISTS));
    g_assert_false(domain_store_get_autostart(domain_driver_get_store(f->drv), "new"));
    g_assert_null(domain_obj_list_find_by_name(domain_driver_get_list(f->drv), "new"));
    g_assert_cmpstr(f->events.log->pdata[f->events.log->len - 1], ==, "new 0/0 1 0");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/domain/define-lookup", test_define_lookup);
    ADD("/domain/concurrent-defines", test_concurrent_defines);
    ADD("/domain/persistence", test_persistence);
    ADD("/domain/rename-undefine", test_rename_undefine);
    return g_test_run();
}
