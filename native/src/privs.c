/* privs.c: the final drop to the caller's credentials, with no capabilities left anywhere. */
#include "launcher.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <signal.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* the highest capability this kernel knows (PR_CAPBSET_READ fails with EINVAL above it): a binary search */
static int last_cap(void)
{
    int lo = 0, hi = 63;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/* The sequence is fixed and decided from the tracked caller credentials (never from geteuid()):
 * bounding set + securebits while we still hold CAP_SETPCAP, then setgroups -> setresgid -> setresuid,
 * then clear every capability set, then no_new_privs. Each step is verified. */
void drop_privileges(const struct creds *cr)
{
    int last = last_cap();
    for (int c = 0; c <= last; c++)
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) fail_errno("cannot drop capability %d", c);
    if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                                     SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) < 0)
        fail_errno("cannot set securebits");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) fail_errno("cannot clear ambient capabilities");

    if (setgroups(0, NULL) < 0) fail_errno("setgroups");
    if (setresgid(cr->gid, cr->gid, cr->gid) < 0) fail_errno("setresgid");
    if (setresuid(cr->uid, cr->uid, cr->uid) < 0) fail_errno("setresuid");

    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) < 0) fail_errno("capset");
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail_errno("no_new_privs");

    /* verify */
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) < 0 || r != cr->uid || e != cr->uid || s != cr->uid) fail("uid drop did not stick");
    if (getresgid(&rg, &eg, &sg) < 0 || rg != cr->gid || eg != cr->gid || sg != cr->gid) fail("gid drop did not stick");
    if (getgroups(0, NULL) != 0) fail("supplementary groups remain");
    memset(data, 0xff, sizeof data);
    if (syscall(SYS_capget, &hdr, data) < 0) fail_errno("capget");
    for (int i = 0; i < 2; i++)
        if (data[i].effective || data[i].permitted || data[i].inheritable) fail("capabilities remain after the drop");
    for (int c = 0; c <= last; c++)
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) > 0) fail("bounding set not empty");
    if (cr->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) fail("could regain root after the drop");
    /* RLIMIT_CORE stays the caller's (restore_rlimits): PID 1 and the command until its exec are non-dumpable
     * (PR_SET_DUMPABLE 0 is never dumped, whatever fs.suid_dumpable says), the command after it dumps as the caller */
}

void reset_signals(void)
{
    static const int ignored[] = IGNORED_SIGNALS;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++) (void)sigaction(ignored[i], &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Around reading what the caller hands over by descriptor (--env-fd): the caller's file-system identity and no
 * effective capabilities, so that a file whose read is checked against the reader rather than the opener (some
 * /proc and /sys files) gives nothing the caller could not read itself. The permitted set stays: as_root() takes
 * the effective set back. */
static void set_effective_caps(int all)
{
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) < 0) fail_errno("capget");
    for (int i = 0; i < 2; i++) data[i].effective = all ? data[i].permitted : 0;
    if (syscall(SYS_capset, &hdr, data) < 0) fail_errno("capset");
}

void as_caller(const struct creds *cr)
{
    setfsgid(cr->gid);
    setfsuid(cr->uid);
    if ((uid_t)setfsuid((uid_t)-1) != cr->uid || (gid_t)setfsgid((gid_t)-1) != cr->gid) fail("cannot switch to the caller's fsuid");
    set_effective_caps(0);
}

void as_root(void)
{
    set_effective_caps(1);
    setfsuid(0);
    setfsgid(0);
    if ((uid_t)setfsuid((uid_t)-1) != 0 || (gid_t)setfsgid((gid_t)-1) != 0) fail("cannot restore fsuid");
}
