/* appinfo.h - the .uk.appinfo section: what the SDK's link task writes into the image about the program
 * (its name, program headers, default command line; docs/runtime-pack.md), and the name copied at boot. */
#ifndef UK_APPINFO_H
#define UK_APPINFO_H
#include <uk/types.h>

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

#endif
