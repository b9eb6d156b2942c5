/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Runs a libFuzzer target without libFuzzer: every file of the corpus
 * directories given on the command line, then a fixed number of
 * deterministic mutations of them, so the corpus is a regression test and
 * the sanitizer build still explores beyond it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS_PER_INPUT 64

static void
run_mutations(GRand *rng, const uint8_t *data, size_t size)
{
    for (int m = 0; m < MUTATIONS_PER_INPUT; m++) {
        size_t len = size + (size_t) g_rand_int_range(rng, 0, 16);
        g_autofree uint8_t *buf = g_malloc0(len ? len : 1);
        int flips = g_rand_int_range(rng, 1, 8);

        memcpy(buf, data, size);
        for (int i = 0; i < flips && len > 0; i++)
            buf[g_rand_int_range(rng, 0, (gint32) len)] = (uint8_t) g_rand_int(rng);
        if (len > 1 && g_rand_boolean(rng))
            len = (size_t) g_rand_int_range(rng, 0, (gint32) len);
        LLVMFuzzerTestOneInput(buf, len);
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(GRand) rng = g_rand_new_with_seed(0x76697274);
    unsigned count = 0;

    for (int i = 1; i < argc; i++) {
        g_autoptr(GDir) dir = g_dir_open(argv[i], 0, NULL);
        const char *name;

        if (!dir) {
            fprintf(stderr, "cannot open corpus directory %s\n", argv[i]);
            return 1;
        }
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *path = g_build_filename(argv[i], name, NULL);
            g_autofree char *data = NULL;
            gsize len = 0;

            if (!g_file_get_contents(path, &data, &len, NULL))
                continue;
            LLVMFuzzerTestOneInput((const uint8_t *) data, len);
            run_mutations(rng, (const uint8_t *) data, len);
            count++;
        }
    }
    /* Empty and tiny inputs are always worth one run. */
    LLVMFuzzerTestOneInput((const uint8_t *) "", 0);
    printf("replayed %u corpus inputs with %d mutations each\n", count, MUTATIONS_PER_INPUT);
    return count > 0 ? 0 : 1;
}
