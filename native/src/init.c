/* init.c: the job's PID 1. Drops every privilege, loads the seccomp filter, forks the command, forwards signals to it,
 * reaps every process until ECHILD and reports the command's wait status to the supervisor. */
#include "launcher.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* the command process: forked from PID 1 after PID 1 dropped every privilege and loaded the seccomp
 * filter, so it inherits exactly that state; nothing privileged happens here. It is a vfork child: it runs in
 * PID 1's memory (PID 1 waits) until its execve, so it writes no memory of PID 1's but its own stack frames
 * (no environ, no globals; the failure paths end in _exit) */
__attribute__((noreturn)) static void exec_command(const struct init_args *a)
{
    if (chdir(a->cwd) < 0 && chdir("/") < 0) fail_errno("chdir");
    reset_signals();
    umask(a->umask);
    /* nothing but 0/1/2 survives exec (err_fd is close-on-exec: EOF tells the supervisor we exec'd) */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) fail_errno("close_range");
    execvpe(a->argv[0], a->argv, a->envp);
    int e = errno;
    /* after this point the launcher has done its job: report like a shell does (on fd 2, not g_report_fd) */
    char msg[256];
    snprintf(msg, sizeof msg, "rnx-launch: %.100s: %s\n", a->argv[0],
             e == ENOENT ? "command not found in the runtime" : strerror(e));
    (void)write_all(2, msg, strlen(msg));
    _exit(e == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

void run_init(const struct init_args *a)
{
    /* drop everything first: the command is forked from this already unprivileged, filtered process */
    drop_privileges(a->cr);
    /* the caller's scheduling state (nice, policy, affinity, timer slack...: sched.c), set as the caller */
    sched_job_restore();
    /* the drop set "dumpable" to fs.suid_dumpable: if an admin made that 1, the caller could ptrace PID 1 (and,
     * say, keep it from ending the job); PID 1 never becomes dumpable */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) fail("cannot make PID 1 non-dumpable");
    /* the drop cleared the parent-death signal: set it again, then make sure the supervisor did not die
     * in between (its end of the life pipe is closed if it did) */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) fail_errno("PR_SET_PDEATHSIG");
    struct pollfd pfd = { a->life_fd, POLLIN, 0 };
    if (poll(&pfd, 1, 0) != 0) _exit(137);
    /* the seccomp filter: the last step before the command's exec (nothing after it needs privileges) */
    install_seccomp(a->net_host);

    /* vfork: no copy of PID 1's page tables for a process that execs at once (a fork and the exec that throws the
     * copy away cost about a millisecond on a small VM) */
    pid_t child = vfork();
    if (child < 0) fail_errno("fork");
    if (child == 0) exec_command(a);
    close(a->err_fd);
    g_report_fd = -1;

    sigset_t set;
    sigemptyset(&set);
    int fwd[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD };
    for (size_t i = 0; i < sizeof fwd / sizeof fwd[0]; i++) sigaddset(&set, fwd[i]);
    sigprocmask(SIG_BLOCK, &set, NULL);

    int status = 0, done = 0;
    while (!done) {
        siginfo_t si;
        int sig = sigwaitinfo(&set, &si);
        if (sig < 0) continue;
        if (sig == SIGCHLD) {
            int st;
            pid_t p;
            while ((p = waitpid(-1, &st, WNOHANG)) > 0)
                if (p == child) { status = st; done = 1; }
            if (p < 0 && errno == ECHILD && !done) { done = 1; status = 0; }
            continue;
        }
        /* forward what the supervisor queued for the command, nothing else: --kill and the terminal reach the
         * command directly, and would reach it twice */
        if (si.si_code != SI_QUEUE) continue;
        kill(child, sig);
    }
    /* the command is gone: end whatever it left behind, and reap everything */
    kill(-1, SIGKILL);
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {}
    (void)write_all(a->result_fd, &status, sizeof status);
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) _exit(128 + WTERMSIG(status));
    _exit(EXIT_REFUSED);
}
