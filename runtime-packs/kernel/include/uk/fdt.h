/* fdt.h - reading the flattened device tree that arm64 boot loaders pass (QEMU virt, Firecracker):
 * the memory map, /chosen, and devices found by their "compatible" string. Read-only, no allocation. */
#ifndef UK_FDT_H
#define UK_FDT_H
#include <uk/types.h>

/* A device node: its first register window and first interrupt (as a GIC INTID; -1 when none). */
struct uk_fdt_dev {
    int node;
    u64 base, size;
    u64 base2, size2; /* second register window (GIC CPU interface / redistributor), 0 when none */
    int irq;
};

/* Checks the header; false when blob is not a device tree. */
bool uk_fdt_init(const void *blob);
u32 uk_fdt_total_size(void);
/* The index-th node (from 0) whose "compatible" list holds compat. */
bool uk_fdt_find_compatible(const char *compat, int index, struct uk_fdt_dev *out);
/* Every such node (at most max) in the tree's order, found in one walk (QEMU virt has 32 virtio-mmio nodes: asking
 * for each by index walked the tree 33 times, a millisecond of the boot under TCG); their number. */
int uk_fdt_find_all_compatible(const char *compat, struct uk_fdt_dev *out, int max);
/* A property of a node (node offsets from uk_fdt_dev.node or uk_fdt_path), NULL when absent. */
const void *uk_fdt_prop(int node, const char *name, u32 *len);
/* A one-cell property (big-endian), fallback when absent or short. */
u32 uk_fdt_u32(int node, const char *name, u32 fallback);
/* n big-endian cells at p as one number (n <= 2). */
u64 uk_fdt_cells(const void *p, u32 n);
/* The node whose "phandle" is phandle, -1 when none. */
int uk_fdt_node_by_phandle(u32 phandle);
/* The node after node in the tree's order (depth first; -1: the root), -1 after the last. */
int uk_fdt_next_node(int node);
/* The node at an absolute path of plain names ("/chosen", "/psci"), -1 when absent. */
int uk_fdt_path(const char *path);
/* Fills the RAM regions of every memory node; returns their number. */
int uk_fdt_memory(u64 *bases, u64 *sizes, int max);
/* The index-th interrupt of a node as a GIC INTID (SPI n → 32 + n, PPI n → 16 + n), -1 when none. */
int uk_fdt_irq(int node, int index);

#endif
