/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The interface driver's API in a private network namespace (the process
 * unshares its own): listing flags, definitions on disk, bad input,
 * bonds/VLANs on a kernel without them (OPERATION_FAILED naming the
 * feature, nothing changed) and change transactions (BEGIN twice, rollback
 * of a created bridge and its definition, commit).
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "driver/interface/iface-driver.h"
#include "util/error.h"

#define SKIP 77

static int failures;

#define CHECK(cond) do { \
    if (!(cond)) { \
        fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        failures++; \
    } \
} while (0)

static bool
sh(const char *cmd)
{
    int status = 0;

    return g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL) &&
           g_spawn_check_wait_status(status, NULL);
}

/* The last error has @code and its message contains @text. */
static bool
last_error_is(int code, const char *text)
{
    const VkError *e = error_get_last();
    bool ok = e && e->code == code && strstr(e->message, text);

    if (!ok)
        fprintf(stderr, "  last error: %d %s (wanted %d, '%s')\n", e ? e->code : 0,
                e ? e->message : "(none)", code, text);
    error_reset();
    return ok;
}

static bool
link_exists(const char *name)
{
    return if_nametoindex(name) != 0;
}

/* /sys shows the namespace it was mounted in, so ask iproute2. */
static bool
has_master(const char *name)
{
    g_autofree char *cmd = g_strdup_printf("sh -c 'ip -o link show dev %s | grep -q \" master \"'",
                                           name);

    return sh(cmd);
}

static bool
is_up(const char *name)
{
    g_autofree char *cmd =
        g_strdup_printf("sh -c 'ip -o link show dev %s | grep -q \"[<,]UP[,>]\"'", name);

    return sh(cmd);
}

static bool
in_list(IfaceDriver *drv, unsigned flags, const char *name)
{
    g_autoptr(GPtrArray) refs = iface_driver_list(drv, flags);

    for (guint i = 0; refs && i < refs->len; i++)
        if (strcmp(((IfaceRef *) refs->pdata[i])->name, name) == 0)
            return true;
    return false;
}

static void
test_bad_input(IfaceDriver *drv, const char *defs)
{
    g_autofree char *taken = g_build_filename(defs, "vkd1.xml", NULL);

    CHECK(!iface_driver_define(drv, "<interface type='bridge' name='vkd1'><bridge>"
                               "<interface type='ethernet' name='vkd0'/></bridge></interface>", 0));
    CHECK(last_error_is(VK_ERR_OPERATION_INVALID, "taken by an existing ethernet link"));
    CHECK(!g_file_test(taken, G_FILE_TEST_EXISTS));
    CHECK(!iface_driver_define(drv, "<interface type='bridge' name='vkbr9'><bridge>"
                               "<interface type='ethernet' name='nosuch9'/></bridge></interface>",
                               0));
    CHECK(last_error_is(VK_ERR_NO_INTERFACE, "port 'nosuch9' of interface 'vkbr9' does not exist"));
    CHECK(!iface_driver_define(drv, "<interface type='bond' name='vkb9'><bond mode='fastest'>"
                               "<interface type='ethernet' name='vkd0'/></bond></interface>", 0));
    CHECK(last_error_is(VK_ERR_XML_ERROR, "fastest"));
    CHECK(!iface_driver_lookup_by_name(drv, "nosuch9"));
    CHECK(last_error_is(VK_ERR_NO_INTERFACE, "couldn't find interface named 'nosuch9'"));
}

static void
test_missing_kind(IfaceDriver *drv, const char *xml, const char *name, const char *feature)
{
    g_autoptr(IfaceRef) ref = iface_driver_define(drv, xml, 0);
    int r;

    CHECK(ref != NULL);
    CHECK(in_list(drv, IFACE_LIST_INACTIVE, name) && !in_list(drv, IFACE_LIST_ACTIVE, name));
    r = iface_driver_create(drv, name, 0);
    if (r < 0) {
        CHECK(last_error_is(VK_ERR_OPERATION_FAILED, feature));
        CHECK(!link_exists(name) && !has_master("vkd0"));
        printf("%s: kernel lacks %s, error path checked\n", name, feature);
    } else {
        CHECK(link_exists(name));
        CHECK(iface_driver_destroy(drv, name, 0) == 0 && !link_exists(name));
    }
    CHECK(iface_driver_undefine(drv, name) == 0);
}

static void
test_transaction(IfaceDriver *drv, const char *defs, const char *ckpt)
{
    g_autofree char *def_file = g_build_filename(defs, "vkbr0.xml", NULL);
    g_autofree char *live = g_build_filename(ckpt, "live.ini", NULL);
    g_autoptr(IfaceRef) ref = NULL;

    CHECK(iface_driver_change_commit(drv, 0) < 0);
    CHECK(last_error_is(VK_ERR_OPERATION_INVALID, "no transaction running"));
    CHECK(iface_driver_change_begin(drv, 0) == 0);
    CHECK(g_file_test(live, G_FILE_TEST_EXISTS));
    CHECK(iface_driver_change_begin(drv, 0) < 0);
    CHECK(last_error_is(VK_ERR_OPERATION_INVALID, "there is another transaction running"));
    ref = iface_driver_define(drv, "<interface type='bridge' name='vkbr0'>"
                              "<protocol family='ipv4'><ip address='10.66.0.1' prefix='24'/>"
                              "</protocol><bridge stp='off'>"
                              "<interface type='ethernet' name='vkd0'/></bridge></interface>", 0);
    CHECK(ref && g_file_test(def_file, G_FILE_TEST_EXISTS));
    CHECK(iface_driver_create(drv, "vkbr0", 0) == 0);
    CHECK(link_exists("vkbr0") && has_master("vkd0") && is_up("vkd0"));
    CHECK(iface_driver_is_active(drv, "vkbr0") == 1);
    CHECK(iface_driver_change_rollback(drv, 0) == 0);
    CHECK(!link_exists("vkbr0") && !has_master("vkd0"));
    CHECK(!is_up("vkd0"));      /* it was down at BEGIN; starting the bridge set it up */
    CHECK(!g_file_test(def_file, G_FILE_TEST_EXISTS) && !g_file_test(live, G_FILE_TEST_EXISTS));
    CHECK(iface_driver_change_rollback(drv, 0) < 0);
    CHECK(last_error_is(VK_ERR_OPERATION_INVALID, "no transaction running"));

    CHECK(iface_driver_change_begin(drv, 0) == 0);
    g_clear_pointer(&ref, iface_ref_free);
    ref = iface_driver_define(drv, "<interface type='bridge' name='vkbr0'><bridge>"
                              "<interface type='ethernet' name='vkd0'/></bridge></interface>", 0);
    CHECK(iface_driver_change_commit(drv, 0) == 0);
    CHECK(g_file_test(def_file, G_FILE_TEST_EXISTS) && !g_file_test(ckpt, G_FILE_TEST_EXISTS));
    CHECK(iface_driver_undefine(drv, "vkbr0") == 0);
}

int
main(void)
{
    g_autofree char *tmp = g_dir_make_tmp("iface-driver-XXXXXX", NULL);
    g_autofree char *defs = g_build_filename(tmp, "interfaces", NULL);
    g_autofree char *ckpt = g_build_filename(tmp, "checkpoint", NULL);
    g_autofree char *rm = g_strdup_printf("rm -rf %s", tmp);
    IfaceDriver *drv;

    if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
        printf("SKIP: needs root and unshare(CLONE_NEWNET): %s\n", g_strerror(errno));
        g_rmdir(tmp);
        return SKIP;
    }
    if (!sh("ip link add vkd0 type veth peer name vkd1")) {
        printf("SKIP: cannot create a veth pair with iproute2\n");
        g_rmdir(tmp);
        return SKIP;
    }
    drv = iface_driver_new(defs, ckpt);
    CHECK(in_list(drv, IFACE_LIST_INACTIVE, "vkd0") && !in_list(drv, IFACE_LIST_ACTIVE, "vkd0"));
    CHECK(!in_list(drv, 0, "lo"));
    test_bad_input(drv, defs);
    test_missing_kind(drv, "<interface type='bond' name='vkbond0'><bond mode='802.3ad'>"
                      "<miimon freq='100'/><interface type='ethernet' name='vkd0'/></bond>"
                      "</interface>", "vkbond0", "bonding");
    test_missing_kind(drv, "<interface type='vlan' name='vkd0.42'><vlan tag='42'>"
                      "<interface name='vkd0'/></vlan></interface>", "vkd0.42", "802.1q");
    test_transaction(drv, defs, ckpt);
    iface_driver_free(drv);
    g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL);
    return failures ? 1 : 0;
}
