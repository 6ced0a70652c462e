/* rnx-follow: copies a file that another process is still appending to (a job's output log) onto stdout,
 * until told that the writer is done. `rnx job run` hands a large output over to it: sendfile(2) moves the
 * file's page-cache pages into a pipe without copying them, where node would copy each byte twice.
 *
 *   rnx-follow FILE OFFSET     fd 3: a pipe or socket whose end-of-file says that the writer has finished
 *
 * Exit status: 0 once everything up to the writer's end was copied; 3 when stdout was closed (EPIPE);
 * 1 on any other error (one line on stderr). Not setuid: it runs as the caller, on a file the caller reads. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/sendfile.h>
#include <unistd.h>

#define CHUNK (1 << 20)
#define DONE_FD 3
#define IDLE_POLL_MS 100
enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_CLOSED = 3 };

static void die(const char *what)
{
    fprintf(stderr, "rnx-follow: %s: %s\n", what, strerror(errno));
    exit(errno == EPIPE ? EXIT_CLOSED : EXIT_ERROR);
}

/* stdout may be non-blocking (it is shared with node, which sets pipes so): wait until it takes more */
static void wait_writable(void)
{
    struct pollfd p = { STDOUT_FILENO, POLLOUT, 0 };
    while (poll(&p, 1, -1) < 0)
        if (errno != EINTR) die("poll");
}

static int write_all(const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(STDOUT_FILENO, buf, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { wait_writable(); continue; }
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Copies what the file holds past *off (at most CHUNK); returns the bytes copied, 0 at its current end. */
static ssize_t copy_some(int in, off_t *off)
{
    static int use_sendfile = 1;
    static char buf[CHUNK];
    for (;;) {
        if (use_sendfile) {
            ssize_t n = sendfile(STDOUT_FILENO, in, off, CHUNK);
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { wait_writable(); continue; }
            if (errno != EINVAL && errno != ENOSYS) die("write");
            use_sendfile = 0;   /* a destination sendfile cannot write to: plain reads and writes */
        }
        ssize_t n = pread(in, buf, sizeof buf, *off);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read");
        }
        if (n > 0 && write_all(buf, (size_t)n) < 0) die("write");
        *off += n;
        return n;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: rnx-follow FILE OFFSET (fd 3: end-of-file when the writer is done)\n");
        return EXIT_ERROR;
    }
    signal(SIGPIPE, SIG_IGN);
    /* ^C and ^\ reach the terminal's whole foreground group: rnx stops the job, and its last output must
     * still be copied */
    signal(SIGINT, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    char *end;
    errno = 0;
    long long from = strtoll(argv[2], &end, 10);
    if (errno || *end || end == argv[2] || from < 0) {
        fprintf(stderr, "rnx-follow: bad offset '%s'\n", argv[2]);
        return EXIT_ERROR;
    }
    int in = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (in < 0) die(argv[1]);
    /* a write to the file wakes us; without inotify, the poll's timeout does */
    int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (ino >= 0 && inotify_add_watch(ino, argv[1], IN_MODIFY) < 0) {
        close(ino);
        ino = -1;
    }
    /* a pipe as large as one copy: fewer switches between us and the reader (fails harmlessly on a non-pipe) */
    (void)fcntl(STDOUT_FILENO, F_SETPIPE_SZ, CHUNK);
    off_t off = (off_t)from;
    int writer_done = 0;
    for (;;) {
        if (copy_some(in, &off) > 0) continue;
        /* at the end of what is there: once the writer was done before this pass, nothing more can come */
        if (writer_done) return EXIT_OK;
        struct pollfd p[2] = { { DONE_FD, POLLIN, 0 }, { ino, POLLIN, 0 } };
        if (poll(p, ino >= 0 ? 2 : 1, IDLE_POLL_MS) < 0 && errno != EINTR) die("poll");
        if (p[0].revents) {
            char c[64];
            ssize_t r = read(DONE_FD, c, sizeof c);
            if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) writer_done = 1;
        }
        if (ino >= 0 && p[1].revents) {
            char ev[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
            while (read(ino, ev, sizeof ev) > 0) {}
        }
    }
}
