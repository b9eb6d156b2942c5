/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running the external tools storage backends use (mount, lvm2, parted,
 * iscsiadm...): synchronous, output captured, failures reported. */
#include <string.h>

#include "driver/storage/storage-priv.h"
#include "util/error.h"
#include "util/i18n.h"

#define DOM VK_FROM_STORAGE

static const char *const tool_dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin", NULL };

static char *
tool_path(const char *name)
{
    char *p;

    if (strchr(name, '/'))
        return g_strdup(name);
    for (int i = 0; tool_dirs[i]; i++) {
        p = g_build_filename(tool_dirs[i], name, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_EXECUTABLE))
            return p;
        g_free(p);
    }
    return g_find_program_in_path(name);
}

bool
storage_have_tool(const char *name)
{
    g_autofree char *p = tool_path(name);

    return p != NULL;
}

char *
storage_argv_join(const char *const *argv)
{
    return g_strjoinv(" ", (char **) argv);
}

int
storage_run_status(const char *const *argv, char **out, char **err)
{
    g_autofree char *prog = tool_path(argv[0]);
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    int status = 0;

    if (!prog) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, _("cannot find '%1$s' (is it installed?)"),
                     argv[0]);
        return -1;
    }
    g_ptr_array_add(args, prog);
    for (int i = 1; argv[i]; i++)
        g_ptr_array_add(args, (char *) argv[i]);
    g_ptr_array_add(args, NULL);
    if (!g_spawn_sync(NULL, (char **) args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                      &status, &gerr)) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, _("cannot run '%1$s': %2$s"), argv[0],
                     gerr->message);
        return -1;
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int
storage_run(const char *const *argv, char **out)
{
    g_autofree char *errtext = NULL;
    g_autofree char *cmd = storage_argv_join(argv);
    int st = storage_run_status(argv, out, &errtext);

    if (st < 0)
        return -1;
    if (st != 0) {
        error_report(DOM, VK_ERR_INTERNAL_ERROR, _("'%1$s' failed (status %2$d): %3$s"), cmd, st,
                     errtext ? g_strstrip(errtext) : "");
        return -1;
    }
    return 0;
}
