/* main.c: rnx-launch entry point. Validates everything as the caller asked, sets up the job's cgroup,
 * starts the job's PID 1 in fresh namespaces, supervises it, reports and cleans up.
 *
 * Processes:  caller -> launcher (supervisor, stays root, non-dumpable)
 *                         -> PID 1 of the job (root while it builds the filesystem, then the caller)
 *                              -> the command (the caller, no capabilities, seccomp)
 * With --detach the supervisor is a grandchild in its own session; the first process waits until the
 * job has started (exit 0) or failed (exit 125). */
#include "launcher.h"
#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <grp.h>
#include <sys/pidfd.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static struct creds g_cr;
static struct cgroup g_cg;
static char g_job_id[MAX_JOB_ID + 1];
static int g_reg_made;
static pid_t g_pid1 = -1;
static int g_detach_fd = -1;
static char g_term[80];
static mode_t g_caller_umask;
static char *g_envp[2 * MAX_ENV + 8];
static size_t g_nenv;
static char g_env_store[3][128];

static int g_guard_w = -1;      /* our end of the guard's socket: "D" once the supervisor has cleaned up */
/* The terminals among the job's stdio (fds 0/1/2, the caller's). The job may change what a terminal keeps after
 * it ends: its modes (raw, no echo...), exclusive mode (TIOCEXCL: nobody else may open it), output stopped by
 * tcflow(TCOOFF) (which ^Q does not restart) and, but for the seccomp filter, its line discipline; with
 * --interactive also its foreground process group. The job may be killed before it puts them back: the
 * supervisor (root, unfiltered) does when the job ends. The window size is not restored: it is the terminal
 * emulator's, which may have changed it meanwhile (a resize), and a wrong one lasts only until the next resize. */
struct saved_tty {
    int fd;
    dev_t rdev;
    struct termios modes;
    int ldisc, excl;         /* -1: unknown */
    pid_t pgrp;              /* its foreground process group when the job started; -1: not our controlling tty */
    int ours;                /* that group was ours or our caller's (not a shell's at its prompt) */
};
static struct saved_tty g_ttys[3];
static int g_nttys;
static int g_tty_interactive;

static void save_terminal(int interactive)
{
    g_tty_interactive = interactive;
    for (int fd = 0; fd < 3; fd++) {
        struct saved_tty *t = &g_ttys[g_nttys];
        struct stat st;
        if (tcgetattr(fd, &t->modes) < 0 || fstat(fd, &st) < 0) continue;
        int dup_tty = 0;
        for (int i = 0; i < g_nttys; i++) dup_tty |= g_ttys[i].rdev == st.st_rdev;
        if (dup_tty) continue;
        t->fd = fd;
        t->rdev = st.st_rdev;
        if (ioctl(fd, TIOCGETD, &t->ldisc) < 0) t->ldisc = -1;
        if (ioctl(fd, TIOCGEXCL, &t->excl) < 0) t->excl = -1;
        t->pgrp = tcgetpgrp(fd);
        /* in the foreground: the launcher itself, or the program that runs it (rnx runs it in a process group of
         * its own) unless that is the session leader while we are not in its group: a shell that started us in
         * the background and is back at its prompt */
        pid_t ppid = getppid(), sid = tcgetsid(fd);
        t->ours = t->pgrp >= 0 && (t->pgrp == getpgrp() || (t->pgrp == getpgid(ppid) && ppid != sid));
        g_nttys++;
    }
}

static void restore_terminal(void)
{
    for (int i = 0; i < g_nttys; i++) {
        const struct saved_tty *t = &g_ttys[i];
        /* Without --interactive the job has no controlling terminal, so it cannot change the terminal's foreground
         * process group. Started in the background, or with another group in the foreground now (the caller
         * moved us to the background, or --detach left its session), the terminal is someone else's: its modes
         * are theirs, not ours to undo. */
        if (!g_tty_interactive && t->pgrp >= 0 && (!t->ours || tcgetpgrp(t->fd) != t->pgrp)) continue;
        int ldisc;
        if (t->ldisc >= 0 && ioctl(t->fd, TIOCGETD, &ldisc) == 0 && ldisc != t->ldisc) (void)ioctl(t->fd, TIOCSETD, &t->ldisc);
        (void)tcsetattr(t->fd, TCSANOW, &t->modes);
        if (t->excl >= 0) (void)ioctl(t->fd, t->excl ? TIOCEXCL : TIOCNXCL);
        (void)tcflow(t->fd, TCOON);   /* undoes only a TCOOFF, never a ^S */
        /* SIGTTOU is ignored (or blocked): allowed from the background */
        if (g_tty_interactive && t->pgrp > 0) (void)tcsetpgrp(t->fd, t->pgrp);
    }
    g_nttys = 0;
}

static void cleanup(void)
{
    if (g_pid1 > 0) {
        kill(g_pid1, SIGKILL);
        while (waitpid(g_pid1, NULL, 0) < 0 && errno == EINTR) {}
        g_pid1 = -1;
    }
    restore_terminal();
    cg_destroy(&g_cg);
    if (g_reg_made) reg_remove(g_job_id);
    g_reg_made = 0;
    /* the socket itself closes when we exit (a guard without a deadline reads the "D" only then) */
    if (g_guard_w >= 0) (void)send(g_guard_w, "D", 1, MSG_NOSIGNAL);
}

/* a closed 0/1/2 would let the next open() land there: reopen them on /dev/null first thing */
static void fix_std_fds(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            int n = open("/dev/null", O_RDWR);
            if (n != fd) _exit(EXIT_REFUSED);
        }
    }
}

/* Dispositions the caller set to "ignore" and the caller's signal mask survive execve. Start from the defaults
 * (an ignored SIGCHLD would make children vanish unreported), ignore SIGPIPE (a closed stderr must not kill
 * us before we clean up), and hold back every signal the caller may send while we set up: the supervisor
 * reads the ones it forwards from its signalfd once the job runs, so none cuts the setup short half-way.
 * SIGTSTP keeps its default so that ^Z still stops an interactive launcher (SIGSTOP could anyway). */
static void reset_signal_state(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP) (void)sigaction(s, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGTSTP);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

/* The caller's resource limits would apply to us too: a tiny RLIMIT_FSIZE, NOFILE, AS, STACK... could make a
 * privileged step fail half-way. Remember them (the job gets exactly them back), and run with every soft limit
 * raised to its hard limit; a hard limit too low to work with is refused up front (raising a hard limit needs
 * CAP_SYS_RESOURCE, which a bounding set may lack). No core dumps meanwhile. */
static struct rlimit g_caller_rlim[RLIM_NLIMITS];

static void reset_rlimits(void)
{
    static const struct { int res; const char *name; rlim_t floor; } own[] = {
        { RLIMIT_FSIZE, "RLIMIT_FSIZE", 1 << 20 }, { RLIMIT_NOFILE, "RLIMIT_NOFILE", 256 },
        { RLIMIT_AS, "RLIMIT_AS", 256 << 20 }, { RLIMIT_DATA, "RLIMIT_DATA", 256 << 20 },
        { RLIMIT_STACK, "RLIMIT_STACK", 1 << 20 }, { RLIMIT_SIGPENDING, "RLIMIT_SIGPENDING", 64 },
        { RLIMIT_CPU, "RLIMIT_CPU", 0 }, { RLIMIT_NPROC, "RLIMIT_NPROC", 0 }, { RLIMIT_RTTIME, "RLIMIT_RTTIME", 0 },
    };
    for (int r = 0; r < RLIM_NLIMITS; r++)
        if (getrlimit(r, &g_caller_rlim[r]) < 0) g_caller_rlim[r].rlim_cur = g_caller_rlim[r].rlim_max = RLIM_INFINITY;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        struct rlimit rl = g_caller_rlim[own[i].res];
        if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < own[i].floor)
            fail("%s is limited to %llu, too low to start a job", own[i].name, (unsigned long long)rl.rlim_max);
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(own[i].res, &rl) < 0) fail_errno("cannot raise %s", own[i].name);
    }
    struct rlimit core = g_caller_rlim[RLIMIT_CORE];
    core.rlim_cur = 0;
    if (setrlimit(RLIMIT_CORE, &core) < 0) fail_errno("cannot set RLIMIT_CORE");
}

/* in the job's PID 1, before the drop: the caller's limits again (never above them) */
static void restore_rlimits(void)
{
    for (int r = 0; r < RLIM_NLIMITS; r++)
        if (setrlimit(r, &g_caller_rlim[r]) < 0) fail_errno("cannot restore resource limit %d", r);
}

static void close_inherited(int keep)
{
    if (keep < 0) {
        close_range(3, ~0U, 0);
    } else {
        if (keep > 3) close_range(3, (unsigned)keep - 1, 0);
        close_range((unsigned)keep + 1, ~0U, 0);
    }
}

static void close_all_except(const int *keep, size_t n)
{
    /* close every fd >= 3 that is not listed */
    unsigned lo = 3;
    for (;;) {
        unsigned next = ~0U;
        for (size_t i = 0; i < n; i++)
            if (keep[i] >= (int)lo && (unsigned)keep[i] < next) next = (unsigned)keep[i];
        if (next == ~0U) { close_range(lo, ~0U, 0); return; }
        if (next > lo) close_range(lo, next - 1, 0);
        lo = next + 1;
    }
}

static void save_term(void)
{
    const char *t = getenv("TERM");
    if (!t) return;
    size_t n = strlen(t);
    if (n < 1 || n > 64) return;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (i > 0 && (c == '.' || c == '_' || c == '+' || c == '-'));
        if (!ok) return;
    }
    snprintf(g_term, sizeof g_term, "TERM=%s", t);
}

static void env_set(const char *kv)
{
    size_t klen = (size_t)(strchr(kv, '=') - kv);
    for (size_t i = 0; i < g_nenv; i++)
        if (strncmp(g_envp[i], kv, klen + 1) == 0) { g_envp[i] = (char *)kv; return; }
    if (g_nenv >= sizeof g_envp / sizeof g_envp[0] - 1) fail("too many environment variables");
    g_envp[g_nenv++] = (char *)kv;
    g_envp[g_nenv] = NULL;
}

static int env_has(const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < g_nenv; i++)
        if (strncmp(g_envp[i], key, klen) == 0 && g_envp[i][klen] == '=') return 1;
    return 0;
}

static void build_env(const struct spec *s, const struct opts *o)
{
    g_nenv = 0;
    g_envp[0] = NULL;
    for (size_t i = 0; i < s->n_env; i++) env_set(s->env[i]);
    if (g_term[0]) env_set(g_term);
    for (size_t i = 0; i < o->n_env; i++) env_set(o->env[i]);
    if (!env_has("PATH")) { snprintf(g_env_store[0], sizeof g_env_store[0], "PATH=%s", DEFAULT_PATH); env_set(g_env_store[0]); }
    if (!env_has("HOME")) { snprintf(g_env_store[1], sizeof g_env_store[1], "HOME=/tmp"); env_set(g_env_store[1]); }
}

/* --workdir: resolved and checked AS THE CALLER (fsuid/fsgid), no symlinks anywhere on the path; the fd we
 * get is what gets bind-mounted later */
static int open_workdir(const char *path)
{
    setfsgid(g_cr.gid);
    setfsuid(g_cr.uid);
    if ((uid_t)setfsuid((uid_t)-1) != g_cr.uid || (gid_t)setfsgid((gid_t)-1) != g_cr.gid) fail("cannot switch to the caller's fsuid");
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
    int open_err = errno;
    int writable = fd >= 0 && syscall(SYS_faccessat2, fd, "", W_OK | X_OK, AT_EMPTY_PATH | AT_EACCESS) == 0;
    setfsuid(0);
    setfsgid(0);
    if ((uid_t)setfsuid((uid_t)-1) != 0) fail("cannot restore fsuid");
    if (fd < 0) {
        if (open_err == ELOOP) fail("--workdir %.200s: the path contains a symlink", path);
        if (open_err == ENOTDIR) fail("--workdir %.200s is a symlink or not a directory", path);
        errno = open_err;
        fail_errno("--workdir %.200s", path);
    }
    if (!writable) fail("--workdir %.200s is not writable by you", path);
    return fd;
}

static void gen_job_id(char *out, size_t cap)
{
    unsigned char r[8];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) fail_errno("getrandom");
    size_t n = 0;
    for (size_t i = 0; i < sizeof r && n + 2 < cap; i++) n += (size_t)snprintf(out + n, cap - n, "%02x", r[i]);
}

/* --detach: fork, setsid, fork again. The first process waits for "S" (started) or an error message. */
static void detach(void)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) fail_errno("pipe");
    pid_t a = fork();
    if (a < 0) fail_errno("fork");
    if (a > 0) {
        close(p[1]);
        char buf[1200];
        size_t got = 0;
        for (;;) {
            ssize_t r = read(p[0], buf + got, sizeof buf - 1 - got);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) break;
            got += (size_t)r;
            if (got >= sizeof buf - 1) break;
        }
        buf[got] = '\0';
        while (waitpid(a, NULL, 0) < 0 && errno == EINTR) {}
        if (got > 0 && buf[0] == 'S') _exit(0);
        if (got == 0) snprintf(buf, sizeof buf, "rnx-launch: the detached launcher failed");
        size_t n = strlen(buf);
        buf[n] = '\n';
        (void)write_all(2, buf, n + 1);
        _exit(EXIT_REFUSED);
    }
    close(p[0]);
    if (setsid() < 0) fail_errno("setsid");
    pid_t b = fork();
    if (b < 0) fail_errno("fork");
    if (b > 0) _exit(0);
    g_detach_fd = p[1];
    g_report_fd = p[1];
}

/* The guard: a helper that is root through and through (real uid 0), so the caller can neither signal it nor
 * stop it, and in a session of its own, so the terminal's ^C/^Z/hangup do not reach it. The supervisor can be
 * stopped or killed by the caller (whose uid is its real uid); the guard
 *   - ends the job at the deadline even while the supervisor is stopped (PID 1 is killed through a pidfd:
 *     with it goes the whole PID namespace; its cgroup is thawed until PID 1 is gone, and "T" on the socket
 *     tells the supervisor that the deadline ended the job). This is what makes a policy's max_timeout hold;
 *   - if the supervisor dies without having cleaned up (SIGKILL), removes the job's cgroups and registry entry.
 * It shares the registry entry's lock (the same open file), so the entry stays ours until the guard is done
 * with it, and it touches the cgroups only while the job id still names that entry.
 * It is forked before the entry is named (start_guard) and so before the cgroups and the job's PID namespace
 * exist (children forked after unshare(CLONE_NEWPID) would be in it), and gets PID 1's pidfd and the deadline over a SOCK_SEQPACKET socket; "D" there means the
 * supervisor has cleaned up, EOF without "D" that it died. */
static void guard_main(int sock, int v2, int timed)
{
    /* out of the caller's reach first: a session of its own (its terminal's signals, ^Z included, no longer reach
     * us) and real uid root (nor do the caller's); then the supervisor may go on and name the entry. The guard was
     * born non-dumpable, and changing the real uid alone leaves that so. */
    if (setsid() < 0 || setresuid(0, 0, 0) < 0) _exit(EXIT_REFUSED);
    if (send(sock, "R", 1, MSG_NOSIGNAL) != 1) _exit(EXIT_REFUSED);
    int keep[] = { sock, reg_own_fd(), reg_dir_fd() };
    close_all_except(keep, sizeof keep / sizeof keep[0]);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0) _exit(EXIT_REFUSED);
    close(null);
    if (chdir("/") < 0 || setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0) _exit(EXIT_REFUSED);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);   /* the gid change reset it to fs.suid_dumpable */
    /* forked before the supervisor creates the job's cgroups: all those the job may get (absent ones are skipped) */
    reg_job_cgroup(&g_cg, v2, g_job_id);
    int pidfd = -1, killing = 0;
    uint64_t deadline = 0;
    /* Without a deadline the guard has nothing to do while the supervisor lives: it waits for the supervisor's end
     * of the socket to close (POLLRDHUP; a message does not wake it, so it stays off the CPUs the job starts on)
     * and then reads what was sent meanwhile: PID 1's pidfd, and "D" if the supervisor cleaned up. */
    const short events = timed ? POLLIN : POLLRDHUP;
    for (;;) {
        int tmo = -1;
        if (deadline) {
            uint64_t now = monotonic_usec();
            if (now >= deadline) {
                deadline = 0;
                /* unless it has ended already (by itself, or by --kill): "T" tells the supervisor that the deadline
                 * ended the job, sent before the kill so that it is there when the supervisor reaps PID 1 */
                struct pollfd ended = { pidfd, POLLIN, 0 };
                if (poll(&ended, 1, 0) == 0) {
                    (void)send(sock, "T", 1, MSG_NOSIGNAL);
                    (void)pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
                    killing = 1;
                }
                continue;
            }
            uint64_t ms = (deadline - now + 999) / 1000;
            tmo = ms > 3600000 ? 3600000 : (int)ms;
        }
        if (killing) {
            /* a frozen job does not act on SIGKILL (v1) until it is thawed, and whoever froze it (the supervisor
             * signalling at this same deadline) may be stopped half-way: thaw until PID 1 is gone */
            cg_thaw(&g_cg);
            tmo = 50;
        }
        struct pollfd pfd[2] = { { sock, events, 0 }, { killing ? pidfd : -1, POLLIN, 0 } };
        if (poll(pfd, 2, tmo) <= 0) continue;
        if (pfd[1].revents) killing = 0;
        if (!pfd[0].revents) continue;
        char msg[16];
        union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
        struct iovec iov = { msg, sizeof msg };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
        ssize_t r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (msg[0] == 'D') {
            /* nothing left to do: let the supervisor's own end and its caller have the CPUs first */
            struct sched_param idle = { 0 };
            (void)sched_setscheduler(0, SCHED_IDLE, &idle);
            _exit(0);
        }
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        if (msg[0] == 'P' && r == 1 + (ssize_t)sizeof deadline && pidfd < 0 && c && c->cmsg_level == SOL_SOCKET &&
            c->cmsg_type == SCM_RIGHTS) {
            memcpy(&pidfd, CMSG_DATA(c), sizeof pidfd);
            memcpy(&deadline, msg + 1, sizeof deadline);
        }
    }
    /* the supervisor is gone and did not clean up */
    if (pidfd >= 0) (void)pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
    if (reg_still_own(g_job_id)) {
        cg_destroy(&g_cg);
        reg_remove(g_job_id);
    }
    _exit(0);
}

/* Forked while our registry entry is locked but has no name yet, before the runtime is checked, and waited for
 * (wait_guard) until it is root (until then the caller could kill it) only just before the entry is linked: from
 * the moment the entry is linked, a SIGKILLed supervisor always leaves a guard that removes the entry and the
 * cgroups. The fork and the guard's start (about a millisecond on a small VM) overlap with our own checks. */
static void start_guard(int v2, int timed)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) fail_errno("socketpair");
    pid_t g = fork();
    if (g < 0) fail_errno("fork");
    if (g == 0) {
        g_fail_hook = NULL;
        g_report_fd = -1;
        close(sv[0]);
        guard_main(sv[1], v2, timed);
    }
    close(sv[1]);
    g_guard_w = sv[0];
}

static void wait_guard(void)
{
    char ready = 0;
    ssize_t r;
    while ((r = recv(g_guard_w, &ready, 1, 0)) < 0 && errno == EINTR) {}
    if (r != 1 || ready != 'R') fail("the launcher's guard process did not start");
}

/* whether the guard has said "T": it killed the job at its deadline */
static int guard_fired(void)
{
    char c;
    while (recv(g_guard_w, &c, 1, MSG_DONTWAIT) == 1)
        if (c == 'T') return 1;
    return 0;
}

/* PID 1 exists: hand the guard its pidfd (opened while PID 1 is our unreaped child, so it is PID 1) */
static void arm_guard(pid_t pid1, uint64_t deadline)
{
    int pidfd = pidfd_open(pid1, 0);
    if (pidfd < 0) fail_errno("pidfd_open");
    char msg[1 + sizeof deadline];
    msg[0] = 'P';
    memcpy(msg + 1, &deadline, sizeof deadline);
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct iovec iov = { msg, sizeof msg };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pidfd, sizeof pidfd);
    if (sendmsg(g_guard_w, &mh, MSG_NOSIGNAL) < 0) fail_errno("cannot reach the guard");
    close(pidfd);
}

struct child_ctx {
    const struct opts *o;
    const struct spec *spec;
    const struct config *conf;
    int sync_r, err_w, res_w, life_r, isolated_fd, runtime_fd, workdir_fd;
    const char *hostname;
    const char *isolated_path;
};

__attribute__((noreturn)) static void child_main(const struct child_ctx *c)
{
    g_fail_hook = NULL;
    g_report_fd = c->err_w;
    int keep[] = { c->sync_r, c->err_w, c->res_w, c->life_r, c->isolated_fd, c->runtime_fd, c->workdir_fd };
    close_all_except(keep, sizeof keep / sizeof keep[0]);
    sched_job_prepare();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) _exit(EXIT_REFUSED);
    if (!c->o->interactive && setsid() < 0) fail_errno("setsid");
    struct sandbox sb = { c->isolated_path, c->isolated_fd, c->runtime_fd, c->workdir_fd, c->spec, c->conf->tmp_size,
                          g_cr.uid, g_cr.gid };
    struct prepared prep;
    prepare_mounts(&sb, &prep);
    int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | (c->o->net_host ? 0 : CLONE_NEWNET);
    if (unshare(flags) < 0) fail_errno("cannot create namespaces");
    if (!c->o->net_host) bring_up_lo();
    set_hostname(c->hostname);
    setup_filesystem(&sb, &prep);
    close(c->isolated_fd);
    close(c->runtime_fd);
    if (c->workdir_fd >= 0) close(c->workdir_fd);
    /* nothing of the job runs before the supervisor is ready for it and has moved us into the job's cgroups, so the
     * command is born inside (EOF: the supervisor died) */
    char go;
    if (read(c->sync_r, &go, 1) != 1) _exit(EXIT_REFUSED);
    close(c->sync_r);
    restore_rlimits();
    struct init_args ia = { &g_cr, c->o->interactive, c->o->net_host, c->res_w, c->life_r, c->err_w, c->o->command, g_envp, c->spec->workdir,
                            g_caller_umask };
    run_init(&ia);
}

/* --kill freezes the job's cgroup around the signalling: a caller who stopped or killed us between the freeze and
 * the thaw would leave the job frozen (on v1 not even its deadline's SIGKILL acts on it then). So from here on we are
 * root through and through (real uid 0: the caller can no longer signal us, like the guard), the terminal's ^Z is
 * held back with every other signal, and the caller's hard CPU-time limit (SIGKILL) is lifted. */
static void kill_mode_unstoppable(void)
{
    if (setresuid(0, 0, 0) < 0) fail_errno("setresuid");
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);   /* the credential change reset it to fs.suid_dumpable */
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    struct rlimit cpu = { RLIM_INFINITY, RLIM_INFINITY };
    (void)setrlimit(RLIMIT_CPU, &cpu);
}

/* main's own frame must stay small: it runs on the caller's stack limit (as low as a few KiB) until
 * reset_rlimits() raises it, and the launcher's real frame is several KiB. */
__attribute__((noinline)) static int launch(int argc, char **argv);

int main(int argc, char **argv)
{
    reset_signal_state();
    reset_rlimits();
    reset_sched_state();
    return launch(argc, argv);
}

__attribute__((noinline)) static int launch(int argc, char **argv)
{
    fix_std_fds();
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0) fail_errno("getresuid");
    if (euid != 0) fail("rnx-launch is not setuid root; run: sudo rnx setup");
    setfsgid(0);   /* what we create (registry, cgroups) is root's, not in the caller's group */
    g_cr.uid = ruid;
    g_cr.gid = rgid;
    save_term();
    if (clearenv() != 0) fail("clearenv failed");
    g_caller_umask = umask(022);   /* ours while we create things; the command gets the caller's back */
    pid_t orig_ppid = getppid();

    struct opts o;
    parse_args(argc, argv, &o);
    if (o.env_fd >= 0) {
        as_caller(&g_cr);
        read_env_fd(&o);   /* and closed: it never reaches the job */
        as_root();
    }
    close_inherited(o.status_fd);
    if (!o.kill_mode) save_terminal(o.interactive);
    if (o.status_fd >= 0 && fcntl(o.status_fd, F_SETFD, FD_CLOEXEC) < 0) fail("--status-fd %d is not an open file descriptor", o.status_fd);

    static struct config conf;
    load_config(&conf);
    if (o.kill_mode) {
        kill_mode_unstoppable();
        return do_kill(o.kill_id, o.signal, g_cr.uid);
    }
    apply_policy(&conf, &o, &g_cr);
    if (o.detach) detach();

    /* The guard is forked now, and waited for only before the entry is linked: it gets out of the caller's reach
     * while we check the runtime (a fork and the new process's start cost about a millisecond) */
    if (!o.has_job_id) gen_job_id(o.job_id, sizeof o.job_id);
    snprintf(g_job_id, sizeof g_job_id, "%s", o.job_id);
    int v2 = cg_detect_v2();
    reg_prepare(g_cr.uid, v2);
    start_guard(v2, o.timeout != 0);

    /* the runtime: every component checked, then the fds we checked are what we use */
    char rpath[MAX_PATH_LEN + 80];
    snprintf(rpath, sizeof rpath, "%s/%s", conf.runtimes_dir, o.runtime);
    if (strlen(rpath) >= MAX_PATH_LEN) fail("runtime path too long");
    struct stat rst;
    if (stat(rpath, &rst) < 0 && errno == ENOENT) fail("runtime '%s' is not installed (no %s)", o.runtime, rpath);
    int runtime_fd = open_trusted(rpath, 1, "runtime");
    char ipath[MAX_PATH_LEN + 96];
    snprintf(ipath, sizeof ipath, "%s/isolated", rpath);
    int isolated_fd = openat(runtime_fd, "isolated", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (isolated_fd < 0) {
        if (errno == ENOENT) fail("runtime '%s' has no isolated/ tree", o.runtime);
        fail_errno("runtime '%s': isolated/", o.runtime);
    }
    check_trusted_fd(isolated_fd, "the runtime's isolated/ tree");
    struct stat ist, hst;
    if (fstat(isolated_fd, &ist) < 0 || stat("/", &hst) < 0) fail_errno("stat");
    if (ist.st_dev == hst.st_dev && ist.st_ino == hst.st_ino) fail("the runtime's isolated/ tree is the host root");
    static struct spec spec;
    load_spec(runtime_fd, o.runtime, &spec);
    int workdir_fd = o.workdir ? open_workdir(o.workdir) : -1;
    /* nothing else is relative to the caller's cwd: do not keep it (or the mount it is on) */
    if (chdir("/") < 0) fail_errno("chdir /");
    build_env(&spec, &o);
    char hostname[64];
    snprintf(hostname, sizeof hostname, "%s", o.hostname ? o.hostname : o.runtime);

    int syncp[2], errp[2], resp[2], lifep[2];
    if (pipe2(syncp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 || pipe2(resp, O_CLOEXEC) < 0 || pipe2(lifep, O_CLOEXEC) < 0)
        fail_errno("pipe");

    const int pdeath_sig = SIGRTMIN + 1;
    sigset_t mask;
    sigemptyset(&mask);
    int sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, pdeath_sig };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&mask, sigs[i]);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    static const int ignored[] = IGNORED_SIGNALS;
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) signal(ignored[i], SIG_IGN);
    if (!o.detach) {
        /* the job must die with the caller: we get pdeath_sig, PID 1 gets SIGKILL when we die */
        if (prctl(PR_SET_PDEATHSIG, pdeath_sig, 0, 0, 0) < 0) fail_errno("PR_SET_PDEATHSIG");
        if (getppid() != orig_ppid) { cleanup(); _exit(EXIT_REFUSED); }
    }

    if (unshare(CLONE_NEWPID) < 0) fail_errno("cannot create a PID namespace");
    uint64_t t0 = monotonic_usec();
    uint64_t deadline = o.timeout ? t0 + o.timeout * 1000000ULL : 0;
    pid_t pid = fork();
    if (pid < 0) fail_errno("fork");
    if (pid == 0) {
        struct child_ctx c = { &o, &spec, &conf, syncp[0], errp[1], resp[1], lifep[0], isolated_fd, runtime_fd, workdir_fd, hostname, ipath };
        child_main(&c);
    }
    g_pid1 = pid;
    g_fail_hook = cleanup;
    close(syncp[0]);
    close(errp[1]);
    close(resp[1]);
    close(lifep[0]);
    close(isolated_fd);
    close(runtime_fd);
    if (workdir_fd >= 0) close(workdir_fd);

    /* While PID 1 builds the job's filesystem (a few milliseconds, most of them in the kernel): the registry entry,
     * the job's cgroups with PID 1 moved into them, the guard armed. Only the "g" below lets PID 1 go on to drop
     * its privileges and fork the command. */
    reg_cleanup_stale();
    wait_guard();
    if (reg_link(g_job_id) < 0) fail("job id '%s' is already in use", g_job_id);
    g_reg_made = 1;
    logcap_init(o.log_max, o.status_fd, g_job_id);   /* where the job's output starts, before it writes any */
    struct cg_limits lim = { o.memory, o.cpu, o.pids, o.has_cores ? o.cores : NULL };
    cg_create(&g_cg, g_job_id, &lim);
    /* if PID 1 failed at its setup (and so could not be moved, or read the "g"), its message (read below) is the
     * one to report */
    int join_err = cg_attach(&g_cg, pid) < 0 ? errno : 0, go_err = 0;
    arm_guard(pid, deadline);
    if (!join_err && write_all(syncp[1], "g", 1) < 0) go_err = errno;
    close(syncp[1]);
    if (join_err || go_err) kill(pid, SIGKILL);

    /* setup errors from PID 1 / the command process; EOF = the command has been exec'd */
    char msg[1100];
    size_t got = 0;
    for (;;) {
        ssize_t r = read(errp[0], msg + got, sizeof msg - 1 - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
        if (got >= sizeof msg - 1) break;
    }
    close(errp[0]);
    if (got > 0) {
        msg[got] = '\0';
        const char *m = strncmp(msg, "rnx-launch: ", 12) == 0 ? msg + 12 : msg;
        fail("%s", m);
    }
    if (join_err) {
        errno = join_err;
        fail_errno("cannot put the job into its cgroup");
    }
    if (go_err) {
        errno = go_err;
        fail_errno("cannot start the job");
    }

    emit_started(o.status_fd, g_job_id, pid, &g_cg);
    if (g_detach_fd >= 0) {
        (void)write_all(g_detach_fd, "S", 1);
        close(g_detach_fd);
        g_detach_fd = -1;
        g_report_fd = -1;
    }

    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (sfd < 0) fail_errno("signalfd");
    int cap_fd = logcap_timer();   /* --log-max: -1 when no output is capped */
    /* the working set (usage minus inactive file cache) has no peak in the kernel: sample it, first soon (short
     * jobs), then every 100 ms; what is reported is the highest sample */
    int ws_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (ws_fd >= 0) {
        struct itimerspec its = { { 0, 100 * 1000 * 1000 }, { 0, 10 * 1000 * 1000 } };
        if (timerfd_settime(ws_fd, 0, &its, NULL) < 0) { close(ws_fd); ws_fd = -1; }
    }
    uint64_t peak_ws = 0;
    const uint64_t deadline0 = deadline;
    int timed_out = 0, wstatus = 0;
    for (;;) {
        int tmo = -1;
        if (deadline) {
            uint64_t now = monotonic_usec();
            if (now >= deadline) {
                deadline = 0;
                /* not if it has ended already (by itself, or by --kill while we were stopped): no timeout then */
                siginfo_t ended;
                ended.si_pid = 0;
                if (waitid(P_PID, (id_t)pid, &ended, WEXITED | WNOHANG | WNOWAIT) == 0 && ended.si_pid == pid) continue;
                timed_out = 1;
                kill(pid, SIGKILL);   /* PID 1 dying takes the whole PID namespace with it */
                cg_signal_all(&g_cg, SIGKILL);
                continue;
            }
            uint64_t ms = (deadline - now + 999) / 1000;   /* poll takes an int: at most an hour at a time */
            tmo = ms > 3600000 ? 3600000 : (int)ms;
        }
        struct pollfd pfd[3] = { { sfd, POLLIN, 0 }, { cap_fd, POLLIN, 0 }, { ws_fd, POLLIN, 0 } };
        int pr = poll(pfd, 3, tmo);   /* a negative fd is skipped by poll */
        if (pr <= 0) continue;
        if (cap_fd >= 0 && pfd[1].revents) logcap_tick(0);
        if (ws_fd >= 0 && pfd[2].revents) {
            uint64_t ticks;
            (void)!read(ws_fd, &ticks, sizeof ticks);
            uint64_t ws = cg_working_set(&g_cg);
            if (ws > peak_ws) peak_ws = ws;
        }
        if (!pfd[0].revents) continue;
        struct signalfd_siginfo si;
        if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si) continue;
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD) {
            pid_t r = waitpid(pid, &wstatus, WNOHANG);
            if (r == pid) break;
            continue;
        }
        if (sig == pdeath_sig) {   /* the caller is gone */
            kill(pid, SIGKILL);
            continue;
        }
        /* with --interactive the job is in the terminal's foreground process group, so what the terminal sends
         * (^C, ^\ and hangup: si_code SI_KERNEL) has reached it already */
        if (o.interactive && si.ssi_code == SI_KERNEL) continue;
        /* queued, so that PID 1 can tell it from a signal sent to it directly (by --kill, which signals every
         * process of the job itself): PID 1 forwards only these, and the command gets each signal once */
        sigqueue(pid, sig, (union sigval){ .sival_int = 0 });
    }
    uint64_t t1 = monotonic_usec();
    g_pid1 = -1;
    /* Timed out: we or the guard (which says "T" when it acts, e.g. while we were stopped by the caller) killed PID 1
     * for the deadline, and that is what ended it; not a job that ended by itself, by --kill or the OOM killer. */
    timed_out = WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL && (timed_out || (deadline0 && guard_fired()));
    int cstatus;
    if (read(resp[0], &cstatus, sizeof cstatus) != (ssize_t)sizeof cstatus) cstatus = wstatus;
    close(resp[0]);

    struct cg_stats st;
    cg_stats(&g_cg, &st);   /* final usage, before the cgroup goes away */
    cleanup();
    g_fail_hook = NULL;

    struct exit_info x;
    memset(&x, 0, sizeof x);
    x.signal = WIFSIGNALED(cstatus) ? WTERMSIG(cstatus) : 0;
    x.code = WIFEXITED(cstatus) ? WEXITSTATUS(cstatus) : 128 + x.signal;
    x.oom = st.oom_kills > 0;
    x.timed_out = timed_out;
    /* oom says the kernel OOM-killed some process of the job; the status stays the command's own (137 when the
     * command itself was the one killed): a command that survived the loss of a child is not reported as killed */
    if (x.timed_out) x.code = 137;
    x.cpu_usec = st.cpu_usec;
    x.peak_memory = st.peak_memory;
    x.peak_working_set = peak_ws;
    x.wall_usec = t1 - t0;
    logcap_tick(1);   /* the job is gone: the output down to --log-max, announced before `exited` */
    emit_exited(o.status_fd, g_job_id, &x);
    close(lifep[1]);
    return x.code;
}
