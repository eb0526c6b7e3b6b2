/* printk.c - formatted kernel output to the console, log levels, panic with a backtrace. */
#include <uk/arch.h>
#include <uk/console.h>
#include <uk/image.h>
#include <uk/klibc.h>
#include <uk/plat.h>
#include <uk/print.h>

int uk_loglevel = UK_LOG_WARN;

struct out {
    char *buf;
    usize size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, u64 v, int base, bool neg, int width, char pad, bool upper)
{
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[n++] = '-';
    for (int i = n; i < width; i++)
        put(o, pad);
    while (n)
        put(o, tmp[--n]);
}

int uk_vsnprintf(char *buf, usize size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        bool alt = false;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '#')
            alt = true, fmt++;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z')
            lng++, fmt++;
        switch (*fmt) {
        case 'd':
        case 'i': {
            s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
            put_num(&o, v < 0 ? -(u64)v : (u64)v, 10, v < 0, width, pad, false);
            break;
        }
        case 'u': put_num(&o, lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 10, false, width, pad, false); break;
        case 'x':
        case 'X':
            if (alt)
                put(&o, '0'), put(&o, 'x');
            put_num(&o, lng ? va_arg(ap, u64) : va_arg(ap, unsigned), 16, false, width, pad, *fmt == 'X');
            break;
        case 'p':
            put(&o, '0'), put(&o, 'x');
            put_num(&o, (u64)va_arg(ap, void *), 16, false, 0, ' ', false);
            break;
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            usize n = 0;
            while (s[n])
                n++;
            for (usize i = n; i < (usize)width; i++)
                put(&o, ' ');
            while (*s)
                put(&o, *s++);
            break;
        }
        case '%': put(&o, '%'); break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int uk_snprintf(char *buf, usize size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = uk_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = uk_vsnprintf(buf, sizeof(buf), fmt, ap);
    uk_console_write(buf, n < (int)sizeof(buf) ? (usize)n : sizeof(buf) - 1);
}

void uk_printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void uk_log(int level, const char *fmt, ...)
{
    static const char *const tags[] = {"[uk] error: ", "[uk] warning: ", "[uk] ", "[uk] debug: "};
    if (level > uk_loglevel)
        return;
    /* One write for the tag and the message: a framed console sends it as one frame, so a line arrives whole. */
    char buf[512];
    usize tag = uk_strlen(tags[level]);
    uk_memcpy(buf, tags[level], tag);
    va_list ap;
    va_start(ap, fmt);
    int n = uk_vsnprintf(buf + tag, sizeof(buf) - tag, fmt, ap);
    va_end(ap);
    uk_console_write(buf, tag + (n < (int)(sizeof(buf) - tag) ? (usize)n : sizeof(buf) - tag - 1));
}

void uk_backtrace(uptr fp)
{
    uk_printk("  backtrace (kernel addresses; resolve with addr2line -f -e <image>.elf):\n");
    for (int depth = 0; depth < 32 && fp >= (uptr)__uk_data_start && (fp & 7) == 0; depth++) {
        uptr *frame = (uptr *)fp;
        uptr ret = frame[1];
        if (ret < (uptr)__uk_text_start || ret >= (uptr)__uk_text_end)
            break;
        uk_printk("    #%d %#lx\n", depth, ret);
        if (frame[0] <= fp)
            break;
        fp = frame[0];
    }
}

void uk_panic_at(const char *file, int line, const char *fmt, ...)
{
    static bool in_panic;
    uk_irq_disable();
    if (in_panic)
        uk_plat_exit(UK_EXIT_PANIC);
    in_panic = true;
    va_list ap;
    va_start(ap, fmt);
    uk_printk("\n[uk] PANIC at %s:%d: ", file, line);
    vprintk(fmt, ap);
    va_end(ap);
    uk_printk("\n");
    uk_backtrace(uk_frame_address());
    uk_plat_exit(UK_EXIT_PANIC);
}
