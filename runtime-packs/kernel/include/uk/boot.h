/* boot.h - what the generic boot code shares between its files: the parsed command line and the
 * program's initial stack (the application info is in appinfo.h). */
#ifndef UK_BOOT_H
#define UK_BOOT_H
#include <uk/appinfo.h>
#include <uk/image.h>
#include <uk/types.h>

#define UK_MAX_ARGS 256
#define UK_MAX_ENVS 256

struct uk_cmdline {
    int argc, envc;
    char *argv[UK_MAX_ARGS + 1];
    char *envp[UK_MAX_ENVS + 1];
};

/* Splits the kernel command line into options, environment and program arguments; on bad input
 * prints what is wrong and stops the VM. */
void uk_cmdline_parse(const char *cmdline, const char *argv0, struct uk_cmdline *out);
/* False when the line holds only what the VMM or launcher adds (virtio_mmio.device=, uk.walltime=):
 * then the image's default command line applies. */
bool uk_cmdline_has_user_content(const char *line);
/* uk.walltime= from the command line (Unix ns), 0 when absent. */
extern u64 uk_boot_walltime_ns;
/* uk.boottimer: tell the VMM when the program starts (uk_plat_boot_done; Firecracker's boot timer). */
extern bool uk_boot_timer;
/* uk.aslr=on|off: randomise the program's layout per boot (lib/mm/layout.c); on unless the line says off. */
extern bool uk_boot_aslr;
/* uk.selftest=NAME: the kernel self-test to run before the program starts, NULL when absent. */
extern const char *uk_boot_selftest;
/* The kernel self-test (lib/selftest): an object the SDK links only into self-test images (UnikraftKernelSelfTest)
 * registers its entry in .uk.selftest (image.h's __uk_selftest_start), so a production image has none and refuses
 * uk.selftest=. It breaks one of the kernel's protections on purpose from kernel context: reads or writes program
 * memory at udata outside the copy layer, executes the program's code at ucode, smashes its own stack or breaks
 * the image's W^X; the CPU's fault (or the stack check) must then panic with a report naming the protection. */
static inline uk_selftest_fn uk_boot_selftest_entry(void)
{
    return (uptr)__uk_selftest_end > (uptr)__uk_selftest_start ? __uk_selftest_start[0] : NULL;
}
/* Writes /etc/passwd, group, hosts and hostname into the root file system. */
void uk_boot_etc_files(void);
/* Builds argc/argv/envp/auxv on a new user stack; returns the initial stack pointer. */
uptr uk_initstack_build(const struct uk_cmdline *cl, uptr entry);

#endif
