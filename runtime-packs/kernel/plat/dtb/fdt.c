/* fdt.c - a small reader of the flattened device tree (devicetree specification v0.4, chapter 5): the
 * structure block is walked token by token; properties come before subnodes. Addresses use the root's
 * #address-cells / #size-cells (QEMU virt and Firecracker put every device directly under the root).
 * The blob comes from outside: uk_fdt_init checks the whole structure block once (every token inside it, names
 * terminated, property values inside it, property names inside the strings block and terminated, nodes
 * balanced, an FDT_END), so the walks after it only ever see well-formed tokens. */
#include <uk/fdt.h>
#include <uk/klibc.h>

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_HEADER_SIZE 40
#define FDT_MAX_DEPTH 64

static const u8 *blob;
static u32 off_struct, off_strings, size_struct, size_strings, total_size;
static u32 addr_cells = 2, size_cells = 1;

static u32 be32(const void *p)
{
    const u8 *b = p;
    return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u32 align4(u32 v) { return (v + 3) & ~3u; }
static u32 token(u32 off)
{
    return off < size_struct && size_struct - off >= 4 ? be32(blob + off_struct + off) : FDT_END;
}
static const char *node_name(u32 off) { return (const char *)blob + off_struct + off + 4; }

/* The offset of the token after the one at off (size_struct past the end or at a malformed token; after
 * uk_fdt_init every token is well-formed). */
static u32 next(u32 off)
{
    u32 room = off < size_struct ? size_struct - off : 0;
    switch (token(off)) {
    case FDT_BEGIN_NODE: {
        u32 n = (u32)uk_strnlen(node_name(off), room - 4);
        return n < room - 4 && align4(n + 1) <= room - 4 ? off + 4 + align4(n + 1) : size_struct;
    }
    case FDT_PROP: {
        if (room < 12)
            return size_struct;
        u32 len = be32(blob + off_struct + off + 4);
        return len <= room - 12 && align4(len) <= room - 12 ? off + 12 + align4(len) : size_struct;
    }
    case FDT_END_NODE:
    case FDT_NOP: return off + 4;
    default: return size_struct;
    }
}

/* Whether the strings block holds exactly name at nameoff (terminated inside the block). */
static bool string_is(u32 nameoff, const char *name)
{
    usize n = uk_strlen(name);
    return nameoff < size_strings && size_strings - nameoff > n && !uk_memcmp(blob + off_strings + nameoff, name, n) &&
           blob[off_strings + nameoff + n] == 0;
}

/* The whole structure block, once: see the comment at the top. */
static bool valid_structure(void)
{
    if (token(0) != FDT_BEGIN_NODE)
        return false;
    int depth = 0;
    bool closed = false; /* the root node has ended: only NOPs and FDT_END may follow */
    for (u32 off = 0;;) {
        u32 t = token(off);
        if (t == FDT_END)
            return closed;
        u32 after = next(off);
        if (after >= size_struct)
            return false; /* malformed, or nothing after it (not even FDT_END) */
        if (t == FDT_BEGIN_NODE && (closed || ++depth > FDT_MAX_DEPTH))
            return false;
        if (t == FDT_END_NODE) {
            if (closed || depth == 0)
                return false;
            closed = --depth == 0;
        }
        if (t == FDT_PROP) {
            u32 nameoff = be32(blob + off_struct + off + 8);
            if (closed || nameoff >= size_strings ||
                uk_strnlen((const char *)blob + off_strings + nameoff, size_strings - nameoff) ==
                    size_strings - nameoff)
                return false;
        }
        off = after;
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
        if (string_is(be32(p + 8), name)) {
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

/* Whether [off, off + size) lies inside the blob. */
static bool inside(u32 off, u32 size) { return off <= total_size && size <= total_size - off; }

bool uk_fdt_init(const void *b)
{
    blob = b;
    size_struct = size_strings = 0; /* a refused blob: every walk finds nothing */
    if (be32(blob) != FDT_MAGIC)
        return false;
    /* size_dt_struct is a field from version 17 on; a version 17 reader takes blobs whose last_comp_version <= 17 */
    u32 total = be32(blob + 4), version = be32(blob + 20), last_compatible = be32(blob + 24);
    total_size = total;
    off_struct = be32(blob + 8);
    off_strings = be32(blob + 12);
    if (total < FDT_HEADER_SIZE || version < 17 || last_compatible > 17 || !inside(off_struct, be32(blob + 36)) ||
        !inside(off_strings, be32(blob + 32)))
        return false;
    size_struct = be32(blob + 36);
    size_strings = be32(blob + 32);
    if (!valid_structure()) {
        size_struct = size_strings = 0;
        return false;
    }
    /* uk_fdt_cells takes at most 2 cells (64-bit addresses and sizes) */
    addr_cells = uk_fdt_u32(0, "#address-cells", 2);
    size_cells = uk_fdt_u32(0, "#size-cells", 1);
    if (addr_cells > 2 || size_cells > 2) {
        size_struct = size_strings = 0;
        return false;
    }
    return true;
}

u32 uk_fdt_total_size(void) { return total_size; }

/* Whether a string-list property (NUL-separated, the last one possibly unterminated) holds want. */
static bool list_has(const char *list, u32 len, const char *want)
{
    usize n = uk_strlen(want);
    for (u32 i = 0; i < len; i += (u32)uk_strnlen(list + i, len - i) + 1)
        if (len - i > n && !uk_memcmp(list + i, want, n) && list[i + n] == 0)
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

/* The device at node off: its first two register windows and first interrupt. */
static void fill_dev(u32 off, struct uk_fdt_dev *out)
{
    u32 len;
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
}

static bool is_compatible(u32 off, const char *compat)
{
    u32 len;
    const char *list = uk_fdt_prop((int)off, "compatible", &len);
    return list && list_has(list, len, compat);
}

bool uk_fdt_find_compatible(const char *compat, int index, struct uk_fdt_dev *out)
{
    for (u32 off = 0; off < size_struct; off = next(off)) {
        if (token(off) != FDT_BEGIN_NODE || !is_compatible(off, compat) || index-- > 0)
            continue;
        fill_dev(off, out);
        return true;
    }
    return false;
}

int uk_fdt_find_all_compatible(const char *compat, struct uk_fdt_dev *out, int max)
{
    int n = 0;
    for (u32 off = 0; off < size_struct && n < max; off = next(off))
        if (token(off) == FDT_BEGIN_NODE && is_compatible(off, compat))
            fill_dev(off, &out[n++]);
    return n;
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
        if (!type || !list_has(type, len, "memory"))
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
