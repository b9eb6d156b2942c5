/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "util/error.h"
#include "util/i18n.h"
#include "util/log.h"

typedef struct {
    int code;
    const char *with_detail;   /* format used when a detail is given */
    const char *plain;         /* text used when there is none */
} ErrorText;

/* The texts libvirt clients are used to seeing, by code. */
static const ErrorText error_texts[] = {
    { VK_ERR_INTERNAL_ERROR, N_("internal error: %s"), N_("internal error") },
    { VK_ERR_NO_MEMORY, N_("out of memory: %s"), N_("out of memory") },
    { VK_ERR_NO_SUPPORT, N_("this function is not supported by the connection driver: %s"),
      N_("this function is not supported by the connection driver") },
    { VK_ERR_NO_CONNECT, N_("no connection driver available for %s"),
      N_("no connection driver available") },
    { VK_ERR_INVALID_CONN, N_("invalid connection pointer in %s"),
      N_("invalid connection pointer in") },
    { VK_ERR_INVALID_DOMAIN, N_("invalid domain pointer in %s"), N_("invalid domain pointer in") },
    { VK_ERR_INVALID_ARG, N_("invalid argument: %s"), N_("invalid argument") },
    { VK_ERR_OPERATION_FAILED, N_("operation failed: %s"), N_("operation failed") },
    { VK_ERR_OS_TYPE, N_("unknown OS type %s"), N_("unknown OS type") },
    { VK_ERR_NO_SOURCE, N_("missing source information for %s"), N_("missing source information") },
    { VK_ERR_NO_TARGET, N_("missing target information for %s"), N_("missing target information") },
    { VK_ERR_NO_NAME, N_("missing name information in %s"), N_("missing name information") },
    { VK_ERR_NO_DEVICE, N_("missing devices information for %s"), N_("missing devices information") },
    { VK_ERR_XML_ERROR, N_("XML error: %s"), N_("XML description is invalid or not well formed") },
    { VK_ERR_DOM_EXIST, N_("domain %s exists already"), N_("this domain exists already") },
    { VK_ERR_OPERATION_DENIED, N_("operation forbidden: %s"), N_("operation forbidden for read only access") },
    { VK_ERR_OPEN_FAILED, N_("failed to open %s"), N_("failed to open configuration file") },
    { VK_ERR_READ_FAILED, N_("failed to read %s"), N_("failed to read configuration file") },
    { VK_ERR_PARSE_FAILED, N_("failed to parse %s"), N_("failed to parse configuration file") },
    { VK_ERR_CONF_SYNTAX, N_("configuration file syntax error: %s"), N_("configuration file syntax error") },
    { VK_ERR_WRITE_FAILED, N_("failed to write %s"), N_("failed to write configuration file") },
    { VK_ERR_XML_DETAIL, "%s", N_("parser error") },
    { VK_ERR_INVALID_NETWORK, N_("invalid network pointer in %s"), N_("invalid network pointer in") },
    { VK_ERR_NETWORK_EXIST, N_("network %s exists already"), N_("this network exists already") },
    { VK_ERR_SYSTEM_ERROR, "%s", N_("system call error") },
    { VK_ERR_RPC, "%s", N_("RPC error") },
    { VK_ERR_NO_DOMAIN, N_("Domain not found: %s"), N_("Domain not found") },
    { VK_ERR_NO_NETWORK, N_("Network not found: %s"), N_("Network not found") },
    { VK_ERR_INVALID_MAC, N_("invalid MAC address: %s"), N_("invalid MAC address") },
    { VK_ERR_AUTH_FAILED, N_("authentication failed: %s"), N_("authentication failed") },
    { VK_ERR_INVALID_STORAGE_POOL, N_("invalid storage pool pointer in %s"),
      N_("invalid storage pool pointer in") },
    { VK_ERR_INVALID_STORAGE_VOL, N_("invalid storage volume pointer in %s"),
      N_("invalid storage volume pointer in") },
    { VK_ERR_NO_STORAGE_POOL, N_("Storage pool not found: %s"), N_("Storage pool not found") },
    { VK_ERR_NO_STORAGE_VOL, N_("Storage volume not found: %s"), N_("Storage volume not found") },
    { VK_ERR_NO_NODE_DEVICE, N_("Node device not found: %s"), N_("Node device not found") },
    { VK_ERR_NO_SECURITY_MODEL, N_("Security model not found: %s"), N_("Security model not found") },
    { VK_ERR_OPERATION_INVALID, N_("Requested operation is not valid: %s"),
      N_("Requested operation is not valid") },
    { VK_ERR_NO_INTERFACE, N_("Interface not found: %s"), N_("Interface not found") },
    { VK_ERR_INVALID_INTERFACE, N_("invalid interface pointer in %s"), N_("invalid interface pointer in") },
    { VK_ERR_NO_NWFILTER, N_("Network filter not found: %s"), N_("Network filter not found") },
    { VK_ERR_NO_SECRET, N_("Secret not found: %s"), N_("Secret not found") },
    { VK_ERR_CONFIG_UNSUPPORTED, N_("unsupported configuration: %s"), N_("unsupported configuration") },
    { VK_ERR_OPERATION_TIMEOUT, N_("Timed out during operation: %s"), N_("Timed out during operation") },
    { VK_ERR_NO_DOMAIN_SNAPSHOT, N_("Domain snapshot not found: %s"), N_("Domain snapshot not found") },
    { VK_ERR_INVALID_STREAM, N_("invalid stream pointer in %s"), N_("invalid stream pointer in") },
    { VK_ERR_ARGUMENT_UNSUPPORTED, N_("argument unsupported: %s"), N_("argument unsupported") },
    { VK_ERR_STORAGE_POOL_BUILT, N_("Storage pool already built: %s"), N_("Storage pool already built") },
    { VK_ERR_OPERATION_ABORTED, N_("operation aborted: %s"), N_("operation aborted") },
    { VK_ERR_NO_DOMAIN_METADATA, N_("metadata not found: %s"), N_("metadata not found") },
    { VK_ERR_OVERFLOW, N_("value too large: %s"), N_("value too large") },
    { VK_ERR_OPERATION_UNSUPPORTED, N_("Operation not supported: %s"), N_("Operation not supported") },
    { VK_ERR_RESOURCE_BUSY, N_("resource busy: %s"), N_("resource busy") },
    { VK_ERR_ACCESS_DENIED, N_("access denied: %s"), N_("access denied") },
    { VK_ERR_STORAGE_VOL_EXIST, N_("storage volume already exists: %s"), N_("this storage volume exists already") },
    { VK_ERR_XML_INVALID_SCHEMA, N_("XML document failed to validate against schema: %s"),
      N_("XML document failed to validate against schema") },
    { VK_ERR_NO_SERVER, N_("Server not found: %s"), N_("Server not found") },
    { VK_ERR_NO_CLIENT, N_("Client not found: %s"), N_("Client not found") },
    { VK_ERR_DEVICE_MISSING, N_("device not found: %s"), N_("device not found") },
    { VK_ERR_NO_NETWORK_PORT, N_("network port not found: %s"), N_("network port not found") },
};

static GPrivate last_error = G_PRIVATE_INIT((GDestroyNotify) error_free);

static const ErrorText *
error_text_lookup(int code)
{
    for (size_t i = 0; i < G_N_ELEMENTS(error_texts); i++) {
        if (error_texts[i].code == code)
            return &error_texts[i];
    }
    return NULL;
}

const char *
error_code_text(int code)
{
    const ErrorText *t = error_text_lookup(code);

    return t ? _(t->plain) : _("unknown error");
}

void
error_free(VkError *err)
{
    if (!err)
        return;
    g_free(err->message);
    g_free(err->str1);
    g_free(err->str2);
    g_free(err->str3);
    g_free(err);
}

VkError *
error_copy(const VkError *err)
{
    VkError *copy;

    if (!err)
        return NULL;
    copy = g_new0(VkError, 1);
    *copy = *err;
    copy->message = g_strdup(err->message);
    copy->str1 = g_strdup(err->str1);
    copy->str2 = g_strdup(err->str2);
    copy->str3 = g_strdup(err->str3);
    return copy;
}

static void
error_set_detail(int domain, int code, const char *file, const char *func,
                 int line, char *detail)
{
    const ErrorText *t = error_text_lookup(code);
    VkError *err = g_new0(VkError, 1);

    err->code = code;
    err->domain = domain;
    err->level = VK_ERR_LEVEL_ERROR;
    err->int1 = -1;
    err->int2 = -1;
    if (t && detail) {
        err->str1 = g_strdup(_(t->with_detail));
        G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        err->message = g_strdup_printf(err->str1, detail);
#pragma GCC diagnostic pop
        G_GNUC_END_IGNORE_DEPRECATIONS
    } else if (t) {
        err->str1 = g_strdup(_(t->plain));
        err->message = g_strdup(err->str1);
    } else {
        err->str1 = g_strdup("%s");
        err->message = g_strdup(detail ? detail : _("unknown error"));
    }
    err->str2 = detail;

    log_debug("error %d/%d at %s:%d (%s): %s", domain, code, file, line, func,
              err->message);
    g_private_replace(&last_error, err);
}

void
error_report_full(int domain, int code, const char *file, const char *func,
                  int line, const char *fmt, ...)
{
    va_list ap;
    char *detail = NULL;

    if (fmt) {
        va_start(ap, fmt);
        detail = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    error_set_detail(domain, code, file, func, line, detail);
}

void
error_report_errno_full(int domain, int errnum, const char *file,
                        const char *func, int line, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *what = NULL;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_set_detail(domain, VK_ERR_SYSTEM_ERROR, file, func, line,
                     g_strdup_printf("%s: %s", what, g_strerror(errnum)));
}

const VkError *
error_get_last(void)
{
    return g_private_get(&last_error);
}

VkError *
error_steal_last(void)
{
    VkError *err = g_private_get(&last_error);

    g_private_set(&last_error, NULL);
    return err;
}

void
error_restore(VkError *err)
{
    g_private_replace(&last_error, err);
}

void
error_reset(void)
{
    g_private_replace(&last_error, NULL);
}
