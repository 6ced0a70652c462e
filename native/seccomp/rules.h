#ifndef RNX_SECCOMP_RULES_H
#define RNX_SECCOMP_RULES_H
#include <seccomp.h>
#include <stddef.h>

/* The job's filter for --net none (net_host 0) or --net host (1); NULL with a message in err on failure. */
scmp_filter_ctx rnx_seccomp_rules(int net_host, char *err, size_t errlen);

#endif
