/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtkvm test guest: boot report (banner, cmdline, e820, PCI), the actions
 * chosen by vkt.* options on the cmdline, then a line-based command loop on
 * COM1 that also watches the ACPI power button, the virtio receive queues
 * and, when asked, dirties memory.  See README.md for the line formats.
 */
#include "guest.h"

#define BP_EXT_CMDLINE_PTR 0x0c8
#define BP_E820_ENTRIES    0x1e8
#define BP_CMDLINE_PTR     0x228
#define BP_E820_TABLE      0x2d0
#define E820_MAX           128
#define CMDLINE_MAX        2048
#define LINE_MAX           128
#define DIRTY_BASE         0x400000ul
#define DIRTY_LIMIT        0x40000000ul   /* stay inside the static mapping */

void vkt_main(const uint8_t *bp, unsigned entry);

static const uint8_t *boot_params;
static char cmdline[CMDLINE_MAX];
static uint64_t ticks, tick_every = 5000;
static bool tick_print, serial_echo = true;
static uint64_t dirty_pages, dirty_next;

static uint64_t
bp_read(unsigned off, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)boot_params[off + i] << (8 * i);
    return v;
}

static void
cmdline_load(void)
{
    uint64_t addr = bp_read(BP_CMDLINE_PTR, 4) | bp_read(BP_EXT_CMDLINE_PTR, 4) << 32;
    const char *src;
    unsigned n = 0;

    cmdline[0] = '\0';
    if (!addr || !phys_map(addr, CMDLINE_MAX, false))
        return;
    src = (const char *)(uintptr_t)addr;
    while (n + 1 < CMDLINE_MAX && src[n]) {
        cmdline[n] = src[n] >= ' ' && src[n] <= '~' ? src[n] : ' ';
        n++;
    }
    cmdline[n] = '\0';
}

/* Value of "name=value" on the cmdline, copied to buf; NULL when absent. */
static const char *
opt_get(const char *name, char *buf, size_t size)
{
    const char *s = cmdline;
    char word[128];
    size_t nlen = strlen(name);

    while (*(s = str_skip_space(s))) {
        s = str_next_word(s, word, sizeof(word));
        if (str_starts(word, name) && word[nlen] == '=') {
            size_t i = 0;

            for (; word[nlen + 1 + i] && i + 1 < size; i++)
                buf[i] = word[nlen + 1 + i];
            buf[i] = '\0';
            return buf;
        }
    }
    return NULL;
}

static uint64_t
opt_u64(const char *name, uint64_t def)
{
    char buf[32];
    uint64_t v;

    if (!opt_get(name, buf, sizeof(buf)) || str_to_u64(buf, &v) < 0)
        return def;
    return v;
}

static void
e820_print(void)
{
    unsigned n = (unsigned)bp_read(BP_E820_ENTRIES, 1);

    if (n > E820_MAX)
        n = E820_MAX;
    for (unsigned i = 0; i < n; i++) {
        unsigned off = BP_E820_TABLE + 20 * i;

        kprintf("e820 0x%016lx 0x%016lx %u\n", bp_read(off, 8), bp_read(off + 8, 8),
                (unsigned)bp_read(off + 16, 4));
    }
    kprintf("e820: %u entries\n", n);
}

/* Highest usable address reachable from DIRTY_BASE in one e820 RAM range. */
static uint64_t
dirty_room(void)
{
    unsigned n = (unsigned)bp_read(BP_E820_ENTRIES, 1);

    for (unsigned i = 0; i < n && i < E820_MAX; i++) {
        unsigned off = BP_E820_TABLE + 20 * i;
        uint64_t start = bp_read(off, 8), end = start + bp_read(off + 8, 8);

        if (bp_read(off + 16, 4) == 1 && start <= DIRTY_BASE && end > DIRTY_BASE)
            return (end < DIRTY_LIMIT ? end : DIRTY_LIMIT) - DIRTY_BASE;
    }
    return 0;
}

static void
dirty_set(uint64_t pages)
{
    uint64_t max = dirty_room() / 4096;

    if (pages > max)
        pages = max;
    dirty_pages = pages;
    dirty_next = 0;
    kprintf("dirty: %lu pages at 0x%lx\n", pages, DIRTY_BASE);
}

/* One page per loop iteration, round robin: a steady dirty rate. */
static void
dirty_step(void)
{
    volatile uint64_t *p;

    if (!dirty_pages)
        return;
    p = (volatile uint64_t *)(uintptr_t)(DIRTY_BASE + dirty_next * 4096);
    *p = ticks;
    if (++dirty_next == dirty_pages)
        dirty_next = 0;
}

static unsigned
word_u(const char *w, uint64_t def, bool *bad)
{
    uint64_t v;

    if (!*w)
        return (unsigned)def;
    if (str_to_u64(w, &v) < 0 || v > 0xffffffffu) {
        *bad = true;
        return 0;
    }
    return (unsigned)v;
}

static void
cmd_help(void)
{
    kprintf("help: echo TEXT | blk read SECTOR COUNT [DEV] | blk write SECTOR PATTERN [DEV]\n"
            "help: blk flush [DEV] | net send [DEV] | rng N | console echo [on|off]\n"
            "help: console send TEXT | ticks | dirty PAGES | e820 | pci | poweroff | reset\n"
            "help: panic\n");
}

static void
cmd_blk(const char *rest)
{
    char op[16], a[24], b[24], c[8];
    uint64_t sector = 0;
    bool bad = false;
    unsigned dev;

    rest = str_next_word(rest, op, sizeof(op));
    rest = str_next_word(rest, a, sizeof(a));
    rest = str_next_word(rest, b, sizeof(b));
    str_next_word(rest, c, sizeof(c));
    if (str_eq(op, "flush")) {
        blk_flush(word_u(a, 0, &bad));
        return;
    }
    dev = word_u(c, 0, &bad);
    if (str_to_u64(a, &sector) < 0 || !*b || bad) {
        kprintf("error: usage: blk read SECTOR COUNT [DEV] | blk write SECTOR PATTERN [DEV]\n");
    } else if (str_eq(op, "read")) {
        blk_read(dev, sector, word_u(b, 1, &bad));
    } else if (str_eq(op, "write")) {
        unsigned pat = word_u(b, 0, &bad);

        if (pat > 0xff || bad)
            kprintf("error: pattern must be 0..255\n");
        else
            blk_write(dev, sector, (uint8_t)pat);
    } else {
        kprintf("error: unknown blk operation %s\n", op);
    }
}

static void
cmd_run(const char *line)
{
    char cmd[16], arg[16];
    const char *rest = str_next_word(line, cmd, sizeof(cmd));
    bool bad = false;

    if (!cmd[0])
        return;
    if (str_eq(cmd, "help")) {
        cmd_help();
    } else if (str_eq(cmd, "echo")) {
        kprintf("echo: %s\n", str_skip_space(rest));
    } else if (str_eq(cmd, "blk")) {
        cmd_blk(rest);
    } else if (str_eq(cmd, "net")) {
        rest = str_next_word(rest, arg, sizeof(arg));
        if (str_eq(arg, "send")) {
            str_next_word(rest, arg, sizeof(arg));
            net_send(word_u(arg, 0, &bad));
        } else {
            kprintf("error: usage: net send [DEV]\n");
        }
    } else if (str_eq(cmd, "rng")) {
        str_next_word(rest, arg, sizeof(arg));
        rng_read(word_u(arg, 16, &bad));
    } else if (str_eq(cmd, "console")) {
        rest = str_next_word(rest, arg, sizeof(arg));
        if (str_eq(arg, "echo")) {
            str_next_word(rest, arg, sizeof(arg));
            console_set_echo(!str_eq(arg, "off"));
        } else if (str_eq(arg, "send")) {
            console_send(str_skip_space(rest));
        } else {
            kprintf("error: usage: console echo [on|off] | console send TEXT\n");
        }
    } else if (str_eq(cmd, "ticks")) {
        kprintf("ticks %lu\n", ticks);
    } else if (str_eq(cmd, "dirty")) {
        str_next_word(rest, arg, sizeof(arg));
        dirty_set(word_u(arg, 0, &bad));
    } else if (str_eq(cmd, "e820")) {
        e820_print();
    } else if (str_eq(cmd, "pci")) {
        pci_scan(false);
    } else if (str_eq(cmd, "poweroff")) {
        acpi_poweroff();
    } else if (str_eq(cmd, "reset")) {
        machine_reset();
    } else if (str_eq(cmd, "panic")) {
        machine_panic();
    } else {
        kprintf("error: unknown command %s\n", cmd);
    }
}

static void
boot_actions(void)
{
    char buf[32];

    if (opt_u64("vkt.blk", 0)) {
        unsigned n = blk_probe_all();

        /* The first 8 sectors (or all of a smaller disk) of every disk. */
        for (unsigned i = 0; i < n; i++) {
            uint64_t cap = blk_capacity(i);

            if (cap)
                blk_read(i, 0, cap < 8 ? (unsigned)cap : 8);
        }
    }
    if (opt_get("vkt.blkwrite", buf, sizeof(buf))) {
        /* SECTOR:PATTERN, then read the sector back. */
        char *colon = buf;
        uint64_t sector, pat;

        while (*colon && *colon != ':')
            colon++;
        if (*colon == ':') {
            *colon = '\0';
            if (str_to_u64(buf, &sector) == 0 && str_to_u64(colon + 1, &pat) == 0 && pat < 256 &&
                blk_write(0, sector, (uint8_t)pat) == 0)
                blk_read(0, sector, 1);
        }
    }
    if (opt_u64("vkt.net", 0) && net_probe_all() > 0)
        net_send(0);
    if (opt_u64("vkt.rng", 0))
        rng_read(16);
    if (opt_u64("vkt.console", 0) && console_probe() == 0) {
        console_send("virtkvm-test-guest console0 hello");
        console_set_echo(true);
    }
    if (opt_get("vkt.dirty", buf, sizeof(buf)))
        dirty_set(opt_u64("vkt.dirty", 0));
    if (opt_u64("vkt.poweroff", 0))
        acpi_poweroff();
    if (opt_u64("vkt.panic", 0))
        machine_panic();
}

/* Returns true when c completed a line (and the command ran). */
static bool
serial_input(int c, char *line, unsigned *len)
{
    if (c == '\r' || c == '\n') {
        if (serial_echo)
            kprintf("\n");
        line[*len] = '\0';
        *len = 0;
        cmd_run(line);
        return true;
    } else if (c == 0x7f || c == 0x08) {
        if (*len) {
            (*len)--;
            if (serial_echo)
                kprintf("\b \b");
        }
    } else if (c >= ' ' && c <= '~' && *len + 1 < LINE_MAX) {
        line[(*len)++] = (char)c;
        if (serial_echo)
            uart_putc((char)c);
    }
    return false;
}

void
vkt_main(const uint8_t *bp, unsigned entry)
{
    char line[LINE_MAX];
    unsigned len = 0;

    boot_params = bp;
    paging_init();
    uart_init();
    kprintf("\nvirtkvm-test-guest %s\n", VKT_VERSION);
    kprintf("boot: entry %u boot_params 0x%lx\n", entry, (uint64_t)(uintptr_t)bp);
    cmdline_load();
    kprintf("cmdline: %s\n", cmdline);
    tick_print = opt_u64("vkt.ticks", 0) != 0;
    tick_every = opt_u64("vkt.tickevery", tick_every);
    if (!tick_every)
        tick_every = 1;
    serial_echo = opt_u64("vkt.echo", 1) != 0;
    e820_print();
    pci_scan(opt_u64("vkt.pcireassign", 0) != 0);
    acpi_init();
    boot_actions();
    kprintf("ready\n");

    for (;;) {
        int c;

        ticks++;
        if (tick_print && ticks % tick_every == 0)
            kprintf("tick %lu\n", ticks);
        /* At most one command per iteration: each sees a new tick. */
        while ((c = uart_getc()) >= 0 && !serial_input(c, line, &len))
            ;
        if (acpi_poll_power_button()) {
            kprintf("power button\n");
            acpi_poweroff();
        }
        net_poll();
        console_poll();
        dirty_step();
        cpu_relax();
    }
}
