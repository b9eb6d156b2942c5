/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one error object of the daemon layers (util, conf, security, driver,
 * daemon): a function that fails reports here at the point of failure and
 * returns -1 or NULL; the RPC layer turns the last error of the calling
 * thread into libvirt's remote_error.  Codes and domains are libvirt's
 * wire values (virterror.h), so clients print their usual messages.
 */
#pragma once

#include <stdarg.h>
#include <glib.h>

typedef enum {
    VK_FROM_NONE = 0,
    VK_FROM_XML = 5,
    VK_FROM_RPC = 7,
    VK_FROM_CONF = 9,
    VK_FROM_QEMU = 10,
    VK_FROM_REMOTE = 13,
    VK_FROM_STORAGE = 18,
    VK_FROM_NETWORK = 19,
    VK_FROM_DOMAIN = 20,
    VK_FROM_NODEDEV = 22,
    VK_FROM_SECURITY = 24,
    VK_FROM_INTERFACE = 26,
    VK_FROM_SECRET = 30,
    VK_FROM_CPU = 31,
    VK_FROM_DOMAIN_SNAPSHOT = 35,
    VK_FROM_SYSINFO = 37,
    VK_FROM_STREAMS = 38,
    VK_FROM_EVENT = 40,
    VK_FROM_CAPABILITIES = 44,
    VK_FROM_URI = 45,
    VK_FROM_AUTH = 46,
    VK_FROM_DBUS = 47,
    VK_FROM_DEVICE = 49,
    VK_FROM_CGROUP = 54,
    VK_FROM_ACCESS = 55,
    VK_FROM_SYSTEMD = 56,
    VK_FROM_FIREWALL = 59,
    VK_FROM_POLKIT = 60,
    VK_FROM_THREAD = 61,
    VK_FROM_ADMIN = 62,
    VK_FROM_LOGGING = 63,
} VkErrorDomain;

typedef enum {
    VK_ERR_OK = 0,
    VK_ERR_INTERNAL_ERROR = 1,
    VK_ERR_NO_MEMORY = 2,
    VK_ERR_NO_SUPPORT = 3,
    VK_ERR_NO_CONNECT = 5,
    VK_ERR_INVALID_CONN = 6,
    VK_ERR_INVALID_DOMAIN = 7,
    VK_ERR_INVALID_ARG = 8,
    VK_ERR_OPERATION_FAILED = 9,
    VK_ERR_OS_TYPE = 16,
    VK_ERR_NO_SOURCE = 19,
    VK_ERR_NO_TARGET = 20,
    VK_ERR_NO_NAME = 21,
    VK_ERR_NO_DEVICE = 23,
    VK_ERR_XML_ERROR = 27,
    VK_ERR_DOM_EXIST = 28,
    VK_ERR_OPERATION_DENIED = 29,
    VK_ERR_OPEN_FAILED = 30,
    VK_ERR_READ_FAILED = 31,
    VK_ERR_PARSE_FAILED = 32,
    VK_ERR_CONF_SYNTAX = 33,
    VK_ERR_WRITE_FAILED = 34,
    VK_ERR_XML_DETAIL = 35,
    VK_ERR_INVALID_NETWORK = 36,
    VK_ERR_NETWORK_EXIST = 37,
    VK_ERR_SYSTEM_ERROR = 38,
    VK_ERR_RPC = 39,
    VK_ERR_NO_DOMAIN = 42,
    VK_ERR_NO_NETWORK = 43,
    VK_ERR_INVALID_MAC = 44,
    VK_ERR_AUTH_FAILED = 45,
    VK_ERR_INVALID_STORAGE_POOL = 46,
    VK_ERR_INVALID_STORAGE_VOL = 47,
    VK_ERR_NO_STORAGE_POOL = 49,
    VK_ERR_NO_STORAGE_VOL = 50,
    VK_ERR_NO_NODE_DEVICE = 53,
    VK_ERR_NO_SECURITY_MODEL = 54,
    VK_ERR_OPERATION_INVALID = 55,
    VK_ERR_NO_INTERFACE = 57,
    VK_ERR_INVALID_INTERFACE = 58,
    VK_ERR_NO_NWFILTER = 62,
    VK_ERR_NO_SECRET = 66,
    VK_ERR_CONFIG_UNSUPPORTED = 67,
    VK_ERR_OPERATION_TIMEOUT = 68,
    VK_ERR_NO_DOMAIN_SNAPSHOT = 72,
    VK_ERR_INVALID_STREAM = 73,
    VK_ERR_ARGUMENT_UNSUPPORTED = 74,
    VK_ERR_STORAGE_POOL_BUILT = 76,
    VK_ERR_OPERATION_ABORTED = 78,
    VK_ERR_NO_DOMAIN_METADATA = 80,
    VK_ERR_OVERFLOW = 82,
    VK_ERR_OPERATION_UNSUPPORTED = 84,
    VK_ERR_RESOURCE_BUSY = 87,
    VK_ERR_ACCESS_DENIED = 88,
    VK_ERR_STORAGE_VOL_EXIST = 90,
    VK_ERR_XML_INVALID_SCHEMA = 92,
    VK_ERR_NO_SERVER = 95,
    VK_ERR_NO_CLIENT = 96,
    VK_ERR_DEVICE_MISSING = 99,
    VK_ERR_NO_NETWORK_PORT = 107,
} VkErrorCode;

typedef enum {
    VK_ERR_LEVEL_NONE = 0,
    VK_ERR_LEVEL_WARNING = 1,
    VK_ERR_LEVEL_ERROR = 2,
} VkErrorLevel;

/* What one failure left behind; mirrors the fields of remote_error. */
typedef struct {
    int code;           /* VkErrorCode */
    int domain;         /* VkErrorDomain */
    int level;          /* VkErrorLevel */
    char *message;      /* full message: "<prefix>: <detail>" */
    char *str1;         /* the untranslated-format prefix, as libvirt sends */
    char *str2;         /* the detail */
    char *str3;
    int int1;
    int int2;
} VkError;

/*
 * Records an error for the calling thread, replacing any earlier one.
 * The message is "<standard text for code>: <detail>", as libvirt forms it.
 */
void error_report_full(int domain, int code, const char *file,
                       const char *func, int line,
                       const char *fmt, ...) G_GNUC_PRINTF(6, 7);

#define error_report(domain, code, ...) \
    error_report_full(domain, code, __FILE__, __func__, __LINE__, __VA_ARGS__)

/* As error_report with detail "<fmt>: <strerror(errnum)>". */
void error_report_errno_full(int domain, int errnum, const char *file,
                             const char *func, int line,
                             const char *fmt, ...) G_GNUC_PRINTF(6, 7);

#define error_report_errno(domain, errnum, ...) \
    error_report_errno_full(domain, errnum, __FILE__, __func__, __LINE__, \
                            __VA_ARGS__)

/* The calling thread's last error, or NULL; owned by the thread. */
const VkError *error_get_last(void);

/* Moves the last error out of thread storage (caller frees); NULL if none. */
VkError *error_steal_last(void);

/* Restores a previously stolen error as the thread's last error. */
void error_restore(VkError *err);

void error_reset(void);

VkError *error_copy(const VkError *err);
void error_free(VkError *err);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VkError, error_free)

/* The standard, translated text that prefixes messages of this code. */
const char *error_code_text(int code);
