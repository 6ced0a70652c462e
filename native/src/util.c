/* util.c: failure reporting, strict number parsing, small file I/O, name/path validation, JSON. */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int g_report_fd = -1;
void (*g_fail_hook)(void) = NULL;

static void vreport(const char *fmt, va_list ap, int err)
{
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "rnx-launch: ");
    if (n < 0) n = 0;
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    size_t len = strlen(msg);
    if (err && len < sizeof msg - 2)
        snprintf(msg + len, sizeof msg - len, ": %s", strerror(err));
    /* one line only: anything echoed from input must not add lines */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    len = strlen(msg);
    if (g_report_fd >= 0) {
        (void)write_all(g_report_fd, msg, len);
    } else {
        msg[len] = '\n';
        (void)write_all(2, msg, len + 1);
    }
}

void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap, 0);
    va_end(ap);
    if (g_fail_hook) { void (*h)(void) = g_fail_hook; g_fail_hook = NULL; h(); }
    _exit(EXIT_REFUSED);
}

void fail_errno(const char *fmt, ...)
{
    int err = errno;
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap, err);
    va_end(ap);
    if (g_fail_hook) { void (*h)(void) = g_fail_hook; g_fail_hook = NULL; h(); }
    _exit(EXIT_REFUSED);
}

void warnx_(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(msg, sizeof msg, "rnx-launch: warning: ");
    if (n < 0) n = 0;
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    size_t len = strlen(msg);
    msg[len] = '\n';
    (void)write_all(2, msg, len + 1);
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || strlen(s) > 20) return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return -1;   /* no sign, no spaces, no hex */
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno == ERANGE || !end || *end != '\0' || end == s) return -1;
    *out = (uint64_t)v;
    return 0;
}

int parse_size(const char *s, uint64_t *out)
{
    char num[32];
    size_t len = s ? strlen(s) : 0;
    if (len == 0 || len >= sizeof num) return -1;
    uint64_t mult = 1;
    memcpy(num, s, len + 1);
    switch (num[len - 1]) {
    case 'K': case 'k': mult = 1ULL << 10; break;
    case 'M': case 'm': mult = 1ULL << 20; break;
    case 'G': case 'g': mult = 1ULL << 30; break;
    case 'T': case 't': mult = 1ULL << 40; break;
    default: break;
    }
    if (mult != 1) num[len - 1] = '\0';
    uint64_t v;
    if (parse_u64(num, &v) < 0) return -1;
    if (v > UINT64_MAX / mult) return -1;
    *out = v * mult;
    return 0;
}

int read_file_at(int dirfd, const char *name, char *buf, size_t size)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    size_t got = 0;
    while (got + 1 < size) {
        ssize_t r = read(fd, buf + got, size - 1 - got);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    close(fd);
    return (int)got;
}

int write_file_at(int dirfd, const char *name, const char *val)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return -1;
    int rc = write_all(fd, val, strlen(val));
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

uint64_t monotonic_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

/* KEY=VALUE for the job's environment, with KEY of [A-Za-z_][A-Za-z0-9_]* and at most MAX_ENV_LEN in all: the
 * one rule for --env, --env-fd and launch.spec's env lines */
int valid_env_entry(const char *s)
{
    const char *eq = strchr(s, '=');
    if (!eq || eq == s || strlen(s) > MAX_ENV_LEN) return 0;
    for (const char *p = s; p < eq; p++) {
        char c = *p;
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (p != s && c >= '0' && c <= '9');
        if (!ok) return 0;
    }
    return 1;
}

int valid_job_id(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > MAX_JOB_ID) return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A job's cgroup directories are named after its id, beside the control files of their parent "rnx": on v1
 * `tasks` and `notify_on_release` (`release_agent` too in a root cgroup). Every other control file name, v1 or v2,
 * has a dot, which a job id cannot have. */
int reserved_job_id(const char *s)
{
    return strcmp(s, "tasks") == 0 || strcmp(s, "notify_on_release") == 0 || strcmp(s, "release_agent") == 0;
}

int valid_runtime_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 64) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (i == 0 && !alnum) return 0;
        if (!alnum && c != '.' && c != '_' && c != '-') return 0;
    }
    return 1;
}

static int valid_components(const char *s)
{
    /* s: components separated by single '/', no '.', '..', no empty component */
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) return 0;
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            if (c <= 0x20 || c == 0x7f) return 0;
        }
        if (!e) break;
        p = e + 1;
        if (!*p) return 0;   /* trailing '/' */
    }
    return 1;
}

int valid_abs_path(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n >= MAX_PATH_LEN || s[0] != '/') return 0;
    if (n == 1) return 1;
    return valid_components(s + 1);
}

int valid_rel_path(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n >= MAX_PATH_LEN || s[0] == '/') return 0;
    return valid_components(s);
}

void sb_init(struct sbuf *b, char *mem, size_t cap)
{
    b->buf = mem;
    b->cap = cap;
    b->len = 0;
    b->overflow = 0;
    if (cap) mem[0] = '\0';
}

static void sb_putc(struct sbuf *b, char c)
{
    if (b->len + 1 >= b->cap) { b->overflow = 1; return; }
    b->buf[b->len++] = c;
    b->buf[b->len] = '\0';
}

void sb_puts(struct sbuf *b, const char *s)
{
    while (*s) sb_putc(b, *s++);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_puts(b, tmp);
}

void sb_json_str(struct sbuf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sb_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"': sb_puts(b, "\\\""); break;
        case '\\': sb_puts(b, "\\\\"); break;
        case '\n': sb_puts(b, "\\n"); break;
        case '\r': sb_puts(b, "\\r"); break;
        case '\t': sb_puts(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f || c >= 0x80) {
                /* bytes >= 0x80 escaped one by one so the output is always valid ASCII JSON */
                sb_puts(b, "\\u00");
                sb_putc(b, hex[c >> 4]);
                sb_putc(b, hex[c & 15]);
            } else {
                sb_putc(b, (char)c);
            }
        }
    }
    sb_putc(b, '"');
}
