/* vm.c - the program's virtual address space: a sorted array of areas with Linux mmap semantics.
 * Reservations cost no memory; frames are allocated and zeroed on first touch (uk_vm_fault). Pages
 * of an area with PROT_NONE stay mapped supervisor-only, so the program faults and the data stays. */
#include <uk/errno.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>

struct vma {
    uptr start, end;
    int prot; /* UK_PROT_READ/WRITE/EXEC */
    int flags;
};

static struct vma *areas;
static int nareas, capareas;
/* Strict commit accounting: writable private memory the program may touch never exceeds what the
 * frame allocator can give, so mmap/mprotect/brk fail with ENOMEM (.NET: OutOfMemoryException)
 * instead of a fault on a page that cannot be backed. */
static usize commit_limit;
/* The main stack (UK_VM_STACK) counts by its pages in memory, as Linux's stack grows on demand: its 8 MiB
 * mapping would otherwise take 8 MiB of the limit that a small VM does not have. Its first STACK_COMMITTED
 * bytes count from the start, so that what a program's main thread ordinarily uses never fails; a fault
 * beyond them that would take the total past the limit fails like the growth of a Linux stack (SIGSEGV). */
#define STACK_COMMITTED (256UL << 10)
static usize stack_resident;

/* Thread stacks count by their pages in memory too. .NET gives its threads 1.5 MiB stacks (what NativeAOT links
 * for musl) and touches a few pages of most: counted whole, a web server's dozen threads would take 18 MiB of a
 * small VM's limit, and a 6 MiB VM could not start its second thread. musl maps a thread's stack and, above it,
 * the thread's TLS in one PROT_NONE mapping and makes all but the guard area at its bottom writable before the
 * clone: that mprotect makes the area a thread stack (uk_vm_mprotect); a stack laid out otherwise becomes one at
 * the clone() whose stack pointer lies in it (uk_vm_thread_stack). A fault that would take the total past the
 * limit fails like the growth of the main stack. */
#define TSTACK_MAX ((8UL << 20) + (64UL << 10)) /* musl's largest default stack and a guard's worth */
#define TSTACK_TLS (64UL << 10)                 /* what may sit above the stack pointer: TLS, pthread struct */
#define TSTACK_GUARD_MAX (64UL << 10)           /* the guard area below a thread's stack */
#define TSTACK_FIRST (64UL << 10)               /* what a new thread's stack must have room for */
static usize tstack_resident;

void uk_vm_set_commit_limit(usize bytes) { commit_limit = bytes; }

/* Writable bytes of [start, end) that are not writable yet (what a change would newly commit). */
static usize newly_committed(uptr start, uptr end)
{
    usize already = 0;
    for (int i = 0; i < nareas && areas[i].start < end; i++) {
        if (areas[i].end <= start || !(areas[i].prot & UK_PROT_WRITE))
            continue;
        already += UK_MIN(areas[i].end, end) - UK_MAX(areas[i].start, start);
    }
    return (end - start) - already;
}

/* Large requests (the GC growing its heap) stop a reserve below the limit (1/16 of it, at most 4 MiB),
 * so that the small ones the runtime makes while it throws and reports OutOfMemoryException (malloc, a
 * thread's stack) still fit. */
#define COMMIT_RESERVE_MAX (4UL << 20)
#define COMMIT_SMALL (256UL << 10)

usize uk_vm_commit_refusals;

static bool commit_ok(uptr start, uptr end, int prot, bool small)
{
    if (!commit_limit || !(prot & UK_PROT_WRITE))
        return true;
    usize more = newly_committed(start, end);
    usize limit =
        more > COMMIT_SMALL && !small ? commit_limit - UK_MIN(commit_limit / 16, COMMIT_RESERVE_MAX) : commit_limit;
    if (uk_vm_committed_bytes() + more <= limit)
        return true;
    uk_vm_commit_refusals++;
    return false;
}

bool uk_vm_commit_ok(uptr start, uptr end, int prot) { return commit_ok(start, end, prot, false); }

void uk_vm_init(void)
{
    capareas = 128;
    areas = uk_kmalloc(capareas * sizeof(*areas));
    if (!areas)
        uk_panic("no memory for the address-space map");
}

static int user_pte_prot(int prot)
{
    if (!(prot & (UK_PROT_READ | UK_PROT_WRITE | UK_PROT_EXEC)))
        return UK_PROT_READ; /* PROT_NONE: present for the kernel only */
    return prot | UK_PROT_READ | UK_PROT_USER;
}

/* Index of the first area whose end is above va. */
static int lower_bound(uptr va)
{
    int lo = 0, hi = nareas;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (areas[mid].end <= va)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct vma *find(uptr va)
{
    int i = lower_bound(va);
    return i < nareas && areas[i].start <= va ? &areas[i] : NULL;
}

static bool insert_at(int i, struct vma v)
{
    if (nareas == capareas) {
        struct vma *n = uk_kmalloc(2 * capareas * sizeof(*n));
        if (!n)
            return false;
        uk_memcpy(n, areas, nareas * sizeof(*n));
        uk_kfree(areas);
        areas = n;
        capareas *= 2;
    }
    uk_memmove(&areas[i + 1], &areas[i], (nareas - i) * sizeof(*areas));
    areas[i] = v;
    nareas++;
    return true;
}

static void remove_at(int i)
{
    uk_memmove(&areas[i], &areas[i + 1], (nareas - i - 1) * sizeof(*areas));
    nareas--;
}

static void merge_around(int i)
{
    if (i + 1 < nareas && areas[i].end == areas[i + 1].start && areas[i].prot == areas[i + 1].prot &&
        areas[i].flags == areas[i + 1].flags) {
        areas[i].end = areas[i + 1].end;
        remove_at(i + 1);
    }
    if (i > 0 && areas[i - 1].end == areas[i].start && areas[i - 1].prot == areas[i].prot &&
        areas[i - 1].flags == areas[i].flags) {
        areas[i - 1].end = areas[i].end;
        remove_at(i);
    }
}

/* Splits areas so that start and end fall on area boundaries. */
static bool split_at(uptr va)
{
    int i = lower_bound(va);
    if (i >= nareas || areas[i].start >= va)
        return true;
    struct vma tail = areas[i];
    tail.start = va;
    areas[i].end = va;
    return insert_at(i + 1, tail);
}

/* Direct I/O (lib/blk's O_DIRECT) hands the program's frames to a device. While such requests are in flight,
 * frames the program unmaps are not freed but kept until the last request ends, so a device never writes into a
 * frame that was given to someone else meanwhile. */
static usize dma_holds;
static u64 *kept; /* frames unmapped while dma_holds */
static usize nkept, capkept;

void uk_vm_dma_hold(void) { dma_holds++; }

void uk_vm_dma_release(void)
{
    if (--dma_holds)
        return;
    for (usize i = 0; i < nkept; i++)
        uk_pmm_free(kept[i], 1, UK_MEM_PROGRAM);
    nkept = 0;
}

static void keep_frame(u64 pa)
{
    if (nkept == capkept) {
        usize cap = capkept ? capkept * 2 : 64;
        u64 *n = uk_kmalloc(cap * sizeof(*n));
        if (!n)
            return; /* no memory for the list: the frame is lost rather than reused under a device */
        if (kept) {
            uk_memcpy(n, kept, nkept * sizeof(*n));
            uk_kfree(kept);
        }
        kept = n;
        capkept = cap;
    }
    kept[nkept++] = pa;
}

static void release_pages(uptr start, uptr end, int flags)
{
    for (uptr va = start; va < end; va += UK_PAGE_SIZE) {
        u64 pa = uk_page_unmap(va);
        if (pa && !(flags & UK_VM_IMAGE)) {
            if (dma_holds)
                keep_frame(pa);
            else
                uk_pmm_free(pa, 1, UK_MEM_PROGRAM);
        }
        if (pa && (flags & UK_VM_STACK))
            stack_resident -= UK_PAGE_SIZE;
        if (pa && (flags & UK_VM_THREAD_STACK))
            tstack_resident -= UK_PAGE_SIZE;
    }
}

int uk_vm_add(uptr start, usize len, int prot, int flags)
{
    int i = lower_bound(start);
    if (i < nareas && areas[i].start < start + len)
        return -EEXIST;
    if (!insert_at(i, (struct vma){start, start + len, prot, flags}))
        return -ENOMEM;
    merge_around(i);
    return 0;
}

/* The pages [start, *end) of a call on the program's memory, as Linux bounds them: start page-aligned, the length
 * rounded up to pages without wrapping, all of it in the program's half. False otherwise. */
static bool user_range(uptr start, usize len, uptr *end)
{
    if (start & (UK_PAGE_SIZE - 1) || start > UK_USER_TOP || len > UK_USER_TOP - start)
        return false;
    *end = start + UK_ALIGN_UP(len, UK_PAGE_SIZE);
    return true;
}

static uptr find_gap(uptr hint, usize len)
{
    uptr base = uk_vm_layout.mmap_base; /* randomised per boot (layout.c) */
    uptr cand = hint >= base ? hint : base;
    for (int i = lower_bound(cand); i <= nareas; i++) {
        uptr limit = i < nareas ? areas[i].start : UK_USER_TOP;
        if (limit >= cand && limit - cand >= len)
            return cand;
        if (i < nareas && areas[i].end > cand)
            cand = areas[i].end;
    }
    return hint > base ? find_gap(base, len) : 0;
}

long uk_vm_mmap(uptr hint, usize len, int prot, int flags, bool fixed)
{
    if (len == 0)
        return -EINVAL;
    if (len > UK_USER_TOP - uk_vm_layout.mmap_base)
        return -ENOMEM;
    len = UK_ALIGN_UP(len, UK_PAGE_SIZE);
    uptr addr;
    if (fixed) {
        if (hint & (UK_PAGE_SIZE - 1) || hint < 0x10000 || hint + len > UK_USER_TOP || hint + len < hint)
            return -EINVAL;
        if (!uk_vm_commit_ok(hint, hint + len, prot))
            return -ENOMEM;
        int r = uk_vm_munmap(hint, len);
        if (r)
            return r;
        addr = hint;
    } else {
        addr = find_gap(UK_ALIGN_UP(hint, UK_PAGE_SIZE), len);
        if (!addr || !uk_vm_commit_ok(addr, addr + len, prot))
            return -ENOMEM;
    }
    int r = uk_vm_add(addr, len, prot, flags);
    return r ? r : (long)addr;
}

int uk_vm_munmap(uptr start, usize len)
{
    uptr end;
    if (!user_range(start, len, &end) || len == 0)
        return -EINVAL;
    for (int i = lower_bound(start); i < nareas && areas[i].start < end; i++)
        if (areas[i].flags & UK_VM_IMAGE)
            return -EINVAL;
    if (!split_at(start) || !split_at(end))
        return -ENOMEM;
    int i = lower_bound(start);
    while (i < nareas && areas[i].start < end) {
        release_pages(areas[i].start, areas[i].end, areas[i].flags);
        remove_at(i);
    }
    return 0;
}

int uk_vm_mprotect(uptr start, usize len, int prot)
{
    uptr end;
    if (start & (UK_PAGE_SIZE - 1))
        return -EINVAL;
    if (!user_range(start, len, &end))
        return -ENOMEM;
    /* Linux: the whole range must be mapped. */
    for (uptr va = start; va < end;) {
        struct vma *v = find(va);
        if (!v || v->start > va)
            return -ENOMEM;
        va = v->end;
    }
    /* musl making a new thread's stack writable: all of a fresh PROT_NONE mapping of at most a default stack's
     * size but its guard pages at the bottom. It is a thread stack from here on, counted by its pages in memory,
     * so that a thread starts where the first pages of its stack fit (as on Linux), not only where all 1.5 MiB
     * would; room for TSTACK_FIRST of it is asked now. */
    struct vma *v = find(start);
    bool thread_stack = v->flags == UK_VM_ANON && v->prot == 0 && (prot & UK_PROT_WRITE) && end == v->end &&
                        start > v->start && start - v->start <= TSTACK_GUARD_MAX && end - start <= TSTACK_MAX;
    bool room = thread_stack ? commit_ok(end - UK_MIN(end - start, TSTACK_FIRST), end, prot, true)
                             : commit_ok(start, end, prot, false);
    if (!room || !split_at(start) || !split_at(end))
        return -ENOMEM;
    int i = lower_bound(start);
    for (int j = i; j < nareas && areas[j].start < end; j++) {
        if (thread_stack) {
            areas[j].flags = UK_VM_THREAD_STACK | UK_VM_ANON;
            for (uptr va = areas[j].start; va < areas[j].end; va += UK_PAGE_SIZE)
                if (uk_page_query(va, NULL, NULL)) /* a page from before a PROT_NONE, if any */
                    tstack_resident += UK_PAGE_SIZE;
        }
        areas[j].prot = prot;
        for (uptr va = areas[j].start; va < areas[j].end; va += UK_PAGE_SIZE)
            uk_page_protect(va, user_pte_prot(prot));
    }
    /* Join equal neighbours from just before start to just after end. */
    for (int j = i > 0 ? i - 1 : 0; j + 1 < nareas && areas[j].start <= end;) {
        if (areas[j].end == areas[j + 1].start && areas[j].prot == areas[j + 1].prot &&
            areas[j].flags == areas[j + 1].flags) {
            areas[j].end = areas[j + 1].end;
            remove_at(j + 1);
        } else {
            j++;
        }
    }
    return 0;
}

void uk_vm_thread_stack(uptr sp)
{
    struct vma *v = find(sp - 1);
    /* Only a plain writable mapping, and only up to a little above the stack pointer: an area merged with the
     * program's next mapping above keeps that part counted whole. A stack in a larger mapping (a program's own
     * arena) is left counted whole as well. */
    if (!v || v->flags != UK_VM_ANON || !(v->prot & UK_PROT_WRITE) || sp - v->start > TSTACK_MAX)
        return;
    uptr start = v->start, end = UK_MIN(v->end, UK_ALIGN_UP(sp, UK_PAGE_SIZE) + TSTACK_TLS);
    if (!split_at(end))
        return;
    v = find(start);
    v->flags = UK_VM_THREAD_STACK | UK_VM_ANON;
    for (uptr va = start; va < end; va += UK_PAGE_SIZE)
        if (uk_page_query(va, NULL, NULL))
            tstack_resident += UK_PAGE_SIZE;
}

int uk_vm_discard(uptr start, usize len)
{
    uptr end;
    if (!user_range(start, len, &end))
        return start + len < start ? -EINVAL : -ENOMEM;
    bool gap = false;
    /* Area by area: a huge range over little memory costs what is mapped, not its length. As Linux, the mapped
     * parts are discarded and a gap anywhere makes the answer ENOMEM. */
    uptr covered = start;
    for (int i = lower_bound(start); i < nareas && areas[i].start < end; i++) {
        uptr from = UK_MAX(areas[i].start, start), to = UK_MIN(areas[i].end, end);
        if (from != covered)
            gap = true;
        covered = to;
        if (!(areas[i].flags & UK_VM_IMAGE)) {
            release_pages(from, to, areas[i].flags);
            continue;
        }
        for (uptr va = from; va < to; va += UK_PAGE_SIZE) {
            u64 pa;
            if (uk_page_query(va, &pa, NULL))
                uk_memset(uk_phys_to_virt(pa), 0, UK_PAGE_SIZE);
        }
    }
    return gap || covered != end ? -ENOMEM : 0;
}

long uk_vm_mremap(uptr old, usize oldlen, usize newlen, bool may_move)
{
    if ((old & (UK_PAGE_SIZE - 1)) || newlen == 0 || newlen > UK_USER_TOP || oldlen > UK_USER_TOP)
        return -EINVAL;
    oldlen = UK_ALIGN_UP(oldlen, UK_PAGE_SIZE);
    newlen = UK_ALIGN_UP(newlen, UK_PAGE_SIZE);
    struct vma *v = find(old);
    if (!v || old > UK_USER_TOP - oldlen || v->end < old + oldlen || (v->flags & UK_VM_IMAGE))
        return -EFAULT;
    if (newlen <= oldlen) {
        if (newlen < oldlen)
            uk_vm_munmap(old + newlen, oldlen - newlen);
        return (long)old;
    }
    int prot = v->prot, flags = v->flags;
    int next = lower_bound(old + oldlen);
    uptr limit = next < nareas ? areas[next].start : UK_USER_TOP;
    if (!uk_vm_commit_ok(UK_USER_TOP - (newlen - oldlen), UK_USER_TOP, prot))
        return -ENOMEM;
    if (v->end == old + oldlen && limit - (old + oldlen) >= newlen - oldlen) {
        int r = uk_vm_add(old + oldlen, newlen - oldlen, prot, flags);
        return r ? r : (long)old;
    }
    if (!may_move)
        return -ENOMEM;
    long n = uk_vm_mmap(0, newlen, prot, flags, false);
    if (n < 0)
        return n;
    for (usize off = 0; off < oldlen; off += UK_PAGE_SIZE) {
        u64 pa = uk_page_unmap(old + off);
        if (pa && uk_page_map(n + off, pa, user_pte_prot(prot)))
            uk_pmm_free(pa, 1, UK_MEM_PROGRAM);
    }
    uk_vm_munmap(old, oldlen);
    return n;
}

int uk_vm_fault(uptr va, int access)
{
    struct vma *v = find(va);
    if (!v)
        return 1; /* SEGV_MAPERR */
    bool ok = (access == UK_PROT_WRITE && (v->prot & UK_PROT_WRITE)) ||
              (access == UK_PROT_EXEC && (v->prot & UK_PROT_EXEC)) ||
              (access == UK_PROT_READ && (v->prot & (UK_PROT_READ | UK_PROT_WRITE | UK_PROT_EXEC)));
    if (!ok)
        return 2; /* SEGV_ACCERR */
    uptr page = UK_ALIGN_DOWN(va, UK_PAGE_SIZE);
    int cur;
    if (uk_page_query(page, NULL, &cur)) {
        /* Present: a fault only if the PTE lags the area (it never should); refresh it. */
        uk_page_protect(page, user_pte_prot(v->prot));
        return 0;
    }
    bool stack = v->flags & UK_VM_STACK, tstack = v->flags & UK_VM_THREAD_STACK;
    if (((stack && stack_resident >= STACK_COMMITTED) || tstack) && commit_limit &&
        uk_vm_committed_bytes() + UK_PAGE_SIZE > commit_limit) {
        uk_vm_commit_refusals++;
        return -1;
    }
    u64 pa = uk_pmm_alloc_zeroed(UK_MEM_PROGRAM);
    if (!pa)
        return -1; /* out of memory */
    if (uk_page_map(page, pa, user_pte_prot(v->prot))) {
        uk_pmm_free(pa, 1, UK_MEM_PROGRAM);
        return -1;
    }
    if (stack)
        stack_resident += UK_PAGE_SIZE;
    if (tstack)
        tstack_resident += UK_PAGE_SIZE;
    return 0;
}

int uk_vm_prot_at(uptr va)
{
    struct vma *v = find(va);
    return v ? v->prot : -1;
}

usize uk_vm_committed_bytes(void)
{
    usize total = UK_MAX(stack_resident, STACK_COMMITTED) + tstack_resident;
    for (int i = 0; i < nareas; i++)
        if ((areas[i].prot & UK_PROT_WRITE) && !(areas[i].flags & (UK_VM_IMAGE | UK_VM_STACK | UK_VM_THREAD_STACK)))
            total += areas[i].end - areas[i].start;
    return total;
}
