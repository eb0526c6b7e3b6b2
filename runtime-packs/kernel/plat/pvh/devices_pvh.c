/* devices_pvh.c - the devices of x86 PVH guests: virtio-mmio windows that QEMU microvm and Firecracker
 * announce on the kernel command line as virtio_mmio.device=<size>@<base>:<irq> (Linux's syntax; size
 * with an optional K/M suffix), in the order the VMM lists them. */
#include <uk/klibc.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/virtio.h>

#define PREFIX "virtio_mmio.device="

/* Parses a number (decimal, or hex with 0x) with an optional K/M/G suffix; the end, or NULL. */
static const char *number(const char *p, u64 *out, bool suffix)
{
    u64 v = 0;
    int base = 10, digits = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        base = 16, p += 2;
    for (;; p++, digits++) {
        char c = *p;
        int d = c >= '0' && c <= '9'                 ? c - '0'
                : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
        if (d < 0)
            break;
        v = v * (u64)base + (u64)d;
    }
    if (!digits)
        return NULL;
    if (suffix && (*p == 'K' || *p == 'k'))
        v <<= 10, p++;
    else if (suffix && (*p == 'M' || *p == 'm'))
        v <<= 20, p++;
    else if (suffix && (*p == 'G' || *p == 'g'))
        v <<= 30, p++;
    *out = v;
    return p;
}

void uk_plat_probe_devices(void)
{
    const char *p = uk_bootinfo.cmdline;
    while ((p = uk_strstr(p, PREFIX))) {
        bool at_word = p == uk_bootinfo.cmdline || p[-1] == ' ';
        p += sizeof(PREFIX) - 1;
        if (!at_word)
            continue;
        u64 size, base, irq;
        const char *q = number(p, &size, true);
        if (q && *q == '@')
            q = number(q + 1, &base, false);
        else
            q = NULL;
        if (q && *q == ':')
            q = number(q + 1, &irq, false);
        else
            q = NULL;
        if (!q || (*q && *q != ' ' && *q != ':')) {
            char word[64];
            usize n = 0;
            for (const char *w = p - (sizeof(PREFIX) - 1); *w && *w != ' ' && n < sizeof(word) - 1; w++)
                word[n++] = *w;
            word[n] = 0;
            uk_pr_warn("virtio: cannot read the announcement '%s'\n", word);
            continue;
        }
        uk_virtio_mmio_probe(base, size, (int)irq);
    }
}
