/* fdt_fuzz.c - libFuzzer target "fdt": the flattened device tree that the boot loader passes to arm64 guests
 * (QEMU virt, Firecracker), through the kernel's reader (plat/dtb/fdt.c) and the walks the platform makes over
 * it: /chosen's bootargs, the memory nodes, devices by "compatible" (virtio-mmio windows, GIC, UART, timer, RTC,
 * GPIO), phandles, interrupts, every node in order, and the PCIe host bridge's windows and interrupt-map
 * (plat/dtb/pci_dtb.c). An input is the blob. The boot loader's contract is that the header's totalsize bytes
 * are there: the harness lowers a totalsize beyond the input to the input's size (and places the blob in a block
 * of exactly that size, so ASan sees a read past it). Everything else in the blob is hostile: every property
 * the reader hands out must lie inside the blob, every walk must end, and a tree the reader refuses is fine. */
#include <uk/fdt.h>
#include <uk/klibc.h>
#include <uk/pci.h>
#include <uk/plat.h>
#include "../kernel/plat/dtb/dtb.h"
#include "host.h"

static volatile u8 sink;

/* Touches every byte of a property value the reader returned: its length must hold. */
static void touch(const void *p, u32 len)
{
    const u8 *b = p;
    u8 x = 0;
    for (u32 i = 0; p && i < len; i++)
        x ^= b[i];
    sink = x;
}

static void walk(void)
{
    static const char *const compatibles[] = {
        "virtio,mmio", "arm,gic-v3", "arm,cortex-a15-gic", "arm,gic-400", "arm,armv8-timer",      "arm,pl011",
        "ns16550a",    "arm,pl031",  "arm,pl061",          "gpio-keys",   "pci-host-ecam-generic"};
    u32 len;
    const char *args = uk_fdt_prop(uk_fdt_path("/chosen"), "bootargs", &len);
    touch(args, len);
    const char *method = uk_fdt_prop(uk_fdt_path("/psci"), "method", &len);
    touch(method, len);

    u64 bases[UK_MAX_MEMREGIONS], sizes[UK_MAX_MEMREGIONS];
    int n = uk_fdt_memory(bases, sizes, UK_MAX_MEMREGIONS);
    if (n < 0 || n > UK_MAX_MEMREGIONS)
        fz_host_crash("uk_fdt_memory returned more regions than asked for");

    for (usize c = 0; c < UK_ARRAY_SIZE(compatibles); c++) {
        struct uk_fdt_dev d, all[64];
        int i = 0;
        int n_all = uk_fdt_find_all_compatible(compatibles[c], all, 64);
        for (; i < 64 && uk_fdt_find_compatible(compatibles[c], i, &d); i++) {
            if (i >= n_all || all[i].node != d.node || all[i].base != d.base || all[i].irq != d.irq)
                fz_host_crash("uk_fdt_find_all_compatible disagrees with uk_fdt_find_compatible");
            for (int k = 0; k < 3; k++)
                (void)uk_fdt_irq(d.node, k);
        }
        if (n_all != i)
            fz_host_crash("uk_fdt_find_all_compatible found another number of nodes");
    }

    int prev = -1, nodes = 0;
    for (int node = uk_fdt_next_node(-1); node >= 0; node = uk_fdt_next_node(node)) {
        if (node <= prev || ++nodes > 100000)
            fz_host_crash("uk_fdt_next_node does not move forward");
        prev = node;
        static const char *const props[] = {"reg",     "compatible",    "interrupts",  "gpios", "ranges",
                                            "phandle", "interrupt-map", "device_type", "status"};
        for (usize p = 0; p < UK_ARRAY_SIZE(props); p++)
            touch(uk_fdt_prop(node, props[p], &len), len);
        u32 ph = uk_fdt_u32(node, "gpios", 0);
        (void)uk_fdt_node_by_phandle(ph);
    }

    static struct uk_pci_host host;
    if (uk_plat_dtb_pci_host(&host) && host.nintx > UK_PCI_MAX_INTX_MAP)
        fz_host_crash("the PCI host's interrupt map overflowed");
}

int LLVMFuzzerTestOneInput(const u8 *data, usize size)
{
    if (size < 40)
        return 0;
    u8 *blob = fz_host_alloc(size, 1); /* exactly size bytes: ASan sees a read one byte past the blob */
    uk_memcpy(blob, data, size);
    u32 total = (u32)blob[4] << 24 | (u32)blob[5] << 16 | (u32)blob[6] << 8 | blob[7];
    if (total > size) {
        blob[4] = (u8)(size >> 24), blob[5] = (u8)(size >> 16), blob[6] = (u8)(size >> 8), blob[7] = (u8)size;
    }
    if (uk_fdt_init(blob))
        walk();
    /* The reader keeps no pointer into a blob it refused; one it accepted is replaced by the next input's. */
    fz_host_free(blob);
    return 0;
}
