/* netload.c - the host side of bench/net.sh: the load for bench/apps/NetSink, compiled with gcc by the script.
 *
 *   netload sink HOST PORT CONNECTIONS BYTES [IDLE_S]
 *     CONNECTIONS threads each connect to HOST:PORT, send BYTES zero bytes, shut their sending side down (FIN) and
 *     read the sink's 8-byte little-endian count of what it received, which must equal BYTES. The clock runs from
 *     just before the first connect to the last count received, i.e. until the sink has every byte. Prints
 *     NETLOAD sink connections=N bytes=TOTAL seconds=S bytes_per_s=X slowest_s=S fastest_s=S
 *   netload source HOST PORT CONNECTIONS BYTES [IDLE_S]
 *     the other direction: CONNECTIONS threads each connect, send BYTES as an 8-byte little-endian count, and read
 *     what the server sends until it closes, which must be BYTES bytes. The clock runs from just before the first
 *     connect to the last byte received. Prints NETLOAD source ... as for sink.
 *   netload rr HOST PORT SECONDS [IDLE_S]
 *     one connection (TCP_NODELAY): send 1 byte, wait for its echo, again, for SECONDS. Prints
 *     NETLOAD rr round_trips=N seconds=S per_s=X p50_us=.. p99_us=..
 *   netload quit HOST PORT
 *     connects to NetSink's control port (which ends the program) and waits for it to close.
 *
 * Every socket gets SO_SNDTIMEO/SO_RCVTIMEO of IDLE_S seconds (default 60): a peer that stops making progress
 * fails the run with "netload: ...: timed out" instead of hanging it. Exit 0 on success, 1 on any failure, 2 on
 * bad arguments; errors go to stderr as "netload: ...". */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (256 * 1024)

static struct sockaddr_in peer;
static int idle_s = 60;
static const char zeros[CHUNK];

struct conn {
    pthread_t thread;
    int index;
    long long bytes;
    double end;
    char error[160];
};

static pthread_barrier_t start_line;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int fail(char *out, size_t len, const char *what)
{
    snprintf(out, len, "%s: %s", what, errno == EAGAIN ? "timed out (no progress)" : strerror(errno));
    return -1;
}

/* A connected TCP socket with the idle timeouts, or -1 with the reason in err. */
static int dial(char *err, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return fail(err, len, "socket");
    struct timeval tv = { .tv_sec = idle_s };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&peer, sizeof peer) != 0) {
        fail(err, len, "connect");
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads exactly len bytes; 0, or -1 with the reason (an early end of the stream included). */
static int read_all(int fd, void *buf, size_t len, char *err, size_t errlen)
{
    for (size_t got = 0; got < len;) {
        ssize_t n = recv(fd, (char *)buf + got, len - got, 0);
        if (n == 0) {
            snprintf(err, errlen, "the server closed the connection after %zu of %zu reply bytes", got, len);
            return -1;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail(err, errlen, "recv");
        }
        got += n;
    }
    return 0;
}

static void *sink_client(void *arg)
{
    struct conn *c = arg;
    pthread_barrier_wait(&start_line);
    int fd = dial(c->error, sizeof c->error);
    if (fd < 0)
        return NULL;
    for (long long left = c->bytes; left > 0;) {
        ssize_t n = send(fd, zeros, left < CHUNK ? left : CHUNK, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            char what[64];
            snprintf(what, sizeof what, "send (after %lld of %lld bytes)", c->bytes - left, c->bytes);
            fail(c->error, sizeof c->error, what);
            goto out;
        }
        left -= n;
    }
    if (shutdown(fd, SHUT_WR) != 0) {
        fail(c->error, sizeof c->error, "shutdown");
        goto out;
    }
    unsigned char count[8];
    if (read_all(fd, count, sizeof count, c->error, sizeof c->error) == 0) {
        c->end = now();
        long long got = 0;
        for (int i = 7; i >= 0; i--)
            got = got << 8 | count[i];
        if (got != c->bytes)
            snprintf(c->error, sizeof c->error, "the sink received %lld bytes of %lld", got, c->bytes);
    }
out:
    close(fd);
    return NULL;
}

static void *source_client(void *arg)
{
    struct conn *c = arg;
    static char sink[CHUNK]; /* shared: what arrives is counted, not kept */
    pthread_barrier_wait(&start_line);
    int fd = dial(c->error, sizeof c->error);
    if (fd < 0)
        return NULL;
    unsigned char count[8];
    for (int i = 0; i < 8; i++)
        count[i] = (unsigned char)(c->bytes >> (8 * i));
    if (send(fd, count, sizeof count, MSG_NOSIGNAL) != sizeof count) {
        fail(c->error, sizeof c->error, "send (the count)");
        goto out;
    }
    long long got = 0;
    for (;;) {
        ssize_t n = recv(fd, sink, sizeof sink, 0);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            char what[64];
            snprintf(what, sizeof what, "recv (after %lld of %lld bytes)", got, c->bytes);
            fail(c->error, sizeof c->error, what);
            goto out;
        }
        got += n;
    }
    c->end = now();
    if (got != c->bytes)
        snprintf(c->error, sizeof c->error, "the server sent %lld bytes of %lld", got, c->bytes);
out:
    close(fd);
    return NULL;
}

static int run_load(const char *mode, void *(*client)(void *), int n, long long bytes)
{
    struct conn *conns = calloc(n, sizeof *conns);
    if (!conns || pthread_barrier_init(&start_line, NULL, n + 1) != 0) {
        fprintf(stderr, "netload: out of memory\n");
        return 1;
    }
    for (int i = 0; i < n; i++) {
        conns[i].index = i;
        conns[i].bytes = bytes;
        if (pthread_create(&conns[i].thread, NULL, client, &conns[i]) != 0) {
            fprintf(stderr, "netload: pthread_create failed\n");
            return 1;
        }
    }
    double start = now();
    pthread_barrier_wait(&start_line);
    int failed = 0;
    double last = start, first = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(conns[i].thread, NULL);
        if (conns[i].error[0]) {
            fprintf(stderr, "netload: connection %d of %d: %s\n", i + 1, n, conns[i].error);
            failed = 1;
            continue;
        }
        if (conns[i].end > last)
            last = conns[i].end;
        if (first == 0 || conns[i].end < first)
            first = conns[i].end;
    }
    if (failed)
        return 1;
    double s = last - start;
    printf("NETLOAD %s connections=%d bytes=%lld seconds=%.6f bytes_per_s=%.0f slowest_s=%.6f fastest_s=%.6f\n",
           mode, n, bytes * n, s, bytes * n / s, s, first - start);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_rr(double seconds)
{
    char err[160];
    int fd = dial(err, sizeof err);
    if (fd < 0) {
        fprintf(stderr, "netload: rr: %s\n", err);
        return 1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    size_t cap = 1 << 16, count = 0;
    double *lat = malloc(cap * sizeof *lat);
    double start = now(), t = start;
    unsigned char byte = 'x';
    while (lat && t - start < seconds) {
        if (send(fd, &byte, 1, MSG_NOSIGNAL) != 1) {
            fail(err, sizeof err, "send");
            goto bad;
        }
        if (read_all(fd, &byte, 1, err, sizeof err) != 0)
            goto bad;
        double u = now();
        if (count == cap)
            lat = realloc(lat, (cap *= 2) * sizeof *lat);
        if (lat)
            lat[count++] = u - t;
        t = u;
    }
    if (!lat) {
        snprintf(err, sizeof err, "out of memory");
        goto bad;
    }
    close(fd);
    qsort(lat, count, sizeof *lat, cmp_double);
    printf("NETLOAD rr round_trips=%zu seconds=%.6f per_s=%.1f p50_us=%.1f p99_us=%.1f\n", count, t - start,
           count / (t - start), lat[count / 2] * 1e6, lat[count * 99 / 100] * 1e6);
    free(lat);
    return 0;
bad:
    fprintf(stderr, "netload: rr after %zu round trips: %s\n", count, err);
    close(fd);
    return 1;
}

static int run_quit(void)
{
    char err[160], byte;
    int fd = dial(err, sizeof err);
    if (fd < 0) {
        fprintf(stderr, "netload: quit: %s\n", err);
        return 1;
    }
    ssize_t n = recv(fd, &byte, 1, 0);   /* the program exits: the connection ends (or the VM is gone) */
    (void)n;
    close(fd);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: netload sink|source HOST PORT CONNECTIONS BYTES [IDLE_S]\n"
                    "       netload rr HOST PORT SECONDS [IDLE_S]\n"
                    "       netload quit HOST PORT\n");
    return 2;
}

static int number(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    long long port, n, bytes, secs, idle;
    if (argc < 4)
        return usage();
    peer.sin_family = AF_INET;
    if (inet_pton(AF_INET, argv[2], &peer.sin_addr) != 1 || number(argv[3], 1, 65535, &port) != 0) {
        fprintf(stderr, "netload: '%s' is not an IPv4 address or '%s' not a port\n", argv[2], argv[3]);
        return usage();
    }
    peer.sin_port = htons((uint16_t)port);
    setvbuf(stdout, NULL, _IOLBF, 0);
    bool source = strcmp(argv[1], "source") == 0;
    if ((source || strcmp(argv[1], "sink") == 0) && (argc == 6 || argc == 7)) {
        if (number(argv[4], 1, 1024, &n) != 0 || number(argv[5], 1, 1LL << 40, &bytes) != 0 ||
            (argc == 7 && number(argv[6], 1, 3600, &idle) != 0))
            return usage();
        if (argc == 7)
            idle_s = idle;
        return run_load(argv[1], source ? source_client : sink_client, (int)n, bytes);
    }
    if (strcmp(argv[1], "rr") == 0 && (argc == 5 || argc == 6)) {
        if (number(argv[4], 1, 3600, &secs) != 0 || (argc == 6 && number(argv[5], 1, 3600, &idle) != 0))
            return usage();
        if (argc == 6)
            idle_s = idle;
        return run_rr((double)secs);
    }
    if (strcmp(argv[1], "quit") == 0 && argc == 4)
        return run_quit();
    return usage();
}
