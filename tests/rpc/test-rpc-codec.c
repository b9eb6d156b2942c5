/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Packet codec, config parser, paths and the procedure table. */
#include <string.h>

#include <glib.h>

#include "daemon/config.h"
#include "daemon/packet.h"
#include "daemon/protocol/proctable.h"
#include "daemon/protocol/virtkvm_remote.h"
#include "util/paths.h"

static void
test_length_bounds(void)
{
    static const struct { uint32_t len; uint32_t want; } cases[] = {
        { 0, 0 }, { 4, 0 }, { 27, 0 }, { 28, 28 }, { 65536, 65536 },
        { 33554436, 33554436 }, { 33554437, 0 }, { 0x80000000u, 0 },
        { 0xffffffffu, 0 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint8_t b[4] = { cases[i].len >> 24, cases[i].len >> 16,
                         cases[i].len >> 8, cases[i].len };

        g_assert_cmpuint(packet_length_decode(b), ==, cases[i].want);
    }
}

static void
test_roundtrip(void)
{
    PacketHeader hdr = { REMOTE_PROGRAM, 1, 1, 0, 42, 0 }, got;
    char *name = (char *) "qemu:///system";
    remote_connect_open_args args = { &name, 1 }, back;
    g_autoptr(GByteArray) buf = packet_build(&hdr, -1,
                                             (xdrproc_t) xdr_remote_connect_open_args,
                                             &args, NULL, 0);
    size_t off;

    g_assert_nonnull(buf);
    g_assert_cmpuint(buf->len, ==, 28 + 4 + 4 + 16 + 4);
    g_assert_cmpint(packet_header_decode(buf->data, buf->len, &got, &off), ==, 0);
    g_assert_cmpuint(got.prog, ==, REMOTE_PROGRAM);
    g_assert_cmpint(got.proc, ==, 1);
    g_assert_cmpuint(got.serial, ==, 42);
    g_assert_cmpuint(off, ==, 28);
    memset(&back, 0, sizeof(back));
    g_assert_cmpint(packet_payload_decode(buf->data, buf->len, off,
                                          (xdrproc_t) xdr_remote_connect_open_args,
                                          &back), ==, 0);
    g_assert_cmpstr(*back.name, ==, "qemu:///system");
    g_assert_cmpuint(back.flags, ==, 1);
    xdr_free((xdrproc_t) xdr_remote_connect_open_args, (char *) &back);

    /* Trailing garbage and truncation are rejected. */
    memset(&back, 0, sizeof(back));
    g_assert_cmpint(packet_payload_decode(buf->data, buf->len - 4, off,
                                          (xdrproc_t) xdr_remote_connect_open_args,
                                          &back), ==, -1);
    /* A length word that disagrees with the buffer. */
    buf->data[3]++;
    g_assert_cmpint(packet_header_decode(buf->data, buf->len, &got, &off), ==, -1);
}

static void
test_error_packet(void)
{
    PacketHeader hdr = { REMOTE_PROGRAM, 1, 23, 1, 5, 1 }, got;
    VkError err = { 42, 10, 2, (char *) "Domain not found: x", (char *) "Domain not found: %s",
                    (char *) "x", NULL, -1, -1 };
    g_autoptr(GByteArray) buf = packet_build_error(&hdr, &err);
    g_autoptr(VkError) back = NULL;
    size_t off;

    g_assert_nonnull(buf);
    g_assert_cmpint(packet_header_decode(buf->data, buf->len, &got, &off), ==, 0);
    back = packet_error_decode(buf->data, buf->len, off);
    g_assert_nonnull(back);
    g_assert_cmpint(back->code, ==, 42);
    g_assert_cmpint(back->domain, ==, 10);
    g_assert_cmpstr(back->message, ==, "Domain not found: x");
    g_assert_cmpstr(back->str2, ==, "x");
    g_assert_null(back->str3);
    g_assert_cmpint(back->int1, ==, -1);
}

static void
test_raw_and_fds(void)
{
    PacketHeader hdr = { REMOTE_PROGRAM, 1, 209, 3, 9, 2 }, got;
    g_autoptr(GByteArray) buf = packet_build(&hdr, -1, NULL, NULL, "abc", 3);
    g_autoptr(GByteArray) fds = NULL;
    size_t off;
    unsigned n = 0;

    g_assert_cmpuint(buf->len, ==, 31);
    g_assert_cmpint(packet_header_decode(buf->data, buf->len, &got, &off), ==, 0);
    g_assert_cmpmem(buf->data + off, 3, "abc", 3);
    hdr.type = 4;
    fds = packet_build(&hdr, 2, NULL, NULL, NULL, 0);
    g_assert_cmpint(packet_header_decode(fds->data, fds->len, &got, &off), ==, 0);
    g_assert_cmpint(packet_nfds_decode(fds->data, fds->len, &off, &n), ==, 0);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(off, ==, 32);
    fds->data[31] = 33;   /* more than VIR_NET_MESSAGE_NUM_FDS_MAX */
    off = 28;
    g_assert_cmpint(packet_nfds_decode(fds->data, fds->len, &off, &n), ==, -1);
}

static void
test_config(void)
{
    g_autoptr(DaemonConfig) cfg = config_new();
    const char *text =
        "# comment\n"
        "unix_sock_group = \"libvirt\"\n"
        "unix_sock_rw_perms = \"0660\"   # trailing\n"
        "max_clients = 10\n"
        "keepalive_interval = -1\n"
        "some_unknown_key = [ \"a\", \"b\",\n  \"c\" ]\n"
        "log_level = 2\n";
    g_autofree char *path = g_build_filename(g_getenv("VIRTKVM_SOURCE_ROOT") ?
                                             g_getenv("VIRTKVM_SOURCE_ROOT") : SOURCE_ROOT,
                                             "data", "virtkvmd.conf", NULL);
    static const char *const bad[] = {
        "max_clients = \"x\"\n", "unix_sock_rw_perms = \"0999\"\n",
        "unix_sock_group = \"open\n", "max_clients 5\n", "max_clients = 5 6\n",
        "log_level = 9\n", "= 3\n", "max_clients = 99999999999\n",
    };

    g_assert_cmpint(config_parse_data(cfg, text, strlen(text), "t"), ==, 0);
    g_assert_cmpstr(cfg->unix_sock_group, ==, "libvirt");
    g_assert_cmpuint(cfg->unix_sock_rw_perms, ==, 0660);
    g_assert_cmpuint(cfg->unix_sock_ro_perms, ==, 0666);
    g_assert_cmpint(cfg->max_clients, ==, 10);
    g_assert_cmpint(cfg->keepalive_interval, ==, -1);
    g_assert_cmpint(cfg->log_level, ==, 2);
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(DaemonConfig) c = config_new();

        g_assert_cmpint(config_parse_data(c, bad[i], strlen(bad[i]), "bad"), ==, -1);
    }
    /* The shipped default file parses and holds the defaults. */
    {
        g_autoptr(DaemonConfig) c = config_new();

        g_assert_cmpint(config_load_file(c, path, FALSE), ==, 0);
        g_assert_cmpint(c->max_anonymous_clients, ==, 20);
        g_assert_cmpuint(c->unix_sock_rw_perms, ==, 0600);
    }
}

static void
test_paths(void)
{
    g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

    paths_init("/tmp/x/");
    a = paths_socket(PATHS_SOCK_RW);
    g_assert_cmpstr(a, ==, "/tmp/x/run/libvirt/libvirt-sock");
    b = paths_config_dir();
    g_assert_cmpstr(b, ==, "/tmp/x/etc/virtkvm");
    paths_set_socket_dir("/var/run/sock");
    c = paths_socket(PATHS_SOCK_ADMIN);
    g_assert_cmpstr(c, ==, "/tmp/x/var/run/sock/libvirt-admin-sock");
    paths_set_socket_dir(NULL);
    paths_init("/");
    d = paths_socket(PATHS_SOCK_RO);
    g_assert_cmpstr(d, ==, "/run/libvirt/libvirt-sock-ro");
    g_assert_cmpstr(paths_root(), ==, "");
}

static void
test_proctable(void)
{
    g_assert_cmpuint(proctable_remote_nprocs, ==, 444);
    g_assert_cmpstr(proctable_remote_procs[1].name, ==, "CONNECT_OPEN");
    g_assert_cmpstr(proctable_remote_procs[66].name, ==, "AUTH_LIST");
    g_assert_cmpstr(proctable_remote_procs[443].name, !=, NULL);
    g_assert_null(proctable_remote_procs[0].name);
    g_assert_true(proctable_remote_procs[11].flags & PROC_MUTATING);   /* DEFINE_XML */
    g_assert_true(proctable_remote_procs[12].flags & PROC_MUTATING);   /* DESTROY */
    g_assert_false(proctable_remote_procs[23].flags & PROC_MUTATING);  /* LOOKUP */
    g_assert_false(proctable_remote_procs[273].flags & PROC_MUTATING); /* LIST_ALL */
    g_assert_false(proctable_remote_procs[7].flags & PROC_MUTATING);   /* CAPABILITIES */
    g_assert_true(proctable_remote_procs[201].flags & PROC_MUTATING);  /* OPEN_CONSOLE */
    g_assert_cmpstr(proctable_admin_procs[8].name, ==, "SERVER_LIST_CLIENTS");
    for (size_t i = 1; i < proctable_remote_nprocs; i++)
        g_assert_nonnull(proctable_remote_procs[i].name);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rpc/packet/length", test_length_bounds);
    g_test_add_func("/rpc/packet/roundtrip", test_roundtrip);
    g_test_add_func("/rpc/packet/error", test_error_packet);
    g_test_add_func("/rpc/packet/raw-fds", test_raw_and_fds);
    g_test_add_func("/rpc/config", test_config);
    g_test_add_func("/rpc/paths", test_paths);
    g_test_add_func("/rpc/proctable", test_proctable);
    return g_test_run();
}
