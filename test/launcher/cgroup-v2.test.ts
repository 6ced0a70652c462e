// The cgroup v2 code path. On a v2 host the launcher is run as it is; on a hybrid host (v1 controllers, plus a
// cgroup2 "unified" hierarchy) the launcher runs in a private mount namespace where that hierarchy is mounted
// on /sys/fs/cgroup, so it takes its v2 path for real. The unified hierarchy of a hybrid host has no memory,
// pids or cpu controller, so there the policy is bound over with one that sets no limits.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRun, sleep, waitFor, LAUNCHER_PATH, TEST_RUNTIME } from './harness.js';
import { EventStream, type ExitedEvent, type StartedEvent } from '../../src/launcher/events.js';
import { TEST_USER, userIds } from '../support/users.js';

function fsType(path: string): string {
  const r = spawnSync('stat', ['-f', '-c', '%T', path], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}
const nativeV2 = fsType('/sys/fs/cgroup') === 'cgroup2fs';
const hybrid = !nativeV2 && fsType('/sys/fs/cgroup/unified') === 'cgroup2fs';
/** where the v2 hierarchy is, seen from here */
const V2_ROOT = nativeV2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';

const NO_LIMITS_CONF = `runtimes_dir = /opt/rnx/runtimes
allow_users = *
max_memory = 0
default_memory = 0
max_pids = 0
default_pids = 0
`;

interface V2Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  started?: StartedEvent;
  exited?: ExitedEvent;
  launcherPid: number;
}

let confDir = '';

/** Runs the launcher as the test user, on the v2 hierarchy, with --status-fd 3. */
function v2launch(args: string[], onStarted?: (ev: StartedEvent, launcherPid: number) => void): Promise<V2Run> {
  const { gid } = userIds(TEST_USER);
  const asUser = ['setpriv', `--reuid=${TEST_USER}`, `--regid=${gid}`, '--init-groups', LAUNCHER_PATH, '--status-fd', '3', ...args];
  // unshare, sh, setpriv and the launcher all exec: the pid spawned is the launcher's
  const [cmd, ...argv] = hybrid
    ? [
        'unshare',
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        `mount --bind ${V2_ROOT} /sys/fs/cgroup && mount --bind ${confDir}/launcher.conf /etc/rnx/launcher.conf && exec "$@"`,
        'sh',
        ...asUser,
      ]
    : asUser;
  const child = spawn(cmd!, argv, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const r: V2Run = { code: null, signal: null, stdout: '', stderr: '', launcherPid: child.pid! };
  child.stdout!.on('data', (d: Buffer) => (r.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (r.stderr += d.toString()));
  const events = new EventStream();
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
    for (const ev of events.push(d)) {
      if (ev.event === 'started') {
        r.started = ev;
        onStarted?.(ev, child.pid!);
      } else if (ev.event === 'exited') r.exited = ev;
    }
  });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ ...r, code, signal })));
}

/** --kill as the test user, from this (the host's) mount namespace */
function kill(id: string, sig?: number): number | null {
  const { gid } = userIds(TEST_USER);
  const extra = sig ? ['--signal', String(sig)] : [];
  return spawnSync('setpriv', [`--reuid=${TEST_USER}`, `--regid=${gid}`, '--init-groups', LAUNCHER_PATH, '--kill', id, ...extra]).status;
}

function gone(id: string): boolean {
  return !existsSync(`${V2_ROOT}/rnx/${id}`) && !existsSync(`/run/rnx/jobs/${id}`);
}

const ids: string[] = [];
const id = (n: string) => {
  const s = `v2-${n}-${process.pid}`;
  ids.push(s);
  return s;
};

describe.skipIf(!canRun || (!nativeV2 && !hybrid))('rnx-launch on cgroup v2', () => {
  beforeAll(() => {
    confDir = mkdtempSync(join(tmpdir(), 'rnx-v2conf-'));
    chmodSync(confDir, 0o755);
    writeFileSync(join(confDir, 'launcher.conf'), NO_LIMITS_CONF, { mode: 0o644 });
  });
  afterAll(() => {
    rmSync(confDir, { recursive: true, force: true });
    for (const i of ids) expect(gone(i), i).toBe(true);
  });

  it('runs the job in its own v2 cgroup, joined before the command starts, and removes it afterwards', async () => {
    const j = id('run');
    const r = await v2launch(['--runtime', TEST_RUNTIME, '--job-id', j, '--', 'sh', '-c', 'grep ^0:: /proc/self/cgroup']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`0::/rnx/${j}\n`);
    expect(r.started).toMatchObject({ cgroup_mode: 'v2', cgroups: { unified: `/sys/fs/cgroup/rnx/${j}` } });
    expect(r.exited).toMatchObject({ code: 0, oom: false });
    expect(r.exited!.cpu_usec).toBeGreaterThan(0);
    expect(gone(j)).toBe(true);
  });

  it('--kill, even from a mount namespace where v2 is not /sys/fs/cgroup: SIGTERM via the freezer, SIGKILL via cgroup.kill', async () => {
    const a = id('term');
    const ra = v2launch(['--runtime', TEST_RUNTIME, '--job-id', a, '--', 'sh', '-c', 'trap "echo term; exit 7" TERM; while :; do sleep 0.05; done']);
    expect(await waitFor(() => existsSync(`${V2_ROOT}/rnx/${a}`), 5000)).toBe(true);
    await sleep(200);
    expect(kill(a)).toBe(0);
    const doneA = await ra;
    expect(doneA.code).toBe(7);
    expect(doneA.stdout).toBe('term\n');

    const b = id('kill');
    const rb = v2launch(['--runtime', TEST_RUNTIME, '--job-id', b, '--', 'sh', '-c', 'trap "" TERM; sleep 30 & sleep 30']);
    expect(await waitFor(() => existsSync(`${V2_ROOT}/rnx/${b}`), 5000)).toBe(true);
    await sleep(200);
    expect(kill(b, 9)).toBe(0);
    const doneB = await rb;
    expect(doneB.code).toBe(137);
    expect(gone(b)).toBe(true);
  });

  it('--timeout ends everything in the v2 cgroup', async () => {
    const j = id('timeout');
    const t0 = Date.now();
    const r = await v2launch(['--runtime', TEST_RUNTIME, '--job-id', j, '--timeout', '1', '--', 'sh', '-c', 'sleep 30 & sleep 30']);
    expect(r.code).toBe(137);
    expect(r.exited).toMatchObject({ timed_out: true });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(gone(j)).toBe(true);
  });

  it('a v2 job whose launcher and guard were killed is cleaned up by the next run, whatever hierarchy that run uses', async () => {
    const j = id('stale');
    let pid1 = 0;
    await v2launch(['--runtime', TEST_RUNTIME, '--job-id', j, '--', 'sleep', '30'], (ev, launcher) => {
      pid1 = ev.pid;
      const kids = readFileSync(`/proc/${launcher}/task/${launcher}/children`, 'utf8').trim().split(/\s+/).map(Number);
      for (const k of kids) if (k !== ev.pid) process.kill(k, 'SIGKILL'); // the guard (root only can)
      process.kill(launcher, 'SIGKILL');
    });
    expect(pid1).toBeGreaterThan(0);
    expect(existsSync(`/run/rnx/jobs/${j}`)).toBe(true);
    // a run in this (the host's) mount namespace
    const { gid } = userIds(TEST_USER);
    const r = spawnSync('setpriv', [`--reuid=${TEST_USER}`, `--regid=${gid}`, '--init-groups', LAUNCHER_PATH, '--runtime', TEST_RUNTIME, '--', 'true']);
    expect(r.status).toBe(0);
    expect(await waitFor(() => gone(j), 3000)).toBe(true);
  });

  it.skipIf(!hybrid)('a limit the v2 hierarchy has no controller for is refused, not ignored', async () => {
    const j = id('nomem');
    const r = await v2launch(['--runtime', TEST_RUNTIME, '--job-id', j, '--memory', '64M', '--', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^rnx-launch: cannot set cgroup memory\.max/);
    expect(r.started).toBeUndefined();
    expect(gone(j)).toBe(true);
  });
});
