/* boot.c - the generic boot sequence once the platform has set up the CPU and the direct map: map
 * the image with per-segment permissions, start the clocks, parse the command line, and enter the
 * program's ELF entry (musl's _start) at user privilege on its main thread. */
#include <uk/arch.h>
#include <uk/boot.h>
#include <uk/console.h>
#include <uk/devfs.h>
#include <uk/entry.h>
#include <uk/fd.h>
#include <uk/image.h>
#include <uk/initrd.h>
#include <uk/klibc.h>
#include <uk/lwip.h>
#include <uk/mm.h>
#include <uk/netif.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/procfs.h>
#include <uk/ramfs.h>
#include <uk/sched.h>
#include <uk/stats.h>
#include <uk/time.h>
#include <uk/tty.h>
#include <uk/vfs.h>

const volatile struct uk_appinfo uk_appinfo __attribute__((section(".appinfo"), used, aligned(16))) = {
    .magic = "UKAPPINF",
    .version = 1,
    .name = "app",
};

static void map_image_range(const char *start, const char *end, int prot, bool program)
{
    uptr s = UK_ALIGN_DOWN((uptr)start, UK_PAGE_SIZE), e = UK_ALIGN_UP((uptr)end, UK_PAGE_SIZE);
    for (uptr va = s; va < e; va += UK_PAGE_SIZE)
        if (uk_page_map(va, va + uk_bootinfo.image_pa_offset, prot))
            uk_panic("no memory for the image's page tables");
    if (program && e > s && uk_vm_add(s, e - s, prot & ~UK_PROT_USER, UK_VM_IMAGE))
        uk_panic("overlapping image segments");
}

static void map_image(void)
{
    const int R = UK_PROT_READ, W = UK_PROT_WRITE, X = UK_PROT_EXEC, U = UK_PROT_USER;
    map_image_range(__prog_text_start, __prog_text_end, R | X | U, true);
    map_image_range(__prog_rodata_start, __prog_rodata_end, R | U, true);
    map_image_range(__prog_data_start, __prog_data_end, R | W | U, true);
    map_image_range(__uk_text_start, __uk_text_end, R | X, false);
    map_image_range(__uk_rodata_start, __uk_rodata_end, R, false);
    map_image_range(__uk_data_start, __uk_data_end, R | W, false);
    map_image_range(__uk_bss_start, __uk_bss_end, R | W, false);
    uk_paging_activate();
    /* The loader zero-fills .bss, but do not rely on every loader doing so. The program's pages, just mapped:
     * through the copy layer's fill, in the user-access window (SMAP, PAN). */
    uk_user_fill_checked(__prog_bss_start, 0, __prog_bss_end - __prog_bss_start);
}

char uk_app_name[64];

static const char *appinfo_string(const volatile char *s, char *dst, usize size)
{
    usize i = 0;
    for (; i + 1 < size && s[i]; i++)
        dst[i] = s[i];
    dst[i] = 0;
    return dst;
}

/* The file tree and the standard descriptors, bottom layer first: a ramfs as /, its /tmp, devfs on /dev
 * with the drivers' devices, procfs and sysfs, /etc, the bundled files; fds 0-2 on the console. */
static void init_files(void)
{
    struct uk_mount *root = uk_ramfs_new(0755);
    if (!root || uk_vfs_mount("/", root) || !uk_vfs_mkpath("/tmp", UK_S_IFDIR | 01777))
        uk_panic("cannot make the root file system");
    uk_devfs_init();
    uk_tty_init();
    uk_procfs_init();
    uk_boot_etc_files();
    uk_initrd_unpack();
    for (int fd = 0; fd < 3; fd++) {
        struct uk_file *stdio = uk_tty_open_stdio(fd);
        if (!stdio || uk_fd_install(stdio, fd) != fd)
            uk_panic("cannot open the console as fds 0-2");
        uk_file_put(stdio);
    }
}

UK_NORETURN void uk_boot_main(void)
{
    static char default_cmdline[2048 + 4096];
    static struct uk_cmdline cl;

    uk_vm_init();
    map_image();
    uk_timeline_mark(UK_TL_IMAGE);
    appinfo_string(uk_appinfo.name, uk_app_name, sizeof(uk_app_name));
    const char *cmdline = uk_bootinfo.cmdline;
    if (!uk_cmdline_has_user_content(cmdline)) {
        /* The image's default line, then what the launcher added (uk.walltime=) so it still applies. */
        appinfo_string(uk_appinfo.cmdline, default_cmdline, sizeof(default_cmdline) / 2);
        uk_strlcpy(default_cmdline + uk_strlen(default_cmdline), " ", 2);
        uk_strlcpy(default_cmdline + uk_strlen(default_cmdline), cmdline, sizeof(default_cmdline) / 2);
        cmdline = default_cmdline;
    }
    uk_cmdline_parse(cmdline, uk_app_name, &cl);
    uk_time_init();
    uk_stack_guard_init(); /* with the clock, for entropy where the CPU has no random instruction */
    uk_pr_info("protections: %s, W^X image, stack protector\n", uk_arch_protections());
    uk_console_irq_init();
    uk_timeline_mark(UK_TL_CLOCK);
    init_files();
    uk_timeline_mark(UK_TL_FILES);
    uk_lwip_init(); /* before the drivers, which add their network interfaces to it */
    uk_net_files_init();
    uk_timeline_mark(UK_TL_NET);
    uk_plat_probe_devices();
    uk_timeline_mark(UK_TL_DEVICES);
    uk_time_settle(); /* the clock's calibration, where one runs, went on while the boot did the above */
    uk_pr_info("booting %s: %lu MiB of RAM, %d argument(s)\n", uk_app_name, uk_pmm_total_pages() * UK_PAGE_SIZE >> 20,
               cl.argc - 1);

    /* Whatever is free now, less a reserve for page tables, kernel stacks and files in /tmp. */
    usize free_bytes = uk_pmm_free_pages() * UK_PAGE_SIZE;
    uk_vm_set_commit_limit(free_bytes - UK_MIN(free_bytes / 8, (usize)64 << 20) - ((usize)1 << 20));
    uk_vm_layout_init(uk_boot_aslr, (uptr)__uk_image_start, (uptr)__uk_image_end); /* mmap base, brk, stack top */
    uk_brk_init(uk_vm_layout.brk_start);
    uptr sp = uk_initstack_build(&cl, (uptr)_start);
    if (uk_boot_selftest) {
        uk_printk("[uk] self-test %s: breaking a kernel protection on purpose (program stack %#lx, program code %#lx; "
                  "CPU protections: %s)\n",
                  uk_boot_selftest, sp, (uptr)_start, uk_arch_protections());
        if (!uk_boot_selftest_entry()(uk_boot_selftest, sp, (uptr)_start))
            uk_panic("uk.selftest=%s: no such self-test", uk_boot_selftest);
        uk_panic("uk.selftest=%s: the violation did not fault (protections: %s)", uk_boot_selftest,
                 uk_arch_protections());
    }
    struct uk_trapframe frame;
    uk_memset(&frame, 0, sizeof(frame));
    UK_FRAME_PC(&frame) = (uptr)_start;
    UK_FRAME_SP(&frame) = sp;
    uk_arch_frame_init_user(&frame);
    struct uk_thread *main = uk_thread_create(&frame, 0);
    if (!main)
        uk_panic("cannot create the main thread");
    /* With the main thread in place, idling (which takes interrupts) is possible: wait for DHCP leases. */
    uk_net_boot_wait();
    uk_pmm_report("the program's start");
    if (uk_boot_timer)
        uk_plat_boot_done();
    uk_timeline_mark(UK_TL_USER);
    uk_sched_start(main);
}
