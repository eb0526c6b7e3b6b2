/* acpi_fuzz.c - libFuzzer target "acpi": the ACPI tables a VMM gives x86_64 guests, as plat/pvh reads them: the
 * table lookup through the RSDP and XSDT with its checksums (acpi_pvh.c), the DSDT's virtio-mmio transports
 * (virtio_acpi_pvh.c) and the soft-off registers from the FADT and the DSDT's \_S5_ (poweroff_pvh.c). An input
 * is byte 0: flags (bit 0: leave the FADT's checksum as the input has it, bit 1 the DSDT's, bit 2: name the DSDT
 * through the FADT's 32-bit field only), byte 1: the FADT's length (116 to 276), then the FADT's bytes after its
 * header, then the DSDT's AML. The harness places RSDP, XSDT, FADT and DSDT in a 64 KiB window of guest memory
 * (uk_phys_map_ro: outside it is memory that is not there) and fixes signatures, lengths and checksums unless
 * told not to, so that the parsers get past them. A transport must be reported with the registers and interrupt
 * its descriptors name: any sanitizer report or a probe outside 32-bit space is a finding. */
#include <uk/klibc.h>
#include <uk/virtio.h>
#include "../kernel/plat/pvh/pvh.h"
#include "host.h"
#include "shim.h"

#define BASE 0x100000UL
#define WINDOW (64u << 10)
#define XSDT_AT 64
#define FADT_AT 256
#define DSDT_AT 1024

static u8 *window;
static u8 mmio[4096];
static int probes;

const void *uk_phys_map_ro(u64 pa, usize size)
{
    return pa >= BASE && size <= WINDOW && pa - BASE <= WINDOW - size ? window + (pa - BASE) : NULL;
}

void *uk_mmio_map(u64 pa, usize size) { return size <= sizeof(mmio) ? mmio : NULL; }

void uk_virtio_mmio_probe(u64 base, u64 size, int irq)
{
    if (base > 0xffffffffu || size > 0xffffffffu || irq < 0)
        fz_host_crash("a virtio-mmio transport out of the descriptors' range");
    probes++;
}

static void put32(u8 *p, u32 v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (u8)(v >> (8 * i));
}

static void put64(u8 *p, u64 v)
{
    put32(p, (u32)v);
    put32(p + 4, (u32)(v >> 32));
}

static void checksum(u8 *p, u32 len, usize at)
{
    u8 sum = 0;
    p[at] = 0;
    for (u32 i = 0; i < len; i++)
        sum = (u8)(sum + p[i]);
    p[at] = (u8)-sum;
}

static void header(u8 *t, const char *sig, u32 len, bool fix)
{
    uk_memcpy(t, sig, 4);
    put32(t + 4, len);
    if (fix)
        checksum(t, len, 9);
}

static void parse(void *arg)
{
    (void)arg;
    uk_plat_pvh_acpi_virtio_probe();
    uk_plat_pvh_acpi_poweroff_init();
    u32 len;
    (void)uk_plat_pvh_acpi_table("APIC", &len);
}

int LLVMFuzzerTestOneInput(const u8 *data, usize size)
{
    if (size < 2)
        return 0;
    if (!window)
        window = fz_host_alloc(WINDOW, 1);
    uk_plat_pvh_rsdp = BASE;
    uk_memset(window, 0, WINDOW);
    u8 flags = data[0];
    u32 fadt_len = 116 + data[1] % 161, body = fadt_len - 36;
    data += 2, size -= 2;
    u8 *fadt = window + FADT_AT, *dsdt = window + DSDT_AT;
    usize n = size < body ? size : body;
    uk_memcpy(fadt + 36, data, n);
    data += n, size -= n;
    usize aml = size < WINDOW - DSDT_AT - 36 ? size : WINDOW - DSDT_AT - 36;
    uk_memcpy(dsdt + 36, data, aml);
    header(dsdt, "DSDT", 36 + (u32)aml, !(flags & 2));
    put32(fadt + 40, BASE + DSDT_AT);
    if (fadt_len >= 148)
        put64(fadt + 140, flags & 4 ? 0 : BASE + DSDT_AT);
    header(fadt, "FACP", fadt_len, !(flags & 1));
    u8 *xsdt = window + XSDT_AT;
    put64(xsdt + 36, BASE + FADT_AT);
    header(xsdt, "XSDT", 44, true);
    u8 *rsdp = window;
    uk_memcpy(rsdp, "RSD PTR ", 8);
    rsdp[15] = 2;
    put32(rsdp + 16, 0);
    put32(rsdp + 20, 36);
    put64(rsdp + 24, BASE + XSDT_AT);
    checksum(rsdp, 20, 8);
    checksum(rsdp, 36, 32);
    probes = 0;
    if (!fz_run(parse, NULL))
        fz_host_crash("the kernel stopped on ACPI tables");
    return 0;
}
