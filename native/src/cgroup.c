/* cgroup.c: one cgroup per job under a root-owned parent "rnx"; cgroup v1 (incl. hybrid) and v2. */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/pidfd.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define CG_BASE "/sys/fs/cgroup"
#define CPU_PERIOD 100000ULL

const char *const cg_names[CG_NCTL] = { "memory", "pids", "cpu", "cpuacct", "cpuset", "freezer" };

static char g_v2_root[64];

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* where cgroup2 is mounted: the whole hierarchy, or "unified" beside v1 controllers on a hybrid host */
static const char *v2_mount(void)
{
    struct statfs sf;
    if (statfs(CG_BASE, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) return CG_BASE;
    if (statfs(CG_BASE "/unified", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) return CG_BASE "/unified";
    return NULL;
}

int cg_detect_v2(void)
{
    struct statfs sf;
    int v1_memory = statfs(CG_BASE "/memory", &sf) == 0 && sf.f_type == CGROUP_SUPER_MAGIC;
    const char *v2 = v2_mount();
    /* a hybrid host keeps its limits on v1 */
    if (v2 && (strcmp(v2, CG_BASE) == 0 || !v1_memory)) {
        snprintf(g_v2_root, sizeof g_v2_root, "%s", v2);
        return 1;
    }
    if (v1_memory) return 0;
    fail("no usable cgroup hierarchy under %s", CG_BASE);
}

/* fill paths; v1 controllers sharing one hierarchy (e.g. cpu,cpuacct co-mounted) become aliases */
void cg_paths_for(struct cgroup *cg, int v2, const char *job_id)
{
    memset(cg, 0, sizeof *cg);
    cg->v2 = v2;
    snprintf(cg->job_id, sizeof cg->job_id, "%s", job_id);
    if (v2) {
        /* a v2 job seen from a launcher that runs on v1 (another mount namespace, a hybrid host): the v2
         * hierarchy is still where it is mounted */
        const char *root = g_v2_root[0] ? g_v2_root : v2_mount();
        cg->ctl[0].alias = root ? -1 : -2;
        if (root) snprintf(cg->ctl[0].path, MAX_PATH_LEN, "%s/rnx/%s", root, job_id);
        return;
    }
    dev_t devs[CG_NCTL];
    for (int i = 0; i < CG_NCTL; i++) {
        char base[128];
        struct stat st;
        snprintf(base, sizeof base, CG_BASE "/%s", cg_names[i]);
        cg->ctl[i].alias = -1;
        devs[i] = 0;
        struct statfs sf;
        if (stat(base, &st) < 0 || statfs(base, &sf) < 0 || sf.f_type != CGROUP_SUPER_MAGIC) {
            cg->ctl[i].alias = -2;   /* controller not available */
            continue;
        }
        devs[i] = st.st_dev;
        for (int j = 0; j < i; j++)
            if (cg->ctl[j].alias == -1 && devs[j] == st.st_dev) { cg->ctl[i].alias = j; break; }
        snprintf(cg->ctl[i].path, MAX_PATH_LEN, "%s/rnx/%s", base, job_id);
    }
}

static const char *ctl_path(const struct cgroup *cg, int i)
{
    if (cg->v2) return cg->ctl[0].path;
    int a = cg->ctl[i].alias;
    return a >= 0 ? cg->ctl[a].path : cg->ctl[i].path;
}

static int cg_write(const char *dir, const char *file, const char *val)
{
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
    int rc = write_file_at(dfd, file, val);
    int e = errno;
    close(dfd);
    errno = e;
    return rc;
}

static int cg_read(const char *dir, const char *file, char *buf, size_t size)
{
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return -1;
    int rc = read_file_at(dfd, file, buf, size);
    close(dfd);
    return rc;
}

static void must_write(int dfd, const char *file, const char *val)
{
    if (write_file_at(dfd, file, val) < 0) fail_errno("cannot set cgroup %s to %s", file, val);
}

static uint64_t keyed_value(const char *text, const char *key)
{
    size_t kl = strlen(key);
    const char *p = text;
    while (p && *p) {
        if (strncmp(p, key, kl) == 0 && p[kl] == ' ') return strtoull(p + kl + 1, NULL, 10);
        p = strchr(p, '\n');
        if (p) p++;
    }
    return 0;
}

static void v2_enable(int dfd, const char *available)
{
    static const char *const want[] = { "memory", "pids", "cpu", "cpuset" };
    char cur[512];
    if (read_file_at(dfd, "cgroup.subtree_control", cur, sizeof cur) < 0) cur[0] = '\0';
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char tok[32];
        snprintf(tok, sizeof tok, " %s ", want[i]);
        char padded_av[600], padded_cur[600];
        snprintf(padded_av, sizeof padded_av, " %s ", available);
        snprintf(padded_cur, sizeof padded_cur, " %s ", cur);
        for (char *q = padded_av; *q; q++) if (*q == '\n') *q = ' ';
        for (char *q = padded_cur; *q; q++) if (*q == '\n') *q = ' ';
        if (!strstr(padded_av, tok) || strstr(padded_cur, tok)) continue;
        snprintf(tok, sizeof tok, "+%s", want[i]);
        (void)write_file_at(dfd, "cgroup.subtree_control", tok);
    }
}

/* a CPU list ("0-3,6\n") as a bitmap of 1024 CPUs; -1 if malformed or beyond */
static int cpu_bits(const char *s, uint64_t bits[16])
{
    memset(bits, 0, 16 * sizeof bits[0]);
    while (*s && *s != '\n') {
        char *end;
        unsigned long a = strtoul(s, &end, 10), b = a;
        if (end == s) return -1;
        if (*end == '-') {
            s = end + 1;
            b = strtoul(s, &end, 10);
            if (end == s) return -1;
        }
        if (a > b || b >= 1024) return -1;
        for (unsigned long c = a; c <= b; c++) bits[c / 64] |= 1ULL << (c % 64);
        s = end;
        if (*s == ',') s++;
        else if (*s && *s != '\n') return -1;
    }
    return 0;
}

static int same_cpus(const char *a, const char *b)
{
    uint64_t x[16], y[16];
    return cpu_bits(a, x) == 0 && cpu_bits(b, y) == 0 && memcmp(x, y, sizeof x) == 0;
}

static void create_v2(struct cgroup *cg, const struct cg_limits *l)
{
    char buf[128];
    int root = open(g_v2_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) fail_errno("cannot open %s", g_v2_root);
    char avail[512];
    if (read_file_at(root, "cgroup.controllers", avail, sizeof avail) < 0) avail[0] = '\0';
    v2_enable(root, avail);
    int rnx = ensure_trusted_dir(root, "rnx", "cgroup parent rnx");
    close(root);
    if (read_file_at(rnx, "cgroup.controllers", avail, sizeof avail) < 0) avail[0] = '\0';
    v2_enable(rnx, avail);
    if (mkdirat(rnx, cg->job_id, 0755) < 0) {
        if (errno == EEXIST) fail("job id '%s' is already in use", cg->job_id);
        fail_errno("cannot create cgroup %s", cg->ctl[0].path);
    }
    cg->ctl[0].used = 1;
    int job = openat(rnx, cg->job_id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(rnx);
    if (job < 0) fail_errno("cannot open cgroup %s", cg->ctl[0].path);
    if (l->memory) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)l->memory);
        must_write(job, "memory.max", buf);
        if (faccessat(job, "memory.swap.max", F_OK, AT_SYMLINK_NOFOLLOW) == 0) must_write(job, "memory.swap.max", "0");
    }
    if (l->pids) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)l->pids);
        must_write(job, "pids.max", buf);
    }
    if (l->cpu) {
        snprintf(buf, sizeof buf, "%llu %llu", (unsigned long long)(l->cpu * CPU_PERIOD / 100), CPU_PERIOD);
        must_write(job, "cpu.max", buf);
    }
    if (l->cores) {
        /* v2 takes any list and grants what the parent allows (all of the parent's CPUs if none of the asked ones
         * is there): the job must get exactly the CPUs asked for */
        must_write(job, "cpuset.cpus", l->cores);
        char eff[1024] = "";
        if (read_file_at(job, "cpuset.cpus.effective", eff, sizeof eff) < 0 || !same_cpus(eff, l->cores)) {
            eff[strcspn(eff, "\n")] = '\0';
            fail("--cores %s: not all of these CPUs are available (the job would run on %.100s)", l->cores, eff);
        }
    }
    close(job);
}

static void create_v1(struct cgroup *cg, const struct cg_limits *l)
{
    char buf[128];
    int need[CG_NCTL] = { 0 };
    need[CG_MEMORY] = need[CG_PIDS] = need[CG_CPUACCT] = need[CG_FREEZER] = 1;
    need[CG_CPU] = l->cpu != 0;
    need[CG_CPUSET] = l->cores != NULL;
    for (int i = 0; i < CG_NCTL; i++) {
        if (!need[i]) continue;
        if (cg->ctl[i].alias == -2) fail("cgroup v1 controller '%s' is not mounted under %s", cg_names[i], CG_BASE);
        if (cg->ctl[i].alias >= 0) need[cg->ctl[i].alias] = 1;   /* the co-mounted owner holds the directory */
    }
    for (int i = 0; i < CG_NCTL; i++) {
        if (!need[i] || cg->ctl[i].alias != -1) continue;
        char base[128];
        snprintf(base, sizeof base, CG_BASE "/%s", cg_names[i]);
        int bfd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bfd < 0) fail_errno("cannot open %s", base);
        int rnx = ensure_trusted_dir(bfd, "rnx", "cgroup parent rnx");
        if (i == CG_CPUSET) {
            char v[MAX_CORES_LEN];
            for (int k = 0; k < 2; k++) {
                const char *f = k ? "cpuset.mems" : "cpuset.cpus";
                if (read_file_at(rnx, f, v, sizeof v) < 0 || v[0] == '\0' || v[0] == '\n') {
                    if (read_file_at(bfd, f, v, sizeof v) < 0) fail_errno("cannot read %s/%s", base, f);
                    if (write_file_at(rnx, f, v) < 0) fail_errno("cannot set %s/rnx/%s", base, f);
                }
            }
        }
        close(bfd);
        if (mkdirat(rnx, cg->job_id, 0755) < 0) {
            if (errno == EEXIST) fail("job id '%s' is already in use", cg->job_id);
            fail_errno("cannot create cgroup %s", cg->ctl[i].path);
        }
        cg->ctl[i].used = 1;
        int job = openat(rnx, cg->job_id, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (job < 0) fail_errno("cannot open cgroup %s", cg->ctl[i].path);
        switch (i) {
        case CG_MEMORY:
            if (l->memory) {
                snprintf(buf, sizeof buf, "%llu", (unsigned long long)l->memory);
                must_write(job, "memory.limit_in_bytes", buf);
                /* swap accounting present: limit memory+swap to the same value, so the job cannot swap */
                if (faccessat(job, "memory.memsw.limit_in_bytes", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                    must_write(job, "memory.memsw.limit_in_bytes", buf);
            }
            break;
        case CG_PIDS:
            if (l->pids) {
                snprintf(buf, sizeof buf, "%llu", (unsigned long long)l->pids);
                must_write(job, "pids.max", buf);
            }
            break;
        case CG_CPUSET: {
            char mems[MAX_CORES_LEN];
            if (read_file_at(rnx, "cpuset.mems", mems, sizeof mems) < 0) fail_errno("cannot read cpuset.mems");
            if (write_file_at(job, "cpuset.cpus", l->cores) < 0) fail_errno("cannot use cores %s", l->cores);
            must_write(job, "cpuset.mems", mems);
            break;
        }
        default:
            break;
        }
        /* co-mounted controllers (e.g. cpu,cpuacct) are configured on the same directory */
        for (int j = 0; j < CG_NCTL; j++) {
            if (j != i && cg->ctl[j].alias != i) continue;
            if (j == CG_CPU && l->cpu) {
                must_write(job, "cpu.cfs_period_us", "100000");
                snprintf(buf, sizeof buf, "%llu", (unsigned long long)(l->cpu * CPU_PERIOD / 100));
                must_write(job, "cpu.cfs_quota_us", buf);
            }
        }
        close(job);
        close(rnx);
    }
    for (int i = 0; i < CG_NCTL; i++)
        if (cg->ctl[i].alias >= 0 && cg->ctl[cg->ctl[i].alias].used && need[i]) cg->ctl[i].used = 1;
}

void cg_create(struct cgroup *cg, const char *job_id, const struct cg_limits *l)
{
    cg_paths_for(cg, cg_detect_v2(), job_id);
    if (cg->v2) create_v2(cg, l);
    else create_v1(cg, l);
}

/* The supervisor moves the job's PID 1 (its unreaped child, still single-threaded, which waits for the supervisor's
 * go before it forks anything) while PID 1 builds the job's filesystem. On v1 it writes PID 1's pid to each
 * controller's `tasks`: moving one thread skips the kernel's global threadgroup lock, whose write side waits for
 * an RCU grace period (5-25 ms on an idle host, for each job), where writing a pid to cgroup.procs takes it. A
 * single-threaded process is wholly moved by moving its thread, and everything it forks later is born inside.
 * v2 has no such file for domain cgroups: cgroup.procs. */
int cg_attach(const struct cgroup *cg, pid_t pid)
{
    char val[16];
    snprintf(val, sizeof val, "%d", (int)pid);
    for (int i = 0; i < CG_NCTL; i++) {
        if (!cg->ctl[i].used || cg->ctl[i].alias >= 0) continue;
        if (cg_write(cg->ctl[i].path, cg->v2 ? "cgroup.procs" : "tasks", val) < 0) return -1;
        if (cg->v2) break;
    }
    return 0;
}

void cg_stats(const struct cgroup *cg, struct cg_stats *st)
{
    char buf[4096];
    memset(st, 0, sizeof *st);
    if (cg->v2) {
        const char *p = cg->ctl[0].path;
        if (cg_read(p, "cpu.stat", buf, sizeof buf) >= 0) st->cpu_usec = keyed_value(buf, "usage_usec");
        if (cg_read(p, "memory.peak", buf, sizeof buf) >= 0 || cg_read(p, "memory.current", buf, sizeof buf) >= 0)
            st->peak_memory = strtoull(buf, NULL, 10);
        if (cg_read(p, "memory.events", buf, sizeof buf) >= 0) st->oom_kills = keyed_value(buf, "oom_kill");
        return;
    }
    if (cg->ctl[CG_CPUACCT].used && cg_read(ctl_path(cg, CG_CPUACCT), "cpuacct.usage", buf, sizeof buf) >= 0)
        st->cpu_usec = strtoull(buf, NULL, 10) / 1000;
    if (cg->ctl[CG_MEMORY].used) {
        const char *p = ctl_path(cg, CG_MEMORY);
        if (cg_read(p, "memory.max_usage_in_bytes", buf, sizeof buf) >= 0) st->peak_memory = strtoull(buf, NULL, 10);
        if (cg_read(p, "memory.oom_control", buf, sizeof buf) >= 0) st->oom_kills = keyed_value(buf, "oom_kill");
    }
}

/* The job's working set: memory charged to it minus the file cache no process of it has mapped. That is
 * docker's "usage minus inactive file cache", less also the active file pages nothing maps: the job's own output,
 * written through the page cache, turns active as soon as a follower reads it twice (sendfile of less than a
 * large folio at a time does), and would then count as if the job needed it. Mapped files (its programs and
 * libraries) stay in. 0 when the memory controller is not there. */
uint64_t cg_working_set(const struct cgroup *cg)
{
    char buf[8192];
    const char *p;
    const char *prefix;
    uint64_t usage;
    if (cg->v2) {
        p = cg->ctl[0].path;
        prefix = "";
        if (cg_read(p, "memory.current", buf, sizeof buf) < 0) return 0;
    } else {
        if (!cg->ctl[CG_MEMORY].used) return 0;
        p = ctl_path(cg, CG_MEMORY);
        prefix = "total_";   /* v1: the cgroup and its children */
        if (cg_read(p, "memory.usage_in_bytes", buf, sizeof buf) < 0) return 0;
    }
    usage = strtoull(buf, NULL, 10);
    if (cg_read(p, "memory.stat", buf, sizeof buf) < 0) return usage;
    char key[40];
    snprintf(key, sizeof key, "%sinactive_file", prefix);
    uint64_t inactive = keyed_value(buf, key);
    snprintf(key, sizeof key, "%sactive_file", prefix);
    uint64_t active = keyed_value(buf, key);
    snprintf(key, sizeof key, cg->v2 ? "%sfile_mapped" : "%smapped_file", prefix);
    uint64_t mapped = keyed_value(buf, key);
    uint64_t unmapped_cache = inactive + (active > mapped ? active - mapped : 0);
    return usage > unmapped_cache ? usage - unmapped_cache : 0;
}

/* the positive pids of a newline-separated list (a cgroup.procs file), at most max of them */
static size_t parse_pids(const char *text, pid_t *pids, size_t max)
{
    size_t n = 0;
    for (const char *p = text; *p && n < max;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p) break;
        if (v > 0) pids[n++] = (pid_t)v;
        p = end;
        while (*p == '\n') p++;
    }
    return n;
}

/* pids listed in the cgroup.procs file of a directory fd; returns count, 0 if empty or missing */
static int read_pids_at(int dfd, pid_t *pids, int max)
{
    static char buf[65536];
    if (read_file_at(dfd, "cgroup.procs", buf, sizeof buf) < 0) return 0;
    return (int)parse_pids(buf, pids, max > 0 ? (size_t)max : 0);
}

static int read_pids(const char *dir, pid_t *pids, int max)
{
    int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return 0;
    int n = read_pids_at(dfd, pids, max);
    close(dfd);
    return n;
}

static int wait_state(int dfd, const char *file, const char *key, const char *want)
{
    char buf[512];
    for (int i = 0; i < 500; i++) {
        if (read_file_at(dfd, file, buf, sizeof buf) < 0) return -1;
        if (key ? (keyed_value(buf, key) == strtoull(want, NULL, 10)) : strncmp(buf, want, strlen(want)) == 0) return 0;
        sleep_ms(1);
    }
    return -1;
}

/* The job's directories are opened once and everything after that goes through these fds: if the job's cgroup
 * is removed meanwhile (and a new one made under the same name), the fds still mean the old, now dead, one. */
void cg_open_dirs(const struct cgroup *cg, struct cg_dirs *d)
{
    d->v2 = cg->v2;
    d->procs = d->freezer = -1;
    if (cg->v2) {
        if (cg->ctl[0].used) d->procs = d->freezer = open(cg->ctl[0].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        return;
    }
    if (cg->ctl[CG_FREEZER].used) d->freezer = open(ctl_path(cg, CG_FREEZER), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (d->freezer >= 0) d->procs = d->freezer;
    else if (cg->ctl[CG_PIDS].used) d->procs = open(ctl_path(cg, CG_PIDS), O_PATH | O_DIRECTORY | O_CLOEXEC);
}

void cg_close_dirs(struct cg_dirs *d)
{
    if (d->freezer >= 0 && d->freezer != d->procs) close(d->freezer);
    if (d->procs >= 0) close(d->procs);
    d->procs = d->freezer = -1;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return x < y ? -1 : x > y;
}

/* every pid in cgroup.procs of dfd, sorted; *out is malloc'd (NULL if none) */
static size_t read_pid_list(int dfd, pid_t **out)
{
    *out = NULL;
    int fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (cap - len < 4096) {
            char *nb = realloc(buf, cap ? cap * 2 : 16384);
            if (!nb) break;
            buf = nb;
            cap = cap ? cap * 2 : 16384;
        }
        ssize_t r = read(fd, buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        len += (size_t)r;
    }
    close(fd);
    if (!buf) return 0;
    buf[len] = '\0';
    size_t n = 0, max = 1;
    for (size_t i = 0; i < len; i++) max += buf[i] == '\n';
    pid_t *pids = malloc(max * sizeof *pids);
    if (pids) {
        n = parse_pids(buf, pids, max);
        qsort(pids, n, sizeof *pids, cmp_pid);
    }
    free(buf);
    *out = pids;
    return n;
}

/* Signals every member of the cgroup. A pid read from cgroup.procs may be reused by an unrelated process by the
 * time it is signalled (more so when the caller stops us in between), so each is first pinned with a pidfd,
 * then the list is read again: a pid still listed after its pidfd was opened means the pidfd's process is the
 * member (had it died, the pidfd would refer to the dead one, and signalling it does nothing). */
#define PIDFD_BATCH 64
static void signal_members(int dfd, int sig)
{
    pid_t *l1, *l2;
    size_t n1 = read_pid_list(dfd, &l1);
    for (size_t i = 0; i < n1; i += PIDFD_BATCH) {
        size_t m = n1 - i < PIDFD_BATCH ? n1 - i : PIDFD_BATCH;
        int pfd[PIDFD_BATCH];
        for (size_t k = 0; k < m; k++) pfd[k] = pidfd_open(l1[i + k], 0);
        size_t n2 = read_pid_list(dfd, &l2);
        for (size_t k = 0; k < m; k++) {
            if (pfd[k] < 0) continue;
            if (l2 && bsearch(&l1[i + k], l2, n2, sizeof *l2, cmp_pid)) (void)pidfd_send_signal(pfd[k], sig, NULL, 0);
            close(pfd[k]);
        }
        free(l2);
    }
    free(l1);
}

void cg_signal_dirs(const struct cg_dirs *d, int sig)
{
    if (d->procs < 0) return;
    int frozen = 0;
    if (d->v2) {
        if (sig == SIGKILL && write_file_at(d->procs, "cgroup.kill", "1") == 0) return;
        frozen = write_file_at(d->freezer, "cgroup.freeze", "1") == 0 && wait_state(d->freezer, "cgroup.events", "frozen", "1") == 0;
    } else if (d->freezer >= 0) {
        frozen = write_file_at(d->freezer, "freezer.state", "FROZEN") == 0 && wait_state(d->freezer, "freezer.state", NULL, "FROZEN") == 0;
    }
    signal_members(d->procs, sig);
    if (d->v2) {
        if (frozen || sig != SIGKILL) (void)write_file_at(d->freezer, "cgroup.freeze", "0");
    } else if (d->freezer >= 0) {
        (void)write_file_at(d->freezer, "freezer.state", "THAWED");
    }
}

void cg_signal_all(const struct cgroup *cg, int sig)
{
    struct cg_dirs d;
    cg_open_dirs(cg, &d);
    cg_signal_dirs(&d, sig);
    cg_close_dirs(&d);
}

void cg_thaw(const struct cgroup *cg)
{
    struct cg_dirs d;
    cg_open_dirs(cg, &d);
    if (d.freezer >= 0) (void)write_file_at(d.freezer, d.v2 ? "cgroup.freeze" : "freezer.state", d.v2 ? "0" : "THAWED");
    cg_close_dirs(&d);
}

static int any_procs(const struct cgroup *cg)
{
    pid_t one[1];
    for (int i = 0; i < CG_NCTL; i++) {
        if (!cg->ctl[i].used || cg->ctl[i].alias >= 0) continue;
        if (read_pids(cg->ctl[i].path, one, 1) > 0) return 1;
        if (cg->v2) break;
    }
    return 0;
}

void cg_destroy(const struct cgroup *cg)
{
    /* the usual case, nothing left inside: the removal alone (rmdir fails with EBUSY while a process is inside) */
    int left = 0;
    for (int i = 0; i < CG_NCTL; i++) {
        if (!cg->ctl[i].used || cg->ctl[i].alias >= 0) continue;
        if (rmdir(cg->ctl[i].path) < 0 && errno != ENOENT) left = 1;
        if (cg->v2) break;
    }
    if (!left) return;
    for (int round = 0; round < 3 && any_procs(cg); round++) {
        cg_signal_all(cg, SIGKILL);
        for (int i = 0; i < 200 && any_procs(cg); i++) sleep_ms(2);
    }
    for (int i = 0; i < CG_NCTL; i++) {
        if (!cg->ctl[i].used || cg->ctl[i].alias >= 0) continue;
        for (int tries = 0; tries < 500; tries++) {
            if (rmdir(cg->ctl[i].path) == 0 || errno == ENOENT) break;
            if (errno != EBUSY) { warnx_("cannot remove cgroup %s: %s", cg->ctl[i].path, strerror(errno)); break; }
            sleep_ms(2);
        }
        if (cg->v2) break;
    }
}
