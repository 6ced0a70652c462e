/* mounts.c: the job's filesystem, built inside the new mount namespace by the job's PID 1 (still root).
 * Every mount is created detached (fsmount / open_tree clone of an fd we checked), given its flags while
 * detached (mount_setattr), then attached on a mount point fd resolved inside the new root without
 * following symlinks. Nothing is ever created in the runtime tree. */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int openat2_(int dirfd, const char *path, int flags, unsigned long long resolve)
{
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* a mount point inside the new root; it must already exist (the tree is read-only) */
static int mount_point(int rootfd, const char *abs, int dir)
{
    const char *rel = abs[1] ? abs + 1 : ".";
    int fd = openat2_(rootfd, rel, O_PATH | O_NOFOLLOW | (dir ? O_DIRECTORY : 0),
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) {
        if (errno == ENOENT)
            fail("the runtime has no %s %s to mount on (the tree is read-only; add it to the runtime)",
                 dir ? "directory" : "file", abs);
        if (errno == ELOOP || errno == EXDEV) fail("mount point %s in the runtime goes through a symlink", abs);
        if (errno == ENOTDIR) fail("mount point %s in the runtime is not a directory", abs);
        fail_errno("cannot open mount point %s in the runtime", abs);
    }
    return fd;
}

static void attach(int mnt, int target, const char *what)
{
    if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        fail_errno("cannot mount %s", what);
    close(target);
}

static void set_attrs(int mnt, int recursive, unsigned long long attrs, const char *what)
{
    struct mount_attr a;
    memset(&a, 0, sizeof a);
    a.attr_set = attrs;
    a.propagation = MS_PRIVATE;
    if (mount_setattr(mnt, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof a) < 0)
        fail_errno("cannot set mount flags on %s", what);
}

static int clone_tree(int src, int recursive, unsigned long long attrs, const char *what)
{
    int t = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0));
    if (t < 0) fail_errno("cannot bind %s", what);
    set_attrs(t, recursive, attrs, what);
    return t;
}

static int new_fs(const char *type, const char *const *kv, unsigned attrs, const char *what)
{
    int fs = fsopen(type, FSOPEN_CLOEXEC);
    if (fs < 0) fail_errno("cannot create %s for %s", type, what);
    for (; kv && kv[0]; kv += 2)
        if (fsconfig(fs, FSCONFIG_SET_STRING, kv[0], kv[1], 0) < 0) fail_errno("%s option %s=%s", type, kv[0], kv[1]);
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) fail_errno("cannot create %s for %s", type, what);
    int m = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
    if (m < 0) fail_errno("cannot mount %s for %s", type, what);
    close(fs);
    return m;
}

static void mount_tmpfs(int rootfd, const char *abs, uint64_t size, const char *mode)
{
    char sz[32];
    snprintf(sz, sizeof sz, "%llu", (unsigned long long)size);
    const char *kv[] = { "size", sz, "mode", mode, NULL };
    int m = new_fs("tmpfs", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, abs);
    attach(m, mount_point(rootfd, abs, 1), abs);
    close(m);
}

static void readonly_sub(int mnt, const char *name, int dir)
{
    int fd = openat2_(mnt, name, O_PATH | O_NOFOLLOW | (dir ? O_DIRECTORY : 0),
                      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) return;   /* not present on this kernel */
    int t = clone_tree(fd, 1, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, name);
    attach(t, fd, name);
    close(t);
}

static void setup_proc(int rootfd)
{
    int m = new_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV, "/proc");
    attach(m, mount_point(rootfd, "/proc", 1), "/proc");
    readonly_sub(m, "sys", 1);
    readonly_sub(m, "sysrq-trigger", 0);
    readonly_sub(m, "irq", 1);
    readonly_sub(m, "bus", 1);
    close(m);
}

static const struct { const char *name; unsigned maj, min; } dev_nodes[DEV_NODES] = {
    { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

/* clones of the host's device nodes, checked to be the real character devices */
static void prepare_dev(struct prepared *p)
{
    int hostdev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (hostdev < 0) fail_errno("cannot open host /dev");
    for (size_t i = 0; i < DEV_NODES; i++) {
        const char *n = dev_nodes[i].name;
        int src = openat(hostdev, n, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (src < 0 || fstat(src, &st) < 0) fail_errno("host /dev/%s", n);
        /* a swapped or fake node must never be bound in (runc CVE-2025-31133) */
        if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != dev_nodes[i].maj || minor(st.st_rdev) != dev_nodes[i].min ||
            st.st_uid != 0)
            fail("host /dev/%s is not the expected character device", n);
        p->dev[i] = clone_tree(src, 0, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, n);
        close(src);
    }
    close(hostdev);
}

static void setup_dev(int rootfd, uint64_t shm_size, struct prepared *p)
{
    static const char *const links[][2] = {
        { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
        { "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
    };
    const char *kv[] = { "size", "65536", "mode", "0755", "nr_inodes", "64", NULL };
    int dev = new_fs("tmpfs", kv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev");
    attach(dev, mount_point(rootfd, "/dev", 1), "/dev");
    for (size_t i = 0; i < DEV_NODES; i++) {
        const char *n = dev_nodes[i].name;
        int f = openat(dev, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (f < 0) fail_errno("cannot create /dev/%s", n);
        close(f);
        int target = openat(dev, n, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (target < 0) fail_errno("cannot open /dev/%s", n);
        attach(p->dev[i], target, n);
        close(p->dev[i]);
        p->dev[i] = -1;
    }
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlinkat(links[i][1], dev, links[i][0]) < 0) fail_errno("cannot create /dev/%s", links[i][0]);
    if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0) fail_errno("cannot populate /dev");
    const char *ptskv[] = { "ptmxmode", "0666", "mode", "0620", NULL };
    int pts = new_fs("devpts", ptskv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/pts");
    attach(pts, openat(dev, "pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), "/dev/pts");
    close(pts);
    char sz[32];
    snprintf(sz, sizeof sz, "%llu", (unsigned long long)shm_size);
    const char *shmkv[] = { "size", sz, "mode", "1777", NULL };
    int shm = new_fs("tmpfs", shmkv, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, "/dev/shm");
    attach(shm, openat(dev, "shm", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), "/dev/shm");
    close(shm);
    /* nothing else will be created in /dev: make it read-only */
    set_attrs(dev, 0, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev");
    close(dev);
}

static int prepare_spec_mount(int runtime_fd, const struct spec_mount *m, int *is_dir)
{
    int src = openat2_(runtime_fd, m->src, O_PATH | O_NOFOLLOW, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (src < 0) fail_errno("launch.spec mount source %s", m->src);
    struct stat st;
    if (fstat(src, &st) < 0) fail_errno("launch.spec mount source %s", m->src);
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) fail("launch.spec mount source %s is not a file or directory", m->src);
    if (st.st_uid != 0) fail("launch.spec mount source %s is not owned by root", m->src);
    *is_dir = S_ISDIR(st.st_mode);
    unsigned long long attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (m->rw ? 0 : MOUNT_ATTR_RDONLY);
    int t = clone_tree(src, 1, attrs, m->dst);
    close(src);
    return t;
}

/* Phase 1, still in the host's mount namespace: detached copies of everything that comes from the host,
 * cloned from the very fds that were checked. */
void prepare_mounts(const struct sandbox *sb, struct prepared *p)
{
    memset(p, 0, sizeof *p);
    p->root = clone_tree(sb->isolated_fd, 1, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "the runtime");
    prepare_dev(p);
    for (size_t i = 0; i < sb->spec->n_mounts; i++)
        p->spec[i] = prepare_spec_mount(sb->runtime_fd, &sb->spec->mounts[i], &p->spec_dir[i]);
    /* recursive, as the caller sees it: a non-recursive bind would uncover whatever a mount inside the
     * directory hides (and drop that mount) */
    p->workdir = sb->workdir_fd >= 0 ? clone_tree(sb->workdir_fd, 1, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "--workdir") : -1;
}

/* Phase 2, in the job's own mount namespace. */
void setup_filesystem(const struct sandbox *sb, struct prepared *p)
{
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) fail_errno("cannot make / a slave mount");

    /* the runtime goes on top of its own isolated/ directory in this namespace; the directory is found
     * again here (no symlinks) and must be the one that was checked */
    int target = openat2_(AT_FDCWD, sb->isolated_path, O_PATH | O_DIRECTORY | O_NOFOLLOW,
                          RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    struct stat a, b;
    if (target < 0 || fstat(target, &a) < 0 || fstat(sb->isolated_fd, &b) < 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
        fail("the runtime tree changed while starting");
    int root = p->root;
    attach(root, target, "the runtime");

    setup_proc(root);
    setup_dev(root, sb->tmp_size, p);
    mount_tmpfs(root, "/tmp", sb->tmp_size, "1777");
    for (size_t i = 0; i < sb->spec->n_writable; i++) {
        /* a path that has its tmpfs already (rnx writes `writable /tmp`): a second one would only cover the first */
        int again = strcmp(sb->spec->writable[i], "/tmp") == 0;
        for (size_t k = 0; k < i && !again; k++) again = strcmp(sb->spec->writable[k], sb->spec->writable[i]) == 0;
        if (!again) mount_tmpfs(root, sb->spec->writable[i], sb->tmp_size, "1777");
    }
    for (size_t i = 0; i < sb->spec->n_mounts; i++) {
        const struct spec_mount *m = &sb->spec->mounts[i];
        int t = mount_point(root, m->dst, p->spec_dir[i]);
        struct stat tst;
        if (fstat(t, &tst) < 0 || (S_ISDIR(tst.st_mode) != (p->spec_dir[i] != 0)))
            fail("launch.spec mount %s: source and target are not the same kind", m->dst);
        attach(p->spec[i], t, m->dst);
        close(p->spec[i]);
    }
    if (p->workdir >= 0) {
        attach(p->workdir, mount_point(root, sb->spec->workdir, 1), sb->spec->workdir);
        close(p->workdir);
    }

    /* pivot_root into the new root; stack the old root on top, make it a slave and detach it */
    if (fchdir(root) < 0) fail_errno("cannot enter the new root");
    if (syscall(SYS_pivot_root, ".", ".") < 0) fail_errno("pivot_root");
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0) fail_errno("cannot make the old root a slave");
    if (umount2(".", MNT_DETACH) < 0) fail_errno("cannot detach the old root");
    if (chdir("/") < 0) fail_errno("chdir /");
    close(root);

    /* re-check what we got */
    struct statvfs sv;
    if (statvfs("/", &sv) < 0 || !(sv.f_flag & ST_RDONLY) || !(sv.f_flag & ST_NOSUID))
        fail("the runtime root is not mounted read-only and nosuid");
    if (statvfs("/proc", &sv) < 0 || !(sv.f_flag & ST_NOSUID) || !(sv.f_flag & ST_NOEXEC))
        fail("/proc is not mounted nosuid,noexec");
}
