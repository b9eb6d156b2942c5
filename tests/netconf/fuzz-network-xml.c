/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Network XML: parse -> format -> parse -> format must be stable.  Text
 * after a "<!--update-->" marker is applied as NETWORK_UPDATE dhcp host
 * and range XML with every command, and the result must format again.
 */
#include "conf/network/network-conf.h"
#include "tests/netconf/fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define UPDATE_MARKER "<!--update-->"

static void
fuzz_update(NetworkDef *def, const char *update)
{
    for (int cmd = NETWORK_UPDATE_COMMAND_MODIFY; cmd <= NETWORK_UPDATE_COMMAND_ADD_FIRST; cmd++) {
        for (int parent = -1; parent <= 1; parent++) {
            g_autofree char *out = NULL;
            g_autoptr(NetworkDef) again = NULL;

            network_def_update_dhcp_host_cmd(def, cmd, parent, update);
            network_def_update_dhcp_range_cmd(def, cmd, parent, update);
            out = network_def_format(def, 0);
            /* an updated definition stays valid */
            if (!(again = network_def_parse_string(out, 0))) {
                fprintf(stderr, "update produced invalid XML:\n%s\n", out);
                abort();
            }
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = fuzz_input_string(data, size);
    g_autoptr(NetworkDef) def = NULL;
    g_autoptr(NetworkDef) def2 = NULL;
    g_autofree char *first = NULL, *second = NULL;
    char *update;

    if (!xml)
        return 0;
    if ((update = strstr(xml, UPDATE_MARKER))) {
        *update = '\0';
        update += strlen(UPDATE_MARKER);
    }
    if (!(def = network_def_parse_string(xml, 0))) {
        error_reset();
        return 0;
    }
    first = network_def_format(def, 0);
    if ((def2 = network_def_parse_string(first, 0)))
        second = network_def_format(def2, 0);
    fuzz_check_stable(first, second);
    if (update)
        fuzz_update(def, update);
    error_reset();
    return 0;
}
