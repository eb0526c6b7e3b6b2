/* mm.h - physical frames, the kernel heap, page tables and the program's virtual address space. */
#ifndef UK_MM_H
#define UK_MM_H
#include <uk/arch.h>
#include <uk/plat.h>
#include <uk/types.h>

/* The kernel's own mappings stay in the lower half too: hypervisors that run the guest kernel
 * deprivileged (e.g. PVM, the nested KVM of some clouds) only map a guest kernel's lower-half
 * addresses directly and emulate every access elsewhere.
 * All physical memory is mapped here, supervisor-only and non-executable. */
#define UK_DIRECTMAP_BASE 0x0000600000000000UL
/* Kernel stacks live here, each with an unmapped guard area below it. */
#define UK_KSTACK_BASE 0x0000700000000000UL
#define UK_KSTACK_SIZE (32 * 1024UL) /* path syscalls keep two 4 KiB path buffers on it */

static inline void *uk_phys_to_virt(u64 pa) { return (void *)(pa + UK_DIRECTMAP_BASE); }
static inline u64 uk_virt_to_phys(const void *va) { return (u64)va - UK_DIRECTMAP_BASE; }

/* Physical frame allocator (4 KiB frames). Every frame is counted against its use, for the breakdown
 * uk_pmm_report prints at uk.log=debug. */
enum uk_mem_use {
    UK_MEM_PAGE_TABLES,
    UK_MEM_HEAP,        /* uk_kmalloc: kernel objects, lwIP's memory, console buffers */
    UK_MEM_KSTACKS,     /* kernel stacks of threads */
    UK_MEM_THREADS,     /* threads' saved vector state */
    UK_MEM_FILES,       /* ramfs contents: /tmp, bundled files */
    UK_MEM_DEVICES,     /* virtqueues and device buffers */
    UK_MEM_PROGRAM,     /* the program's pages: heap, stacks, GC */
    UK_MEM_BLOCK_CACHE, /* the disks' page cache (lib/blk): clean pages are given back when memory runs short */
    UK_MEM_USES,
};
/* The RAM the kernel needs free at boot, beyond the image and the boot data, to start a .NET program (Hello's runtime
 * starts with 3.2 MiB free, not with 2.9): with less, uk_pmm_init says how much the VM needs and powers off with a
 * non-zero code. The SDK's launcher refuses smaller VMs with the same bound (Unikraft.Sdk's ImageMemory). */
#define UK_PMM_MIN_FREE (3UL << 20)
void uk_pmm_init(const struct uk_memregion *ram, int nram, const struct uk_memregion *used, int nused);
u64 uk_pmm_alloc(usize npages, enum uk_mem_use use); /* contiguous; 0 when none */
u64 uk_pmm_alloc_zeroed(enum uk_mem_use use);        /* one frame filled with zeros; 0 when none */
void uk_pmm_free(u64 pa, usize npages, enum uk_mem_use use);
usize uk_pmm_free_pages(void);
usize uk_pmm_total_pages(void);
/* A cache whose frames the allocator may take back when it runs short: count() says how many it could
 * give, reclaim(want) frees about that many (never blocking) and returns how many it freed. */
struct uk_pmm_reclaimer {
    usize (*count)(void);
    usize (*reclaim)(usize want);
};
void uk_pmm_set_reclaimer(const struct uk_pmm_reclaimer *r);
usize uk_pmm_reclaimable_pages(void);
/* Where the RAM went, per use (now and at its peak), in KiB, at uk.log=debug. */
void uk_pmm_report(const char *when);

/* Kernel heap: small objects from size classes, larger ones as whole frames. */
void *uk_kmalloc(usize size);
void *uk_kzalloc(usize size);
void uk_kfree(void *p);

/* Kernel stacks, each with an unmapped guard area below it. */
void *uk_kstack_alloc(void); /* top of a new kernel stack */
void uk_kstack_free(void *top);

/* The program's address space (lib/mm/vm.c): areas with Linux mmap semantics, filled on demand. */
#define UK_USER_MMAP_BASE 0x0000100000000000UL        /* mmap's lowest base: 16 TiB */
#define UK_USER_TOP 0x0000600000000000UL              /* the program's half ends where the kernel's begins */
#define UK_USER_STACK_TOP (UK_USER_TOP - (1UL << 30)) /* the main stack's highest top */
#define UK_VM_ANON 1
#define UK_VM_STACK 2
#define UK_VM_IMAGE 4        /* part of the loaded image: never unmapped, frames not freed */
#define UK_VM_THREAD_STACK 8 /* a thread's stack, named by clone(): counts by its pages in memory */

void uk_vm_init(void);
int uk_vm_add(uptr start, usize len, int prot, int flags);
/* Reserves len bytes; fixed: at hint exactly (replacing what was there). Returns address or -errno. */
long uk_vm_mmap(uptr hint, usize len, int prot, int flags, bool fixed);
int uk_vm_munmap(uptr start, usize len);
int uk_vm_mprotect(uptr start, usize len, int prot);
/* clone() gave a thread the stack pointer sp: the program's mapping it lies in becomes a thread stack. */
void uk_vm_thread_stack(uptr sp);
int uk_vm_discard(uptr start, usize len); /* madvise(DONTNEED): next touch reads zeros */
long uk_vm_mremap(uptr old, usize oldlen, usize newlen, bool may_move);
/* Resolves a fault at va for the given access; 0 when fixed, or a SEGV_* code (1 MAPERR, 2 ACCERR). */
int uk_vm_fault(uptr va, int access);
/* The protection of the area holding va, or -1 when nothing is mapped there. */
int uk_vm_prot_at(uptr va);
/* Whether making [start, end) writable stays within the commit limit. */
bool uk_vm_commit_ok(uptr start, uptr end, int prot);
/* Around a device's access to program frames (O_DIRECT): frames unmapped meanwhile are freed only after. */
void uk_vm_dma_hold(void);
void uk_vm_dma_release(void);
/* Checks (and faults in) a user buffer before the kernel touches it; false means EFAULT. */
bool uk_user_access_ok(const void *p, usize len, bool write);
bool uk_user_copy_from(void *dst, const void *usrc, usize len);
/* A copy to or from program memory that uk_user_access_ok accepted with nothing blocking since (so nothing
 * could unmap it): many small copies of one checked buffer without checking each. */
void uk_user_copy_checked(void *dst, const void *src, usize len);
/* memset of program memory that uk_user_access_ok accepted, on the same terms. */
void uk_user_fill_checked(void *udst, int c, usize len);
/* Code that reads or writes a checked user structure field by field (signal frames, futex words) opens the
 * CPU's user-access window around those accesses itself: uk_arch_user_access_begin/end (arch.h), with nothing
 * that may block in between. */
bool uk_user_copy_to(void *udst, const void *src, usize len);
long uk_user_strlen(const char *us, usize max); /* -EFAULT or length */

/* One buffer of the program's scatter/gather call (readv/writev, sendmsg/recvmsg): Linux's struct iovec. */
struct uk_iov {
    void *base;
    usize len;
};
#define UK_IOV_MAX 1024 /* UIO_MAXIOV */
/* The program's array of cnt iovecs (at most UK_IOV_MAX) copied into a new kernel array (uk_kfree it) as Linux
 * imports it: a length above SSIZE_MAX is -EINVAL, and lengths are cut so the total stays within 0x7ffff000
 * bytes (MAX_RW_COUNT). -EFAULT, -EINVAL or -ENOMEM. */
long uk_iov_import(const void *uiov, usize cnt, struct uk_iov **out);
/* Total length of an iovec array; copies between the program's iovecs and kernel memory (false: bad address). */
usize uk_iov_len(const struct uk_iov *iov, int n);
bool uk_iov_copy_from(void *dst, const struct uk_iov *iov, int n, usize skip, usize len);
bool uk_iov_copy_to(const struct uk_iov *iov, int n, usize skip, const void *src, usize len);
usize uk_vm_committed_bytes(void);
/* How many mmap/mprotect/brk/mremap requests the commit limit refused (ENOMEM). */
extern usize uk_vm_commit_refusals;
/* From boot on, writable program memory is limited to this many bytes (0: no limit). */
void uk_vm_set_commit_limit(usize bytes);

/* The program's layout for this boot (lib/mm/layout.c): mmap looks for room from mmap_base up, the brk heap starts
 * at brk_start (after the image), the main stack's top is stack_top. uk_vm_layout_init picks them once at boot,
 * randomised by whole pages unless randomize is false (uk.aslr=off), and prints them at uk.log=debug. */
struct uk_vm_layout {
    uptr mmap_base, brk_start, stack_top;
    bool randomized;
};
extern struct uk_vm_layout uk_vm_layout;
void uk_vm_layout_init(bool randomize, uptr image_start, uptr image_end);

/* brk heap of the program, after the image. */
void uk_brk_init(uptr start);
uptr uk_brk_set(uptr addr);

#endif
