/* logcap.c: --log-max. The job writes straight into the caller's stdout and stderr; where one is a regular file
 * (rnx's output.log), the supervisor keeps it to about the last `cap` bytes: on a timer it looks at the file's
 * size and punches a hole (fallocate PUNCH_HOLE|KEEP_SIZE) over the oldest bytes, so the disk holds about cap plus
 * what the job wrote in one tick, and the job neither blocks nor notices (the size, and so O_APPEND, stay).
 *
 * Only the descriptors the caller gave us are used, never a path: the caller opened them for writing, so dropping
 * their bytes grants nothing the caller could not do itself. Only a growing prefix of what the job wrote is
 * dropped: from the size the file had when the launcher started (rounded up to 1 MiB, so a file the caller
 * appends to keeps what it held) to D, in whole MiB, with at least `cap` bytes kept after D. Each drop is
 * announced on the status fd before it is made, so a reader that meets the hole (it reads as zeros) finds the
 * event already there. Any failure only ends the capping (one note event); never the job. */
#include "launcher.h"
#include "events.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define ALIGN (1ULL << 20)
#define TICK_NS 100000000L          /* 100 ms */
#define STEP_MAX (64ULL << 20)

struct capped {
    int fd, on, probe_err;
    dev_t dev;
    ino_t ino;
    uint64_t start;                 /* where the job's output began (rounded up to ALIGN) */
    uint64_t done;                  /* [start, done) is dropped already */
};
static struct capped g_out[2];
static size_t g_n;
static uint64_t g_cap, g_step;
static int g_status = -1, g_timer = -1;
static const char *g_id = "";

static void stop(struct capped *c, const char *what, int err)
{
    char msg[256];
    snprintf(msg, sizeof msg, "output on fd %d is not kept to --log-max: %s: %s", c->fd, what, strerror(err));
    emit_note(g_status, g_id, msg);
    c->on = 0;
}

void logcap_init(uint64_t cap, int status_fd, const char *job_id)
{
    g_cap = cap;
    g_status = status_fd;
    g_id = job_id;
    if (!cap) return;
    /* a drop only once it frees a step (at most one event per step of output; ticks bound it further) */
    g_step = cap / 8;
    if (g_step < ALIGN) g_step = ALIGN;
    if (g_step > STEP_MAX) g_step = STEP_MAX;
    for (int fd = 1; fd <= 2; fd++) {
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) continue;
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || (fl & O_PATH) || (fl & O_ACCMODE) == O_RDONLY) continue;
        if (g_n == 1 && g_out[0].dev == st.st_dev && g_out[0].ino == st.st_ino) continue;   /* 2>&1 */
        struct capped *c = &g_out[g_n++];
        c->fd = fd;
        c->dev = st.st_dev;
        c->ino = st.st_ino;
        c->start = c->done = ((uint64_t)st.st_size + ALIGN - 1) / ALIGN * ALIGN;
        c->on = 1;
        /* whether the file system can punch holes, asked where it changes nothing (at or past the end, before the
         * job exists); reported once the job has started (no events before `started`) */
        if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)c->start, (off_t)ALIGN) < 0) {
            c->probe_err = errno;
            c->on = 0;
        }
    }
}

uint64_t logcap_limit(void)
{
    return g_n > 0 && g_out[0].fd == 1 && g_out[0].on ? g_cap : 0;
}

int logcap_timer(void)
{
    int any = 0;
    for (size_t i = 0; i < g_n; i++) {
        if (g_out[i].probe_err) stop(&g_out[i], "the file system cannot drop old output", g_out[i].probe_err);
        any |= g_out[i].on;
    }
    if (!any) return -1;
    g_timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    struct itimerspec its = { { 0, TICK_NS }, { 0, TICK_NS } };
    if (g_timer < 0 || timerfd_settime(g_timer, 0, &its, NULL) < 0) {
        int e = errno;
        for (size_t i = 0; i < g_n; i++)
            if (g_out[i].on) stop(&g_out[i], "no timer", e);
        if (g_timer >= 0) close(g_timer);
        g_timer = -1;
    }
    return g_timer;
}

void logcap_tick(int final)
{
    if (g_timer >= 0 && !final) {
        uint64_t expirations;
        if (read(g_timer, &expirations, sizeof expirations) < 0) {}   /* EAGAIN: woken for nothing */
    }
    for (size_t i = 0; i < g_n; i++) {
        struct capped *c = &g_out[i];
        if (!c->on) continue;
        struct stat st;
        if (fstat(c->fd, &st) < 0) {
            stop(c, "fstat", errno);
            continue;
        }
        uint64_t size = (uint64_t)st.st_size;
        if (size < c->done) {   /* truncated by the caller: start over from its new end */
            c->start = c->done = (size + ALIGN - 1) / ALIGN * ALIGN;
            continue;
        }
        if (size <= g_cap) continue;
        uint64_t target = (size - g_cap) / ALIGN * ALIGN;
        if (target <= c->done || (!final && target - c->done < g_step)) continue;
        emit_output_dropped(g_status, g_id, c->fd, target, target - c->start);
        if (fallocate(c->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)c->done, (off_t)(target - c->done)) < 0) {
            int e = errno;
            emit_output_dropped(g_status, g_id, c->fd, c->done, c->done - c->start);   /* nothing was dropped after all */
            if (e != EINTR) stop(c, "cannot drop old output", e);
            continue;
        }
        c->done = target;
    }
}
