/* pvh_fuzz.c - libFuzzer target "pvh": the PVH start info that QEMU and Firecracker pass x86_64 guests, read by
 * plat/pvh/pvh_info.c: the start info itself, the command line and the E820 memory map it points to, and the
 * RAM regions the kernel takes from it. An input is guest physical memory from address 0 (the harness's
 * uk_plat_pvh_phys: a read past the input is memory that is not there), with the start info at the address in
 * the input's first 4 bytes (little-endian, taken modulo the input's size). A start info the kernel refuses
 * (a panic with a message) is an expected outcome; a sanitizer report or a result that breaks the contract is a
 * finding: at most UK_MAX_MEMREGIONS regions, none empty, none wrapping around, max_phys above every one, the
 * line terminated inside its buffer. */
#include <uk/klibc.h>
#include <uk/plat.h>
#include "../kernel/plat/pvh/pvh.h"
#include "host.h"
#include "shim.h"

u64 uk_plat_pvh_rsdp;

static const u8 *memory;
static usize memory_size;
static u64 start_pa;
static struct uk_bootinfo bi;
static char cmdline[4096];

const void *uk_plat_pvh_phys(u64 pa, usize len)
{
    return pa <= memory_size && len <= memory_size - pa ? memory + pa : NULL;
}

static void boot(void *arg)
{
    (void)arg;
    uk_plat_pvh_read_start_info(start_pa, &bi, cmdline, sizeof(cmdline));
}

static void check(void)
{
    if (bi.nram < 0 || bi.nram > UK_MAX_MEMREGIONS)
        fz_host_crash("nram out of range");
    for (int i = 0; i < bi.nram; i++) {
        const struct uk_memregion *r = &bi.ram[i];
        if (!r->size || r->base + r->size < r->base || r->base + r->size > bi.max_phys)
            fz_host_crash("an empty or wrapping RAM region, or one above max_phys");
    }
    if (bi.cmdline != cmdline || uk_strnlen(cmdline, sizeof(cmdline)) == sizeof(cmdline))
        fz_host_crash("the command line is not the terminated copy");
}

int LLVMFuzzerTestOneInput(const u8 *data, usize size)
{
    if (size < 4)
        return 0;
    u8 *m = fz_host_alloc(size, 1); /* exactly size bytes: ASan sees a read past the memory */
    uk_memcpy(m, data, size);
    memory = m, memory_size = size;
    start_pa = ((u64)m[0] | (u64)m[1] << 8 | (u64)m[2] << 16 | (u64)m[3] << 24) % size;
    uk_memset(&bi, 0, sizeof(bi));
    uk_memset(cmdline, 0xa5, sizeof(cmdline));
    fz_stop_expected = true;
    bool read = fz_run(boot, NULL);
    fz_stop_expected = false;
    if (read)
        check();
    fz_host_free(m);
    return 0;
}
