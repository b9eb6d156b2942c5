/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Launch description parser.  Strict: an unknown key, a wrong type or an
 * out-of-range value is an error naming the offending key, so a daemon bug
 * never turns into a silently different guest.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "hv/core/launch.h"
#include "util/i18n.h"

typedef struct {
    char *err;
} Ctx;

static bool G_GNUC_PRINTF(2, 3)
fail(Ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    if (!ctx->err) {
        va_start(ap, fmt);
        ctx->err = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    return false;
}

/* Rejects any key of @obj not in the NULL-terminated @allowed. */
static bool
check_keys(Ctx *ctx, const char *where, json_object *obj,
           const char *const *allowed)
{
    json_object_object_foreach(obj, key, val) {
        bool ok = false;
        (void)val;
        for (size_t i = 0; allowed[i]; i++) {
            if (strcmp(key, allowed[i]) == 0)
                ok = true;
        }
        if (!ok)
            return fail(ctx, _("unknown key '%1$s' in %2$s"), key, where);
    }
    return true;
}

static bool
get_obj(Ctx *ctx, json_object *obj, const char *key, json_object **out)
{
    json_object *v;

    *out = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
        return true;
    if (!json_object_is_type(v, json_type_object))
        return fail(ctx, _("'%1$s' must be an object"), key);
    *out = v;
    return true;
}

static bool
get_str(Ctx *ctx, json_object *obj, const char *key, char **out)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
        return true;
    if (!json_object_is_type(v, json_type_string))
        return fail(ctx, _("'%1$s' must be a string"), key);
    if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
        return fail(ctx, _("'%1$s' contains a NUL byte"), key);
    g_free(*out);
    *out = g_strdup(json_object_get_string(v));
    return true;
}

static bool
get_bool(Ctx *ctx, json_object *obj, const char *key, bool *out)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v))
        return true;
    if (!json_object_is_type(v, json_type_boolean))
        return fail(ctx, _("'%1$s' must be true or false"), key);
    *out = json_object_get_boolean(v);
    return true;
}

static bool
get_uint(Ctx *ctx, json_object *obj, const char *key, uint64_t min,
         uint64_t max, uint64_t *out, bool *present)
{
    json_object *v;
    int64_t n;

    if (present)
        *present = false;
    if (!json_object_object_get_ex(obj, key, &v))
        return true;
    if (!json_object_is_type(v, json_type_int))
        return fail(ctx, _("'%1$s' must be an integer"), key);
    errno = 0;
    n = json_object_get_int64(v);
    if (errno != 0 || n < 0 || (uint64_t)n < min || (uint64_t)n > max)
        return fail(ctx, _("'%1$s' is out of range (%2$llu..%3$llu)"), key,
                    (unsigned long long)min, (unsigned long long)max);
    *out = (uint64_t)n;
    if (present)
        *present = true;
    return true;
}

static bool
get_fd(Ctx *ctx, json_object *obj, const char *key, int *fd)
{
    uint64_t n = 0;
    bool present;

    if (!get_uint(ctx, obj, key, 0, 65535, &n, &present))
        return false;
    if (present)
        *fd = (int)n;
    return true;
}

static bool
parse_memory(Ctx *ctx, json_object *root, LaunchDesc *d)
{
    static const char *const keys[] = { "size-mib", "backing", "shared", "merge", "thp", NULL };
    g_autofree char *backing = NULL;
    json_object *m;
    uint64_t mib = 0;
    bool present;

    if (!get_obj(ctx, root, "memory", &m))
        return false;
    if (!m)
        return fail(ctx, _("missing 'memory'"));
    if (!check_keys(ctx, "memory", m, keys) ||
        !get_uint(ctx, m, "size-mib", LAUNCH_MIN_MEM >> 20, LAUNCH_MAX_MEM >> 20, &mib, &present) ||
        !get_str(ctx, m, "backing", &backing) ||
        !get_bool(ctx, m, "shared", &d->mem_shared) ||
        !get_bool(ctx, m, "merge", &d->mem_merge) ||
        !get_bool(ctx, m, "thp", &d->mem_thp))
        return false;
    if (!present)
        return fail(ctx, _("missing 'memory.size-mib'"));
    d->mem_size = mib << 20;
    if (!backing || strcmp(backing, "memfd") == 0)
        d->backing = LAUNCH_BACKING_MEMFD;
    else if (strcmp(backing, "hugepages") == 0)
        d->backing = LAUNCH_BACKING_HUGEPAGES;
    else if (strcmp(backing, "anonymous") == 0)
        d->backing = LAUNCH_BACKING_ANONYMOUS;
    else
        return fail(ctx, _("unknown memory backing '%1$s'"), backing);
    if (d->backing == LAUNCH_BACKING_HUGEPAGES && (d->mem_size & ((2ULL << 20) - 1)))
        return fail(ctx, _("hugepage-backed memory must be a multiple of 2 MiB"));
    if (d->backing == LAUNCH_BACKING_ANONYMOUS && d->mem_shared)
        return fail(ctx, _("anonymous memory cannot be shared"));
    return true;
}

static bool
parse_cpus(Ctx *ctx, json_object *root, LaunchDesc *d)
{
    static const char *const keys[] = { "count", "sockets", "cores", "threads", NULL };
    json_object *c;
    uint64_t n = 1, s = 0, co = 0, t = 0;
    bool ps, pc, pt;

    if (!get_obj(ctx, root, "vcpus", &c))
        return false;
    if (c) {
        if (!check_keys(ctx, "vcpus", c, keys) ||
            !get_uint(ctx, c, "count", 1, LAUNCH_MAX_VCPUS, &n, NULL) ||
            !get_uint(ctx, c, "sockets", 1, LAUNCH_MAX_VCPUS, &s, &ps) ||
            !get_uint(ctx, c, "cores", 1, LAUNCH_MAX_VCPUS, &co, &pc) ||
            !get_uint(ctx, c, "threads", 1, LAUNCH_MAX_VCPUS, &t, &pt))
            return false;
    } else {
        ps = pc = pt = false;
    }
    if (!ps && !pc && !pt) {
        s = n;
        co = t = 1;
    } else {
        if (!ps)
            s = 1;
        if (!pc)
            co = 1;
        if (!pt)
            t = 1;
    }
    if (s * co * t != n)
        return fail(ctx, _("vcpus: sockets*cores*threads (%1$llu) must equal count (%2$llu)"),
                    (unsigned long long)(s * co * t), (unsigned long long)n);
    d->vcpus = n;
    d->sockets = s;
    d->cores = co;
    d->threads = t;
    return true;
}

static bool
parse_boot(Ctx *ctx, json_object *root, LaunchDesc *d)
{
    static const char *const keys[] = { "kernel", "kernel-fd", "initrd", "initrd-fd",
                                        "cmdline", NULL };
    json_object *b;

    if (!get_obj(ctx, root, "boot", &b))
        return false;
    if (!b)
        return fail(ctx, _("missing 'boot'"));
    if (!check_keys(ctx, "boot", b, keys) ||
        !get_str(ctx, b, "kernel", &d->kernel) ||
        !get_fd(ctx, b, "kernel-fd", &d->kernel_fd) ||
        !get_str(ctx, b, "initrd", &d->initrd) ||
        !get_fd(ctx, b, "initrd-fd", &d->initrd_fd) ||
        !get_str(ctx, b, "cmdline", &d->cmdline))
        return false;
    if (d->kernel && d->kernel_fd >= 0)
        return fail(ctx, _("'boot.kernel' and 'boot.kernel-fd' are exclusive"));
    if (d->initrd && d->initrd_fd >= 0)
        return fail(ctx, _("'boot.initrd' and 'boot.initrd-fd' are exclusive"));
    if ((!d->kernel || !*d->kernel) && d->kernel_fd < 0)
        return fail(ctx, _("missing 'boot.kernel'"));
    if (d->cmdline && strlen(d->cmdline) >= 0x10000)
        return fail(ctx, _("'boot.cmdline' is too long"));
    return true;
}

static bool
parse_char(Ctx *ctx, json_object *obj, const char *where, LaunchChar *c)
{
    static const char *const keys[] = { "type", "path", "fd", NULL };
    g_autofree char *type = NULL;

    c->fd = -1;
    if (!check_keys(ctx, where, obj, keys) ||
        !get_str(ctx, obj, "type", &type) ||
        !get_str(ctx, obj, "path", &c->path) ||
        !get_fd(ctx, obj, "fd", &c->fd))
        return false;
    if (!type)
        return fail(ctx, _("missing 'type' in %1$s"), where);
    if (strcmp(type, "none") == 0)
        c->type = LAUNCH_CHAR_NONE;
    else if (strcmp(type, "file") == 0)
        c->type = LAUNCH_CHAR_FILE;
    else if (strcmp(type, "pty") == 0)
        c->type = LAUNCH_CHAR_PTY;
    else if (strcmp(type, "unix") == 0)
        c->type = LAUNCH_CHAR_UNIX;
    else if (strcmp(type, "fd") == 0)
        c->type = LAUNCH_CHAR_FD;
    else if (strcmp(type, "stdio") == 0)
        c->type = LAUNCH_CHAR_STDIO;
    else
        return fail(ctx, _("unknown %1$s type '%2$s'"), where, type);
    if ((c->type == LAUNCH_CHAR_FILE || c->type == LAUNCH_CHAR_UNIX) && !c->path)
        return fail(ctx, _("%1$s of type '%2$s' needs 'path'"), where, type);
    if (c->type == LAUNCH_CHAR_FD && c->fd < 0)
        return fail(ctx, _("%1$s of type 'fd' needs 'fd'"), where);
    if (c->type == LAUNCH_CHAR_UNIX && strlen(c->path) >= 108)
        return fail(ctx, _("%1$s socket path is too long"), where);
    return true;
}

static bool
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned int b[6];
    char end;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &end) != 6)
        return false;
    if (strlen(s) != 17)
        return false;
    for (int i = 0; i < 6; i++)
        mac[i] = b[i];
    return !(mac[0] & 1);
}

static void
launch_disk_free(gpointer p)
{
    LaunchDisk *d = p;

    g_free(d->id);
    g_free(d->path);
    g_free(d->format);
    g_free(d->serial);
    g_free(d);
}

static void
launch_nic_free(gpointer p)
{
    LaunchNic *n = p;

    g_free(n->id);
    g_free(n->tap);
    g_free(n);
}

static bool
parse_disk(Ctx *ctx, json_object *o, unsigned int idx, LaunchDesc *d)
{
    static const char *const keys[] = { "id", "path", "fd", "format", "readonly", "serial", NULL };
    LaunchDisk *disk = g_new0(LaunchDisk, 1);

    disk->fd = -1;
    g_ptr_array_add(d->disks, disk);
    if (!json_object_is_type(o, json_type_object))
        return fail(ctx, _("disks[%1$u] must be an object"), idx);
    if (!check_keys(ctx, "disks[]", o, keys) ||
        !get_str(ctx, o, "id", &disk->id) ||
        !get_str(ctx, o, "path", &disk->path) ||
        !get_fd(ctx, o, "fd", &disk->fd) ||
        !get_str(ctx, o, "format", &disk->format) ||
        !get_bool(ctx, o, "readonly", &disk->readonly) ||
        !get_str(ctx, o, "serial", &disk->serial))
        return false;
    if (!disk->path == (disk->fd < 0))
        return fail(ctx, _("disks[%1$u] needs exactly one of 'path' and 'fd'"), idx);
    if (!disk->format)
        disk->format = g_strdup("raw");
    if (strcmp(disk->format, "raw") != 0 && strcmp(disk->format, "qcow2") != 0)
        return fail(ctx, _("disks[%1$u]: unknown format '%2$s'"), idx, disk->format);
    if (disk->serial && strlen(disk->serial) > 20)
        return fail(ctx, _("disks[%1$u]: serial longer than 20 bytes"), idx);
    if (!disk->id)
        disk->id = g_strdup_printf("disk%u", idx);
    return true;
}

static bool
parse_nic(Ctx *ctx, json_object *o, unsigned int idx, LaunchDesc *d)
{
    static const char *const keys[] = { "id", "tap", "fd", "mac", NULL };
    g_autofree char *mac = NULL;
    LaunchNic *nic = g_new0(LaunchNic, 1);

    nic->fd = -1;
    g_ptr_array_add(d->nics, nic);
    if (!json_object_is_type(o, json_type_object))
        return fail(ctx, _("nics[%1$u] must be an object"), idx);
    if (!check_keys(ctx, "nics[]", o, keys) ||
        !get_str(ctx, o, "id", &nic->id) ||
        !get_str(ctx, o, "tap", &nic->tap) ||
        !get_fd(ctx, o, "fd", &nic->fd) ||
        !get_str(ctx, o, "mac", &mac))
        return false;
    if (!nic->tap == (nic->fd < 0))
        return fail(ctx, _("nics[%1$u] needs exactly one of 'tap' and 'fd'"), idx);
    if (nic->tap && strlen(nic->tap) >= 16)
        return fail(ctx, _("nics[%1$u]: tap name too long"), idx);
    if (mac) {
        if (!parse_mac(mac, nic->mac))
            return fail(ctx, _("nics[%1$u]: invalid MAC address '%2$s'"), idx, mac);
    } else {
        uint8_t def[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + idx) };
        memcpy(nic->mac, def, 6);
    }
    if (!nic->id)
        nic->id = g_strdup_printf("net%u", idx);
    return true;
}

static bool
parse_array(Ctx *ctx, json_object *root, const char *key, LaunchDesc *d,
            bool (*item)(Ctx *, json_object *, unsigned int, LaunchDesc *))
{
    json_object *a;

    if (!json_object_object_get_ex(root, key, &a))
        return true;
    if (!json_object_is_type(a, json_type_array))
        return fail(ctx, _("'%1$s' must be an array"), key);
    if (json_object_array_length(a) > 16)
        return fail(ctx, _("too many entries in '%1$s'"), key);
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        if (!item(ctx, json_object_array_get_idx(a, i), i, d))
            return false;
    }
    return true;
}

static bool
parse_devices(Ctx *ctx, json_object *root, LaunchDesc *d)
{
    static const char *const rng_keys[] = { "source", NULL };
    static const char *const no_keys[] = { NULL };
    json_object *o;

    if (!get_obj(ctx, root, "serial", &o))
        return false;
    if (o && !parse_char(ctx, o, "serial", &d->serial))
        return false;
    if (!get_obj(ctx, root, "console", &o))
        return false;
    if (o) {
        d->has_console = true;
        if (!parse_char(ctx, o, "console", &d->console))
            return false;
    }
    if (!get_obj(ctx, root, "rng", &o))
        return false;
    if (o) {
        d->rng = true;
        if (!check_keys(ctx, "rng", o, rng_keys) || !get_str(ctx, o, "source", &d->rng_source))
            return false;
    }
    if (!get_obj(ctx, root, "balloon", &o))
        return false;
    if (o) {
        d->balloon = true;
        if (!check_keys(ctx, "balloon", o, no_keys))
            return false;
    }
    if (!get_bool(ctx, root, "pvpanic", &d->pvpanic))
        return false;
    return parse_array(ctx, root, "disks", d, parse_disk) &&
           parse_array(ctx, root, "nics", d, parse_nic);
}

static bool
parse_control(Ctx *ctx, json_object *root, LaunchDesc *d)
{
    static const char *const keys[] = { "path", "fd", NULL };
    json_object *c;

    if (!get_obj(ctx, root, "control", &c))
        return false;
    if (!c)
        return true;
    if (!check_keys(ctx, "control", c, keys) ||
        !get_str(ctx, c, "path", &d->control_path) ||
        !get_fd(ctx, c, "fd", &d->control_fd))
        return false;
    if (d->control_path && d->control_fd >= 0)
        return fail(ctx, _("'control' takes 'path' or 'fd', not both"));
    if (d->control_path && strlen(d->control_path) >= 108)
        return fail(ctx, _("control socket path is too long"));
    return true;
}

static bool
parse_root(Ctx *ctx, json_object *root, LaunchDesc *d)
{
    static const char *const keys[] = {
        "name", "memory", "vcpus", "boot", "serial", "console", "disks", "nics",
        "rng", "balloon", "pvpanic", "control", "kvm-fd", "on-reset", "on-panic", "start-paused", NULL
    };
    g_autofree char *on_reset = NULL;
    g_autofree char *on_panic = NULL;

    if (!json_object_is_type(root, json_type_object))
        return fail(ctx, _("the launch description must be a JSON object"));
    if (!check_keys(ctx, "the launch description", root, keys) ||
        !get_str(ctx, root, "name", &d->name) ||
        !parse_memory(ctx, root, d) ||
        !parse_cpus(ctx, root, d) ||
        !parse_boot(ctx, root, d) ||
        !parse_devices(ctx, root, d) ||
        !parse_control(ctx, root, d) ||
        !get_fd(ctx, root, "kvm-fd", &d->kvm_fd) ||
        !get_str(ctx, root, "on-reset", &on_reset) ||
        !get_str(ctx, root, "on-panic", &on_panic) ||
        !get_bool(ctx, root, "start-paused", &d->start_paused))
        return false;
    if (!d->name || !*d->name)
        return fail(ctx, _("missing 'name'"));
    if (strlen(d->name) > 200 || strchr(d->name, '/') || strchr(d->name, '\n'))
        return fail(ctx, _("invalid guest name"));
    if (!on_reset || strcmp(on_reset, "reset") == 0)
        d->on_reset = LAUNCH_ON_RESET_RESET;
    else if (strcmp(on_reset, "shutdown") == 0)
        d->on_reset = LAUNCH_ON_RESET_SHUTDOWN;
    else
        return fail(ctx, _("unknown on-reset action '%1$s'"), on_reset);
    if (on_panic && strcmp(on_panic, "pause") != 0 && strcmp(on_panic, "shutdown") != 0)
        return fail(ctx, _("unknown on-panic action '%1$s'"), on_panic);
    d->panic_shutdown = on_panic && strcmp(on_panic, "shutdown") == 0;
    return true;
}

void
launch_desc_free(LaunchDesc *d)
{
    if (!d)
        return;
    g_free(d->name);
    g_free(d->kernel);
    g_free(d->initrd);
    g_free(d->cmdline);
    g_free(d->serial.path);
    g_free(d->console.path);
    g_ptr_array_unref(d->disks);
    g_ptr_array_unref(d->nics);
    g_free(d->rng_source);
    g_free(d->control_path);
    g_free(d);
}

LaunchDesc *
launch_desc_parse(const char *data, size_t len, char **err)
{
    g_autoptr(LaunchDesc) d = g_new0(LaunchDesc, 1);
    json_tokener *tok;
    json_object *root;
    Ctx ctx = { NULL };
    bool ok;

    d->disks = g_ptr_array_new_with_free_func(launch_disk_free);
    d->nics = g_ptr_array_new_with_free_func(launch_nic_free);
    d->control_fd = -1;
    d->kvm_fd = -1;
    d->kernel_fd = -1;
    d->initrd_fd = -1;
    d->serial.fd = -1;
    d->console.fd = -1;
    if (len > (1 << 20)) {
        *err = g_strdup(_("the launch description is larger than 1 MiB"));
        return NULL;
    }
    tok = json_tokener_new_ex(32);
    root = json_tokener_parse_ex(tok, data, (int)len);
    if (!root || json_tokener_get_error(tok) != json_tokener_success) {
        *err = g_strdup_printf(_("invalid JSON: %1$s"),
                               json_tokener_error_desc(json_tokener_get_error(tok)));
        json_object_put(root);
        json_tokener_free(tok);
        return NULL;
    }
    for (size_t i = json_tokener_get_parse_end(tok); i < len; i++) {
        if (!g_ascii_isspace(data[i])) {
            json_object_put(root);
            json_tokener_free(tok);
            *err = g_strdup(_("trailing data after the JSON object"));
            return NULL;
        }
    }
    json_tokener_free(tok);
    ok = parse_root(&ctx, root, d);
    json_object_put(root);
    if (!ok) {
        *err = ctx.err ? ctx.err : g_strdup("invalid launch description");
        return NULL;
    }
    return g_steal_pointer(&d);
}
