/* ns.c: the per-job network and UTS namespace setup. */
#include "launcher.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* --net none: the new network namespace has only lo; bring it up with SIOCSIFFLAGS (no helper programs) */
void bring_up_lo(void)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) fail_errno("socket");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) fail_errno("SIOCGIFFLAGS lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) fail_errno("cannot bring up lo");
    close(s);
}

void set_hostname(const char *name)
{
    if (sethostname(name, strlen(name)) < 0) fail_errno("sethostname");
}
