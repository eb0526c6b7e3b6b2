/* boot.h - what the generic boot code shares between its files: the parsed command line, the
 * build-time application info, and the program's initial stack. */
#ifndef UK_BOOT_H
#define UK_BOOT_H
#include <uk/types.h>

#define UK_MAX_ARGS 256
#define UK_MAX_ENVS 256

/* Written into the image by the SDK's link task (docs/runtime-pack.md). */
struct uk_appinfo {
    char magic[8];
    u32 version;
    u32 reserved;
    char name[64];
    /* Where the program headers are in memory (AT_PHDR), filled by the link task: images whose
     * first bytes are a boot header (arm64 Image) no longer hold the ELF header. 0 = not filled. */
    u16 phentsize, phnum;
    u32 reserved2;
    u64 phdr;
    char reserved3[160];
    char cmdline[2048];
};
extern const volatile struct uk_appinfo uk_appinfo;
/* The program name from .uk.appinfo (argv[0]), copied at boot. */
extern char uk_app_name[64];

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
/* Builds argc/argv/envp/auxv on a new user stack; returns the initial stack pointer. */
uptr uk_initstack_build(const struct uk_cmdline *cl, uptr entry);

#endif
