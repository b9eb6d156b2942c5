/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzz target: lines the daemon reads from a VMM's control socket. */
#include <stdint.h>
#include <stddef.h>
#include <json-c/json.h>

#include "driver/domain/domain-runtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *event = NULL;
    json_object *d = NULL;

    if (domain_monitor_parse_event((const char *) data, size, &event, &d) == 0) {
        json_object *v;

        if (d && json_object_object_get_ex(d, "reason", &v))
            (void) json_object_get_string(v);
        json_object_put(d);
        g_free(event);
    }
    return 0;
}
