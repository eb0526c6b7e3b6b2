/* pci.h - the PCI bus (drivers/pci): a host bridge that a platform describes (x86: configuration
 * ports 0xcf8/0xcfc, BARs placed by the firmware; arm64 virt: ECAM and address windows from the device
 * tree, BARs placed by us), the functions found on it, their BARs, capabilities and interrupts (MSI-X
 * where the architecture takes messages, else INTx through the host's interrupt map). */
#ifndef UK_PCI_H
#define UK_PCI_H
#include <uk/types.h>

#define UK_PCI_MAX_INTX_MAP 64

/* An address window of the host bridge: bus addresses [bus, bus + size) appear at CPU address cpu. */
struct uk_pci_window {
    u64 cpu, bus, size;
    u64 next; /* the next free bus address when BARs are placed by us */
};

struct uk_pci_host {
    u64 ecam_pa;  /* ECAM (1 MiB per bus), 0: configuration ports (x86) */
    bool assign;  /* place the BARs no firmware placed in the windows below */
    u8 bus_first; /* the root bus number */
    u8 bus_last;
    struct uk_pci_window io, mem32, mem64;
    /* INTx: (bus/device/function bits of the address & mask, pin & mask) -> interrupt line */
    u32 intx_mask_addr, intx_mask_pin;
    int nintx;
    struct {
        u32 addr, pin;
        int irq;
    } intx[UK_PCI_MAX_INTX_MAP];
};

#define UK_PCI_BAR_IO 1
#define UK_PCI_BAR_MEM 2
struct uk_pci_bar {
    u8 kind; /* 0: none; UK_PCI_BAR_IO or UK_PCI_BAR_MEM */
    bool is64;
    u64 bus, size; /* bus address (an I/O port number for I/O BARs) and size */
    u64 cpu;       /* CPU physical address (x86 I/O BARs: the port); set by uk_pci_enable */
};

struct uk_pci_dev {
    struct uk_pci_host *host;
    u8 bus, slot, func;
    u16 vendor, device, subsystem;
    u32 class; /* class, subclass, prog-if */
    u8 revision;
    u8 pin;   /* 1-4: INTA-INTD, 0: none */
    int intx; /* the INTx interrupt line, -1 when none */
    struct uk_pci_bar bar[6];
    char where[16]; /* "pci 00:02.0" */
};

/* Configuration space, 256 bytes per function (the first 256 of ECAM's 4 KiB). */
u32 uk_pci_read(const struct uk_pci_dev *d, u32 off, int width);
void uk_pci_write(const struct uk_pci_dev *d, u32 off, int width, u32 v);
/* The offset of the first capability with id at or after offset from (0: from the list's start), 0 when
 * there is none. */
u8 uk_pci_find_cap(const struct uk_pci_dev *d, u8 id, u8 from);
/* Prepares d for its driver: places its unassigned BARs in the host's windows (when the host asks for
 * it), then turns on memory and I/O decoding and bus mastering. Functions left alone stay untouched. */
void uk_pci_enable(struct uk_pci_dev *d);

/* A region inside a BAR, for a driver's registers: memory mapped, or I/O ports. */
struct uk_pci_region {
    u8 kind;
    volatile u8 *va; /* memory BARs, and I/O BARs where ports are memory-mapped (arm64) */
    u64 port;        /* I/O BARs reached by port instructions (x86) */
};
/* Maps length bytes at offset off of BAR bar; false when the BAR is absent or too small. */
bool uk_pci_region(const struct uk_pci_dev *d, int bar, u32 off, u32 length, struct uk_pci_region *out);
u32 uk_pci_region_read(const struct uk_pci_region *r, u32 off, int width);
void uk_pci_region_write(const struct uk_pci_region *r, u32 off, int width, u32 v);

/* Interrupts: enables MSI-X with every vector the function has pointing at one new interrupt line (the
 * line goes to uk_irq_register). -ENODEV without MSI-X, -EOPNOTSUPP when the architecture takes no message
 * interrupts. On success the function's INTx is disabled. */
long uk_pci_msix_enable(const struct uk_pci_dev *d, int *line);

/* Finds the functions behind host: fills devs (at most max), returns how many exist (may exceed max). */
int uk_pci_scan(struct uk_pci_host *host, struct uk_pci_dev *devs, int max);

/* Architecture parts (drivers/pci/pci_<arch>.c) */
/* I/O BARs: mapped as memory where the architecture has no port instructions (arm64), else NULL and
 * reached through the port functions. */
void *uk_pci_arch_io_map(u64 cpu, u32 length);
u32 uk_pci_arch_port_read(u64 port, int width);
void uk_pci_arch_port_write(u64 port, int width, u32 v);
/* Configuration through ports 0xcf8/0xcfc: false where the architecture has none. */
bool uk_pci_arch_conf_read(u8 bus, u8 slot, u8 func, u32 off, u32 *v);
bool uk_pci_arch_conf_write(u8 bus, u8 slot, u8 func, u32 off, u32 v);
/* An interrupt line taking message-signalled interrupts and the message that raises it; false when the
 * architecture has none left (or none at all). */
bool uk_pci_arch_msi(int *line, u64 *addr, u32 *data);

#endif
