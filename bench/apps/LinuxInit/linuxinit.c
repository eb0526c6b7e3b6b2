/* linuxinit.c - /init of the Linux microVM in bench/web.sh: what a Linux guest needs before an unchanged program
 * can serve on its NIC, then the program itself.
 *
 * usage (the kernel's arguments after "--"): /init --ip ADDR/PREFIX [--if NAME] [--env NAME=VALUE]... PROGRAM [ARG]...
 * (PROGRAM is the first argument that is not an option: Linux passes init nothing after a second "--".)
 *
 * It mounts /proc and /sys, loads the kernel modules in /modules (virtio, virtio-mmio, virtio-net and what they
 * need: Debian's kernel has them as modules and no ip= autoconfiguration), waits for the interface (default eth0),
 * gives it ADDR/PREFIX with SIOCSIFADDR/SIOCSIFNETMASK (the prefix's route comes with the address), brings it and lo
 * up, prints "LINUXINIT: eth0 ADDR/PREFIX virtio_features=BITS" and executes PROGRAM with the --env variables. The
 * kernel's own environment is dropped: Linux hands init every option it does not know, and treats options with a
 * dot as module parameters (ASP.NET Core's Logging__LogLevel__Microsoft.AspNetCore=… would be lost), so the
 * program's environment comes from --env only. Built static with the host's gcc by bench/web.sh. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_MODULES 32
#define MAX_ENV 64

static void die(const char *what)
{
    fprintf(stderr, "LINUXINIT: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Loads every .ko file in /modules, retrying those that fail (a module that needs another's symbols loads once that one is
 * in) until a pass loads nothing more. */
static void load_modules(void)
{
    char *names[MAX_MODULES];
    int n = 0, errors[MAX_MODULES] = {0};
    DIR *d = opendir("/modules");
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) && n < MAX_MODULES;)
        if (strstr(e->d_name, ".ko"))
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    for (int progress = 1; progress && n > 0;) {
        progress = 0;
        for (int i = 0; i < n;) {
            char path[300];
            snprintf(path, sizeof(path), "/modules/%s", names[i]);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                die(path);
            long r = syscall(SYS_finit_module, fd, "", 0);
            close(fd);
            if (r == 0 || errno == EEXIST) {
                names[i] = names[--n];
                errors[i] = errors[n];
                progress = 1;
            } else {
                errors[i++] = errno;
            }
        }
    }
    for (int i = 0; i < n; i++)
        fprintf(stderr, "LINUXINIT: module %s did not load: %s\n", names[i], strerror(errors[i]));
}

static void set_address(int fd, const char *ifname, unsigned long request, in_addr_t address)
{
    struct ifreq r = {0};
    struct sockaddr_in *sin = (struct sockaddr_in *)&r.ifr_addr;
    snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", ifname);
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = address;
    if (ioctl(fd, request, &r) < 0)
        die(request == SIOCSIFADDR ? "SIOCSIFADDR" : "SIOCSIFNETMASK");
}

static void up(int fd, const char *ifname)
{
    struct ifreq r = {0};
    snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", ifname);
    if (ioctl(fd, SIOCGIFFLAGS, &r) < 0)
        die("SIOCGIFFLAGS");
    r.ifr_flags |= IFF_UP;
    if (ioctl(fd, SIOCSIFFLAGS, &r) < 0)
        die("SIOCSIFFLAGS");
}

static void configure(const char *ifname, const char *cidr)
{
    char address[64];
    const char *slash = strchr(cidr, '/');
    int prefix = slash ? atoi(slash + 1) : -1;
    struct in_addr in;
    if (!slash || slash - cidr >= (long)sizeof(address) || prefix < 0 || prefix > 32) {
        fprintf(stderr, "LINUXINIT: --ip %s: expected an IPv4 ADDR/PREFIX\n", cidr);
        exit(2);
    }
    memcpy(address, cidr, slash - cidr);
    address[slash - cidr] = 0;
    if (inet_pton(AF_INET, address, &in) != 1) {
        fprintf(stderr, "LINUXINIT: --ip %s: not an IPv4 address\n", cidr);
        exit(2);
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket");
    /* The driver registers the interface while it probes the device: wait for it (10 s at most). */
    for (int waited = 0; if_nametoindex(ifname) == 0; waited++) {
        if (waited == 1000) {
            fprintf(stderr, "LINUXINIT: no interface %s 10 s after loading the modules\n", ifname);
            exit(1);
        }
        nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
    }
    set_address(fd, ifname, SIOCSIFADDR, in.s_addr);
    set_address(fd, ifname, SIOCSIFNETMASK, htonl(prefix ? ~0u << (32 - prefix) : 0));
    up(fd, "lo");
    up(fd, ifname);
    close(fd);

    char path[128], features[128] = "unknown";
    snprintf(path, sizeof(path), "/sys/class/net/%s/device/features", ifname);
    FILE *f = fopen(path, "r");
    if (f && fgets(features, sizeof(features), f))
        features[strcspn(features, "\n")] = 0;
    if (f)
        fclose(f);
    printf("LINUXINIT: %s %s virtio_features=%s\n", ifname, cidr, features);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *ip = NULL, *ifname = "eth0";
    char *env[MAX_ENV + 1];
    int nenv = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--ip") && i + 1 < argc)
            ip = argv[++i];
        else if (!strcmp(argv[i], "--if") && i + 1 < argc)
            ifname = argv[++i];
        else if (!strcmp(argv[i], "--env") && i + 1 < argc && nenv < MAX_ENV && strchr(argv[i + 1], '='))
            env[nenv++] = argv[++i];
        else
            break;
    }
    if (!ip || i >= argc || argv[i][0] == '-') {
        fprintf(stderr, "usage: /init --ip ADDR/PREFIX [--if NAME] [--env NAME=VALUE]... PROGRAM [ARG]...\n"
                        "LINUXINIT: got");
        for (int j = 1; j < argc; j++)
            fprintf(stderr, " '%s'", argv[j]);
        fputc('\n', stderr);
        return 2;
    }
    env[nenv] = NULL;
    if (mount("proc", "/proc", "proc", 0, NULL) < 0)
        die("mount /proc");
    mkdir("/sys", 0755);
    if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
        die("mount /sys");
    load_modules();
    configure(ifname, ip);
    execve(argv[i], argv + i, env);
    die(argv[i]);
}
