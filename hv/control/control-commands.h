/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Control protocol commands (docs/control-protocol.md): parsing of one
 * request line and its execution against the machine.
 */
#pragma once

#include <stddef.h>

#include <json-c/json.h>

#include "hv/core/machine.h"

#define CONTROL_MAX_LINE 65536

typedef enum {
    CONTROL_CMD_QUERY_STATUS = 0,
    CONTROL_CMD_STOP,
    CONTROL_CMD_CONT,
    CONTROL_CMD_SYSTEM_POWERDOWN,
    CONTROL_CMD_SYSTEM_RESET,
    CONTROL_CMD_QUIT,
    CONTROL_CMD_QUERY_VCPUS,
    CONTROL_CMD_QUERY_DEVICES,
    CONTROL_CMD_QUERY_COMMANDS,
    CONTROL_CMD_QUERY_BLOCKSTATS,
    CONTROL_CMD_BALLOON,
    CONTROL_CMD_QUERY_BALLOON,
    CONTROL_CMD_LAST,
} ControlCommand;

typedef struct {
    ControlCommand cmd;
    json_object *id;        /* echoed in the reply; may be NULL */
    json_object *args;      /* "arguments" object; may be NULL */
} ControlRequest;

const char *control_command_name(ControlCommand cmd);

/*
 * Parses one line (without the newline).  0, or -1 with the error reply
 * (already holding the request's id when one could be read) in *@error.
 */
int control_request_parse(const char *line, size_t len, ControlRequest *req,
                          json_object **error);
void control_request_clear(ControlRequest *req);

/* Builds {"error": {"class": ..., "desc": ...}, "id": id}. */
json_object *control_error_reply(const char *klass, const char *desc, json_object *id);

/* Runs @req; returns the reply object.  *@quit set for "quit". */
json_object *control_request_execute(Machine *m, const ControlRequest *req, bool *quit);
