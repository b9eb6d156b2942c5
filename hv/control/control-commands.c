/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Control command parsing and execution; see control-commands.h. */
#include <errno.h>
#include <string.h>

#include "hv/control/control-commands.h"

static const char *const control_names[CONTROL_CMD_LAST] = {
    [CONTROL_CMD_QUERY_STATUS] = "query-status",
    [CONTROL_CMD_STOP] = "stop",
    [CONTROL_CMD_CONT] = "cont",
    [CONTROL_CMD_SYSTEM_POWERDOWN] = "system-powerdown",
    [CONTROL_CMD_SYSTEM_RESET] = "system-reset",
    [CONTROL_CMD_QUIT] = "quit",
    [CONTROL_CMD_QUERY_VCPUS] = "query-vcpus",
    [CONTROL_CMD_QUERY_DEVICES] = "query-devices",
    [CONTROL_CMD_QUERY_COMMANDS] = "query-commands",
    [CONTROL_CMD_QUERY_BLOCKSTATS] = "query-blockstats",
    [CONTROL_CMD_BALLOON] = "balloon",
    [CONTROL_CMD_QUERY_BALLOON] = "query-balloon",
};

const char *
control_command_name(ControlCommand cmd)
{
    return cmd < CONTROL_CMD_LAST ? control_names[cmd] : NULL;
}

json_object *
control_error_reply(const char *klass, const char *desc, json_object *id)
{
    json_object *r = json_object_new_object();
    json_object *e = json_object_new_object();

    json_object_object_add(e, "class", json_object_new_string(klass));
    json_object_object_add(e, "desc", json_object_new_string(desc));
    json_object_object_add(r, "error", e);
    if (id)
        json_object_object_add(r, "id", json_object_get(id));
    return r;
}

void
control_request_clear(ControlRequest *req)
{
    json_object_put(req->id);
    json_object_put(req->args);
    req->id = req->args = NULL;
}

static int
control_parse_fail(ControlRequest *req, json_object *root, json_object **error,
                   const char *klass, const char *desc)
{
    *error = control_error_reply(klass, desc, req->id);
    control_request_clear(req);
    json_object_put(root);
    return -1;
}

int
control_request_parse(const char *line, size_t len, ControlRequest *req,
                      json_object **error)
{
    json_tokener *tok;
    json_object *root, *exec = NULL, *args = NULL;
    const char *name;
    size_t end;

    memset(req, 0, sizeof(*req));
    if (len > CONTROL_MAX_LINE)
        return control_parse_fail(req, NULL, error, "GenericError", "request too long");
    tok = json_tokener_new_ex(16);
    root = json_tokener_parse_ex(tok, line, (int)len);
    end = json_tokener_get_parse_end(tok);
    if (!root || json_tokener_get_error(tok) != json_tokener_success) {
        json_tokener_free(tok);
        return control_parse_fail(req, root, error, "GenericError", "invalid JSON");
    }
    json_tokener_free(tok);
    for (; end < len; end++) {
        if (line[end] != ' ' && line[end] != '\t' && line[end] != '\r')
            return control_parse_fail(req, root, error, "GenericError",
                                      "trailing data after the request");
    }
    if (!json_object_is_type(root, json_type_object))
        return control_parse_fail(req, root, error, "GenericError",
                                  "a request must be a JSON object");
    if (json_object_object_get_ex(root, "id", &req->id))
        json_object_get(req->id);
    json_object_object_foreach(root, key, val) {
        (void)val;
        if (strcmp(key, "execute") && strcmp(key, "id") && strcmp(key, "arguments"))
            return control_parse_fail(req, root, error, "GenericError",
                                      "unknown member in request");
    }
    if (!json_object_object_get_ex(root, "execute", &exec) ||
        !json_object_is_type(exec, json_type_string))
        return control_parse_fail(req, root, error, "GenericError",
                                  "'execute' must be a string");
    if (json_object_object_get_ex(root, "arguments", &args)) {
        if (!json_object_is_type(args, json_type_object))
            return control_parse_fail(req, root, error, "GenericError",
                                      "'arguments' must be an object");
        req->args = json_object_get(args);
    }
    name = json_object_get_string(exec);
    for (int i = 0; i < CONTROL_CMD_LAST; i++) {
        if (strcmp(name, control_names[i]) == 0) {
            req->cmd = (ControlCommand)i;
            /* Only "balloon" takes arguments (checked when it runs). */
            if (req->cmd != CONTROL_CMD_BALLOON && req->args &&
                json_object_object_length(req->args) > 0)
                return control_parse_fail(req, root, error, "GenericError",
                                          "this command takes no arguments");
            json_object_put(root);
            return 0;
        }
    }
    return control_parse_fail(req, root, error, "CommandNotFound", "unknown command");
}

static json_object *
control_query_commands(void)
{
    json_object *a = json_object_new_array();

    for (int i = 0; i < CONTROL_CMD_LAST; i++) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_object_new_string(control_names[i]));
        json_object_array_add(a, o);
    }
    return a;
}

static json_object *
control_state_error(Machine *m, json_object *id)
{
    g_autofree char *desc = g_strdup_printf("not possible while the guest is %s",
                                            machine_state_name(m->state));

    return control_error_reply("GenericError", desc, id);
}

/* {"value": bytes}: the guest memory size wanted. */
static json_object *
control_balloon(Machine *m, const ControlRequest *req)
{
    json_object *v = NULL;
    int64_t bytes;
    int r;

    if (!req->args || json_object_object_length(req->args) != 1 ||
        !json_object_object_get_ex(req->args, "value", &v) ||
        !json_object_is_type(v, json_type_int))
        return control_error_reply("GenericError", "'balloon' takes one integer 'value'",
                                   req->id);
    bytes = json_object_get_int64(v);
    r = bytes > 0 ? machine_set_balloon(m, (uint64_t) bytes) : -EINVAL;
    if (r == -ENODEV)
        return control_error_reply("DeviceNotActive", "no balloon device", req->id);
    if (r < 0)
        return control_error_reply("GenericError",
                                   "'value' must be between 1 and the guest's memory size",
                                   req->id);
    return NULL;
}

json_object *
control_request_execute(Machine *m, const ControlRequest *req, bool *quit)
{
    json_object *ret = NULL;
    json_object *reply;
    int r = 0;

    *quit = false;
    switch (req->cmd) {
    case CONTROL_CMD_QUERY_STATUS:
        ret = machine_query_status(m);
        break;
    case CONTROL_CMD_STOP:
        r = machine_stop(m);
        break;
    case CONTROL_CMD_CONT:
        r = machine_cont(m);
        break;
    case CONTROL_CMD_SYSTEM_POWERDOWN:
        r = machine_powerdown(m);
        break;
    case CONTROL_CMD_SYSTEM_RESET:
        r = machine_reset(m, false, "host-reset");
        break;
    case CONTROL_CMD_QUIT:
        *quit = true;
        break;
    case CONTROL_CMD_QUERY_VCPUS:
        ret = machine_query_vcpus(m);
        break;
    case CONTROL_CMD_QUERY_DEVICES:
        ret = machine_query_devices(m);
        break;
    case CONTROL_CMD_QUERY_COMMANDS:
        ret = control_query_commands();
        break;
    case CONTROL_CMD_QUERY_BLOCKSTATS:
        ret = machine_query_blockstats(m);
        break;
    case CONTROL_CMD_BALLOON:
        if ((reply = control_balloon(m, req)))
            return reply;
        break;
    case CONTROL_CMD_QUERY_BALLOON:
        if (!(ret = machine_query_balloon(m)))
            return control_error_reply("DeviceNotActive", "no balloon device", req->id);
        break;
    case CONTROL_CMD_LAST:
        break;
    }
    if (r < 0)
        return control_state_error(m, req->id);
    reply = json_object_new_object();
    json_object_object_add(reply, "return", ret ? ret : json_object_new_object());
    if (req->id)
        json_object_object_add(reply, "id", json_object_get(req->id));
    return reply;
}
