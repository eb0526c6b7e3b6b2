/* cmdline_fuzz.c - libFuzzer target "cmdline": the kernel command line as the boot loader or the launcher passes
 * it (lib/boot/cmdline.c with the net.* options of lib/net/netconf.c). An input is the line's bytes up to the
 * first NUL, at most 8 KiB (boot.c joins the image's default line and the launcher's additions into up to 6 KiB).
 * A line the kernel refuses (uk_plat_exit with a message) is an expected outcome; a sanitizer report, a panic or a
 * result that breaks the contract of include/uk/boot.h is a finding: argv[0] is the program's name, argv and envp
 * end with NULL, every entry is a string, every environment entry is NAME=VALUE, HOME is set.
 * The network options keep their state between inputs (netconf.c has no reset, as the kernel parses once): once
 * eight interfaces or three name servers are configured, further ones are refused, as at a real boot. */
#include <lwip/ip_addr.h>
#include <uk/boot.h>
#include <uk/klibc.h>
#include <uk/vfs.h>
#include "host.h"
#include "shim.h"

/* lwIP's either-family address parser lives in ip.c with the whole stack behind it: the same choice here (a
 * colon before any dot: IPv6), over the real ip4addr_aton and ip6addr_aton. */
int ipaddr_aton(const char *cp, ip_addr_t *addr)
{
    for (const char *c = cp; *c && *c != '.'; c++)
        if (*c == ':') {
            IP_SET_TYPE_VAL(*addr, IPADDR_TYPE_V6);
            return ip6addr_aton(cp, ip_2_ip6(addr));
        }
    IP_SET_TYPE_VAL(*addr, IPADDR_TYPE_V4);
    return ip4addr_aton(cp, ip_2_ip4(addr));
}

/* What netconf.c does after the boot (/etc/resolv.conf), never reached from the parser. */
const ip_addr_t *dns_getserver(u8 i) { fz_host_crash("the parser wrote resolv.conf"); }
char *ipaddr_ntoa_r(const ip_addr_t *a, char *buf, int n) { fz_host_crash("the parser wrote resolv.conf"); }
struct uk_vnode *uk_vfs_root(void) { fz_host_crash("the parser wrote resolv.conf"); }
long uk_vfs_lookup(struct uk_vnode *d, const char *p, struct uk_vnode **o)
{
    fz_host_crash("the parser wrote resolv.conf");
}
struct uk_vnode *uk_vfs_mkpath(const char *p, u32 m) { fz_host_crash("the parser wrote resolv.conf"); }
void uk_vfs_hold(struct uk_vnode *v) { fz_host_crash("the parser wrote resolv.conf"); }
long uk_ramfs_set_contents(struct uk_vnode *v, const void *d, u64 n) { fz_host_crash("the parser wrote resolv.conf"); }

/* What the parser configures below it: the console's mode and the CPU's vector state. */
static bool framed;
static u8 terminals;
u64 uk_sched_slice_ns;
bool uk_syscall_trace;
void uk_tty_configure(bool f, u8 t) { framed = f, terminals = t; }
void uk_arch_fpu_fxsave_only(void) {}

static char line[8192 + 64];
static struct uk_cmdline cl;

static void parse(void *arg)
{
    (void)arg;
    uk_cmdline_parse(line, "fuzz", &cl);
}

static void check(void)
{
    if (cl.argc < 1 || cl.argc > UK_MAX_ARGS || cl.envc < 1 || cl.envc > UK_MAX_ENVS)
        fz_host_crash("argc or envc out of range");
    if (cl.argv[cl.argc] || cl.envp[cl.envc] || uk_strcmp(cl.argv[0], "fuzz"))
        fz_host_crash("argv/envp not terminated, or argv[0] is not the program's name");
    bool home = false;
    for (int i = 0; i < cl.argc; i++)
        (void)uk_strlen(cl.argv[i]);
    for (int i = 0; i < cl.envc; i++) {
        const char *eq = uk_strstr(cl.envp[i], "=");
        if (!eq || eq == cl.envp[i])
            fz_host_crash("an environment entry is not NAME=VALUE");
        home |= uk_startswith(cl.envp[i], "HOME=");
    }
    if (!home)
        fz_host_crash("no HOME in the environment");
    if (terminals > 7)
        fz_host_crash("uk.tty named a descriptor other than 0-2");
}

int LLVMFuzzerTestOneInput(const u8 *data, usize size)
{
    usize n = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
    uk_memcpy(line, data, n);
    line[n] = 0;
    (void)uk_cmdline_has_user_content(line);
    fz_stop_expected = true;
    bool parsed = fz_run(parse, NULL);
    fz_stop_expected = false;
    if (parsed)
        check();
    return 0;
}
