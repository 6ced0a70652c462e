// Scheduling state a hostile caller hands down through the setuid execve: a huge timer slack (every timeout of
// the supervisor and the guard wakes that much late, stretching --timeout and max_timeout), nice 19, SCHED_IDLE,
// one CPU, idle I/O class, oom_score_adj 1000, memory bound to one NUMA node. The launcher's processes must run with their own values; the
// command gets the caller's back (its own to choose, for its own process).
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStream, type StartedEvent } from '../../src/launcher/events.js';
import { canRun, pidAlive, waitFor, userDir, LAUNCHER_PATH as INSTALLED, TEST_RUNTIME } from './harness.js';
import { TEST_USER, spawnAs, userIds } from '../support/users.js';

// RNX_LAUNCHER_UNDER_TEST: run these tests against another (setuid) build, e.g. an older one
const LAUNCHER_PATH = process.env.RNX_LAUNCHER_UNDER_TEST ?? INSTALLED;
const SLACK_NS = 10_000_000_000; // 10 s

/** Sets a hostile scheduling state on itself, then execs argv[1..]. */
const HOSTILE_C = `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  (void)argc;
  if (prctl(PR_SET_TIMERSLACK, ${SLACK_NS}UL, 0, 0, 0) < 0) { perror("timerslack"); return 2; }
  if (setpriority(PRIO_PROCESS, 0, 19) < 0) { perror("nice"); return 2; }
  struct sched_param p = { 0 };
  if (sched_setscheduler(0, SCHED_IDLE, &p) < 0) { perror("SCHED_IDLE"); return 2; }
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(atoi(getenv("PIN_CPU")), &set);
  if (sched_setaffinity(0, sizeof set, &set) < 0) { perror("affinity"); return 2; }
  if (syscall(SYS_ioprio_set, 1 /* WHO_PROCESS */, 0, 3 << 13 /* IDLE */) < 0) { perror("ioprio"); return 2; }
  int fd = open("/proc/self/oom_score_adj", O_WRONLY);
  if (fd < 0 || write(fd, "1000", 4) != 4) { perror("oom_score_adj"); return 2; }
  close(fd);
  unsigned long node0 = 1;
  if (syscall(SYS_set_mempolicy, 2 /* MPOL_BIND */, &node0, 65) < 0 && errno != ENOSYS) { perror("mempolicy"); return 2; }
  execv(argv[1], argv + 1);
  perror("execv");
  return 127;
}
`;

/** Runs in the job: prints its own scheduling state, then waits. */
const PROBE_C = `#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void) {
  char oom[16] = "";
  FILE *f = fopen("/proc/self/oom_score_adj", "r");
  if (f) { if (fgets(oom, sizeof oom, f)) oom[strcspn(oom, "\\n")] = 0; fclose(f); }
  cpu_set_t set;
  sched_getaffinity(0, sizeof set, &set);
  printf("slack=%ld nice=%d policy=%d oom=%s ioprio=%ld cpus=%d\\n", syscall(SYS_prctl, PR_GET_TIMERSLACK, 0, 0, 0, 0),
         getpriority(PRIO_PROCESS, 0), sched_getscheduler(0), oom, syscall(SYS_ioprio_get, 1, 0), CPU_COUNT(&set));
  fflush(stdout);
  sleep(20);
  return 0;
}
`;

interface SchedState {
  slack: number;
  nice: number;
  policy: number;
  oom: number;
  cpus: string;
  ioprio: string;
  /** the policy of the first mapping in numa_maps ('-' without NUMA support) */
  mempolicy: string;
}

function state(pid: number): SchedState {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    slack: Number(readFileSync(`/proc/${pid}/timerslack_ns`, 'utf8')),
    nice: Number(f[19 - 3]),
    policy: Number(f[41 - 3]),
    oom: Number(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8')),
    cpus: /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)![1]!,
    ioprio: execFileSync('ionice', ['-p', String(pid)], { encoding: 'utf8' }).trim(),
    mempolicy: numa ? readFileSync(`/proc/${pid}/numa_maps`, 'utf8').split(' ')[1]! : '-',
  };
}

const numa = existsSync('/proc/self/numa_maps');
const dirs: string[] = [];
/** A directory every user can enter, holding `name` built from `source` (static when it runs in the job). */
function build(name: string, source: string, isStatic: boolean, dir?: string): string {
  const d = dir ?? userDir('rnx-inherited-');
  if (!dir) dirs.push(d);
  writeFileSync(join(d, `${name}.c`), source);
  execFileSync('gcc', [...(isStatic ? ['-static'] : []), '-O1', '-o', join(d, name), join(d, `${name}.c`)]);
  chownSync(join(d, name), userIds(TEST_USER).uid, userIds(TEST_USER).gid);
  chmodSync(join(d, name), 0o755);
  return join(d, name);
}

const ownCpus = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
/** the last CPU we may use: the hostile caller pins itself there */
const pinCpu = String(Math.max(...ownCpus.split(',').map((r) => Number(r.split('-').at(-1)))));
const multiCpu = ownCpus !== pinCpu;

/** Runs the launcher as the test user through `wrapper` (which sets the hostile state, pinned to PIN_CPU, then execs it). */
function launchThrough(wrapper: string, args: string[], timeout: number) {
  return spawnSync(
    'setpriv',
    [`--reuid=${TEST_USER}`, `--regid=${userIds(TEST_USER).gid}`, '--init-groups', '--', wrapper, LAUNCHER_PATH, '--runtime', TEST_RUNTIME, ...args],
    { env: { PATH: '/usr/bin:/bin', PIN_CPU: pinCpu }, encoding: 'utf8', timeout },
  );
}

describe.skipIf(!canRun || spawnSync('gcc', ['--version']).status !== 0)('rnx-launch against inherited scheduling state', () => {
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("the supervisor and the guard reset timer slack, nice, policy, affinity, I/O class, oom_score_adj and memory policy; the job gets the caller's", async () => {
    const hostile = build('hostile', HOSTILE_C, false);
    const wd = join(hostile, '..');
    build('probe', PROBE_C, true, wd);
    const child = spawnAs(TEST_USER, hostile, [LAUNCHER_PATH, '--status-fd', '3', '--runtime', TEST_RUNTIME, '--workdir', wd, '--', './probe'], {
      env: { PATH: '/usr/bin:/bin', PIN_CPU: pinCpu },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const events = new EventStream();
    let started: StartedEvent | undefined;
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      for (const ev of events.push(d)) if (ev.event === 'started') started = ev;
    });
    const closed = new Promise((r) => child.on('close', r));
    try {
      expect(await waitFor(() => started !== undefined && out.includes('\n'), 10_000), err).toBe(true);
      const launcher = child.pid!;
      const kids = readFileSync(`/proc/${launcher}/task/${launcher}/children`, 'utf8').trim().split(/\s+/).map(Number);
      const guard = kids.find((k) => k !== started!.pid);
      expect(guard).toBeDefined();
      const own: SchedState = { slack: 50000, nice: 0, policy: 0, oom: 0, cpus: ownCpus, ioprio: 'none: prio 0', mempolicy: numa ? 'default' : '-' };
      expect(state(launcher)).toEqual(own);
      expect(state(guard!)).toEqual(own);
      // the job's PID 1 and the command run with what the caller chose for itself
      const job = { slack: SLACK_NS, nice: 19, policy: 5, oom: 1000, cpus: pinCpu, ioprio: 'idle', mempolicy: numa ? 'bind:0' : '-' };
      expect(state(started!.pid)).toEqual(job);
      expect(out).toBe(`slack=${SLACK_NS} nice=19 policy=5 oom=1000 ioprio=${3 << 13} cpus=1\n`);
    } finally {
      child.kill('SIGKILL');
      await closed;
      if (started) await waitFor(() => !pidAlive(started!.pid), 5000);
    }
  });

  it("a caller's 10 s timer slack does not stretch --timeout 1 (the job ends well before the slack could pass)", async () => {
    const hostile = build('hostile', HOSTILE_C, false);
    const t0 = Date.now();
    const r = launchThrough(hostile, ['--timeout', '1', '--', 'sleep', '30'], 40_000);
    const ms = Date.now() - t0;
    expect(r.status, r.stderr).toBe(137);
    // with the slack inherited, the deadline's wake-up comes 1 to 11 s late; without it, at once
    expect(ms).toBeLessThan(8000);
  });

  it.skipIf(!multiCpu)("the caller's CPU affinity is narrowed to the job's cpuset with --cores, or left to it when they share no CPU", async () => {
    const hostile = build('hostile', HOSTILE_C, false);
    const run = (cores: string) => launchThrough(hostile, ['--cores', cores, '--', 'sh', '-c', 'grep Cpus_allowed_list /proc/self/status'], 20_000);
    const same = run(pinCpu);
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toMatch(new RegExp(`:\\s*${pinCpu}\\n$`));
    const other = run('0');
    expect(other.status, other.stderr).toBe(0);
    expect(other.stdout).toMatch(/:\s*0\n$/);
  });
});
