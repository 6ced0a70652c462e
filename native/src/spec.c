/* spec.c: <runtime>/launch.spec parsing (line format, see README). */
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SPEC_MAX_SIZE 65536

static char g_spec_buf[SPEC_MAX_SIZE + 1];

void load_spec(int runtime_dirfd, const char *name, struct spec *s)
{
    /* not memset: s is static (zero) and loaded once, and clearing all 200 KiB of it would touch every page (a page
     * fault each, and page table entries that every later fork copies) for nothing */
    s->n_env = s->n_writable = s->n_mounts = 0;
    snprintf(s->workdir, sizeof s->workdir, "/work");
    int fd = openat(runtime_dirfd, "launch.spec", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) fail("runtime '%s' has no launch.spec", name);
        fail_errno("runtime '%s': cannot open launch.spec", name);
    }
    check_trusted_fd(fd, "launch.spec");
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) fail("runtime '%s': launch.spec is not a regular file", name);
    if (st.st_size > SPEC_MAX_SIZE) fail("runtime '%s': launch.spec is too large", name);
    size_t got = 0;
    for (;;) {
        ssize_t r = read(fd, g_spec_buf + got, SPEC_MAX_SIZE - got);
        if (r < 0) { if (errno == EINTR) continue; fail_errno("cannot read launch.spec"); }
        if (r == 0 || got + (size_t)r >= SPEC_MAX_SIZE) { got += (size_t)r; break; }
        got += (size_t)r;
    }
    close(fd);
    g_spec_buf[got] = '\0';
    if (memchr(g_spec_buf, '\0', got)) fail("runtime '%s': launch.spec contains a NUL byte", name);

    int lineno = 0, have_version = 0;
    char *line = g_spec_buf;
    while (line && *line) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        /* trim */
        while (*line == ' ' || *line == '\t') line++;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r')) line[--n] = '\0';
        if (*line) {
            char *sp = strpbrk(line, " \t");
            char *arg = "";
            if (sp) {
                *sp = '\0';
                arg = sp + 1;
                while (*arg == ' ' || *arg == '\t') arg++;
            }
            if (strcmp(line, "version") == 0) {
                if (strcmp(arg, "1") != 0) fail("launch.spec:%d: unsupported version '%.20s'", lineno, arg);
                have_version = 1;
            } else if (!have_version) {
                fail("launch.spec:%d: must start with 'version 1'", lineno);
            } else if (strcmp(line, "workdir") == 0) {
                if (!valid_abs_path(arg)) fail("launch.spec:%d: workdir must be a normalised absolute path", lineno);
                snprintf(s->workdir, sizeof s->workdir, "%s", arg);
            } else if (strcmp(line, "env") == 0) {
                if (!valid_env_entry(arg)) fail("launch.spec:%d: env expects KEY=VALUE", lineno);
                if (s->n_env >= MAX_ENV) fail("launch.spec: too many env lines (max %d)", MAX_ENV);
                s->env[s->n_env++] = arg;
            } else if (strcmp(line, "writable") == 0) {
                if (!valid_abs_path(arg) || strcmp(arg, "/") == 0)
                    fail("launch.spec:%d: writable expects a normalised absolute path", lineno);
                if (s->n_writable >= MAX_SPEC_ITEMS) fail("launch.spec: too many writable lines");
                snprintf(s->writable[s->n_writable++], MAX_PATH_LEN, "%s", arg);
            } else if (strcmp(line, "mount") == 0) {
                char src[MAX_PATH_LEN], dst[MAX_PATH_LEN], mode[8], extra[2];
                if (strlen(arg) >= MAX_PATH_LEN ||
                    sscanf(arg, "%1023s %1023s %7s %1s", src, dst, mode, extra) != 3)
                    fail("launch.spec:%d: mount expects SOURCE TARGET ro|rw", lineno);
                if (!valid_rel_path(src)) fail("launch.spec:%d: mount source must be relative without '..'", lineno);
                if (!valid_abs_path(dst) || strcmp(dst, "/") == 0) fail("launch.spec:%d: mount target must be absolute", lineno);
                if (strcmp(mode, "ro") != 0 && strcmp(mode, "rw") != 0) fail("launch.spec:%d: mount mode must be ro or rw", lineno);
                if (s->n_mounts >= MAX_SPEC_ITEMS) fail("launch.spec: too many mount lines");
                struct spec_mount *m = &s->mounts[s->n_mounts++];
                snprintf(m->src, sizeof m->src, "%s", src);
                snprintf(m->dst, sizeof m->dst, "%s", dst);
                m->rw = mode[1] == 'w';
            } else {
                fail("launch.spec:%d: unknown directive '%.40s'", lineno, line);
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!have_version) fail("runtime '%s': launch.spec has no 'version 1' line", name);
}
