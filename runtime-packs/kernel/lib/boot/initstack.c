/* initstack.c - the program's main stack and what a Linux kernel leaves on it for the ELF entry:
 * argc, argv[], envp[], the auxiliary vector (AT_PHDR, AT_PAGESZ, AT_RANDOM, AT_HWCAP...) and the
 * strings they point to. musl's _start reads exactly this. */
#include <uk/arch.h>
#include <uk/boot.h>
#include <uk/image.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/random.h>
#include <uk/time.h>

#define STACK_SIZE (8UL << 20) /* RLIMIT_STACK's usual 8 MiB */

/* clang-format off */
enum {
    AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8,
    AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
    AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31,
    AT_MINSIGSTKSZ = 51,
};
/* clang-format on */

uptr uk_initstack_build(const struct uk_cmdline *cl, uptr entry)
{
    const uptr top = uk_vm_layout.stack_top; /* randomised per boot (lib/mm/layout.c) */
    int r = uk_vm_add(top - STACK_SIZE, STACK_SIZE, UK_PROT_READ | UK_PROT_WRITE, UK_VM_STACK);
    if (r)
        uk_panic("cannot reserve the main stack (%d)", r);

    /* Strings first, at the very top. */
    uptr sp = top;
    char *argv_u[UK_MAX_ARGS + 1], *envp_u[UK_MAX_ENVS + 1];
    const char *platform = uk_arch_platform();
#define PUSH_STR(s, dst)                                                                                               \
    do {                                                                                                               \
        usize n_ = uk_strlen(s) + 1;                                                                                   \
        sp -= n_;                                                                                                      \
        if (!uk_user_copy_to((void *)sp, (s), n_))                                                                     \
            uk_panic("cannot write the initial stack");                                                                \
        dst = (char *)sp;                                                                                              \
    } while (0)
    char *platform_u, *execfn_u;
    PUSH_STR(platform, platform_u);
    for (int i = cl->envc - 1; i >= 0; i--)
        PUSH_STR(cl->envp[i], envp_u[i]);
    for (int i = cl->argc - 1; i >= 0; i--)
        PUSH_STR(cl->argv[i], argv_u[i]);
    execfn_u = argv_u[0];
    sp = UK_ALIGN_DOWN(sp, 16) - 16;
    u8 rnd[16];
    uk_random_bytes(rnd, sizeof(rnd));
    uk_user_copy_to((void *)sp, rnd, sizeof(rnd));
    uptr random_u = sp;

    /* Program headers: where the link task recorded them, else from the image's own ELF header. */
    bool recorded = uk_appinfo.phnum != 0;
    struct elf64_ehdr eh = {0};
    if (!recorded) /* the ELF header is on the program's first page: read through the copy layer (SMAP, PAN) */
        uk_user_copy_checked(&eh, &__ehdr_start, sizeof(eh));
    u64 auxv[] = {
        AT_PHDR,        recorded ? uk_appinfo.phdr : (u64)&__ehdr_start + eh.phoff,
        AT_PHENT,       recorded ? uk_appinfo.phentsize : eh.phentsize,
        AT_PHNUM,       recorded ? uk_appinfo.phnum : eh.phnum,
        AT_PAGESZ,      UK_PAGE_SIZE,
        AT_BASE,        0,
        AT_FLAGS,       0,
        AT_ENTRY,       entry,
        AT_UID,         0,
        AT_EUID,        0,
        AT_GID,         0,
        AT_EGID,        0,
        AT_SECURE,      0,
        AT_CLKTCK,      100,
        AT_HWCAP,       uk_arch_hwcap(),
        AT_HWCAP2,      uk_arch_hwcap2(),
        AT_PLATFORM,    (u64)platform_u,
        AT_RANDOM,      random_u,
        AT_EXECFN,      (u64)execfn_u,
        AT_MINSIGSTKSZ, 2048,
        AT_NULL,        0,
    };
    usize words = 1 + (cl->argc + 1) + (cl->envc + 1) + UK_ARRAY_SIZE(auxv);
    sp -= words * 8;
    sp = UK_ALIGN_DOWN(sp, 16);
    u64 *w = (u64 *)sp;
    if (!uk_user_access_ok(w, words * 8, true))
        uk_panic("cannot write the initial stack");
    uk_arch_user_access_begin(); /* a user-access window over the checked words, as the copy layer opens */
    *w++ = cl->argc;
    for (int i = 0; i < cl->argc; i++)
        *w++ = (u64)argv_u[i];
    *w++ = 0;
    for (int i = 0; i < cl->envc; i++)
        *w++ = (u64)envp_u[i];
    *w++ = 0;
    uk_memcpy(w, auxv, sizeof(auxv));
    uk_arch_user_access_end();
    return sp;
}
