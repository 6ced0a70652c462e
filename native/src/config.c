/* config.c: /etc/rnx/launcher.conf (policy) parsing and enforcement. */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

static void conf_size(const char *key, const char *v, uint64_t *out, int line)
{
    if (parse_size(v, out) < 0) fail("%s:%d: %s: invalid size '%.40s'", CONF_PATH, line, key, v);
}

static void conf_num(const char *key, const char *v, uint64_t *out, int line)
{
    if (parse_u64(v, out) < 0) fail("%s:%d: %s: invalid number '%.40s'", CONF_PATH, line, key, v);
}

static int valid_name_list(const char *v)
{
    for (const char *p = v; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.' || c == ',' || c == '*' || c == '$'))
            return 0;
    }
    return 1;
}

void load_config(struct config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->runtimes_dir, sizeof c->runtimes_dir, "/opt/rnx/runtimes");
    snprintf(c->allow_users, sizeof c->allow_users, "*");
    c->max_memory = 16ULL << 30;
    c->default_memory = 2ULL << 30;
    c->max_pids = 4096;
    c->default_pids = 1024;
    c->tmp_size = 512ULL << 20;
    c->default_log_max = 1ULL << 30;

    /* check every component of the compiled-in path, then read the very fd we checked */
    int dfd = open_trusted("/etc/rnx", 1, "policy directory");
    int fd = openat(dfd, "launcher.conf", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    close(dfd);
    if (fd < 0) {
        if (errno == ENOENT) fail("%s is missing; run: sudo rnx setup", CONF_PATH);
        fail_errno("cannot open %s", CONF_PATH);
    }
    check_trusted_fd(fd, CONF_PATH);
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) fail("%s is not a regular file", CONF_PATH);
    if (st.st_size > 65536) fail("%s is too large", CONF_PATH);
    static char buf[65537];   /* not on the stack: the stack-clash probes would touch all 16 of its pages */
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
        if (r < 0) { if (errno == EINTR) continue; fail_errno("cannot read %s", CONF_PATH); }
        if (r == 0) break;
        got += (size_t)r;
        if (got >= sizeof buf - 1) break;
    }
    close(fd);
    buf[got] = '\0';
    if (memchr(buf, '\0', got)) fail("%s contains a NUL byte", CONF_PATH);

    int lineno = 0;
    char *save = NULL;
    /* strtok_r would skip empty lines, which is fine here */
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        char *l = trim(line);
        if (!*l) continue;
        char *eq = strchr(l, '=');
        if (!eq) fail("%s:%d: expected key = value", CONF_PATH, lineno);
        *eq = '\0';
        char *key = trim(l), *val = trim(eq + 1);
        if (strcmp(key, "runtimes_dir") == 0) {
            if (!valid_abs_path(val) || strcmp(val, "/") == 0) fail("%s:%d: runtimes_dir must be a normalised absolute path", CONF_PATH, lineno);
            snprintf(c->runtimes_dir, sizeof c->runtimes_dir, "%s", val);
        } else if (strcmp(key, "allow_users") == 0 || strcmp(key, "allow_groups") == 0) {
            if (!valid_name_list(val) || strlen(val) >= sizeof c->allow_users) fail("%s:%d: %s: invalid list", CONF_PATH, lineno, key);
            snprintf(key[6] == 'u' ? c->allow_users : c->allow_groups, sizeof c->allow_users, "%s", val);
        } else if (strcmp(key, "allow_host_network") == 0) {
            if (strcmp(val, "true") == 0) c->allow_host_network = 1;
            else if (strcmp(val, "false") == 0) c->allow_host_network = 0;
            else fail("%s:%d: allow_host_network must be true or false", CONF_PATH, lineno);
        } else if (strcmp(key, "max_memory") == 0) conf_size(key, val, &c->max_memory, lineno);
        else if (strcmp(key, "default_memory") == 0) conf_size(key, val, &c->default_memory, lineno);
        else if (strcmp(key, "tmp_size") == 0) conf_size(key, val, &c->tmp_size, lineno);
        else if (strcmp(key, "max_cpu") == 0) conf_num(key, val, &c->max_cpu, lineno);
        else if (strcmp(key, "default_cpu") == 0) conf_num(key, val, &c->default_cpu, lineno);
        else if (strcmp(key, "max_pids") == 0) conf_num(key, val, &c->max_pids, lineno);
        else if (strcmp(key, "default_pids") == 0) conf_num(key, val, &c->default_pids, lineno);
        else if (strcmp(key, "max_timeout") == 0) conf_num(key, val, &c->max_timeout, lineno);
        else if (strcmp(key, "default_timeout") == 0) conf_num(key, val, &c->default_timeout, lineno);
        else if (strcmp(key, "default_log_max") == 0 || strcmp(key, "max_log_max") == 0) {
            uint64_t *v = key[0] == 'd' ? &c->default_log_max : &c->max_log_max;
            conf_size(key, val, v, lineno);
            if (*v != 0 && (*v < LOG_MAX_MIN || *v > LOG_MAX_MAX)) fail("%s:%d: %s must be 0 or 1M-1024T", CONF_PATH, lineno, key);
        }
        else fail("%s:%d: unknown key '%.40s'", CONF_PATH, lineno, key);
    }
    if (c->tmp_size < (1ULL << 20)) fail("%s: tmp_size must be at least 1M", CONF_PATH);
}

static int in_list(const char *list, const char *name)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", list);
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (strcmp(t, name) == 0 || strcmp(t, "*") == 0) return 1;
    return 0;
}

static int caller_allowed(const struct config *c, const struct creds *cr)
{
    if (cr->uid == 0) return 1;
    if (strcmp(c->allow_users, "*") == 0) return 1;
    /* Statically linked, the launcher cannot load NSS modules (one would bring a second libc into this process): user
     * and group names are looked up in /etc/passwd and /etc/group, glibc's built-in "files" source, only. */
    if (__nss_configure_lookup("passwd", "files") != 0 || __nss_configure_lookup("group", "files") != 0)
        fail("cannot restrict user and group lookups to /etc/passwd and /etc/group");
    if (c->allow_users[0]) {
        struct passwd *pw = getpwuid(cr->uid);
        if (pw && in_list(c->allow_users, pw->pw_name)) return 1;
    }
    if (c->allow_groups[0]) {
        gid_t groups[256];
        int n = getgroups(256, groups);
        if (n < 0) n = 0;
        for (int i = -1; i < n; i++) {
            struct group *gr = getgrgid(i < 0 ? cr->gid : groups[i]);
            if (gr && in_list(c->allow_groups, gr->gr_name)) return 1;
        }
    }
    return 0;
}

/* a limit as the user wrote it: memory in the largest exact binary unit (64G, 1536M), the rest as numbers */
static const char *limit_text(uint64_t v, const char *unit, char *buf, size_t len)
{
    if (strcmp(unit, "bytes") == 0) {
        static const char suffix[] = "KMGT";
        int i = -1;
        while (i < 3 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            i++;
        }
        if (i >= 0) snprintf(buf, len, "%llu%c", (unsigned long long)v, suffix[i]);
        else snprintf(buf, len, "%llu bytes", (unsigned long long)v);
    } else {
        snprintf(buf, len, "%llu%s", (unsigned long long)v, unit);
    }
    return buf;
}

static void limit(const char *what, int has, uint64_t *val, uint64_t def, uint64_t max, const char *unit)
{
    if (!has) {
        *val = def;
        if (max && (def == 0 || def > max)) *val = max;
        return;
    }
    char asked[32], allowed[32];
    if (max && *val > max)
        fail("--%s %s is above the maximum allowed by %s (%s)", what, limit_text(*val, unit, asked, sizeof asked), CONF_PATH,
             limit_text(max, unit, allowed, sizeof allowed));
}

void apply_policy(const struct config *c, struct opts *o, const struct creds *cr)
{
    if (!caller_allowed(c, cr)) fail("user %u is not allowed to launch jobs by %s", (unsigned)cr->uid, CONF_PATH);
    limit("memory", o->has_memory, &o->memory, c->default_memory, c->max_memory, "bytes");
    limit("cpu", o->has_cpu, &o->cpu, c->default_cpu, c->max_cpu, "%");
    limit("pids", o->has_pids, &o->pids, c->default_pids, c->max_pids, "");
    limit("timeout", o->has_timeout, &o->timeout, c->default_timeout, c->max_timeout, "s");
    if (o->has_log_max && o->log_max == 0 && c->max_log_max) {
        char allowed[32];
        fail("--log-max 0 (no limit) is not allowed by %s (max_log_max = %s)", CONF_PATH, limit_text(c->max_log_max, "bytes", allowed, sizeof allowed));
    }
    limit("log-max", o->has_log_max, &o->log_max, c->default_log_max, c->max_log_max, "bytes");
    if (o->net_host && !c->allow_host_network) fail("--net host is not allowed by %s", CONF_PATH);
}
