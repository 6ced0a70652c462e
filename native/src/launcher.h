/* rnx-launch: shared declarations. See native/README.md for the contract. */
#ifndef RNX_LAUNCHER_H
#define RNX_LAUNCHER_H

#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EXIT_REFUSED 125
#define EXIT_NOEXEC 126
#define EXIT_NOTFOUND 127

#define CONF_PATH "/etc/rnx/launcher.conf"
#define RUN_DIR "/run/rnx"
#define REGISTRY_DIR "/run/rnx/jobs"

#define MAX_ARGS 4096          /* whole argv */
#define MAX_ARG_LEN 65536      /* one argument */
#define MAX_ARGS_TOTAL (1 << 20)
#define MAX_ENV 256            /* --env and --env-fd variables together, and launch.spec env lines */
#define MAX_ENV_LEN 8192       /* one KEY=VALUE */
#define MAX_SPEC_ITEMS 64      /* writable / mount lines */
#define MAX_PATH_LEN 1024
#define MAX_JOB_ID 64
#define MAX_CORES_LEN 256
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* ---- util.c ---- */
extern int g_report_fd;                 /* where fail() reports; -1 = stderr */
extern void (*g_fail_hook)(void);       /* cleanup run by fail() in the supervisor */
__attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...);
__attribute__((noreturn, format(printf, 1, 2))) void fail_errno(const char *fmt, ...);
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int write_all(int fd, const void *buf, size_t len);
int parse_u64(const char *s, uint64_t *out);          /* 0 ok, -1 bad */
int parse_size(const char *s, uint64_t *out);         /* digits with optional K/M/G/T */
int read_file_at(int dirfd, const char *name, char *buf, size_t size); /* -1 or length */
int write_file_at(int dirfd, const char *name, const char *val);       /* 0 or -1 (errno) */
uint64_t monotonic_usec(void);
int valid_env_entry(const char *s);   /* KEY=VALUE, KEY [A-Za-z_][A-Za-z0-9_]*, at most MAX_ENV_LEN */
int valid_job_id(const char *s);
int reserved_job_id(const char *s);      /* the name of a cgroup control file */
int valid_runtime_name(const char *s);
int valid_abs_path(const char *s);       /* normalised absolute path without whitespace */
int valid_rel_path(const char *s);       /* normalised relative path, no '..' */

/* growable-free fixed buffer for JSON */
struct sbuf { char *buf; size_t cap, len; int overflow; };
void sb_init(struct sbuf *b, char *mem, size_t cap);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_json_str(struct sbuf *b, const char *s);

/* ---- args.c ---- */
struct opts {
    int kill_mode;
    char kill_id[MAX_JOB_ID + 1];
    int signal;                      /* for --kill */
    const char *runtime;
    uint64_t memory; int has_memory;
    uint64_t cpu; int has_cpu;
    uint64_t pids; int has_pids;
    char cores[MAX_CORES_LEN]; int has_cores;
    int net_host; int has_net;
    const char *workdir;
    const char *env[MAX_ENV]; size_t n_env;
    const char *hostname;
    uint64_t timeout; int has_timeout;
    char job_id[MAX_JOB_ID + 1]; int has_job_id;
    int status_fd;
    int env_fd;                      /* --env-fd, or -1; read (and closed) by read_env_fd() */
    int interactive, detach;
    uint64_t log_max; int has_log_max;   /* bytes of output kept per regular-file stdout/stderr; 0 = no cap */
    char **command;                  /* NULL-terminated, points into argv */
};
void parse_args(int argc, char **argv, struct opts *o);
void read_env_fd(struct opts *o);   /* --env-fd's records into o->env; run with the caller's identity */

/* ---- config.c ---- */
struct config {
    char runtimes_dir[MAX_PATH_LEN];
    char allow_users[1024];
    char allow_groups[1024];
    int allow_host_network;
    uint64_t max_memory, default_memory;
    uint64_t max_cpu, default_cpu;
    uint64_t max_pids, default_pids;
    uint64_t max_timeout, default_timeout;
    uint64_t tmp_size;
    uint64_t max_log_max, default_log_max;
};
struct creds { uid_t uid; gid_t gid; };
void load_config(struct config *c);
void apply_policy(const struct config *c, struct opts *o, const struct creds *cr);

/* ---- trust.c ---- */
int open_trusted(const char *abs_path, int dir, const char *what);  /* O_PATH fd, or fail() */
void check_trusted_fd(int fd, const char *what);
int ensure_trusted_dir(int parentfd, const char *name, const char *what); /* mkdir 0755 if missing */

/* ---- spec.c ---- */
struct spec_mount { char src[MAX_PATH_LEN]; char dst[MAX_PATH_LEN]; int rw; };
struct spec {
    char workdir[MAX_PATH_LEN];
    char *env[MAX_ENV]; size_t n_env;
    char writable[MAX_SPEC_ITEMS][MAX_PATH_LEN]; size_t n_writable;
    struct spec_mount mounts[MAX_SPEC_ITEMS]; size_t n_mounts;
};
void load_spec(int runtime_dirfd, const char *name, struct spec *s);

/* ---- cgroup.c ---- */
enum { CG_MEMORY, CG_PIDS, CG_CPU, CG_CPUACCT, CG_CPUSET, CG_FREEZER, CG_NCTL };
struct cgroup {
    int v2;
    char job_id[MAX_JOB_ID + 1];
    /* v1: one entry per controller; v2: only ctl[0] is used (the unified dir) */
    struct { int used; int alias; char path[MAX_PATH_LEN]; } ctl[CG_NCTL];
};
struct cg_limits { uint64_t memory, cpu, pids; const char *cores; };
struct cg_stats { uint64_t cpu_usec, peak_memory, oom_kills; };
extern const char *const cg_names[CG_NCTL];
int cg_detect_v2(void);
void cg_create(struct cgroup *cg, const char *job_id, const struct cg_limits *l);
int cg_attach(const struct cgroup *cg, pid_t pid);  /* moves a single-threaded process into the job's cgroups: 0, or -1 with errno */
void cg_stats(const struct cgroup *cg, struct cg_stats *st);
uint64_t cg_working_set(const struct cgroup *cg);   /* usage minus unmapped file cache; 0 if unknown */
void cg_signal_all(const struct cgroup *cg, int sig);
void cg_thaw(const struct cgroup *cg);            /* undo a freeze left by a signaller that was stopped */
struct cg_dirs { int v2, procs, freezer; };     /* directory fds (-1: absent); freezer may equal procs */
void cg_open_dirs(const struct cgroup *cg, struct cg_dirs *d);
void cg_signal_dirs(const struct cg_dirs *d, int sig);
void cg_close_dirs(struct cg_dirs *d);
void cg_destroy(const struct cgroup *cg);      /* kill everything left, then rmdir */
void cg_paths_for(struct cgroup *cg, int v2, const char *job_id); /* for cleanup / --kill */

/* ---- registry.c ---- */
struct reg_entry { uid_t uid; pid_t launcher_pid; unsigned long long launcher_start; int v2; };
void reg_open_dir(void);
void reg_prepare(uid_t uid, int v2);                        /* our entry, locked, not yet named */
int reg_link(const char *job_id);                           /* 0 ok, -1 id in use */
void reg_remove(const char *job_id);
int reg_own_fd(void);                                       /* our entry (locked), or -1 */
int reg_dir_fd(void);
int reg_still_own(const char *job_id);                      /* the id still names our entry */
void reg_job_cgroup(struct cgroup *cg, int v2, const char *job_id); /* every cgroup a job with this id may have */
void reg_cleanup_stale(void);
int do_kill(const char *job_id, int sig, uid_t caller);     /* exit status */
unsigned long long proc_start_time(pid_t pid);

/* ---- mounts.c ---- */
struct sandbox {
    const char *isolated_path;
    int isolated_fd;        /* O_PATH, checked */
    int runtime_fd;         /* O_PATH, checked: <runtimes_dir>/<name> */
    int workdir_fd;         /* O_PATH of the caller's workdir, or -1 */
    const struct spec *spec;
    uint64_t tmp_size;
    uid_t uid; gid_t gid;
};
#define DEV_NODES 6
struct prepared {           /* detached mount trees, cloned before leaving the host's mount namespace */
    int root, workdir;
    int dev[DEV_NODES];
    int spec[MAX_SPEC_ITEMS], spec_dir[MAX_SPEC_ITEMS];
};
void prepare_mounts(const struct sandbox *sb, struct prepared *p);
void setup_filesystem(const struct sandbox *sb, struct prepared *p);

/* ---- ns.c ---- */
void bring_up_lo(void);
void set_hostname(const char *name);

/* ---- privs.c ---- */
void drop_privileges(const struct creds *cr);
void as_caller(const struct creds *cr);   /* fsuid/fsgid the caller's, no effective capabilities */
void as_root(void);                       /* and back */
void reset_signals(void);              /* the command's: default dispositions, nothing blocked */
/* the only dispositions the launcher sets other than the default (it installs no handlers; the caller's are reset
 * first thing): the supervisor's, which PID 1 inherits; the command gets the default back */
#define IGNORED_SIGNALS { SIGPIPE, SIGTTOU, SIGTTIN }

/* ---- sched.c ---- */
void reset_sched_state(void);   /* first thing: remember the caller's scheduling state, reset ours */
void sched_job_prepare(void);   /* the job's PID 1, as root */
void sched_job_restore(void);   /* the job's PID 1, after the drop: the caller's values, as the caller may set them */

/* ---- seccomp.c ---- */
void install_seccomp(int net_host);

/* ---- logcap.c ---- */
#define LOG_MAX_MIN (1ULL << 20)
#define LOG_MAX_MAX (1ULL << 50)
void logcap_init(uint64_t cap, int status_fd, const char *job_id); /* before the job starts */
int logcap_timer(void);                 /* timerfd to poll while the job runs, or -1 (nothing to cap) */
void logcap_tick(int final);            /* on the timer (reads it), and once with final=1 after the job ended */
uint64_t logcap_limit(void);            /* the cap in force on fd 1, 0 = none */

/* ---- init.c ---- */
struct init_args {
    const struct creds *cr;
    int interactive;
    int net_host;           /* --net host: the job shares the host's network anyway */
    int result_fd;          /* write end: the command's wait status */
    int life_fd;            /* read end: EOF when the supervisor is gone */
    int err_fd;             /* write end: setup errors (CLOEXEC) */
    char **argv; char **envp;
    const char *cwd;
    mode_t umask;           /* the caller's, for the command */
};
__attribute__((noreturn)) void run_init(const struct init_args *a);

#endif
