/* trust.c: open paths the launcher trusts, one component at a time, never following symlinks,
 * checking every component is root-owned and not group/world-writable. */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void check_trusted_fd(int fd, const char *what)
{
    struct stat st;
    if (fstat(fd, &st) < 0) fail_errno("cannot stat %s", what);
    if (S_ISLNK(st.st_mode)) fail("%s is a symlink", what);
    if (st.st_uid != 0) fail("%s is not owned by root", what);
    if (st.st_mode & (S_IWGRP | S_IWOTH)) fail("%s is group- or world-writable", what);
}

int open_trusted(const char *abs_path, int dir, const char *what)
{
    if (!valid_abs_path(abs_path)) fail("%s: invalid path", what);
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail_errno("cannot open /");
    check_trusted_fd(fd, "/");
    char comp[MAX_PATH_LEN];
    const char *p = abs_path + 1;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        memcpy(comp, p, n);
        comp[n] = '\0';
        int last = !e;
        int flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
        if (!last || dir) flags |= O_DIRECTORY;
        int nfd = openat(fd, comp, flags);
        if (nfd < 0) {
            int err = errno;
            close(fd);
            if (err == ENOENT) fail("%s: %s does not exist", what, abs_path);
            if (err == ENOTDIR || err == ELOOP) fail("%s: %s: a component is a symlink or not a directory", what, abs_path);
            errno = err;
            fail_errno("%s: cannot open %s", what, abs_path);
        }
        close(fd);
        fd = nfd;
        struct stat st;
        if (fstat(fd, &st) < 0) fail_errno("%s: cannot stat %s", what, abs_path);
        if (S_ISLNK(st.st_mode)) fail("%s: %s: a component is a symlink", what, abs_path);
        if (st.st_uid != 0) fail("%s: %s: '%s' is not owned by root", what, abs_path, comp);
        if (st.st_mode & (S_IWGRP | S_IWOTH)) fail("%s: %s: '%s' is group- or world-writable", what, abs_path, comp);
        if (!e) break;
        p = e + 1;
    }
    return fd;
}

int ensure_trusted_dir(int parentfd, const char *name, const char *what)
{
    if (mkdirat(parentfd, name, 0755) < 0 && errno != EEXIST) fail_errno("cannot create %s", what);
    int fd = openat(parentfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) fail_errno("cannot open %s", what);
    check_trusted_fd(fd, what);
    return fd;
}
