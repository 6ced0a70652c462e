// Findings of an outside audit of the launcher, one test each (as the unprivileged test user where it concerns the
// launcher): seccomp argument rules and the width the kernel reads, the caller's terminal after a non-interactive
// job, a --kill interrupted between freeze and thaw, a deadline on a frozen job, reserved job ids, RLIMIT_CORE, and
// timed_out after a --kill.
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRun, launch, pidAlive, sleep, waitFor, userDir, LAUNCHER_PATH, TEST_RUNTIME, haveGdb, run, underGdb } from './harness.js';
import { TEST_USER, runAsSync, userIds } from '../support/users.js';
import { buildLaunchArgv } from '../../src/launcher/argv.js';

/** A directory owned by the test user holding static programs built from `sources` (name -> C source). */
function programs(sources: Record<string, string>): string {
  const wd = userDir();
  const { uid, gid } = userIds(TEST_USER);
  for (const [name, source] of Object.entries(sources)) {
    writeFileSync(join(wd, `${name}.c`), source);
    execFileSync('gcc', ['-static', '-O1', '-o', join(wd, name), join(wd, `${name}.c`)]);
    chownSync(join(wd, name), uid, gid);
  }
  return wd;
}

const haveScript = spawnSync('script', ['--version']).status === 0;
/** The job's freezer: v1 freezer.state, v2 cgroup.freeze. */
function freezer(cgroups: Record<string, string>): { frozen: () => boolean; freeze: () => void; thaw: () => void } {
  const v1 = cgroups.freezer;
  const dir = v1 ?? cgroups.unified!;
  const write = (v: string) => {
    try {
      writeFileSync(join(dir, v1 ? 'freezer.state' : 'cgroup.freeze'), v);
    } catch {
      /* the cgroup is gone */
    }
  };
  return {
    frozen: () => {
      try {
        return v1 ? readFileSync(join(dir, 'freezer.state'), 'utf8').trim() !== 'THAWED' : readFileSync(join(dir, 'cgroup.freeze'), 'utf8').trim() === '1';
      } catch {
        return false;
      }
    },
    freeze: () => write(v1 ? 'FROZEN' : '1'),
    thaw: () => write(v1 ? 'THAWED' : '0'),
  };
}

/** Every argument-compared seccomp rule, called with garbage in the high 32 bits of the compared argument (and
 * without). Each call is one the kernel would refuse by itself with another errno than the filter's, so that the
 * errno says which of the two answered: an invalid socket type flag (EINVAL), CLONE_NEWUSER|CLONE_FS (EINVAL),
 * an unknown unshare flag (EINVAL), a tty ioctl on /dev/null (ENOTTY). The plain vsock socket is created for
 * real when the filter lets it through. Prints "name errno" per call (0: it succeeded). */
const ARGRULES_C = `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static void show(const char *name, long r) {
  printf("%s %d\\n", name, r < 0 ? errno : 0);
}
int main(void) {
  int fds[2];
  int null = open("/dev/null", O_RDWR);
  for (int h = 0; h < 2; h++) {
    unsigned long hi = h ? 0x5a5a5a5a00000000UL : 0;
    char name[64];
    long r;
    #define PROBE(label, call) do { errno = 0; r = (call); snprintf(name, sizeof name, "%s%s", label, h ? "+hi" : ""); show(name, r); } while (0)
    PROBE("socket", syscall(SYS_socket, hi | AF_VSOCK, SOCK_STREAM, 0));
    if (r >= 0) close((int)r);
    PROBE("socket-badtype", syscall(SYS_socket, hi | AF_VSOCK, SOCK_STREAM | 0x100, 0));
    PROBE("socketpair", syscall(SYS_socketpair, hi | AF_VSOCK, SOCK_STREAM | 0x100, 0, fds));
    PROBE("unshare", syscall(SYS_unshare, hi | CLONE_NEWUSER | 0x1000 /* not an unshare flag */));
    PROBE("clone", syscall(SYS_clone, hi | CLONE_NEWUSER | CLONE_FS | SIGCHLD, 0, 0, 0, 0));
    if (r == 0) _exit(0);
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    PROBE("tiocsti", syscall(SYS_ioctl, null, hi | TIOCSTI, "x"));
    PROBE("tioclinux", syscall(SYS_ioctl, null, hi | TIOCLINUX, "x"));
    int d = 0;
    PROBE("tiocsetd", syscall(SYS_ioctl, null, hi | TIOCSETD, &d));
  }
  return 0;
}
`;

/** The state of the terminal on fd 0 that a job could leave changed: modes, line discipline, exclusive mode. */
const TTYSTATE_C = `#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>
int main(void) {
  struct termios t;
  int ld = -1, ex = -1;
  if (tcgetattr(0, &t) < 0) { puts("notty"); return 1; }
  ioctl(0, TIOCGETD, &ld);
  ioctl(0, TIOCGEXCL, &ex);
  printf("state %x:%x:%x:%x", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
  for (int i = 0; i < NCCS; i++) printf(":%x", t.c_cc[i]);
  printf(" ldisc=%d excl=%d\\n", ld, ex);
  return 0;
}
`;

/** Inside the job: tries to change the line discipline (plain and with high bits), then makes the terminal
 * exclusive and stops its output (tcflow TCOOFF, which ^Q does not undo). */
const TTYMESS_C = `#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
int main(void) {
  int d = 27; /* N_NULL */
  long a = syscall(SYS_ioctl, 0, TIOCSETD, &d);
  int ea = errno;
  long b = syscall(SYS_ioctl, 0, 0x5a5a5a5a00000000UL | TIOCSETD, &d);
  int eb = errno;
  printf("setd %ld %d %ld %d\\n", a, a < 0 ? ea : 0, b, b < 0 ? eb : 0);
  fflush(stdout);
  if (ioctl(0, TIOCEXCL) < 0) return 1;
  if (tcflow(0, TCOOFF) < 0) return 2;
  return 0;
}
`;

/** As root: sets the line discipline of a terminal (path, number). */
const SETLDISC_C = `#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
int main(int argc, char **argv) {
  int fd = open(argv[1], O_RDWR | O_NOCTTY);
  int d = atoi(argv[2]);
  return fd < 0 || ioctl(fd, TIOCSETD, &d) < 0;
}
`;

const usedIds: string[] = [];
function jobId(name: string): string {
  const id = `audit-${name}-${process.pid}`;
  usedIds.push(id);
  return id;
}

describe('launcher argv: reserved job ids', () => {
  it('refuses a job id that names a cgroup control file, in one clear line', () => {
    for (const id of ['tasks', 'notify_on_release', 'release_agent'])
      expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], jobId: id })).toThrow(`job id '${id}' is reserved (the name of a cgroup control file)`);
    expect(buildLaunchArgv({ runtime: 'b', command: ['true'], jobId: 'Tasks' })).toContain('Tasks');
  });
});

describe.skipIf(!canRun)('rnx-launch: audit findings', () => {
  afterAll(async () => {
    await run(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--', 'true']);
    for (const id of usedIds) expect(existsSync(`/run/rnx/jobs/${id}`)).toBe(false);
  });

  it('every seccomp argument rule holds with garbage in the high 32 bits (the kernel reads an int)', async () => {
    const wd = programs({ argrules: ARGRULES_C });
    try {
      const r = await launch(['--runtime', TEST_RUNTIME, '--workdir', wd, '--', './argrules']);
      expect(r.code, r.stderr).toBe(0);
      const want = (hi: string) => [
        `socket${hi} 97`,
        `socket-badtype${hi} 97`,
        `socketpair${hi} 97`,
        `unshare${hi} 1`,
        `clone${hi} 1`,
        `tiocsti${hi} 1`,
        `tioclinux${hi} 1`,
        `tiocsetd${hi} 1`,
      ];
      expect(r.stdout.trim().split('\n')).toEqual([...want(''), ...want('+hi')]);
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveScript)("a non-interactive job leaves the caller's terminal as it was: modes, line discipline, exclusive mode, output flow", async () => {
    const wd = programs({ ttystate: TTYSTATE_C, ttymess: TTYMESS_C, setldisc: SETLDISC_C });
    chmodSync(wd, 0o777); // root's "go" below
    try {
      const job = `stty raw -echo && ./ttymess && touch ready && while [ ! -e go ]; do sleep 0.05; done`;
      const inner = `cd ${wd}; tty > ttyname; ./ttystate; ${LAUNCHER_PATH} --runtime ${TEST_RUNTIME} --workdir ${wd} -- sh -c '${job}'; echo rc=$?; ./ttystate`;
      const session = run(TEST_USER, 'script', ['-qec', inner, '/dev/null'], {
        env: { PATH: '/usr/bin:/bin', SHELL: '/bin/sh', TERM: 'xterm' },
        timeoutMs: 15_000,
      });
      // while the job waits, root changes the terminal's line discipline (the job itself cannot: EPERM)
      expect(await waitFor(() => existsSync(join(wd, 'ready')), 8000)).toBe(true);
      const tty = readFileSync(join(wd, 'ttyname'), 'utf8').trim();
      expect(tty).toMatch(/^\/dev\/pts\/\d+$/);
      execFileSync(join(wd, 'setldisc'), [tty, '27']);
      writeFileSync(join(wd, 'go'), '');
      const r = await session;
      const lines = r.stdout
        .replace(/\r/g, '')
        .trim()
        .split('\n')
        .map((l) => l.trim());
      expect(lines[1]).toBe('setd -1 1 -1 1');
      expect(lines[2]).toBe('rc=0');
      expect(lines[0]).toMatch(/^state [0-9a-f:]+ ldisc=0 excl=0$/);
      expect(lines[3]).toBe(lines[0]);
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveGdb)('a --kill killed by its caller between freezing the job and thawing it cannot leave the job frozen', async () => {
    const id = jobId('freeze');
    const dir = mkdtempSync(join(tmpdir(), 'rnx-audit-'));
    chmodSync(dir, 0o777);
    let started: { pid: number; cgroups: Record<string, string> } | undefined;
    const job = launch(['--runtime', TEST_RUNTIME, '--job-id', id, '--', 'sleep', '30'], { status: true, onStarted: (ev) => (started = ev) });
    try {
      expect(await waitFor(() => started !== undefined, 5000)).toBe(true);
      const fz = freezer(started!.cgroups);
      // held inside the frozen section (its first pidfd_open): the caller SIGKILLs its own --kill process
      const { gid } = userIds(TEST_USER);
      writeFileSync(
        join(dir, 'hook.sh'),
        `#!/bin/sh\n` +
          (started!.cgroups.freezer
            ? `grep -q FROZEN ${started!.cgroups.freezer}/freezer.state && echo 1 > ${dir}/frozen\n`
            : `grep -q 1 ${started!.cgroups.unified}/cgroup.freeze && echo 1 > ${dir}/frozen\n`) +
          `pid=$(pgrep -f "^${LAUNCHER_PATH} --kill ${id}")\n` +
          `setpriv --reuid=${TEST_USER} --regid=${gid} --init-groups kill -KILL $pid; echo $? > ${dir}/killrc\n`,
        { mode: 0o755 },
      );
      const killer = underGdb('pidfd_open', join(dir, 'hook.sh'), ['--kill', id, '--signal', '15'], TEST_USER);
      expect(killer.stdout).toMatch(/Breakpoint 1, /);
      expect(existsSync(join(dir, 'frozen'))).toBe(true); // the breakpoint was inside the frozen section
      expect(readFileSync(join(dir, 'killrc'), 'utf8').trim()).not.toBe('0'); // the caller can no longer signal it
      expect(await waitFor(() => !fz.frozen(), 3000)).toBe(true);
      const r = await Promise.race([job, sleep(5000).then(() => undefined)]);
      expect(r?.code).toBe(143); // sleep got the SIGTERM
    } finally {
      if (started) freezer(started.cgroups).thaw();
      runAsSync(TEST_USER, LAUNCHER_PATH, ['--kill', id, '--signal', '9']);
      await job;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the deadline ends a job that was left frozen while the supervisor is stopped', async () => {
    let started: { pid: number; cgroups: Record<string, string> } | undefined;
    let launcher = 0;
    const job = launch(['--runtime', TEST_RUNTIME, '--timeout', '1', '--', 'sh', '-c', 'sleep 6; echo survived'], {
      status: true,
      onStarted: (ev, child) => {
        started = ev;
        launcher = child.pid!;
        expect(runAsSync(TEST_USER, 'kill', ['-STOP', String(launcher)]).status).toBe(0);
        // as a signaller stopped between its freeze and its thaw would leave it
        freezer(ev.cgroups).freeze();
      },
    });
    try {
      expect(await waitFor(() => started !== undefined, 5000)).toBe(true);
      expect(await waitFor(() => freezer(started!.cgroups).frozen(), 2000)).toBe(true);
      const ended = await waitFor(() => !pidAlive(started!.pid), 3500);
      runAsSync(TEST_USER, 'kill', ['-CONT', String(launcher)]);
      const r = await job;
      expect(ended).toBe(true);
      expect(r.stdout).not.toContain('survived');
      expect(r.exited).toMatchObject({ timed_out: true, code: 137 });
    } finally {
      if (started) freezer(started.cgroups).thaw();
      if (launcher) runAsSync(TEST_USER, 'kill', ['-CONT', String(launcher)]);
      await job;
    }
  });

  it('a job id that names a cgroup control file is refused with one clear line, and leaves nothing behind', async () => {
    for (const id of ['tasks', 'notify_on_release']) {
      const r = await run(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--job-id', id, '--', 'true']);
      expect(r.code).toBe(125);
      expect(r.stderr).toBe(`rnx-launch: --job-id: '${id}' is reserved (the name of a cgroup control file)\n`);
      expect(existsSync(`/run/rnx/jobs/${id}`)).toBe(false);
    }
    // ids that only resemble them are fine
    const r = await run(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--job-id', `tasks-${process.pid}`, '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
  });

  it("the job gets the caller's RLIMIT_CORE (the launcher itself dumps no core)", async () => {
    const r = await run(TEST_USER, 'prlimit', [
      '--core=1048576:4194304',
      '--',
      LAUNCHER_PATH,
      '--runtime',
      TEST_RUNTIME,
      '--',
      'sh',
      '-c',
      'grep "core file" /proc/self/limits',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Max core file size\s+1048576\s+4194304\s+bytes\s*$/);
  });

  it('a job killed by --kill -9 while the supervisor was stopped past the deadline is not reported as timed out', async () => {
    const id = jobId('notimeout');
    let launcher = 0;
    const job = launch(['--runtime', TEST_RUNTIME, '--job-id', id, '--timeout', '2', '--', 'sleep', '30'], {
      status: true,
      onStarted: (_ev, child) => {
        launcher = child.pid!;
        expect(runAsSync(TEST_USER, 'kill', ['-STOP', String(launcher)]).status).toBe(0);
      },
    });
    try {
      expect(await waitFor(() => launcher > 0, 5000)).toBe(true);
      const t0 = Date.now();
      expect((await run(TEST_USER, LAUNCHER_PATH, ['--kill', id, '--signal', '9'])).code).toBe(0);
      await sleep(2700 - (Date.now() - t0)); // past the deadline, with the job long dead
      runAsSync(TEST_USER, 'kill', ['-CONT', String(launcher)]);
      const r = await job;
      expect(r.exited).toMatchObject({ timed_out: false, signal: 9, code: 137 });
    } finally {
      if (launcher) runAsSync(TEST_USER, 'kill', ['-CONT', String(launcher)]);
      await job;
    }
  });
});
