/* args.c: strict command-line parsing. Only "--opt VALUE" forms; "--" ends the options. */
#include "launcher.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CPU_PERCENT (100ULL * 1024)
#define MAX_PIDS_VALUE 4194304ULL
#define MAX_TIMEOUT_VALUE (10ULL * 365 * 24 * 3600)
#define MIN_MEMORY (1ULL << 20)
#define MAX_MEMORY (1ULL << 50)

static void once(int *seen, const char *name)
{
    if (*seen) fail("%s given more than once", name);
    *seen = 1;
}

static const char *need_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) fail("%s needs a value", argv[*i]);
    (*i)++;
    return argv[*i];
}

static uint64_t number(const char *opt, const char *v, uint64_t min, uint64_t max)
{
    uint64_t n;
    if (parse_u64(v, &n) < 0) fail("%s: not a valid number: '%.40s'", opt, v);
    if (n < min || n > max) fail("%s: %llu is out of range (%llu-%llu)", opt,
                                 (unsigned long long)n, (unsigned long long)min, (unsigned long long)max);
    return n;
}

/* "0-3,5" -> validated and copied; each cpu < 1024, ranges ascending */
static void parse_cores(const char *v, char *out, size_t cap)
{
    size_t len = strlen(v);
    if (len == 0 || len >= cap) fail("--cores: invalid list '%.40s'", v);
    const char *p = v;
    while (*p) {
        uint64_t a, b;
        char num[8];
        size_t n = strspn(p, "0123456789");
        if (n == 0 || n >= sizeof num) fail("--cores: invalid list '%.40s'", v);
        memcpy(num, p, n); num[n] = '\0';
        if (parse_u64(num, &a) < 0 || a >= 1024) fail("--cores: invalid cpu in '%.40s'", v);
        p += n;
        b = a;
        if (*p == '-') {
            p++;
            n = strspn(p, "0123456789");
            if (n == 0 || n >= sizeof num) fail("--cores: invalid list '%.40s'", v);
            memcpy(num, p, n); num[n] = '\0';
            if (parse_u64(num, &b) < 0 || b >= 1024 || b < a) fail("--cores: invalid range in '%.40s'", v);
            p += n;
        }
        if (*p == ',') {
            p++;
            if (!*p) fail("--cores: invalid list '%.40s'", v);
        } else if (*p) {
            fail("--cores: invalid list '%.40s'", v);
        }
    }
    memcpy(out, v, len + 1);
}

static int valid_hostname(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 63 || s[0] == '-' || s[0] == '.') return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

/* one KEY=VALUE for the job, from --env or --env-fd: the same checks, and one limit for both together */
static void add_env(struct opts *o, const char *kv, const char *what)
{
    if (!valid_env_entry(kv)) fail("%s: expected KEY=VALUE with KEY of [A-Za-z_][A-Za-z0-9_]*, got '%.40s'", what, kv);
    if (o->n_env >= MAX_ENV) fail("too many environment variables for the job (max %d, --env and --env-fd together)", MAX_ENV);
    o->env[o->n_env++] = kv;
}

/* --env-fd: KEY=VALUE records, each ending in a NUL, read to the end (so a secret never shows in argv). At most
 * MAX_ENV records of MAX_ENV_LEN bytes: anything longer is refused without being read further. Only a regular
 * file or a pipe: nothing that a read could change (a terminal, a socket, a device). The caller runs this with
 * its own file-system identity and no effective capabilities (see main.c), so a file whose read is checked
 * against the reader (some /proc and /sys files) gives nothing the caller could not read itself. */
void read_env_fd(struct opts *o)
{
    static char buf[MAX_ENV * (MAX_ENV_LEN + 1) + 1];
    if (o->env_fd < 0) return;
    struct stat st;
    if (fstat(o->env_fd, &st) < 0) fail("--env-fd %d is not an open file descriptor", o->env_fd);
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) fail("--env-fd %d is not a regular file or a pipe", o->env_fd);
    size_t got = 0;
    for (;;) {
        ssize_t r = read(o->env_fd, buf + got, sizeof buf - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) fail_errno("--env-fd %d", o->env_fd);
        if (r == 0) break;
        got += (size_t)r;
        if (got == sizeof buf) fail("--env-fd %d: more than %d variables of at most %d bytes", o->env_fd, MAX_ENV, MAX_ENV_LEN);
    }
    close(o->env_fd);
    if (got > 0 && buf[got - 1] != '\0') fail("--env-fd %d: the last record does not end in a NUL byte", o->env_fd);
    for (size_t at = 0; at < got;) {
        const char *kv = buf + at;
        at += strlen(kv) + 1;
        add_env(o, kv, "--env-fd");
    }
}

void parse_args(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->status_fd = -1;
    o->env_fd = -1;
    o->signal = SIGTERM;

    if (argc < 2) fail("usage: rnx-launch --runtime NAME [options] -- COMMAND [ARG...] | rnx-launch --kill JOB_ID [--signal N]");
    if (argc > MAX_ARGS) fail("too many arguments (max %d)", MAX_ARGS);
    size_t total = 0;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]);
        if (l > MAX_ARG_LEN) fail("argument %d is too long (max %d bytes)", i, MAX_ARG_LEN);
        total += l + 1;
    }
    if (total > MAX_ARGS_TOTAL) fail("arguments too long in total");

    int seen_runtime = 0, seen_mem = 0, seen_cpu = 0, seen_pids = 0, seen_cores = 0, seen_net = 0, seen_wd = 0,
        seen_host = 0, seen_to = 0, seen_id = 0, seen_sfd = 0, seen_int = 0, seen_det = 0, seen_kill = 0, seen_sig = 0;
    int seen_log = 0, seen_efd = 0;
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) { i++; break; }
        if (strcmp(a, "--runtime") == 0) {
            once(&seen_runtime, a);
            o->runtime = need_value(argc, argv, &i);
            if (!valid_runtime_name(o->runtime))
                fail("invalid runtime name '%.80s' (1-64 of a-z 0-9 . _ -, starting with a letter or digit)", o->runtime);
        } else if (strcmp(a, "--memory") == 0) {
            once(&seen_mem, a);
            const char *v = need_value(argc, argv, &i);
            if (parse_size(v, &o->memory) < 0) fail("--memory: not a valid size: '%.40s'", v);
            if (o->memory < MIN_MEMORY || o->memory > MAX_MEMORY) fail("--memory: %.40s is out of range (1M-1024T)", v);
            o->has_memory = 1;
        } else if (strcmp(a, "--log-max") == 0) {
            once(&seen_log, a);
            const char *v = need_value(argc, argv, &i);
            if (parse_size(v, &o->log_max) < 0) fail("--log-max: not a valid size: '%.40s'", v);
            if (o->log_max != 0 && (o->log_max < LOG_MAX_MIN || o->log_max > LOG_MAX_MAX))
                fail("--log-max: %.40s is out of range (0 or 1M-1024T)", v);
            o->has_log_max = 1;
        } else if (strcmp(a, "--cpu") == 0) {
            once(&seen_cpu, a);
            o->cpu = number(a, need_value(argc, argv, &i), 1, MAX_CPU_PERCENT);
            o->has_cpu = 1;
        } else if (strcmp(a, "--pids") == 0) {
            once(&seen_pids, a);
            o->pids = number(a, need_value(argc, argv, &i), 1, MAX_PIDS_VALUE);
            o->has_pids = 1;
        } else if (strcmp(a, "--cores") == 0) {
            once(&seen_cores, a);
            parse_cores(need_value(argc, argv, &i), o->cores, sizeof o->cores);
            o->has_cores = 1;
        } else if (strcmp(a, "--net") == 0) {
            once(&seen_net, a);
            const char *v = need_value(argc, argv, &i);
            if (strcmp(v, "none") == 0) o->net_host = 0;
            else if (strcmp(v, "host") == 0) o->net_host = 1;
            else fail("--net: expected none or host, got '%.40s'", v);
            o->has_net = 1;
        } else if (strcmp(a, "--workdir") == 0) {
            once(&seen_wd, a);
            o->workdir = need_value(argc, argv, &i);
            if (!*o->workdir || strlen(o->workdir) >= MAX_PATH_LEN) fail("--workdir: invalid path");
        } else if (strcmp(a, "--env") == 0) {
            add_env(o, need_value(argc, argv, &i), "--env");
        } else if (strcmp(a, "--env-fd") == 0) {
            once(&seen_efd, a);
            o->env_fd = (int)number(a, need_value(argc, argv, &i), 3, 1023);
        } else if (strcmp(a, "--hostname") == 0) {
            once(&seen_host, a);
            o->hostname = need_value(argc, argv, &i);
            if (!valid_hostname(o->hostname)) fail("--hostname: invalid name '%.70s'", o->hostname);
        } else if (strcmp(a, "--timeout") == 0) {
            once(&seen_to, a);
            o->timeout = number(a, need_value(argc, argv, &i), 1, MAX_TIMEOUT_VALUE);
            o->has_timeout = 1;
        } else if (strcmp(a, "--job-id") == 0) {
            once(&seen_id, a);
            const char *v = need_value(argc, argv, &i);
            if (!valid_job_id(v)) fail("--job-id: invalid id '%.70s' (1-64 of A-Z a-z 0-9 _ -)", v);
            if (reserved_job_id(v)) fail("--job-id: '%s' is reserved (the name of a cgroup control file)", v);
            snprintf(o->job_id, sizeof o->job_id, "%s", v);
            o->has_job_id = 1;
        } else if (strcmp(a, "--status-fd") == 0) {
            once(&seen_sfd, a);
            o->status_fd = (int)number(a, need_value(argc, argv, &i), 3, 1023);
        } else if (strcmp(a, "--interactive") == 0) {
            once(&seen_int, a);
            o->interactive = 1;
        } else if (strcmp(a, "--detach") == 0) {
            once(&seen_det, a);
            o->detach = 1;
        } else if (strcmp(a, "--kill") == 0) {
            once(&seen_kill, a);
            const char *v = need_value(argc, argv, &i);
            if (!valid_job_id(v)) fail("--kill: invalid job id '%.70s'", v);
            snprintf(o->kill_id, sizeof o->kill_id, "%s", v);
            o->kill_mode = 1;
        } else if (strcmp(a, "--signal") == 0) {
            once(&seen_sig, a);
            o->signal = (int)number(a, need_value(argc, argv, &i), 1, 64);
        } else if (a[0] == '-') {
            fail("unknown option '%.40s'", a);
        } else {
            fail("expected '--' before the command '%.40s'", a);
        }
    }

    if (o->kill_mode) {
        int others = seen_runtime + seen_mem + seen_cpu + seen_pids + seen_cores + seen_net + seen_wd + seen_host +
                     seen_to + seen_id + seen_sfd + seen_int + seen_det + seen_log + seen_efd + (o->n_env > 0);
        if (others || i < argc || strcmp(argv[argc - 1], "--") == 0)
            fail("--kill takes only a job id and an optional --signal");
        return;
    }
    if (seen_sig) fail("--signal is only valid with --kill");
    if (o->env_fd >= 0 && o->env_fd == o->status_fd) fail("--env-fd and --status-fd cannot be the same descriptor");
    if (!o->runtime) fail("--runtime is required");
    if (o->interactive && o->detach) fail("--interactive and --detach cannot be combined");
    if (i >= argc || strcmp(argv[i - 1], "--") != 0) fail("missing '--' and a command");
    if (!argv[i][0]) fail("empty command");
    o->command = &argv[i];
}
