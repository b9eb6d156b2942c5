/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Polled 8250 UART on COM1 and a small printf. */
#include "guest.h"

#define COM1 0x3f8
#define UART_LSR_DR   0x01
#define UART_LSR_THRE 0x20

void
uart_init(void)
{
    outb(COM1 + 1, 0x00);    /* no interrupts */
    outb(COM1 + 3, 0x80);    /* DLAB */
    outb(COM1 + 0, 0x01);    /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);    /* 8N1 */
    outb(COM1 + 2, 0x07);    /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);    /* DTR | RTS */
}

void
uart_putc(char c)
{
    /* A UART that never drains must not hang the guest: bounded wait. */
    for (unsigned i = 0; i < 100000; i++) {
        if (inb(COM1 + 5) & UART_LSR_THRE)
            break;
    }
    outb(COM1, (uint8_t)c);
}

int
uart_getc(void)
{
    if (!(inb(COM1 + 5) & UART_LSR_DR))
        return -1;
    return inb(COM1);
}

static void
put_str(const char *s, int width, bool left)
{
    int n = (int)strlen(s);

    for (; !left && n < width; n++)
        uart_putc(' ');
    for (; *s; s++) {
        if (*s == '\n')
            uart_putc('\r');
        uart_putc(*s);
    }
    for (; left && n < width; n++)
        uart_putc(' ');
}

static void
put_num(uint64_t v, unsigned base, int width, char pad, bool neg)
{
    char buf[24];
    int n = 0;

    do {
        unsigned d = (unsigned)(v % base);

        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    if (neg)
        buf[n++] = '-';
    for (; n < width; width--)
        uart_putc(pad);
    while (n)
        uart_putc(buf[--n]);
}

/* %s %c %d %u %x %p with optional 0/-, width and l/ll; enough for our lines. */
void
kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        char pad = ' ';
        int width = 0, lng = 0;
        bool left = false;

        if (*fmt != '%') {
            if (*fmt == '\n')
                uart_putc('\r');
            uart_putc(*fmt);
            continue;
        }
        fmt++;
        if (*fmt == '-') {
            left = true;
            fmt++;
        }
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            put_str(va_arg(ap, const char *), width, left);
            break;
        case 'c':
            uart_putc((char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);

            put_num(v < 0 ? (uint64_t)-v : (uint64_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad, false);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad, false);
            break;
        case 'p':
            put_num((uintptr_t)va_arg(ap, void *), 16, width, pad, false);
            break;
        case '%':
            uart_putc('%');
            break;
        default:
            uart_putc('?');
            break;
        }
    }
}

void
kprintf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
