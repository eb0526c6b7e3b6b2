/* pci_x86_64.c - the x86 parts of the PCI bus: configuration mechanism #1 (address to port 0xcf8, data
 * at 0xcfc), I/O BARs through port instructions, and MSI messages to the local APIC of CPU 0. */
#include <uk/arch.h>
#include <uk/pci.h>

#define CONF_ADDRESS 0xcf8
#define CONF_DATA 0xcfc
#define MSI_ADDRESS 0xfee00000UL /* destination APIC ID 0, physical mode */

static int msi_used;

bool uk_pci_arch_conf_read(u8 bus, u8 slot, u8 func, u32 off, u32 *v)
{
    uk_outl(CONF_ADDRESS, 0x80000000u | (u32)bus << 16 | (u32)slot << 11 | (u32)func << 8 | (off & 0xfc));
    *v = uk_inl(CONF_DATA);
    return true;
}

bool uk_pci_arch_conf_write(u8 bus, u8 slot, u8 func, u32 off, u32 v)
{
    uk_outl(CONF_ADDRESS, 0x80000000u | (u32)bus << 16 | (u32)slot << 11 | (u32)func << 8 | (off & 0xfc));
    uk_outl(CONF_DATA, v);
    return true;
}

void *uk_pci_arch_io_map(u64 cpu, u32 length) { return NULL; }

u32 uk_pci_arch_port_read(u64 port, int width)
{
    return width == 1 ? uk_inb((u16)port) : width == 2 ? uk_inw((u16)port) : uk_inl((u16)port);
}

void uk_pci_arch_port_write(u64 port, int width, u32 v)
{
    if (width == 1)
        uk_outb((u16)port, (u8)v);
    else if (width == 2)
        uk_outw((u16)port, (u16)v);
    else
        uk_outl((u16)port, v);
}

bool uk_pci_arch_msi(int *line, u64 *addr, u32 *data)
{
    if (msi_used == UK_MSI_LINES)
        return false;
    int n = msi_used++;
    *line = UK_MSI_LINE0 + n;
    *addr = MSI_ADDRESS;
    *data = UK_VEC_MSI0 + (u32)n; /* fixed delivery, edge */
    return true;
}
