/* fdt.c - a small reader of the flattened device tree (devicetree specification v0.4, chapter 5): the
 * structure block is walked token by token; properties come before subnodes. Addresses use the root's
 * #address-cells / #size-cells (QEMU virt and Firecracker put every device directly under the root). */
#include <uk/fdt.h>
#include <uk/klibc.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static const u8 *blob;
static u32 off_struct, off_strings, size_struct, total_size;
static u32 addr_cells = 2, size_cells = 1;

static u32 be32(const void *p)
{
    const u8 *b = p;
    return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u32 align4(u32 v) { return (v + 3) & ~3u; }
static u32 token(u32 off) { return off + 4 <= size_struct ? be32(blob + off_struct + off) : FDT_END; }
static const char *node_name(u32 off) { return (const char *)blob + off_struct + off + 4; }

/* The offset of the token after the one at off. */
static u32 next(u32 off)
{
    switch (token(off)) {
    case FDT_BEGIN_NODE: return off + 4 + align4((u32)uk_strnlen(node_name(off), size_struct - off) + 1);
    case FDT_PROP: return off + 12 + align4(be32(blob + off_struct + off + 4));
    case FDT_END_NODE:
    case FDT_NOP: return off + 4;
    default: return size_struct;
    }
}

const void *uk_fdt_prop(int node, const char *name, u32 *len)
{
    if (node < 0 || token((u32)node) != FDT_BEGIN_NODE)
        return NULL;
    for (u32 off = next((u32)node); off < size_struct; off = next(off)) {
        u32 t = token(off);
        if (t == FDT_NOP)
            continue;
        if (t != FDT_PROP)
            return NULL;
        const u8 *p = blob + off_struct + off;
        u32 nameoff = be32(p + 8);
        if (off_strings + nameoff < total_size && !uk_strcmp((const char *)blob + off_strings + nameoff, name)) {
            if (len)
                *len = be32(p + 4);
            return p + 12;
        }
    }
    return NULL;
}

u32 uk_fdt_u32(int node, const char *name, u32 fallback)
{
    u32 len;
    const void *p = uk_fdt_prop(node, name, &len);
    return p && len >= 4 ? be32(p) : fallback;
}

bool uk_fdt_init(const void *b)
{
    blob = b;
    if (be32(blob) != FDT_MAGIC)
        return false;
    total_size = be32(blob + 4);
    off_struct = be32(blob + 8);
    off_strings = be32(blob + 12);
    size_struct = be32(blob + 36);
    addr_cells = uk_fdt_u32(0, "#address-cells", 2);
    size_cells = uk_fdt_u32(0, "#size-cells", 1);
    return true;
}

u32 uk_fdt_total_size(void) { return total_size; }

static bool list_has(const char *list, u32 len, const char *want)
{
    for (u32 i = 0; i < len; i += (u32)uk_strnlen(list + i, len - i) + 1)
        if (!uk_strcmp(list + i, want))
            return true;
    return false;
}

u64 uk_fdt_cells(const void *at, u32 n)
{
    const u8 *p = at;
    u64 v = 0;
    for (u32 i = 0; i < n; i++)
        v = v << 32 | be32(p + 4 * i);
    return v;
}

int uk_fdt_irq(int node, int index)
{
    u32 len;
    const u8 *p = uk_fdt_prop(node, "interrupts", &len);
    if (!p || (u32)(index + 1) * 12 > len)
        return -1;
    u32 type = be32(p + 12 * index), num = be32(p + 12 * index + 4);
    return (int)(type == 1 ? 16 + num : 32 + num);
}

bool uk_fdt_find_compatible(const char *compat, int index, struct uk_fdt_dev *out)
{
    for (u32 off = 0; off < size_struct; off = next(off)) {
        if (token(off) != FDT_BEGIN_NODE)
            continue;
        u32 len;
        const char *list = uk_fdt_prop((int)off, "compatible", &len);
        if (!list || !list_has(list, len, compat) || index-- > 0)
            continue;
        uk_memset(out, 0, sizeof(*out));
        out->node = (int)off;
        const u8 *reg = uk_fdt_prop((int)off, "reg", &len);
        u32 entry = 4 * (addr_cells + size_cells);
        if (reg && len >= entry) {
            out->base = uk_fdt_cells(reg, addr_cells);
            out->size = uk_fdt_cells(reg + 4 * addr_cells, size_cells);
        }
        if (reg && len >= 2 * entry) {
            out->base2 = uk_fdt_cells(reg + entry, addr_cells);
            out->size2 = uk_fdt_cells(reg + entry + 4 * addr_cells, size_cells);
        }
        out->irq = uk_fdt_irq((int)off, 0);
        return true;
    }
    return false;
}

int uk_fdt_path(const char *path)
{
    if (*path == '/')
        path++;
    usize want = uk_strlen(path);
    int depth = 0;
    for (u32 off = 0; off < size_struct; off = next(off)) {
        u32 t = token(off);
        if (t == FDT_END_NODE)
            depth--;
        if (t != FDT_BEGIN_NODE)
            continue;
        const char *name = node_name(off);
        if (depth == 1 && !uk_strncmp(name, path, want) && (name[want] == 0 || name[want] == '@'))
            return (int)off;
        depth++;
    }
    return -1;
}

int uk_fdt_memory(u64 *bases, u64 *sizes, int max)
{
    int n = 0;
    for (u32 off = 0; off < size_struct && n < max; off = next(off)) {
        if (token(off) != FDT_BEGIN_NODE)
            continue;
        u32 len;
        const char *type = uk_fdt_prop((int)off, "device_type", &len);
        if (!type || uk_strcmp(type, "memory"))
            continue;
        const u8 *reg = uk_fdt_prop((int)off, "reg", &len);
        u32 entry = 4 * (addr_cells + size_cells);
        for (u32 i = 0; reg && i + entry <= len && n < max; i += entry) {
            bases[n] = uk_fdt_cells(reg + i, addr_cells);
            sizes[n] = uk_fdt_cells(reg + i + 4 * addr_cells, size_cells);
            if (sizes[n])
                n++;
        }
    }
    return n;
}

int uk_fdt_node_by_phandle(u32 phandle)
{
    for (u32 off = 0; off < size_struct; off = next(off))
        if (token(off) == FDT_BEGIN_NODE && uk_fdt_u32((int)off, "phandle", 0) == phandle)
            return (int)off;
    return -1;
}

int uk_fdt_next_node(int node)
{
    for (u32 off = node < 0 ? 0 : next((u32)node); off < size_struct; off = next(off))
        if (token(off) == FDT_BEGIN_NODE)
            return (int)off;
    return -1;
}
