/* The launcher's default seccomp filter, as libseccomp rules. Compiled into BPF once, at build time, by
 * seccomp/gen.c (building it at run time cost each job 0.6 ms): the launcher itself loads the result.
 * Default allow; deny the kernel's most dangerous or pointless-in-a-job interfaces; deny any foreign ABI. */
#include "rules.h"

#include <errno.h>
#include <linux/sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* an argument the kernel reads as an int (or unsigned int) is the low half of the 64-bit register that seccomp
 * sees: rules on such arguments compare (arg & LOW32) */
#define LOW32 0xffffffffULL

static const char *const denied[] = {
    /* kernel and system state */
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
    "acct", "syslog", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "iopl", "ioperm", "uselib",
    "quotactl", "quotactl_fd", "lookup_dcookie", "nfsservctl", "_sysctl", "vhangup",
    /* mounts */
    "mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree",
    "mount_setattr",
    /* namespaces (joining; new user namespaces are handled below) */
    "setns",
    /* large attack surfaces */
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "fanotify_init",
    /* keyrings */
    "keyctl", "add_key", "request_key",
    /* handles that bypass path permissions */
    "open_by_handle_at", "name_to_handle_at",
};

scmp_filter_ctx rnx_seccomp_rules(int net_host, char *err, size_t errlen)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        snprintf(err, errlen, "seccomp_init failed");
        return NULL;
    }
    const char *what = NULL;
    int rc = 0;
    /* only the native ABI: x32 and i386 system calls kill the process */
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0) what = "badarch";
    for (size_t i = 0; !what && i < sizeof denied / sizeof denied[0]; i++) {
        int nr = seccomp_syscall_resolve_name(denied[i]);
        if (nr == __NR_SCMP_ERROR) continue;   /* not on this architecture */
        if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0)) < 0) what = denied[i];
    }
    /* no new user namespaces (they would hand the job a full capability set). Argument rules compare the 64-bit
     * register, so each must match what the kernel reads of it: unshare(unsigned long flags) reads all 64 bits and
     * refuses unknown (high) ones with EINVAL; clone(unsigned long flags) uses only lower_32_bits(flags) (since
     * 5.3). Both rules test the single CLONE_NEWUSER bit, in the low half, whatever the high half holds: a full
     * 32-bit mask would add nothing (and an equality test would be bypassed by garbage in the high bits). */
    if (!what && ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
                                         SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER))) < 0 ||
                  (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                         SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER))) < 0))
        what = "user namespaces";
    /* clone3 passes its flags in memory, which a filter cannot inspect: ENOSYS makes libc fall back to clone */
    if (!what && (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0)) < 0) what = "clone3";
    /* tty ioctls, on any fd (ioctl's cmd is an unsigned int: compared on the low 32 bits only, so that the
     * high-bit variants, CVE-2019-10063, are caught too): TIOCSTI and TIOCLINUX inject input; TIOCSETD changes
     * the line discipline, a kernel attack surface with a CVE history (n_hdlc CVE-2017-2636, n_gsm
     * CVE-2023-6546; most are modules loaded on demand) and a change to the caller's terminal that outlives
     * the job. What else a job may change on a terminal it was given (modes, exclusive mode, stopped output)
     * the supervisor puts back when the job ends; TIOCCONS, TIOCSLCKTRMIOS and TIOCVHANGUP need capabilities. */
    static const unsigned long tty_denied[] = { TIOCSTI, TIOCLINUX, TIOCSETD };
    for (size_t i = 0; !what && i < sizeof tty_denied / sizeof tty_denied[0]; i++)
        if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                                   SCMP_A1(SCMP_CMP_MASKED_EQ, LOW32, (scmp_datum_t)tty_denied[i]))) < 0)
            what = "ioctl";
    /* AF_VSOCK is not confined by the network namespace: with --net none a job could still reach the
     * hypervisor's (or this machine's) vsock services. socket(int family, ...) and socketpair(int family, ...)
     * read an int: the family is compared on the low 32 bits (an equality test on the whole register let
     * (1 << 32) | AF_VSOCK through). vsock has no socketpair, but the kernel creates (and may load the module
     * for) both sockets before it finds that out. */
    if (!what && !net_host &&
        ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                                SCMP_A0(SCMP_CMP_MASKED_EQ, LOW32, AF_VSOCK))) < 0 ||
         (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socketpair), 1,
                                SCMP_A0(SCMP_CMP_MASKED_EQ, LOW32, AF_VSOCK))) < 0))
        what = "vsock";
    if (what) {
        snprintf(err, errlen, "seccomp rule %s: %d", what, rc);
        seccomp_release(ctx);
        return NULL;
    }
    return ctx;
}
