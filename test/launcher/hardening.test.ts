// Attacks a hostile caller can try against the setuid launcher itself: process state it inherits, signals it
// can send, races on the job registry and the job's cgroup. Each test names the weakness it guards against.
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRun, launch, pidAlive, sleep, waitFor, userDir, LAUNCHER_PATH, TEST_RUNTIME, haveGdb, run, underGdb } from './harness.js';
import { OTHER_USER, TEST_USER, runAsSync, spawnAs, userIds } from '../support/users.js';

/** Registry entry and cgroup directories of one job id (only this test's own ids are ever looked at). */
function traces(jobId: string): string[] {
  const out: string[] = [];
  if (existsSync(`/run/rnx/jobs/${jobId}`)) out.push(`registry/${jobId}`);
  for (const c of ['memory', 'pids', 'cpu', 'cpuacct', 'cpuset', 'freezer', 'unified']) {
    if (existsSync(`/sys/fs/cgroup/${c}/rnx/${jobId}`)) out.push(`${c}/${jobId}`);
  }
  if (existsSync(`/sys/fs/cgroup/rnx/${jobId}`)) out.push(`v2/${jobId}`);
  return out;
}

// Races are won by a caller who stops a launcher (SIGSTOP) at the right moment; the tests stop it at that
// moment with gdb (as root) instead, run `hook` there, then let it go on.
/** Starts a job as the test user, then SIGKILLs its launcher and the launcher's guard (root only can):
 * leaves a stale registry entry. */
async function staleJob(id: string): Promise<void> {
  let pid1 = 0;
  await launch(['--runtime', TEST_RUNTIME, '--job-id', id, '--', 'sleep', '30'], {
    status: true,
    onStarted: (ev, child) => {
      pid1 = ev.pid;
      const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
      for (const k of kids) if (k !== ev.pid) process.kill(k, 'SIGKILL');
      child.kill('SIGKILL');
    },
  });
  expect(await waitFor(() => pid1 > 0 && !pidAlive(pid1), 3000)).toBe(true);
  expect(existsSync(`/run/rnx/jobs/${id}`)).toBe(true);
}

/** A helper (run as root) that gives new processes exactly the given (free) pids, using ns_last_pid; each such
 * process just waits, with its stdio on /dev/null. Prints the pids it got. */
const MKPID_C = `#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  for (int a = 1; a < argc; a++) {
    pid_t want = (pid_t)atoi(argv[a]);
    for (int t = 0; t < 500; t++) {
      int fd = open("/proc/sys/kernel/ns_last_pid", O_RDWR);
      if (fd < 0) return 2;
      flock(fd, LOCK_EX);
      dprintf(fd, "%d", (int)want - 1);
      pid_t p = fork();
      if (p == 0) {
        if (getpid() != want) _exit(0);
        setsid();
        int n = open("/dev/null", O_RDWR);
        dup2(n, 0); dup2(n, 1); dup2(n, 2);
        for (int i = 0; i < 600; i++) sleep(1);
        _exit(0);
      }
      flock(fd, LOCK_UN);
      close(fd);
      if (p == want) { printf("%d\\n", (int)p); break; }
      waitpid(p, NULL, 0);
    }
  }
  return 0;
}
`;

/** Counts SIGTERMs (and who sent them: 0 = from outside the job's PID namespace, 1 = the job's PID 1). */
const TERMCOUNT_C = `#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static volatile int n, from[8];
static void h(int s, siginfo_t *si, void *u) { (void)s; (void)u; if (n < 8) from[n] = si->si_pid; n++; }
int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = h;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGTERM, &sa, 0);
  puts("ready");
  fflush(stdout);
  while (!n) pause();
  usleep(300000);
  printf("count=%d", n);
  for (int i = 0; i < n && i < 8; i++) printf(" from=%d", from[i]);
  puts("");
  return 0;
}
`;

/** A directory owned by the test user holding a static program built from `source`. */
function program(name: string, source: string): string {
  const wd = userDir();
  writeFileSync(join(wd, `${name}.c`), source);
  execFileSync('gcc', ['-static', '-O1', '-o', join(wd, name), join(wd, `${name}.c`)]);
  chownSync(join(wd, name), userIds(TEST_USER).uid, userIds(TEST_USER).gid);
  return wd;
}

/** Tries to push a character into the input of its controlling terminal (TIOCSTI, also with high bits set). */
const TIOCSTI_C = `#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
  int fd = open("/dev/tty", O_RDWR);
  if (fd < 0) { perror("open /dev/tty"); return 1; }
  char c = 'x';
  long a = syscall(SYS_ioctl, fd, TIOCSTI, &c);
  int ea = errno;
  long b = syscall(SYS_ioctl, fd, 0x100000000UL | TIOCSTI, &c);
  printf("tiocsti %ld %d %ld %d\\n", a, ea, b, errno);
  return 0;
}
`;

/** Only creates an AF_VSOCK socket (connects nowhere) and says what happened. */
const VSOCK_C = `#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
int main(void) {
  int s = socket(40 /* AF_VSOCK */, SOCK_STREAM, 0);
  printf("vsock %d %d\\n", s < 0 ? -1 : 0, s < 0 ? errno : 0);
  return 0;
}
`;

/** PTRACE_SEIZE on each pid given; prints the errno for each (0 = attached). */
const PTRACE_C = `#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    long r = ptrace(PTRACE_SEIZE, atoi(argv[i]), 0, 0);
    printf("%d%s", r < 0 ? errno : 0, i + 1 < argc ? " " : "\\n");
  }
  return 0;
}
`;

const haveScript = spawnSync('script', ['--version']).status === 0;

const usedIds: string[] = [];
function jobId(name: string): string {
  const id = `hard-${name}-${process.pid}`;
  usedIds.push(id);
  return id;
}

describe.skipIf(!canRun)('rnx-launch against a hostile caller', () => {
  afterAll(async () => {
    // a run removes what stale entries left; then nothing of these tests' ids may remain
    await run(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--', 'true']);
    for (const id of usedIds) expect(traces(id)).toEqual([]);
  });

  it('a launcher killed while registering its job leaves no registry entry (RLIMIT_FSIZE=0)', async () => {
    const id = jobId('fsize');
    // with a zero file size limit the first write to the entry raises SIGXFSZ: the launcher may die, but
    // never after leaving a half-written entry that no later run would remove
    await run(TEST_USER, 'prlimit', ['--fsize=0:0', '--', LAUNCHER_PATH, '--runtime', TEST_RUNTIME, '--job-id', id, '--', 'true']);
    await run(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--', 'true']);
    expect(traces(id)).toEqual([]);
  });

  it("a caller that ignores SIGCHLD gets the command's exit status, not a hang or a made-up 0", async () => {
    const r = await run(TEST_USER, 'perl', ['-e', '$SIG{CHLD} = "IGNORE"; exec @ARGV', LAUNCHER_PATH, '--runtime', TEST_RUNTIME, '--', 'sh', '-c', 'exit 3'], {
      timeoutMs: 8000,
    });
    expect(r.code, r.stderr).toBe(3);
  });

  it('a failure after registering, with stderr a pipe nobody reads, still cleans up (no SIGPIPE death)', async () => {
    const id = jobId('sigpipe');
    // --cores 1000 passes parsing and fails when the cpuset cgroup is set up, after the registry entry
    const perl = 'pipe(R, W); close(R); open(STDERR, ">&W"); exec @ARGV';
    const r = await run(TEST_USER, 'perl', ['-e', perl, LAUNCHER_PATH, '--runtime', TEST_RUNTIME, '--job-id', id, '--cores', '1000', '--', 'true']);
    expect(r.code).toBe(125);
    expect(traces(id)).toEqual([]);
  });

  it("the caller's resource limits do not constrain the launcher, and the job gets exactly them back", async () => {
    const limits = ['--fsize=0:unlimited', '--nofile=12:4096', '--cpu=50:unlimited', '--as=400000000:unlimited', '--stack=16384:unlimited'];
    const r = await run(TEST_USER, 'prlimit', [
      ...limits,
      '--',
      LAUNCHER_PATH,
      '--runtime',
      TEST_RUNTIME,
      '--',
      'sh',
      '-c',
      'ulimit -f; ulimit -n; ulimit -t; ulimit -v; ulimit -s; ulimit -c',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('0\n12\n50\n390625\n16\n0\n');
  });

  it("a 16 KiB stack limit does not crash the launcher before it raises its limits (main's frame is small)", async () => {
    // The kernel randomizes how much of the initial stack is used; many runs make a crash near the limit show.
    for (let i = 0; i < 25; i++) {
      const r = await run(TEST_USER, 'prlimit', ['--stack=16384:unlimited', '--', LAUNCHER_PATH, '--runtime', TEST_RUNTIME, '--', 'true']);
      expect(r.code, `run ${i}: ${r.stderr}`).toBe(0);
    }
  });

  it('a hard resource limit too low to work with is refused before anything is set up', async () => {
    const id = jobId('rlimit');
    const r = await run(TEST_USER, 'prlimit', ['--fsize=0:0', '--', LAUNCHER_PATH, '--runtime', TEST_RUNTIME, '--job-id', id, '--', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^rnx-launch: RLIMIT_FSIZE is limited to 0, too low to start a job\n$/);
    expect(traces(id)).toEqual([]);
  });

  it('a caller who stops the supervisor (SIGSTOP) does not escape --timeout', async () => {
    let pid1 = 0;
    let launcher = 0;
    const job = launch(['--runtime', TEST_RUNTIME, '--timeout', '1', '--', 'sh', '-c', 'sleep 4; echo survived'], {
      status: true,
      onStarted: (ev, child) => {
        pid1 = ev.pid;
        launcher = child.pid!;
        // the caller owns the launcher's real uid, so it may stop it
        expect(runAsSync(TEST_USER, 'kill', ['-STOP', String(launcher)]).status).toBe(0);
      },
    });
    expect(await waitFor(() => pid1 > 0, 5000)).toBe(true);
    const ended = await waitFor(() => !pidAlive(pid1), 3500);
    runAsSync(TEST_USER, 'kill', ['-CONT', String(launcher)]);
    const r = await job;
    expect(ended).toBe(true);
    expect(r.stdout).not.toContain('survived');
    expect(r.code).toBe(137);
    expect(r.exited).toMatchObject({ timed_out: true, code: 137 });
  });

  it.skipIf(spawnSync('strace', ['-V']).status !== 0)('a timeout longer than 24.8 days does not overflow into an endless wait', () => {
    // the wait for the deadline is a poll(2) in milliseconds (an int): 30 days used to wrap negative (= forever)
    const out = join(mkdtempSync(join(tmpdir(), 'rnx-strace-')), 'trace');
    try {
      const r = spawnSync(
        'strace',
        ['-f', '-e', 'trace=poll', '-o', out, LAUNCHER_PATH, '--runtime', TEST_RUNTIME, '--timeout', '2592000', '--', 'sleep', '0.2'],
        {
          encoding: 'utf8',
        },
      );
      expect(r.status, r.stderr).toBe(0);
      const timeouts = [...readFileSync(out, 'utf8').matchAll(/poll\(\[.*?\], \d+, (-?\d+)/g)].map((m) => Number(m[1]));
      expect(timeouts.length).toBeGreaterThan(0);
      expect(timeouts.filter((t) => t < -1)).toEqual([]);
      expect(timeouts.some((t) => t > 1000)).toBe(true);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });

  it("the command gets the caller's umask (files it writes are not more open than the caller asked)", async () => {
    const r = await run(TEST_USER, 'sh', ['-c', `umask 077; exec ${LAUNCHER_PATH} --runtime ${TEST_RUNTIME} -- sh -c umask`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('0077\n');
  });

  it('--workdir shows the directory as the caller sees it: mounts inside it stay, nothing under them is uncovered', async () => {
    const wd = userDir();
    const sub = join(wd, 'sub');
    mkdirSync(sub);
    writeFileSync(join(sub, 'hidden'), 'under the mount\n', { mode: 0o644 });
    chownSync(sub, userIds(TEST_USER).uid, userIds(TEST_USER).gid);
    // root hides sub's content under a mount the caller cannot enter
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'rnx-test-hide', sub]);
    try {
      expect((await run(TEST_USER, 'cat', [join(sub, 'hidden')])).code).not.toBe(0);
      const r = await run(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--workdir', wd, '--', 'sh', '-c', 'cat sub/hidden; ls -ld sub']);
      expect(r.stdout).not.toContain('under the mount');
      expect(r.stdout).toMatch(/^drwx------\s+\d+\s+root\s+root /m);
    } finally {
      execFileSync('umount', [sub]);
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it('--kill with SIGTERM reaches the command once (PID 1 does not forward what was sent to it directly)', async () => {
    const wd = program('termcount', TERMCOUNT_C);
    try {
      // several at once: a second delivery, when it happens, often merges with the first
      const ids = [1, 2, 3, 4, 5, 6].map((i) => jobId(`term${i}`));
      const jobs = ids.map((id) => run(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--job-id', id, '--workdir', wd, '--', './termcount']));
      expect(await waitFor(() => ids.every((id) => existsSync(`/run/rnx/jobs/${id}`)), 5000)).toBe(true);
      await sleep(300);
      for (const id of ids) expect((await run(TEST_USER, LAUNCHER_PATH, ['--kill', id])).code).toBe(0);
      for (const r of await Promise.all(jobs)) expect(r.stdout).toBe('ready\ncount=1 from=0\n');
      // the supervisor still forwards what the caller sends it
      const fwd = launch(['--runtime', TEST_RUNTIME, '--workdir', wd, '--', './termcount'], {
        status: true,
        onStarted: (_ev, child) => setTimeout(() => child.kill('SIGTERM'), 300),
      });
      expect((await fwd).stdout).toBe('ready\ncount=1 from=1\n');
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it("an OOM kill of a child the command survives is reported (oom) without replacing the command's status", async () => {
    const r = await launch(
      ['--runtime', TEST_RUNTIME, '--memory', '64M', '--', 'sh', '-c', 'dd if=/dev/zero of=/dev/null bs=256M count=1 2>/dev/null; echo dd=$?; exit 0'],
      { status: true },
    );
    expect(r.stdout).toBe('dd=137\n');
    expect(r.code).toBe(0);
    expect(r.exited).toMatchObject({ code: 0, signal: 0, oom: true });
  });

  it.skipIf(!haveScript)('--interactive on a real terminal: the job has it, cannot inject into it, and leaves its modes as they were', async () => {
    const wd = program('tiocsti', TIOCSTI_C);
    try {
      const job = `[ -t 0 ] && echo job-has-tty; stty -g </dev/tty >/dev/null && echo ctty-ok; ./tiocsti; stty raw -echo`;
      const L = `${LAUNCHER_PATH} --runtime ${TEST_RUNTIME} --interactive --workdir ${wd}`;
      // inside script(1)'s pseudo-terminal: modes before, a job that sets raw -echo, modes after; then a job
      // that sets them and is killed by its timeout
      const inner = `stty -g; ${L} -- sh -c '${job}'; echo rc=$?; stty -g; ${L} --timeout 1 -- sh -c 'stty raw -echo; sleep 5'; echo rc=$?; stty -g`;
      const r = await run(TEST_USER, 'script', ['-qec', inner, '/dev/null'], { env: { PATH: '/usr/bin:/bin', SHELL: '/bin/sh', TERM: 'xterm' } });
      const lines = r.stdout.replace(/\r/g, '').trim().split('\n');
      expect(lines.slice(1, 5)).toEqual(['job-has-tty', 'ctty-ok', 'tiocsti -1 1 -1 1', 'rc=0']);
      expect(lines[6]).toBe('rc=137');
      const modes = [lines[0], lines[5], lines[7]];
      expect(modes[0]).toMatch(/^[0-9a-f]+(:[0-9a-f]+)+$/);
      expect(modes).toEqual([modes[0], modes[0], modes[0]]);
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveScript)('--interactive: ^C typed on the terminal interrupts the job', async () => {
    const { gid } = userIds(TEST_USER);
    const inner = `trap : INT; ${LAUNCHER_PATH} --runtime ${TEST_RUNTIME} --interactive -- sh -c 'echo started; sleep 8; echo not-interrupted'; echo rc=$?`;
    const child = spawn('setpriv', [`--reuid=${TEST_USER}`, `--regid=${gid}`, '--init-groups', '--', 'script', '-qec', inner, '/dev/null'], {
      env: { PATH: '/usr/bin:/bin', SHELL: '/bin/sh', TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const t0 = Date.now();
    expect(await waitFor(() => out.includes('started'), 5000)).toBe(true);
    child.stdin.write('\x03');
    expect(await waitFor(() => out.includes('rc='), 5000)).toBe(true);
    child.kill('SIGKILL');
    expect(out).toMatch(/rc=130/);
    expect(out).not.toContain('not-interrupted');
    expect(Date.now() - t0).toBeLessThan(6000);
  });

  it("the supervisor leaves the caller's cwd, and what it creates belongs to root, not the caller's group", async () => {
    const id = jobId('owner');
    const wd = userDir();
    let cwd = '';
    let gids: number[] = [];
    try {
      const r = await launch(['--runtime', TEST_RUNTIME, '--job-id', id, '--', 'sleep', '0.5'], {
        status: true,
        cwd: wd,
        onStarted: (ev, child) => {
          cwd = readlinkSync(`/proc/${child.pid}/cwd`);
          gids = [`/run/rnx/jobs/${id}`, ...Object.values(ev.cgroups)].map((p) => statSync(p).gid);
        },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(cwd).toBe('/');
      expect(gids.length).toBeGreaterThan(1);
      expect(gids.every((g) => g === 0)).toBe(true);
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it('--net none also shuts AF_VSOCK, which network namespaces do not confine', async () => {
    const wd = program('vsock', VSOCK_C);
    try {
      const r = await launch(['--runtime', TEST_RUNTIME, '--workdir', wd, '--', './vsock']);
      expect(r.stdout).toBe('vsock -1 97\n'); // EAFNOSUPPORT
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it('the caller can neither ptrace nor read the memory or environment of the supervisor, its guard or PID 1', async () => {
    const wd = program('seize', PTRACE_C);
    let pids: number[] = [];
    try {
      const job = launch(['--runtime', TEST_RUNTIME, '--', 'sleep', '1.5'], {
        status: true,
        onStarted: (_ev, child) => {
          const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
          pids = [child.pid!, ...kids]; // the supervisor, PID 1 and the guard
        },
      });
      expect(await waitFor(() => pids.length > 0, 5000)).toBe(true);
      expect(pids.length).toBe(3);
      const seize = await run(TEST_USER, join(wd, 'seize'), pids.map(String));
      expect(seize.stdout).toBe('1 1 1\n'); // EPERM each
      const peek = await run(TEST_USER, 'sh', [
        '-c',
        pids.map((p) => `cat /proc/${p}/environ /proc/${p}/mem 2>/dev/null && echo read-${p}`).join('; ') + '; true',
      ]);
      expect(peek.stdout).toBe('');
      expect((await job).code).toBe(0);
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveGdb)('a cleaner stopped after finding a stale entry cannot later kill a new job that took the same id', async () => {
    const id = jobId('race');
    await staleJob(id);
    const dir = mkdtempSync(join(tmpdir(), 'rnx-race-'));
    chmodSync(dir, 0o777);
    const { gid } = userIds(TEST_USER);
    // while the cleaner (a run by anyone) is held between its decision and its action, a job reuses the id
    writeFileSync(
      join(dir, 'hook.sh'),
      `#!/bin/sh\n( setpriv --reuid=${TEST_USER} --regid=${gid} --init-groups ${LAUNCHER_PATH} --runtime ${TEST_RUNTIME} --job-id ${id} --status-fd 3 -- sleep 1 3>${dir}/events 2>${dir}/err </dev/null >/dev/null; echo $? > ${dir}/rc ) </dev/null >/dev/null 2>&1 &\n` +
        `i=0; while [ $i -lt 100 ]; do [ -s ${dir}/rc ] && exit 0; grep -q started ${dir}/events 2>/dev/null && exit 0; sleep 0.05; i=$((i+1)); done\n`,
      { mode: 0o755 },
    );
    try {
      const cleaner = underGdb(`cg_paths_for if $_streq((char*)$rdx, "${id}")`, join(dir, 'hook.sh'), ['--runtime', TEST_RUNTIME, '--', 'true']);
      expect(cleaner.stdout).toContain('Breakpoint 1, ');
      expect(await waitFor(() => existsSync(join(dir, 'rc')) && readFileSync(join(dir, 'rc'), 'utf8').trim() !== '', 10_000)).toBe(true);
      const rc = Number(readFileSync(join(dir, 'rc'), 'utf8'));
      // either the new job was refused (the id was still held) or it ran to its end: never killed by the cleaner
      if (rc === 125) expect(readFileSync(join(dir, 'err'), 'utf8')).toMatch(/already in use/);
      else expect(rc).toBe(0);
      expect(traces(id)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveGdb)("--kill stopped after checking the owner cannot signal another user's job that took the id meanwhile", async () => {
    const id = jobId('killrace');
    const mine = spawnAs(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--job-id', id, '--', 'sleep', '30'], { stdio: 'ignore' });
    const mineDone = new Promise((r) => mine.on('close', r));
    expect(await waitFor(() => existsSync(`/run/rnx/jobs/${id}`), 5000)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'rnx-killrace-'));
    chmodSync(dir, 0o777);
    const other = userIds(OTHER_USER);
    // held after reading the entry (owner: the caller): the caller's job ends, another user's job takes the id
    writeFileSync(
      join(dir, 'hook.sh'),
      `#!/bin/sh\nkill -TERM ${mine.pid}\ni=0; while [ -e /run/rnx/jobs/${id} ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done\n` +
        `( setpriv --reuid=${OTHER_USER} --regid=${other.gid} --init-groups ${LAUNCHER_PATH} --runtime ${TEST_RUNTIME} --job-id ${id} --status-fd 3 -- sleep 1 3>${dir}/events 2>${dir}/err </dev/null >/dev/null; echo $? > ${dir}/rc ) </dev/null >/dev/null 2>&1 &\n` +
        `i=0; while [ $i -lt 100 ]; do [ -s ${dir}/rc ] && exit 0; grep -q started ${dir}/events 2>/dev/null && exit 0; sleep 0.05; i=$((i+1)); done\n`,
      { mode: 0o755 },
    );
    try {
      const killer = underGdb(`cg_paths_for if $_streq((char*)$rdx, "${id}")`, join(dir, 'hook.sh'), ['--kill', id, '--signal', '9'], TEST_USER);
      expect(killer.stdout).toContain('Breakpoint 1, ');
      await mineDone;
      expect(await waitFor(() => existsSync(join(dir, 'rc')) && readFileSync(join(dir, 'rc'), 'utf8').trim() !== '', 10_000)).toBe(true);
      expect(readFileSync(join(dir, 'events'), 'utf8')).toContain('"started"');
      expect(Number(readFileSync(join(dir, 'rc'), 'utf8'))).toBe(0);
      expect(killer.stdout + killer.stderr).toMatch(/no such job/);
    } finally {
      mine.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveGdb)("--kill held between reading the job's pids and signalling them does not hit whoever reuses a pid", async () => {
    const id = jobId('pidreuse');
    const dir = mkdtempSync(join(tmpdir(), 'rnx-pidreuse-'));
    writeFileSync(join(dir, 'mkpid.c'), MKPID_C);
    spawnSync('gcc', ['-O1', '-o', join(dir, 'mkpid'), join(dir, 'mkpid.c')]);
    let started: { pid: number; cgroups: Record<string, string> } | undefined;
    const job = launch(['--runtime', TEST_RUNTIME, '--job-id', id, '--', 'sleep', '30'], { status: true, onStarted: (ev) => (started = ev) });
    const victims: number[] = [];
    try {
      expect(await waitFor(() => started !== undefined, 5000)).toBe(true);
      const cg = started!.cgroups.freezer ?? started!.cgroups.unified!;
      const pids = readFileSync(`${cg}/cgroup.procs`, 'utf8').trim().split('\n').map(Number);
      expect(pids.length).toBe(2); // the job's PID 1 and sleep
      const thaw = started!.cgroups.freezer ? `echo THAWED > ${cg}/freezer.state` : `echo 0 > ${cg}/cgroup.freeze`;
      // held with the job's pids in hand: the job ends, and new processes of someone else get those pids
      writeFileSync(
        join(dir, 'hook.sh'),
        `#!/bin/sh\n${thaw}\nkill -KILL ${started!.pid}\n` +
          pids.map((p) => `i=0; while [ -e /proc/${p} ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i+1)); done\n`).join('') +
          `${dir}/mkpid ${pids.join(' ')} > ${dir}/victims\n`,
        { mode: 0o755 },
      );
      const killer = underGdb(['kill', 'pidfd_send_signal'], join(dir, 'hook.sh'), ['--kill', id, '--signal', '9']);
      expect(killer.stdout).toMatch(/Breakpoint \d, /);
      victims.push(...readFileSync(join(dir, 'victims'), 'utf8').trim().split('\n').filter(Boolean).map(Number));
      expect(victims.sort()).toEqual([...pids].sort());
      for (const v of victims) expect(pidAlive(v)).toBe(true);
    } finally {
      for (const v of victims) spawnSync('kill', ['-KILL', String(v)]);
      await job;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
