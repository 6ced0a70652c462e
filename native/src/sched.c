/* sched.c: the scheduling state a caller hands down through execve (timer slack, nice, policy, CPU affinity,
 * oom_score_adj, I/O priority, NUMA memory policy). All of it survives a setuid execve and every fork; a hostile caller would use it
 * to make the supervisor and the guard wake late (a 10 s timer slack stretches every poll timeout, and with it
 * --timeout and max_timeout), run last (nice 19, SCHED_IDLE, one busy CPU) or be OOM-killed first
 * (oom_score_adj 1000). The launcher remembers the caller's values and resets its own first thing; the job's
 * PID 1 gets the caller's values back after the drop to the caller's credentials, so the kernel allows the job
 * exactly what the caller could set for its own processes, and never the launcher's privileges. */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define OWN_TIMER_SLACK_NS 50000UL          /* the kernel's default */
#define MASK_WORDS (8192 / (8 * sizeof(unsigned long)))   /* NR_CPUS can be at most 8192 */
#define NODE_BITS 1024                                      /* MAX_NUMNODES can be at most 1024 */
#define MPOL_DEFAULT_ 0

static struct {
    long slack;                 /* 0: unknown */
    int nice;
    int policy;                 /* without SCHED_RESET_ON_FORK */
    int reset_on_fork;
    struct sched_param param;
    int have_mask;
    unsigned long mask[MASK_WORDS];
    int have_oom;
    int oom;
    int have_ioprio;
    int ioprio;
    int have_mempolicy;         /* a policy other than the default */
    int mempolicy;
    unsigned long nodes[NODE_BITS / (8 * sizeof(unsigned long))];
} g_caller;

static unsigned long g_own_mask[MASK_WORDS];
static int g_own_ioprio;
static int g_oom_fd = -1;

static int read_oom(int *out)
{
    char buf[32];
    if (read_file_at(AT_FDCWD, "/proc/self/oom_score_adj", buf, sizeof buf) < 0) return -1;
    char *end;
    long v = strtol(buf, &end, 10);
    if (end == buf || v < -1000 || v > 1000) return -1;
    *out = (int)v;
    return 0;
}

void reset_sched_state(void)
{
    /* the caller's values (glibc's prctl() returns an int: the slack is a long) */
    long slack = syscall(SYS_prctl, PR_GET_TIMERSLACK, 0, 0, 0, 0);
    g_caller.slack = slack > 0 ? slack : 0;
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    g_caller.nice = errno ? 0 : nice;
    int pol = sched_getscheduler(0);
    if (pol >= 0) {
        g_caller.reset_on_fork = (pol & SCHED_RESET_ON_FORK) != 0;
        g_caller.policy = pol & ~SCHED_RESET_ON_FORK;
        if (sched_getparam(0, &g_caller.param) < 0) g_caller.policy = SCHED_OTHER;
    }
    g_caller.have_mask = sched_getaffinity(0, sizeof g_caller.mask, (cpu_set_t *)g_caller.mask) == 0;
    g_caller.have_oom = read_oom(&g_caller.oom) == 0;
    int io = (int)syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
    g_caller.have_ioprio = io >= 0;
    g_caller.ioprio = io;
    g_caller.have_mempolicy = syscall(SYS_get_mempolicy, &g_caller.mempolicy, g_caller.nodes, NODE_BITS, NULL, 0) == 0 &&
                              g_caller.mempolicy != MPOL_DEFAULT_;

    /* ours: explicit values (PR_SET_TIMERSLACK 0 would mean "the inherited default", which is the caller's) */
    if (prctl(PR_SET_TIMERSLACK, OWN_TIMER_SLACK_NS, 0, 0, 0) < 0) fail_errno("cannot reset the timer slack");
    struct sched_param p = { 0 };
    if (sched_setscheduler(0, SCHED_OTHER, &p) < 0) fail_errno("cannot reset the scheduling policy");   /* clears RESET_ON_FORK too */
    if (setpriority(PRIO_PROCESS, 0, 0) < 0) fail_errno("cannot reset the nice value");
    /* every CPU: the kernel keeps those of the possible ones that our cpuset allows */
    memset(g_own_mask, 0xff, sizeof g_own_mask);
    if (sched_setaffinity(0, sizeof g_own_mask, (cpu_set_t *)g_own_mask) < 0) fail_errno("cannot reset the CPU affinity");
    if (sched_getaffinity(0, sizeof g_own_mask, (cpu_set_t *)g_own_mask) < 0) fail_errno("sched_getaffinity");
    if (syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0)) < 0)
        fail_errno("cannot reset the I/O priority");
    g_own_ioprio = (int)syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
    if (write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", "0") < 0) fail_errno("cannot reset oom_score_adj");
    /* allocations bound to a node the caller chose (a full one): ENOSYS without NUMA support, nothing to reset */
    if (syscall(SYS_set_mempolicy, MPOL_DEFAULT_, NULL, 0) < 0 && errno != ENOSYS) fail_errno("cannot reset the memory policy");
}

/* the job's PID 1, as root before the drop: /proc/self/oom_score_adj of a non-dumpable process is root's, so it
 * is opened now and written after the drop (where the kernel refuses to lower it below ours, 0) */
void sched_job_prepare(void)
{
    if (g_caller.have_oom && g_caller.oom != 0)
        g_oom_fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
}

/* the job's PID 1, after the drop: the caller's values back, each only as far as the caller may set it for its
 * own process (a failure leaves the launcher's value). SCHED_RESET_ON_FORK is applied as a fork would have
 * applied it to the caller's child: real-time policies and negative nice values are not passed on. */
void sched_job_restore(void)
{
    int nice = g_caller.nice, policy = g_caller.policy;
    struct sched_param param = g_caller.param;
    if (g_caller.reset_on_fork) {
        if (policy != SCHED_OTHER && policy != SCHED_BATCH && policy != SCHED_IDLE) {
            policy = SCHED_OTHER;
            param.sched_priority = 0;
        }
        if (nice < 0) nice = 0;
    }
    if (nice != 0) (void)setpriority(PRIO_PROCESS, 0, nice);
    if (policy != SCHED_OTHER && policy != SCHED_DEADLINE) (void)sched_setscheduler(0, policy, &param);
    if (g_caller.slack > 0 && (unsigned long)g_caller.slack != OWN_TIMER_SLACK_NS)
        (void)prctl(PR_SET_TIMERSLACK, (unsigned long)g_caller.slack, 0, 0, 0);
    /* within the job's cpuset (--cores); a mask that shares no CPU with it is refused, the cpuset's stays */
    if (g_caller.have_mask && memcmp(g_caller.mask, g_own_mask, sizeof g_own_mask) != 0)
        (void)sched_setaffinity(0, sizeof g_caller.mask, (cpu_set_t *)g_caller.mask);
    if (g_caller.have_ioprio && g_caller.ioprio != g_own_ioprio)
        (void)syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, g_caller.ioprio);
    if (g_caller.have_mempolicy)   /* NODE_BITS + 1: the kernel reads one bit less than it is told */
        (void)syscall(SYS_set_mempolicy, g_caller.mempolicy, g_caller.nodes, NODE_BITS + 1);
    if (g_oom_fd >= 0) {
        char v[16];
        int n = snprintf(v, sizeof v, "%d", g_caller.oom);
        (void)!write(g_oom_fd, v, (size_t)n);
        close(g_oom_fd);
        g_oom_fd = -1;
    }
}
