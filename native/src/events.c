/* events.c: JSON lines written to --status-fd. Every string is JSON-escaped. */
#include "launcher.h"
#include "events.h"

#include <stdio.h>

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
    sb_printf(&b, ",\"pid\":%d,\"cgroup_mode\":\"%s\",\"cgroups\":{", (int)pid, cg->v2 ? "v2" : "v1");
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
    sb_puts(&b, "}}");
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
    sb_printf(&b, ",\"cpu_usec\":%llu,\"peak_memory\":%llu,\"wall_usec\":%llu}", (unsigned long long)x->cpu_usec,
              (unsigned long long)x->peak_memory, (unsigned long long)x->wall_usec);
    emit(fd, &b);
}
