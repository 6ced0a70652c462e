/* seccomp.c: the job's seccomp filter, installed as the very last step before PID 1 forks the command. The
 * filter itself is native/seccomp/rules.c, compiled to BPF at build time (build/seccomp-filters.h). */
#include "launcher.h"

#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp-filters.h"

void install_seccomp(int net_host)
{
    struct sock_fprog prog = {
        .len = (unsigned short)(net_host ? sizeof rnx_filter_net_host / sizeof rnx_filter_net_host[0]
                                         : sizeof rnx_filter_net_none / sizeof rnx_filter_net_none[0]),
        .filter = (struct sock_filter *)(net_host ? rnx_filter_net_host : rnx_filter_net_none),
    };
    /* no_new_privs is set by then (drop_privileges), so an unprivileged filter is allowed */
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) fail_errno("cannot load the seccomp filter");
}
