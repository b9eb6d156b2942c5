/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

typedef enum {
    VAL_INT,
    VAL_STRING,
    VAL_LIST,
} ValueType;

typedef struct {
    ValueType type;
    gint64 num;
    char *str;
    GPtrArray *list;   /* of char * */
} ConfValue;

typedef struct {
    const char *data;
    size_t len;
    size_t pos;
    int line;
    const char *filename;
} ConfScanner;

typedef enum {
    KEY_INT,
    KEY_PERMS,
    KEY_STRING,
} KeyKind;

typedef struct {
    const char *key;
    KeyKind kind;
    size_t offset;
} ConfKey;

#define INT_KEY(k) { #k, KEY_INT, offsetof(DaemonConfig, k) }
static const ConfKey conf_keys[] = {
    { "unix_sock_group", KEY_STRING, offsetof(DaemonConfig, unix_sock_group) },
    { "unix_sock_dir", KEY_STRING, offsetof(DaemonConfig, unix_sock_dir) },
    { "unix_sock_ro_perms", KEY_PERMS, offsetof(DaemonConfig, unix_sock_ro_perms) },
    { "unix_sock_rw_perms", KEY_PERMS, offsetof(DaemonConfig, unix_sock_rw_perms) },
    { "unix_sock_admin_perms", KEY_PERMS, offsetof(DaemonConfig, unix_sock_admin_perms) },
    INT_KEY(max_clients),
    INT_KEY(max_anonymous_clients),
    INT_KEY(anonymous_timeout),
    INT_KEY(min_workers),
    INT_KEY(max_workers),
    INT_KEY(prio_workers),
    INT_KEY(max_requests),
    INT_KEY(max_client_requests),
    INT_KEY(keepalive_interval),
    INT_KEY(keepalive_count),
    INT_KEY(admin_max_clients),
    INT_KEY(admin_max_workers),
    INT_KEY(log_level),
    /* qemu.conf's user/group: who the VMMs run as */
    { "user", KEY_STRING, offsetof(DaemonConfig, user) },
    { "group", KEY_STRING, offsetof(DaemonConfig, group) },
};

DaemonConfig *
config_new(void)
{
    DaemonConfig *cfg = g_new0(DaemonConfig, 1);

    cfg->unix_sock_ro_perms = 0666;
    cfg->unix_sock_rw_perms = 0600;
    cfg->unix_sock_admin_perms = 0600;
    cfg->max_clients = 5000;
    cfg->max_anonymous_clients = 20;
    cfg->anonymous_timeout = 30;
    cfg->min_workers = 5;
    cfg->max_workers = 20;
    cfg->prio_workers = 5;
    cfg->max_requests = 20;
    cfg->max_client_requests = 5;
    cfg->keepalive_interval = 5;
    cfg->keepalive_count = 5;
    cfg->admin_max_clients = 5000;
    cfg->admin_max_workers = 5;
    cfg->log_level = 3;
    return cfg;
}

void
config_free(DaemonConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->unix_sock_group);
    g_free(cfg->unix_sock_dir);
    g_free(cfg->user);
    g_free(cfg->group);
    g_free(cfg);
}

static void
conf_value_clear(ConfValue *v)
{
    g_clear_pointer(&v->str, g_free);
    g_clear_pointer(&v->list, g_ptr_array_unref);
}

static int
conf_error(ConfScanner *s, const char *what)
{
    error_report(VK_FROM_CONF, VK_ERR_CONF_SYNTAX, _("%1$s:%2$d: %3$s"),
                 s->filename, s->line, what);
    return -1;
}

/* Skips blanks, comments and (if newlines) line ends. */
static void
conf_skip(ConfScanner *s, gboolean newlines)
{
    while (s->pos < s->len) {
        char c = s->data[s->pos];

        if (c == '#') {
            while (s->pos < s->len && s->data[s->pos] != '\n')
                s->pos++;
        } else if (c == '\n' && newlines) {
            s->line++;
            s->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            s->pos++;
        } else {
            break;
        }
    }
}

static int
conf_parse_string(ConfScanner *s, char **out)
{
    char quote = s->data[s->pos++];
    size_t start = s->pos;

    while (s->pos < s->len && s->data[s->pos] != quote) {
        if (s->data[s->pos] == '\n')
            return conf_error(s, _("unterminated string"));
        s->pos++;
    }
    if (s->pos >= s->len)
        return conf_error(s, _("unterminated string"));
    *out = g_strndup(s->data + start, s->pos - start);
    s->pos++;
    return 0;
}

static int
conf_parse_int(ConfScanner *s, gint64 *out)
{
    size_t start = s->pos;
    g_autofree char *text = NULL;
    char *end = NULL;

    if (s->pos < s->len && (s->data[s->pos] == '-' || s->data[s->pos] == '+'))
        s->pos++;
    while (s->pos < s->len && g_ascii_isdigit(s->data[s->pos]))
        s->pos++;
    text = g_strndup(s->data + start, s->pos - start);
    errno = 0;
    *out = g_ascii_strtoll(text, &end, 10);
    if (!*text || *end || errno)
        return conf_error(s, _("expected a number"));
    return 0;
}

static int
conf_parse_list(ConfScanner *s, GPtrArray *list)
{
    s->pos++;  /* '[' */
    for (;;) {
        char *item = NULL;

        conf_skip(s, TRUE);
        if (s->pos >= s->len)
            return conf_error(s, _("unterminated list"));
        if (s->data[s->pos] == ']') {
            s->pos++;
            return 0;
        }
        if (s->data[s->pos] != '"' && s->data[s->pos] != '\'')
            return conf_error(s, _("expected a string in list"));
        if (conf_parse_string(s, &item) < 0)
            return -1;
        g_ptr_array_add(list, item);
        conf_skip(s, TRUE);
        if (s->pos < s->len && s->data[s->pos] == ',')
            s->pos++;
    }
}

static int
conf_parse_value(ConfScanner *s, ConfValue *v)
{
    char c;

    conf_skip(s, FALSE);
    if (s->pos >= s->len)
        return conf_error(s, _("expected a value"));
    c = s->data[s->pos];
    if (c == '"' || c == '\'') {
        v->type = VAL_STRING;
        return conf_parse_string(s, &v->str);
    }
    if (c == '[') {
        v->type = VAL_LIST;
        v->list = g_ptr_array_new_with_free_func(g_free);
        return conf_parse_list(s, v->list);
    }
    v->type = VAL_INT;
    return conf_parse_int(s, &v->num);
}

static int
conf_apply(ConfScanner *s, DaemonConfig *cfg, const char *key, ConfValue *v)
{
    for (size_t i = 0; i < G_N_ELEMENTS(conf_keys); i++) {
        const ConfKey *k = &conf_keys[i];
        char *field = (char *) cfg + k->offset;

        if (strcmp(k->key, key) != 0)
            continue;
        if (k->kind == KEY_STRING) {
            if (v->type != VAL_STRING)
                return conf_error(s, _("expected a string"));
            g_free(*(char **) field);
            *(char **) field = g_steal_pointer(&v->str);
        } else if (k->kind == KEY_PERMS) {
            char *end = NULL;
            guint64 perms;

            if (v->type != VAL_STRING)
                return conf_error(s, _("expected an octal mode string"));
            perms = g_ascii_strtoull(v->str, &end, 8);
            if (!*v->str || *end || perms > 07777)
                return conf_error(s, _("invalid octal mode"));
            *(unsigned *) field = (unsigned) perms;
        } else {
            if (v->type != VAL_INT || v->num < G_MININT || v->num > G_MAXINT)
                return conf_error(s, _("expected a number"));
            *(int *) field = (int) v->num;
        }
        return 0;
    }
    log_warning("%s:%d: unknown setting '%s' ignored", s->filename, s->line, key);
    return 0;
}

static int
conf_parse_entry(ConfScanner *s, DaemonConfig *cfg)
{
    size_t start = s->pos;
    g_autofree char *key = NULL;
    ConfValue v = { 0 };
    int ret;

    while (s->pos < s->len &&
           (g_ascii_isalnum(s->data[s->pos]) || s->data[s->pos] == '_'))
        s->pos++;
    if (s->pos == start)
        return conf_error(s, _("expected a setting name"));
    key = g_strndup(s->data + start, s->pos - start);
    conf_skip(s, FALSE);
    if (s->pos >= s->len || s->data[s->pos] != '=')
        return conf_error(s, _("expected '='"));
    s->pos++;
    if (conf_parse_value(s, &v) < 0) {
        conf_value_clear(&v);
        return -1;
    }
    ret = conf_apply(s, cfg, key, &v);
    conf_value_clear(&v);
    if (ret < 0)
        return -1;
    conf_skip(s, FALSE);
    if (s->pos < s->len && s->data[s->pos] != '\n')
        return conf_error(s, _("unexpected text after value"));
    return 0;
}

int
config_parse_data(DaemonConfig *cfg, const char *data, size_t len,
                  const char *filename)
{
    ConfScanner s = { data, len, 0, 1, filename ? filename : "<config>" };

    for (;;) {
        conf_skip(&s, TRUE);
        if (s.pos >= s.len)
            break;
        if (s.data[s.pos] == '\0')
            return conf_error(&s, _("unexpected NUL byte"));
        if (conf_parse_entry(&s, cfg) < 0)
            return -1;
    }
    if (cfg->log_level < 1 || cfg->log_level > 4)
        return conf_error(&s, _("log_level must be between 1 and 4"));
    return 0;
}

int
config_load_file(DaemonConfig *cfg, const char *path, gboolean optional)
{
    g_autofree char *data = NULL;
    g_autoptr(GError) gerr = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &data, &len, &gerr)) {
        if (optional && g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return 0;
        error_report(VK_FROM_CONF, VK_ERR_OPEN_FAILED, "%s", gerr->message);
        return -1;
    }
    return config_parse_data(cfg, data, len, path);
}
