/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the control-protocol request parser with arbitrary lines. */
#include <stddef.h>
#include <stdint.h>

#include "hv/control/control-commands.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ControlRequest req;
    json_object *err = NULL;

    if (control_request_parse((const char *)data, size, &req, &err) == 0) {
        if (!control_command_name(req.cmd))
            __builtin_trap();
        control_request_clear(&req);
    } else {
        /* Every failure carries a well-formed error reply. */
        json_object *e;
        if (!err || !json_object_object_get_ex(err, "error", &e))
            __builtin_trap();
        (void)json_object_to_json_string(err);
        json_object_put(err);
    }
    return 0;
}
