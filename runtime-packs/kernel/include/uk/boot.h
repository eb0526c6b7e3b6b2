/* boot.h - what the generic boot code shares between its files: the parsed command line and the
 * program's initial stack (the application info is in appinfo.h). */
#ifndef UK_BOOT_H
#define UK_BOOT_H
#include <uk/appinfo.h>
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
/* Writes /etc/passwd, group, hosts and hostname into the root file system. */
void uk_boot_etc_files(void);
/* Builds argc/argv/envp/auxv on a new user stack; returns the initial stack pointer. */
uptr uk_initstack_build(const struct uk_cmdline *cl, uptr entry);

#endif
