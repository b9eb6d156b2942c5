/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command lines storage backends run (mount, lvm2, parted, iscsiadm)
 * and the parsing of lvm's JSON reports: checked without the kernel
 * features (device-mapper, NFS, iSCSI) that running them needs.
 */
#include <string.h>

#include <glib.h>

#include "driver/storage/storage-priv.h"
#include "util/error.h"

static StoragePoolDef *
pool(const char *xml)
{
    StoragePoolDef *def = storage_pool_def_parse_string(xml, 0);

    if (!def)
        g_error("pool XML: %s", error_get_last() ? error_get_last()->message : "?");
    return def;
}

static void
check_argv(GStrv argv, const char *want)
{
    g_autofree char *got = NULL;

    g_assert_nonnull(argv);
    got = g_strjoinv(" ", argv);
    g_assert_cmpstr(got, ==, want);
    g_strfreev(argv);
}

static void
test_fs(void)
{
    g_autoptr(StoragePoolDef) dev = pool(
        "<pool type='fs'><name>f</name><source><device path='/dev/sdb1'/>"
        "<format type='ext4'/></source><target><path>/mnt/f</path></target></pool>");
    g_autoptr(StoragePoolDef) img = pool(
        "<pool type='fs'><name>f</name><source><device path='/srv/fs.img'/></source>"
        "<target><path>/mnt/f</path></target></pool>");

    check_argv(storage_fs_mount_argv(dev), "mount -t ext4 /dev/sdb1 /mnt/f");
    check_argv(storage_fs_mount_argv(img), "mount -o loop /srv/fs.img /mnt/f");
    check_argv(storage_fs_umount_argv(dev), "umount /mnt/f");
}

static void
test_netfs(void)
{
    g_autoptr(StoragePoolDef) nfs = pool(
        "<pool type='netfs'><name>n</name><source><host name='nas'/><dir path='/export/vm'/>"
        "</source><target><path>/mnt/n</path></target></pool>");
    g_autoptr(StoragePoolDef) cifs = pool(
        "<pool type='netfs'><name>n</name><source><host name='nas'/><dir path='share'/>"
        "<format type='cifs'/></source><target><path>/mnt/n</path></target></pool>");

    check_argv(storage_fs_mount_argv(nfs),
               "mount -t nfs -o nodev,nosuid,noexec nas:/export/vm /mnt/n");
    check_argv(storage_fs_mount_argv(cifs), "mount -t cifs -o guest //nas/share /mnt/n");
}

static StorageVolDef *
vol(const StoragePoolDef *p, const char *xml)
{
    StorageVolDef *def = storage_vol_def_parse_string(p, xml, 0);

    if (!def)
        g_error("vol XML: %s", error_get_last() ? error_get_last()->message : "?");
    return def;
}

static void
test_logical(void)
{
    g_autoptr(StoragePoolDef) p = pool(
        "<pool type='logical'><name>vg0</name><source><device path='/dev/sdc'/>"
        "<device path='/dev/sdd'/><name>vg0</name><format type='lvm2'/></source>"
        "<target><path>/dev/vg0</path></target></pool>");
    g_autoptr(StorageVolDef) full = vol(p, "<volume><name>lv1</name>"
                                        "<capacity unit='MiB'>10</capacity></volume>");
    g_autoptr(StorageVolDef) thin = vol(p, "<volume><name>lv2</name>"
                                        "<capacity unit='GiB'>1</capacity>"
                                        "<allocation unit='MiB'>4</allocation></volume>");

    check_argv(storage_logical_vgcreate_argv(p), "vgcreate vg0 /dev/sdc /dev/sdd");
    check_argv(storage_logical_lvcreate_argv(p, full),
               "lvcreate --yes --name lv1 -L 10240K vg0");
    check_argv(storage_logical_lvcreate_argv(p, thin),
               "lvcreate --yes --name lv2 -L 4096K --virtualsize 1048576K vg0");
}

static void
test_lvs_report(void)
{
    g_autoptr(StoragePoolDef) p = pool(
        "<pool type='logical'><name>vg0</name><source><name>vg0</name></source>"
        "<target><path>/dev/vg0</path></target></pool>");
    StoragePoolObj obj = { .def = p };
    const char *json =
        "{\"report\":[{\"lv\":[{\"lv_name\":\"a\",\"lv_path\":\"/dev/vg0/a\",\"lv_size\":\"1048576\"},"
        "{\"lv_name\":\"thinpool\",\"lv_path\":\"\",\"lv_size\":\"4096\"},"
        "{\"lv_name\":\"b\",\"lv_path\":\"/dev/vg0/b\",\"lv_size\":\"2097152\"}]}]}";
    g_autofree char *sources = NULL;
    StorageVolDef *d;

    obj.vols = g_ptr_array_new_with_free_func((GDestroyNotify) storage_vol_obj_free);
    g_assert_cmpint(storage_logical_parse_lvs(&obj, json), ==, 0);
    g_assert_cmpuint(obj.vols->len, ==, 2);
    d = ((StorageVolObj *) obj.vols->pdata[1])->def;
    g_assert_cmpstr(d->name, ==, "b");
    g_assert_cmpstr(d->target_path, ==, "/dev/vg0/b");
    g_assert_cmpuint(d->capacity, ==, 2097152);
    g_assert_cmpint(d->type, ==, STORAGE_VOL_BLOCK);
    g_assert_cmpint(storage_logical_parse_lvs(&obj, "{\"report\":7}"), ==, -1);
    g_assert_cmpint(storage_logical_parse_lvs(&obj, "not json"), ==, -1);
    g_ptr_array_unref(obj.vols);

    sources = storage_logical_parse_vgs(
        "{\"report\":[{\"vg\":[{\"vg_name\":\"vg0\",\"pv_name\":\"/dev/sdc\"},"
        "{\"vg_name\":\"vg0\",\"pv_name\":\"/dev/sdd\"},"
        "{\"vg_name\":\"data\",\"pv_name\":\"/dev/sde\"}]}]}");
    g_assert_nonnull(sources);
    g_assert_nonnull(strstr(sources, "<name>vg0</name>"));
    g_assert_nonnull(strstr(sources, "<device path=\"/dev/sdd\"/>"));
    g_assert_nonnull(strstr(sources, "<name>data</name>"));
}

static void
test_disk(void)
{
    g_autoptr(StoragePoolDef) gpt = pool(
        "<pool type='disk'><name>d</name><source><device path='/dev/sdb'/>"
        "<format type='gpt'/></source><target><path>/dev</path></target></pool>");
    g_autoptr(StoragePoolDef) dos = pool(
        "<pool type='disk'><name>d</name><source><device path='/dev/loop3'/></source>"
        "<target><path>/dev</path></target></pool>");
    g_autoptr(StorageVolDef) v = vol(gpt, "<volume><name>data</name>"
                                     "<capacity>1048576</capacity></volume>");

    check_argv(storage_disk_mkpart_argv(gpt, v, 1048576, 2097151),
               "parted -s /dev/sdb mkpart data 1048576B 2097151B");
    check_argv(storage_disk_mkpart_argv(dos, v, 1048576, 2097151),
               "parted -s /dev/loop3 mkpart primary 1048576B 2097151B");
}

static void
test_iscsi(void)
{
    g_autoptr(StoragePoolDef) p = pool(
        "<pool type='iscsi'><name>i</name><source><host name='10.0.0.5'/>"
        "<device path='iqn.2013-06.com.example:target0'/></source>"
        "<target><path>/dev/disk/by-path</path></target></pool>");
    g_autoptr(StoragePoolDef) port = pool(
        "<pool type='iscsi'><name>i</name><source><host name='san' port='3261'/>"
        "<device path='iqn.x:y'/></source>"
        "<target><path>/dev/disk/by-path</path></target></pool>");

    check_argv(storage_iscsi_discover_argv(p),
               "iscsiadm --mode discovery --type sendtargets --portal 10.0.0.5:3260");
    check_argv(storage_iscsi_login_argv(p, true),
               "iscsiadm --mode node --portal 10.0.0.5:3260 --targetname "
               "iqn.2013-06.com.example:target0 --login");
    check_argv(storage_iscsi_login_argv(port, false),
               "iscsiadm --mode node --portal san:3261 --targetname iqn.x:y --logout");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/storage/cmdline/fs", test_fs);
    g_test_add_func("/storage/cmdline/netfs", test_netfs);
    g_test_add_func("/storage/cmdline/logical", test_logical);
    g_test_add_func("/storage/cmdline/lvs-report", test_lvs_report);
    g_test_add_func("/storage/cmdline/disk", test_disk);
    g_test_add_func("/storage/cmdline/iscsi", test_iscsi);
    return g_test_run();
}
