/* events.c: JSON lines written to --status-fd. Every string is JSON-escaped. */
#include "launcher.h"
#include "events.h"

#include <stdio.h>
#include <unistd.h>

static void emit(int fd, struct sbuf *b)
{
    if (fd < 0 || b->overflow) return;
    sb_puts(b, "\n");
    (void)write_all(fd, b->buf, b->len);
}

void emit_started(int fd, const char *job_id, pid_t pid, const struct cgroup *cg)
{
    char mem[8192];
    struct sbuf b;
    sb_init(&b, mem, sizeof mem);
    sb_puts(&b, "{\"event\":\"started\",\"job_id\":");
    sb_json_str(&b, job_id);
    /* launcher_pid: the supervisor, which lives until it has written "exited" (the registry entry is root's) */
    sb_printf(&b, ",\"pid\":%d,\"launcher_pid\":%d,\"cgroup_mode\":\"%s\",\"cgroups\":{", (int)pid, (int)getpid(),
              cg->v2 ? "v2" : "v1");
    int first = 1;
    for (int i = 0; i < CG_NCTL; i++) {
        if (!cg->ctl[i].used) continue;
        if (!first) sb_puts(&b, ",");
        first = 0;
        sb_json_str(&b, cg->v2 ? "unified" : cg_names[i]);
        sb_puts(&b, ":");
        int a = cg->ctl[i].alias;
        sb_json_str(&b, cg->v2 || a < 0 ? cg->ctl[i].path : cg->ctl[a].path);
        if (cg->v2) break;
    }
    sb_printf(&b, "},\"log_max\":%llu}", (unsigned long long)logcap_limit());
    emit(fd, &b);
}

void emit_exited(int fd, const char *job_id, const struct exit_info *x)
{
    char mem[1024];
    struct sbuf b;
    sb_init(&b, mem, sizeof mem);
    sb_puts(&b, "{\"event\":\"exited\",\"job_id\":");
    sb_json_str(&b, job_id);
    sb_printf(&b, ",\"code\":%d,\"signal\":%d,\"oom\":%s,\"timed_out\":%s", x->code, x->signal, x->oom ? "true" : "false",
              x->timed_out ? "true" : "false");
    sb_printf(&b, ",\"cpu_usec\":%llu,\"peak_memory\":%llu,\"wall_usec\":%llu", (unsigned long long)x->cpu_usec,
              (unsigned long long)x->peak_memory, (unsigned long long)x->wall_usec);
    if (x->peak_working_set) sb_printf(&b, ",\"peak_working_set\":%llu", (unsigned long long)x->peak_working_set);
    sb_puts(&b, "}");
    emit(fd, &b);
}

/* Written before the bytes are dropped: a reader that meets the hole (it reads as zeros) finds the event
 * already there. offset: where the output kept starts; bytes: how much was dropped in all. */
void emit_output_dropped(int fd, const char *job_id, int out_fd, uint64_t offset, uint64_t bytes)
{
    char mem[256];
    struct sbuf b;
    sb_init(&b, mem, sizeof mem);
    sb_puts(&b, "{\"event\":\"output_dropped\",\"job_id\":");
    sb_json_str(&b, job_id);
    sb_printf(&b, ",\"fd\":%d,\"offset\":%llu,\"bytes\":%llu}", out_fd, (unsigned long long)offset, (unsigned long long)bytes);
    emit(fd, &b);
}

void emit_note(int fd, const char *job_id, const char *message)
{
    char mem[1024];
    struct sbuf b;
    sb_init(&b, mem, sizeof mem);
    sb_puts(&b, "{\"event\":\"note\",\"job_id\":");
    sb_json_str(&b, job_id);
    sb_puts(&b, ",\"message\":");
    sb_json_str(&b, message);
    sb_puts(&b, "}");
    emit(fd, &b);
}
