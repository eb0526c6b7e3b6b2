/* procfs.c - the /proc, /sys and /etc files that runtimes read, generated when opened from the kernel's
 * real state: memory from the frame allocator, one CPU, the program's name, its root identity. */
#include <uk/boot.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/print.h>
#include <uk/time.h>
#include <uk/vfs.h>

static usize meminfo(char *b, usize n)
{
    u64 total = uk_pmm_total_pages() * 4, avail = uk_pmm_free_pages() * 4;
    return (usize)uk_snprintf(b, n,
                              "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
                              "Buffers:               0 kB\nCached:                0 kB\nSwapTotal:             0 kB\n"
                              "SwapFree:              0 kB\n",
                              total, avail, avail);
}

static usize one_cpu(char *b, usize n) { return (usize)uk_snprintf(b, n, "0\n"); }

static usize uptime(char *b, usize n)
{
    u64 ms = uk_time_monotonic_ns() / 1000000;
    return (usize)uk_snprintf(b, n, "%lu.%02lu 0.00\n", ms / 1000, ms % 1000 / 10);
}

static usize stat_line(char *b, usize n)
{
    char comm[16]; /* Linux keeps 15 characters of the name */
    uk_strlcpy(comm, uk_app_name, sizeof(comm));
    return (usize)uk_snprintf(b, n, "1 (%s) R 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0\n", comm);
}

static usize cmdline_file(char *b, usize n)
{
    return (usize)uk_snprintf(b, n, "%s", uk_app_name) + 1; /* one argument, NUL-terminated */
}

static usize empty(char *b, usize n) { (void)b, (void)n; return 0; }

/* The files of /etc that libc and runtimes read: one user and group (root, the program's identity),
 * loopback names for getaddrinfo, and the host name. */
static usize etc_passwd(char *b, usize n) { return (usize)uk_snprintf(b, n, "root:x:0:0:root:/:/sbin/nologin\n"); }
static usize etc_group(char *b, usize n) { return (usize)uk_snprintf(b, n, "root:x:0:\n"); }
static usize etc_hosts(char *b, usize n)
{
    return (usize)uk_snprintf(b, n, "127.0.0.1 localhost unikraft\n::1 localhost ip6-localhost\n");
}
static usize etc_hostname(char *b, usize n) { return (usize)uk_snprintf(b, n, "unikraft\n"); }

void uk_procfs_init(void)
{
    uk_vfs_add_generated("/proc/meminfo", meminfo);
    uk_vfs_add_generated("/proc/uptime", uptime);
    uk_vfs_add_generated("/proc/self/stat", stat_line);
    uk_vfs_add_generated("/proc/self/cmdline", cmdline_file);
    uk_vfs_add_generated("/proc/self/environ", empty);
    uk_vfs_add_generated("/etc/passwd", etc_passwd);
    uk_vfs_add_generated("/etc/group", etc_group);
    uk_vfs_add_generated("/etc/hosts", etc_hosts);
    uk_vfs_add_generated("/etc/hostname", etc_hostname);
    uk_vfs_add_generated("/sys/devices/system/cpu/possible", one_cpu);
    uk_vfs_add_generated("/sys/devices/system/cpu/online", one_cpu);
    uk_vfs_add_generated("/sys/devices/system/cpu/present", one_cpu);
}

void uk_vfs_add_generated(const char *path, usize (*gen)(char *buf, usize size))
{
    struct uk_vnode *vn = uk_vfs_mkpath(path, UK_S_IFREG | 0444);
    if (vn)
        vn->generate = gen;
}
