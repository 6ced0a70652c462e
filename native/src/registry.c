/* registry.c: /run/rnx/jobs/<job_id> records who started a job, so --kill acts only for that uid and
 * leftovers of a killed launcher are cleaned up by the next run. */
#include "launcher.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int g_regfd = -1;   /* O_RDONLY directory fd of REGISTRY_DIR */

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

int reg_create(const char *job_id, uid_t uid, int v2)
{
    reg_open_dir();
    /* written while it has no name, then linked under the job id (failing if the id is taken): an entry is never
     * seen half-written, and a launcher killed before the link (SIGKILL, RLIMIT_FSIZE...) leaves nothing behind */
    int fd = openat(g_regfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0) fail_errno("cannot create a registry entry in %s", REGISTRY_DIR);
    char buf[256];
    pid_t self = getpid();
    int n = snprintf(buf, sizeof buf, "uid %u\nlauncher_pid %d\nlauncher_start %llu\ncgroup %s\n", (unsigned)uid,
                     (int)self, proc_start_time(self), v2 ? "v2" : "v1");
    if (write_all(fd, buf, (size_t)n) < 0) fail_errno("cannot write registry entry");
    if (linkat(fd, "", g_regfd, job_id, AT_EMPTY_PATH) < 0) {
        int e = errno;
        close(fd);
        if (e == EEXIST) return -1;
        errno = e;
        fail_errno("cannot create registry entry %s/%s", REGISTRY_DIR, job_id);
    }
    close(fd);
    return 0;
}

void reg_remove(const char *job_id)
{
    if (g_regfd >= 0) unlinkat(g_regfd, job_id, 0);
}

static int reg_read(const char *job_id, struct reg_entry *e)
{
    char buf[512];
    memset(e, 0, sizeof *e);
    if (read_file_at(g_regfd, job_id, buf, sizeof buf) < 0) return -1;
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

static void job_cgroup(struct cgroup *cg, int v2, const char *job_id)
{
    cg_paths_for(cg, v2, job_id);
    for (int i = 0; i < CG_NCTL; i++)
        if (v2 ? i == 0 : cg->ctl[i].alias != -2) cg->ctl[i].used = 1;
}

void reg_cleanup_stale(void)
{
    reg_open_dir();
    int dfd = dup(g_regfd);
    if (dfd < 0) return;
    DIR *d = fdopendir(dfd);
    if (!d) { close(dfd); return; }
    rewinddir(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !valid_job_id(de->d_name)) continue;
        struct reg_entry e;
        if (reg_read(de->d_name, &e) < 0) {
            /* entries are complete when they appear; an incomplete one is left by an older launcher killed while
             * writing it (before it made any cgroup). Give such a writer a moment, then remove it. */
            struct stat st;
            if (fstatat(g_regfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
                time(NULL) - st.st_mtime > 10)
                unlinkat(g_regfd, de->d_name, 0);
            continue;
        }
        if (e.launcher_pid > 0 && proc_start_time(e.launcher_pid) == e.launcher_start) continue;  /* still supervised */
        struct cgroup cg;
        job_cgroup(&cg, e.v2, de->d_name);
        cg_destroy(&cg);
        unlinkat(g_regfd, de->d_name, 0);
    }
    closedir(d);
}

int do_kill(const char *job_id, int sig, uid_t caller)
{
    reg_open_dir();
    struct reg_entry e;
    if (reg_read(job_id, &e) < 0) fail("no such job '%s'", job_id);
    if (caller != 0 && e.uid != caller) fail("job '%s' was not started by you", job_id);
    struct cgroup cg;
    job_cgroup(&cg, e.v2, job_id);
    cg_signal_all(&cg, sig);
    return 0;
}
