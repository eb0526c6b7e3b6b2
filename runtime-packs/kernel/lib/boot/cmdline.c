/* cmdline.c - the kernel command line: `[options] [-- program arguments]`.
 * Options: env.NAME=VALUE (program environment), uk.log=error|warn|info|debug, uk.fpu=xsave|fxsave
 * (how thread switches save vector state; fxsave for hypervisors that cannot run XSAVE),
 * uk.slice_us=N (the scheduler's time slice, default 10000), uk.walltime=SECONDS[.FRACTION] (the host's
 * clock at launch, which the launcher passes; it does not make a line count as the user's), uk.strace
 * (print every syscall and its result), uk.boottimer (tell the VMM when the program starts: Firecracker's boot
 * timer; like uk.walltime= it leaves a line the VMM's), uk.aslr=on|off (the program's layout randomised per boot,
 * the default, or fixed for debugging: lib/mm/layout.c), uk.selftest=NAME (self-test images only: lib/selftest),
 * uk.console=plain|framed and uk.tty=DIGITS (the console's mode and which of fds 0-2 are the host's terminal:
 * lib/tty/tty.c), net.* (the network interfaces' addresses: lib/net/netconf.c).
 * Options of other systems (console=, virtio_mmio.device= that QEMU and Firecracker append) are accepted
 * and left to the drivers, wherever they appear. Double quotes group words: -- "hello world" b. */
#include <uk/arch.h>
#include <uk/boot.h>
#include <uk/klibc.h>
#include <uk/mm.h>
#include <uk/netif.h>
#include <uk/plat.h>
#include <uk/print.h>
#include <uk/time.h>
#include <uk/tty.h>

/* Tokens without their quotes, each NUL-terminated: never longer than the line plus one byte. boot.c joins the
 * image's default line and the launcher's additions into up to 6 KiB. */
static char buf[8192];

UK_NORETURN static void bad(const char *what, const char *token)
{
    uk_printk("[uk] bad kernel command line: %s: '%s'\n"
              "[uk] syntax: [env.NAME=VALUE ...] [uk.log=error|warn|info|debug] [net.ip=ADDR/PREFIX net.gw=ADDR "
              "net.dns=ADDR ...] [-- program arguments]\n",
              what, token);
    uk_plat_exit(UK_EXIT_PANIC);
}

/* Next token from *p into the shared buffer; NULL at the end. Sets *quoted if any quoting was used. */
static char *next_token(const char **p, char **out, bool *quoted)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    if (!*s)
        return NULL;
    char *start = *out;
    *quoted = false;
    while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
        if (*s == '"') {
            *quoted = true;
            s++;
            while (*s && *s != '"') {
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                    s++;
                *(*out)++ = *s++;
            }
            if (*s != '"')
                bad("unterminated double quote", start);
            s++;
        } else {
            *(*out)++ = *s++;
        }
    }
    *(*out)++ = 0;
    *p = s;
    return start;
}

u64 uk_boot_walltime_ns;
bool uk_boot_timer;
bool uk_boot_aslr = true;
const char *uk_boot_selftest;

/* "SECONDS[.FRACTION]" since the Unix epoch, to nanoseconds. */
static bool parse_walltime(const char *s, u64 *ns)
{
    u64 sec = 0, frac = 0, scale = UK_NSEC_PER_SEC;
    if (*s < '0' || *s > '9')
        return false;
    for (; *s >= '0' && *s <= '9'; s++)
        sec = sec * 10 + (u64)(*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            if (scale > 1)
                scale /= 10, frac += (u64)(*s - '0') * scale;
    if (*s)
        return false;
    *ns = sec * UK_NSEC_PER_SEC + frac;
    return true;
}

bool uk_cmdline_has_user_content(const char *line)
{
    for (const char *p = line; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (!uk_startswith(p, "virtio_mmio.device=") && !uk_startswith(p, "uk.walltime=") &&
            !uk_startswith(p, "uk.console=") && !uk_startswith(p, "uk.tty=") && !uk_startswith(p, "uk.boottimer"))
            return true;
        while (*p && *p != ' ')
            p++;
    }
    return false;
}

static void set_loglevel(const char *v, const char *token)
{
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (!uk_strcmp(v, levels[i])) {
            uk_loglevel = i;
            return;
        }
    bad("unknown log level", token);
}

static bool has_env(const struct uk_cmdline *cl, const char *prefix)
{
    for (int i = 0; i < cl->envc; i++)
        if (uk_startswith(cl->envp[i], prefix))
            return true;
    return false;
}

/* Like Linux for init, the program starts with HOME=/ unless the command line sets HOME. The .NET GC reserves
 * twice the RAM as address space for its regions of 4 MiB and stops the program at start (exit 255) when that
 * holds too few of them (seen with 8 MiB of RAM); reservations cost nothing here, so a VM of less than 128 MiB gives it
 * 256 MiB of range (DOTNET_GCRegionRange, hexadecimal), unless the command line sets one. */
static void default_environment(struct uk_cmdline *cl)
{
    if (!has_env(cl, "HOME=") && cl->envc < UK_MAX_ENVS)
        cl->envp[cl->envc++] = "HOME=/";
    if (uk_pmm_total_pages() * UK_PAGE_SIZE < (128UL << 20) && !has_env(cl, "DOTNET_GCRegionRange=") &&
        !has_env(cl, "DOTNET_GCHeapHardLimit") && cl->envc < UK_MAX_ENVS)
        cl->envp[cl->envc++] = "DOTNET_GCRegionRange=10000000";
}

void uk_cmdline_parse(const char *cmdline, const char *argv0, struct uk_cmdline *cl)
{
    char *out = buf;
    const char *p = cmdline;
    bool program = false, quoted, framed = false;
    u8 terminals = 7;
    uk_memset(cl, 0, sizeof(*cl));
    if (uk_strnlen(cmdline, sizeof(buf)) >= sizeof(buf))
        bad("longer than 8191 bytes", "...");
    cl->argv[cl->argc++] = (char *)argv0;
    char *tok;
    while ((tok = next_token(&p, &out, &quoted))) {
        if (!quoted && uk_startswith(tok, "virtio_mmio.device="))
            continue; /* device announcements: read by the virtio-mmio driver from the raw line */
        if (program) {
            if (cl->argc >= UK_MAX_ARGS)
                bad("too many program arguments (at most 255)", tok);
            cl->argv[cl->argc++] = tok;
            continue;
        }
        if (!quoted && !uk_strcmp(tok, "--")) {
            program = true;
        } else if (uk_startswith(tok, "env.")) {
            char *kv = tok + 4;
            char *eq = kv;
            while (*eq && *eq != '=')
                eq++;
            if (eq == kv || !*eq)
                bad("expected env.NAME=VALUE", tok);
            if (cl->envc >= UK_MAX_ENVS)
                bad("too many environment variables (at most 256)", tok);
            cl->envp[cl->envc++] = kv;
        } else if (uk_startswith(tok, "uk.log=")) {
            set_loglevel(tok + 7, tok);
        } else if (uk_startswith(tok, "uk.walltime=")) {
            if (!parse_walltime(tok + 12, &uk_boot_walltime_ns))
                bad("uk.walltime takes Unix seconds, optionally with a fraction", tok);
        } else if (uk_startswith(tok, "uk.slice_us=")) {
            extern u64 uk_sched_slice_ns;
            u64 us;
            if (!uk_parse_u64(tok + 12, &us) || us < 50 || us > 1000000)
                bad("uk.slice_us takes 50 to 1000000 (microseconds)", tok);
            uk_sched_slice_ns = us * 1000;
        } else if (uk_startswith(tok, "uk.aslr=")) {
            if (uk_strcmp(tok + 8, "on") && uk_strcmp(tok + 8, "off"))
                bad("uk.aslr takes on or off", tok);
            uk_boot_aslr = !uk_strcmp(tok + 8, "on");
        } else if (uk_startswith(tok, "uk.selftest=")) {
            if (!uk_boot_selftest_entry())
                bad("uk.selftest needs a self-test image (publish with -p:UnikraftKernelSelfTest=true)", tok);
            uk_boot_selftest = tok + 12;
        } else if (!uk_strcmp(tok, "uk.boottimer")) {
            uk_boot_timer = true;
        } else if (!uk_strcmp(tok, "uk.strace")) {
            extern bool uk_syscall_trace;
            uk_syscall_trace = true;
        } else if (!uk_strcmp(tok, "uk.console=framed")) {
            framed = true;
        } else if (!uk_strcmp(tok, "uk.console=plain")) {
            framed = false;
        } else if (uk_startswith(tok, "uk.tty=")) {
            terminals = 0;
            for (const char *d = tok + 7; *d; d++) {
                if (*d < '0' || *d > '2')
                    bad("uk.tty takes the standard descriptors that are a terminal: digits 0-2 (none: uk.tty=)", tok);
                terminals |= (u8)(1u << (*d - '0'));
            }
        } else if (!uk_strcmp(tok, "uk.fpu=fxsave")) {
            uk_arch_fpu_fxsave_only();
        } else if (!uk_strcmp(tok, "uk.fpu=xsave")) {
            /* the default */
        } else if (uk_startswith(tok, "net.")) {
            const char *why = uk_net_option(tok);
            if (why)
                bad(why, tok);
        } else if (uk_startswith(tok, "uk.")) {
            bad("unknown kernel option", tok);
        } else {
            uk_pr_debug("ignoring command-line option '%s'\n", tok);
        }
    }
    default_environment(cl);
    uk_tty_configure(framed, terminals);
}
