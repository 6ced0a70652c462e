/* rnx-follow: copies a file that another process is still appending to (a job's output log) onto stdout,
 * until told that the writer is done. `rnx job run` hands a large output over to it: sendfile(2) moves the
 * file's page-cache pages into a pipe without copying them, where node would copy each byte twice.
 *
 *   rnx-follow FILE OFFSET [LOG_MAX]   fd 3: a pipe or socket whose end-of-file says that the writer has finished
 *
 * LOG_MAX: the launcher keeps FILE to about its last LOG_MAX bytes by punching a hole over the oldest ones (they
 * read as zeros). The copy jumps over that hole (lseek SEEK_DATA) and says how much it skipped on stderr, never
 * copying the hole's zeros: where the copy is far enough behind for the hole to reach it mid-read, it reads into a
 * buffer and looks again afterwards (the hole only ever grows from the start), instead of sendfile.
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
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (1 << 20)
#define DONE_FD 3
#define IDLE_POLL_MS 100
/* sendfile only while this much more output than we are behind could not reach half of LOG_MAX during one copy */
#define SENDFILE_MARGIN (64LL << 20)
enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_CLOSED = 3 };

static long long g_log_max;   /* 0: the file is not capped (it has no hole) */

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

/* "3.2 GiB", as rnx prints sizes in the same message (src/jobs/dropped.ts formatDropped) */
static void note_gap(long long bytes)
{
    static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
    double v = (double)bytes;
    int i = 0;
    while (v >= 1024 && i < 4) {
        v /= 1024;
        i++;
    }
    char num[32];
    if (i == 0) snprintf(num, sizeof num, "%lld", bytes);
    else {
        snprintf(num, sizeof num, "%.1f", v);
        size_t n = strlen(num);
        if (n > 2 && strcmp(num + n - 2, ".0") == 0) num[n - 2] = '\0';
    }
    fprintf(stderr, "[rnx: %s %s of earlier output dropped]\n", num, units[i]);
}

/* Where the file's data resumes at or after `off`: past the hole of dropped output; `off` when there is none */
static off_t data_from(int in, off_t off, off_t hole_to_end)
{
    off_t d = lseek(in, off, SEEK_DATA);
    if (d >= 0) return d;
    return errno == ENXIO ? hole_to_end : off;   /* ENXIO: a hole up to the end; other errors: no holes known here */
}

/* Copies what the file holds past *off (at most CHUNK); returns how far *off moved, 0 at its current end. */
static ssize_t copy_some(int in, off_t *off)
{
    static int use_sendfile = 1;
    static char buf[CHUNK];
    const off_t before = *off;
    int verify = 0;
    if (g_log_max) {
        off_t d = data_from(in, *off, *off);
        if (d > *off) {
            note_gap(d - *off);
            *off = d;
        }
        struct stat st;
        verify = fstat(in, &st) < 0 || (st.st_size - *off) + SENDFILE_MARGIN > g_log_max / 2;
    }
    for (;;) {
        if (use_sendfile && !verify) {
            ssize_t n = sendfile(STDOUT_FILENO, in, off, CHUNK);
            if (n >= 0) return *off - before;
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
        size_t from = 0;
        if (g_log_max && n > 0) {
            /* the hole may have grown over what was just read: what it covers now is dropped, the rest is sound */
            off_t d = data_from(in, *off, *off + n);
            if (d > *off) {
                note_gap(d - *off);
                if (d >= *off + n) {
                    *off = d;
                    return *off - before;
                }
                from = (size_t)(d - *off);
            }
        }
        if ((size_t)n > from && write_all(buf + from, (size_t)n - from) < 0) die("write");
        *off += n;
        return *off - before;
    }
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: rnx-follow FILE OFFSET [LOG_MAX] (fd 3: end-of-file when the writer is done)\n");
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
    if (argc == 4) {
        errno = 0;
        g_log_max = strtoll(argv[3], &end, 10);
        if (errno || *end || end == argv[3] || g_log_max < 0) {
            fprintf(stderr, "rnx-follow: bad log size '%s'\n", argv[3]);
            return EXIT_ERROR;
        }
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
