/* registry.c: /run/rnx/jobs/<job_id> records who started a job, so --kill acts only for that uid and
 * leftovers of a killed launcher are cleaned up by the next run.
 *
 * Ownership: a launcher holds flock(LOCK_EX) on its own entry from before the entry has a name until after
 * the name is gone. Whoever acts on an entry's cgroups without owning it (a cleaner, --kill) first makes sure
 * the name still refers to the very inode it read, so a job id that was freed and taken again by a new job is
 * never confused with the old one: the new job's entry is a new inode, and it can only be linked once the old
 * name is gone; the old job's cgroups are removed before its name is. */
#include "launcher.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int g_regfd = -1;   /* O_RDONLY directory fd of REGISTRY_DIR */
static int g_own = -1;     /* our own entry, locked while we live */

void reg_open_dir(void)
{
    if (g_regfd >= 0) return;
    int run = open_trusted("/run", 1, "registry");
    int rnx = ensure_trusted_dir(run, "rnx", RUN_DIR);
    close(run);
    int jobs = ensure_trusted_dir(rnx, "jobs", REGISTRY_DIR);
    close(jobs);
    g_regfd = openat(rnx, "jobs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(rnx);
    if (g_regfd < 0) fail_errno("cannot open %s", REGISTRY_DIR);
    check_trusted_fd(g_regfd, REGISTRY_DIR);
}

unsigned long long proc_start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (read_file_at(AT_FDCWD, path, buf, sizeof buf) < 0) return 0;
    char *p = strrchr(buf, ')');
    if (!p) return 0;
    p++;
    /* fields after the command: 3=state ... 22=starttime */
    for (int field = 3; field < 22; field++) {
        p = strchr(p + 1, ' ');
        if (!p) return 0;
    }
    return strtoull(p + 1, NULL, 10);
}

/* The entry is written while it has no name, and locked: an entry is never seen half-written, and a launcher
 * killed before reg_link() (SIGKILL, RLIMIT_FSIZE...) leaves nothing behind. The guard is forked in between, so
 * it shares the lock (the same open file) before the entry has a name, and there is never a moment when a named
 * entry has no process left to remove it. Mode 0600: the caller cannot open it, and so cannot flock it to keep
 * the cleaner away from the leftovers of a launcher and guard that are both gone. */
void reg_prepare(uid_t uid, int v2)
{
    reg_open_dir();
    int fd = openat(g_regfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) fail_errno("cannot create a registry entry in %s", REGISTRY_DIR);
    char buf[256];
    pid_t self = getpid();
    int n = snprintf(buf, sizeof buf, "uid %u\nlauncher_pid %d\nlauncher_start %llu\ncgroup %s\n", (unsigned)uid,
                     (int)self, proc_start_time(self), v2 ? "v2" : "v1");
    if (write_all(fd, buf, (size_t)n) < 0) fail_errno("cannot write registry entry");
    if (flock(fd, LOCK_EX) < 0) fail_errno("cannot lock registry entry");
    g_own = fd;
}

/* links the prepared entry under the job id, failing if the id is taken */
int reg_link(const char *job_id)
{
    if (linkat(g_own, "", g_regfd, job_id, AT_EMPTY_PATH) < 0) {
        if (errno == EEXIST) return -1;
        fail_errno("cannot create registry entry %s/%s", REGISTRY_DIR, job_id);
    }
    return 0;
}

void reg_remove(const char *job_id)
{
    if (g_regfd >= 0 && g_own >= 0) unlinkat(g_regfd, job_id, 0);
    if (g_own >= 0) close(g_own);   /* the lock goes with the last reference, after the name */
    g_own = -1;
}

int reg_own_fd(void) { return g_own; }
int reg_dir_fd(void) { return g_regfd; }

/* whether `name` in the registry is still the inode open as fd */
static int still_linked(int fd, const char *name)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && fstatat(g_regfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

static int reg_parse(int fd, struct reg_entry *e)
{
    char buf[512];
    memset(e, 0, sizeof *e);
    ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
    if (got < 0) return -1;
    buf[got] = '\0';
    int have = 0;
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        unsigned long long v;
        char word[16];
        if (sscanf(line, "uid %llu", &v) == 1) { e->uid = (uid_t)v; have |= 1; }
        else if (sscanf(line, "launcher_pid %llu", &v) == 1) { e->launcher_pid = (pid_t)v; have |= 2; }
        else if (sscanf(line, "launcher_start %llu", &v) == 1) { e->launcher_start = v; have |= 4; }
        else if (sscanf(line, "cgroup %15s", word) == 1) { e->v2 = strcmp(word, "v2") == 0; have |= 8; }
        line = nl ? nl + 1 : NULL;
    }
    return have == 15 ? 0 : -1;
}

static int reg_open_entry(const char *job_id)
{
    int fd = openat(g_regfd, job_id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return -1;
    }
    return fd;
}

/* every cgroup a job with this id may have (the ones it did not get do not exist) */
void reg_job_cgroup(struct cgroup *cg, int v2, const char *job_id)
{
    cg_paths_for(cg, v2, job_id);
    for (int i = 0; i < CG_NCTL; i++)
        if ((v2 ? i == 0 : 1) && cg->ctl[i].alias != -2) cg->ctl[i].used = 1;
}

/* Locks `name` if its launcher is gone: returns the locked fd (entry parsed into e; *damaged if unparsable), or -1.
 * Alive: locked by its launcher, or (entries of older launchers, which did not lock) its launcher process exists. */
static int lock_stale(const char *name, struct reg_entry *e, int *damaged)
{
    int fd = reg_open_entry(name);
    if (fd < 0) return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0 || !still_linked(fd, name)) {
        close(fd);
        return -1;
    }
    *damaged = reg_parse(fd, e) < 0;
    struct stat st;
    int keep = *damaged ? fstat(fd, &st) < 0 || time(NULL) - st.st_mtime <= 10   /* an older launcher may be writing it */
                        : e->launcher_pid > 0 && proc_start_time(e->launcher_pid) == e->launcher_start;
    if (keep) {
        close(fd);
        return -1;
    }
    return fd;
}

void reg_cleanup_stale(void)
{
    reg_open_dir();
    /* getdents64 into a static buffer: opendir() would malloc 32 KiB (a heap, and its page faults) */
    static char buf[16384];
    if (lseek(g_regfd, 0, SEEK_SET) < 0) return;
    ssize_t n;
    while ((n = getdents64(g_regfd, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            struct dirent64 *de = (struct dirent64 *)(buf + off);
            off += de->d_reclen;
            if (de->d_name[0] == '.' || !valid_job_id(de->d_name)) continue;
            struct reg_entry e;
            int damaged;
            int fd = lock_stale(de->d_name, &e, &damaged);
            if (fd < 0) continue;
            /* we own it now: its cgroups first (an incomplete entry never had any), then its name */
            if (!damaged) {
                struct cgroup cg;
                reg_job_cgroup(&cg, e.v2, de->d_name);
                cg_destroy(&cg);
            }
            unlinkat(g_regfd, de->d_name, 0);
            close(fd);
        }
    }
}

int reg_still_own(const char *job_id)
{
    return g_own >= 0 && still_linked(g_own, job_id);
}

int do_kill(const char *job_id, int sig, uid_t caller)
{
    reg_open_dir();
    struct reg_entry e;
    int fd = reg_open_entry(job_id);
    if (fd < 0 || reg_parse(fd, &e) < 0) fail("no such job '%s'", job_id);
    if (caller != 0 && e.uid != caller) fail("job '%s' was not started by you", job_id);
    struct cgroup cg;
    reg_job_cgroup(&cg, e.v2, job_id);
    struct cg_dirs dirs;
    cg_open_dirs(&cg, &dirs);
    /* the directories just opened belong to the job whose entry we read only if that entry is still there:
     * otherwise the job ended, and its id may already name someone else's job */
    if (!still_linked(fd, job_id)) fail("no such job '%s'", job_id);
    close(fd);
    cg_signal_dirs(&dirs, sig);
    cg_close_dirs(&dirs);
    return 0;
}
