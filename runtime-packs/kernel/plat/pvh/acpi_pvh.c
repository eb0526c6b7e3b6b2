/* acpi_pvh.c - finds the VMM's ACPI tables (ACPI 6.4, section 5.2): the RSDP at the address the PVH start
 * info gives (QEMU's PVH loader fills rsdp_paddr, Firecracker too) or, without one, by its signature on a
 * 16-byte boundary of the BIOS area (0xe0000-0xfffff); then the XSDT (or, for ACPI 1.0, the RSDT) and the
 * tables it lists; the DSDT through the FADT. Every table's checksum is checked: one that fails, or lies
 * about its length, is treated as absent. Tables are read in place, never copied or written. */
#include <uk/arch.h>
#include <uk/klibc.h>
#include <uk/print.h>
#include "pvh.h"

#define HEADER_LEN 36
#define MAX_TABLE_LEN (1u << 20)

u64 uk_plat_pvh_rsdp;

static bool checksum_ok(const u8 *p, u32 len)
{
    u8 sum = 0;
    for (u32 i = 0; i < len; i++)
        sum = (u8)(sum + p[i]);
    return sum == 0;
}

static u64 le64(const u8 *p) { return uk_plat_pvh_le32(p) | (u64)uk_plat_pvh_le32(p + 4) << 32; }

/* The RSDP: "RSD PTR ", checksum over the first 20 bytes, revision at 15, RSDT at 16; from revision 2 the
 * length at 20, the XSDT at 24 and a checksum over the whole structure. */
static const u8 *rsdp_at(u64 pa)
{
    const u8 *p = uk_phys_map_ro(pa, 36);
    if (!p || uk_memcmp(p, "RSD PTR ", 8) || !checksum_ok(p, 20))
        return NULL;
    if (p[15] >= 2 && (uk_plat_pvh_le32(p + 20) < 36 || !checksum_ok(p, 36)))
        return NULL;
    return p;
}

static const u8 *find_rsdp(void)
{
    static const u8 *rsdp;
    static bool searched;
    if (searched)
        return rsdp;
    searched = true;
    if (uk_plat_pvh_rsdp)
        rsdp = rsdp_at(uk_plat_pvh_rsdp);
    for (u64 pa = 0xe0000; !rsdp && pa < 0x100000; pa += 16)
        rsdp = rsdp_at(pa);
    return rsdp;
}

/* The table at pa when its signature is sig (NULL: any) and its checksum holds. */
static const u8 *table_at(u64 pa, const char *sig, u32 *len)
{
    const u8 *h = pa ? uk_phys_map_ro(pa, HEADER_LEN) : NULL;
    if (!h || (sig && uk_memcmp(h, sig, 4)))
        return NULL;
    u32 n = uk_plat_pvh_le32(h + 4);
    if (n < HEADER_LEN || n > MAX_TABLE_LEN)
        return NULL;
    const u8 *t = uk_phys_map_ro(pa, n);
    if (!t || !checksum_ok(t, n)) {
        char name[5] = {(char)h[0], (char)h[1], (char)h[2], (char)h[3], 0};
        uk_pr_warn("acpi: the %s table at %#lx has a bad checksum: ignored\n", name, pa);
        return NULL;
    }
    if (len)
        *len = n;
    return t;
}

const u8 *uk_plat_pvh_acpi_table(const char *sig, u32 *len)
{
    const u8 *rsdp = find_rsdp();
    if (!rsdp)
        return NULL;
    u64 xsdt = rsdp[15] >= 2 ? le64(rsdp + 24) : 0;
    u32 root_len, entry = xsdt ? 8 : 4;
    const u8 *root = xsdt ? table_at(xsdt, "XSDT", &root_len) : NULL;
    if (!root) {
        root = table_at(uk_plat_pvh_le32(rsdp + 16), "RSDT", &root_len);
        entry = 4;
    }
    for (u32 off = HEADER_LEN; root && off + entry <= root_len; off += entry) {
        u64 pa = entry == 8 ? le64(root + off) : uk_plat_pvh_le32(root + off);
        const u8 *t = table_at(pa, sig, len);
        if (t)
            return t;
    }
    return NULL;
}

/* FADT: DSDT (32-bit) at 40; X_DSDT (64-bit) at 140, preferred when the table is long enough to hold it. */
const u8 *uk_plat_pvh_acpi_dsdt(u32 *len)
{
    u32 fadt_len;
    const u8 *fadt = uk_plat_pvh_acpi_table("FACP", &fadt_len);
    if (!fadt)
        return NULL;
    u64 x_dsdt = fadt_len >= 148 ? le64(fadt + 140) : 0;
    return table_at(x_dsdt ? x_dsdt : uk_plat_pvh_le32(fadt + 40), "DSDT", len);
}
