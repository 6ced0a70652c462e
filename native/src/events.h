#ifndef RNX_EVENTS_H
#define RNX_EVENTS_H
#include "launcher.h"

struct exit_info {
    int code, signal, oom, timed_out;
    uint64_t cpu_usec, peak_memory, wall_usec;
    uint64_t peak_working_set;   /* the highest working set the supervisor sampled (0: none) */
};
void emit_started(int fd, const char *job_id, pid_t pid, const struct cgroup *cg);
void emit_exited(int fd, const char *job_id, const struct exit_info *x);
void emit_output_dropped(int fd, const char *job_id, int out_fd, uint64_t offset, uint64_t bytes);
void emit_note(int fd, const char *job_id, const char *message);
#endif
