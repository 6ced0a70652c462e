// Exit codes, signals, supervision, limits, cleanup, --kill, --detach and status events.
import { describe, it, expect, afterAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { canRun, launch, sh, sleep, waitFor, pidAlive, TEST_RUNTIME, LAUNCHER_PATH } from './harness.js';
import { OTHER_USER, TEST_USER, spawnAs, userIds } from '../support/users.js';
import { parseEventLine } from '../../src/launcher/events.js';

// fixed job ids, made unique to this run (other runs of these tests may share the machine)
const id = (name: string) => `${name}-${process.pid}`;
const OWN_IDS = ['evt-test', 'cg-member', 'killed-launcher', 'killed-launcher2', 'caller-dies', 'kill-test', 'detach-test'].map(id);

/** registry entries and cgroups of this file's own job ids that are still there */
function leftovers(): string[] {
  const out: string[] = [];
  for (const j of OWN_IDS) {
    for (const c of ['memory', 'pids', 'cpu', 'cpuacct', 'cpuset', 'freezer', 'unified']) {
      if (existsSync(`/sys/fs/cgroup/${c}/rnx/${j}`)) out.push(`${c}/${j}`);
    }
    if (existsSync(`/sys/fs/cgroup/rnx/${j}`)) out.push(`v2/${j}`);
    if (existsSync(`/run/rnx/jobs/${j}`)) out.push(`registry/${j}`);
  }
  return out;
}

describe.skipIf(!canRun)('rnx-launch lifecycle', () => {
  afterAll(async () => {
    // the next run cleans what a killed launcher left; after that nothing may remain
    await sh('true');
    expect(leftovers()).toEqual([]);
  });

  it.each([
    ['exit 0', 0],
    ['exit 1', 1],
    ['exit 42', 42],
    ['kill -TERM $$', 143],
    ['kill -KILL $$', 137],
    ['kill -USR1 $$', 128 + 10],
  ])('%s gives %i', async (script, code) => {
    const r = await sh(script, [], { status: true });
    expect(r.code, r.stderr).toBe(code);
    expect(r.exited?.code).toBe(code);
    expect(r.exited?.signal).toBe(code > 128 ? code - 128 : 0);
  });

  it('127 when the command is not in the runtime, 126 when it is not executable', async () => {
    const a = await launch(['--runtime', TEST_RUNTIME, '--', 'no-such-command']);
    expect(a.code).toBe(127);
    expect(a.stderr).toMatch(/not found/);
    const b = await launch(['--runtime', TEST_RUNTIME, '--', '/etc/passwd']);
    expect(b.code).toBe(126);
    const c = await launch(['--runtime', TEST_RUNTIME, '--', '/tmp']);
    expect(c.code).toBe(126);
  });

  it('status events are valid JSON lines with the documented fields', async () => {
    const r = await sh('echo hi', ['--job-id', id('evt-test')], { status: true });
    expect(r.code).toBe(0);
    expect(r.events.map((e) => e.event)).toEqual(['started', 'exited']);
    const s = r.started!;
    expect(s.job_id).toBe(id('evt-test'));
    expect(s.pid).toBeGreaterThan(1);
    expect(['v1', 'v2']).toContain(s.cgroup_mode);
    for (const p of Object.values(s.cgroups)) expect(p).toMatch(new RegExp(`^/sys/fs/cgroup/.+/rnx/${id('evt-test')}$`));
    if (s.cgroup_mode === 'v1') expect(Object.keys(s.cgroups)).toEqual(expect.arrayContaining(['memory', 'pids', 'freezer']));
    const x = r.exited!;
    expect(x).toMatchObject({ event: 'exited', job_id: id('evt-test'), code: 0, signal: 0, oom: false, timed_out: false });
    expect(x.wall_usec).toBeGreaterThan(0);
    expect(x.peak_memory).toBeGreaterThan(0);
    expect(() => parseEventLine(JSON.stringify(x))).not.toThrow();
  });

  it('the command, and what it starts, are in every cgroup of the job (PID 1 joined them itself)', async () => {
    const r = await sh('cat /proc/self/cgroup; echo --; sh -c "cat /proc/self/cgroup"', ['--job-id', id('cg-member')], { status: true });
    expect(r.code, r.stderr).toBe(0);
    const [own, child] = r.stdout.split('--\n');
    const controllers = Object.keys(r.started!.cgroups);
    expect(controllers.length).toBeGreaterThan(0);
    for (const listing of [own!, child!]) {
      for (const c of controllers) {
        // v1 lines are "N:memory:/rnx/ID" (co-mounted: "N:cpu,cpuacct:/rnx/ID"); v2 is "0::/rnx/ID"
        const line = listing.split('\n').find((l) => (c === 'unified' ? l.startsWith('0::') : l.split(':')[1]?.split(',').includes(c)));
        expect(line, `${c} in\n${listing}`).toMatch(new RegExp(`:/rnx/${id('cg-member')}$`));
      }
    }
  });

  it('forwards SIGTERM to the command', async () => {
    const r = await sh('trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done', [], {
      status: true,
      onStarted: (_ev, child) => setTimeout(() => child.kill('SIGTERM'), 300),
    });
    expect(r.stdout).toBe('ready\ngot-term\n');
    expect(r.code).toBe(3);
  });

  it('killing the launcher kills the job, and its guard removes its cgroups and registry entry at once', async () => {
    let pid1 = 0;
    let jobCgroups: string[] = [];
    const r = await sh('sleep 30', ['--job-id', id('killed-launcher')], {
      status: true,
      onStarted: (ev, child) => {
        pid1 = ev.pid;
        jobCgroups = Object.values(ev.cgroups);
        setTimeout(() => child.kill('SIGKILL'), 200);
      },
    });
    expect(r.signal).toBe('SIGKILL');
    expect(pid1).toBeGreaterThan(0);
    expect(await waitFor(() => !pidAlive(pid1), 3000)).toBe(true);
    // no later run needed
    expect(await waitFor(() => !existsSync(`/run/rnx/jobs/${id('killed-launcher')}`) && jobCgroups.every((p) => !existsSync(p)), 3000)).toBe(true);
  });

  it('if the guard is killed too (only root can), the next run removes what is left', async () => {
    let pid1 = 0;
    let jobCgroups: string[] = [];
    const r = await sh('sleep 30', ['--job-id', id('killed-launcher2')], {
      status: true,
      onStarted: (ev, child) => {
        pid1 = ev.pid;
        jobCgroups = Object.values(ev.cgroups);
        // the launcher's children: the job's PID 1 and the guard
        const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
        for (const k of kids) if (k !== ev.pid) process.kill(k, 'SIGKILL');
        child.kill('SIGKILL');
      },
    });
    expect(r.signal).toBe('SIGKILL');
    expect(await waitFor(() => !pidAlive(pid1), 3000)).toBe(true);
    expect(existsSync(`/run/rnx/jobs/${id('killed-launcher2')}`)).toBe(true);
    expect((await sh('true')).code).toBe(0);
    for (const p of jobCgroups) expect(existsSync(p)).toBe(false);
    expect(existsSync(`/run/rnx/jobs/${id('killed-launcher2')}`)).toBe(false);
  });

  it('the job dies when the caller dies', async () => {
    const { gid } = userIds(TEST_USER);
    // a caller shell that starts the launcher in the background and is then SIGKILLed
    const caller = spawnAs(
      TEST_USER,
      'sh',
      ['-c', `${LAUNCHER_PATH} --runtime ${TEST_RUNTIME} --job-id ${id('caller-dies')} --status-fd 3 -- sleep 30 3>&1 & wait`],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    void gid;
    let out = '';
    caller.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    expect(await waitFor(() => out.includes('"started"'), 5000)).toBe(true);
    const pid1 = JSON.parse(out.split('\n')[0]!).pid as number;
    caller.kill('SIGKILL');
    expect(await waitFor(() => !pidAlive(pid1), 3000)).toBe(true);
    expect(await waitFor(() => !existsSync(`/run/rnx/jobs/${id('caller-dies')}`), 3000)).toBe(true);
  });

  it('reaps orphans, and ends what the command leaves behind', async () => {
    const r = await sh(
      '(sleep 0.2 & echo $! > /tmp/p); sleep 0.6; p=$(cat /tmp/p); if [ -e /proc/$p ]; then echo zombie; else echo reaped; fi; sleep 60 & exit 5',
    );
    expect(r.stdout).toBe('reaped\n');
    expect(r.code).toBe(5);
    expect(r.ms).toBeLessThan(5000);
  });

  it('--timeout kills the job with 137 and timed_out', async () => {
    const r = await sh('sleep 20', ['--timeout', '1'], { status: true });
    expect(r.code).toBe(137);
    expect(r.exited).toMatchObject({ timed_out: true, code: 137 });
    expect(r.ms).toBeLessThan(4000);
  });

  it('a memory hog is OOM-killed and reported', async () => {
    const r = await launch(['--runtime', TEST_RUNTIME, '--memory', '64M', '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=256M', 'count=1'], { status: true });
    expect(r.code).toBe(137);
    expect(r.exited).toMatchObject({ oom: true, code: 137 });
    expect(r.exited!.peak_memory).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(r.exited!.peak_memory).toBeGreaterThan(32 * 1024 * 1024);
  });

  it('a fork bomb stops at the pids limit', async () => {
    let maxSeen = 0;
    let pidsDir = '';
    // every process forks more, forever: only the pids limit stops it
    const r = await sh('f() { while :; do f & sleep 0.01; done; }; f 2>/dev/null & sleep 2', ['--pids', '40', '--timeout', '20'], {
      status: true,
      onStarted: (ev) => {
        pidsDir = ev.cgroups.pids ?? ev.cgroups.unified ?? '';
        const t = setInterval(() => {
          try {
            maxSeen = Math.max(maxSeen, Number(readFileSync(`${pidsDir}/pids.current`, 'utf8')));
          } catch {
            clearInterval(t);
          }
        }, 50);
      },
    });
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(6000);
    expect(maxSeen).toBeGreaterThan(30);
    expect(maxSeen).toBeLessThanOrEqual(40);
    // the host is fine: a normal job still runs
    expect((await sh('echo ok')).stdout).toBe('ok\n');
  });

  it('--cpu 50 gives about half a core', async () => {
    const r = await sh('timeout 2 sh -c "while :; do :; done"; true', ['--cpu', '50'], { status: true });
    expect(r.code, r.stderr).toBe(0);
    const share = r.exited!.cpu_usec / r.exited!.wall_usec;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.65);
  });

  it('--cores pins the job', async () => {
    const r = await sh('grep Cpus_allowed_list /proc/self/status', ['--cores', '0']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Cpus_allowed_list:\s+0\n/);
  });

  it('--kill works only for the user who started the job', async () => {
    const job = sh('trap "exit 7" TERM; while :; do sleep 0.05; done', ['--job-id', id('kill-test')], { status: true });
    await waitFor(() => existsSync(`/run/rnx/jobs/${id('kill-test')}`), 3000);
    await sleep(200);
    const other = await launch(['--kill', id('kill-test')], { user: OTHER_USER });
    expect(other.code).toBe(125);
    expect(other.stderr).toMatch(/not started by you/);
    const missing = await launch(['--kill', 'no-such-job']);
    expect(missing.code).toBe(125);
    const mine = await launch(['--kill', id('kill-test')]);
    expect(mine.code, mine.stderr).toBe(0);
    const r = await job;
    expect(r.code).toBe(7);
  });

  it('--detach returns once the job started and still reports its exit', async () => {
    const t0 = Date.now();
    const r = await sh('sleep 1; exit 4', ['--detach', '--job-id', id('detach-test')], { status: true });
    // the status pipe stays open in the detached supervisor until the job ends
    expect(r.code).toBe(0);
    expect(r.started?.job_id).toBe(id('detach-test'));
    expect(r.exited).toMatchObject({ code: 4, job_id: id('detach-test') });
    expect(Date.now() - t0).toBeGreaterThan(900);
    expect(await waitFor(() => !existsSync(`/run/rnx/jobs/${id('detach-test')}`), 2000)).toBe(true);
  });

  it('--detach reports start failures with 125', async () => {
    const r = await launch(['--runtime', 'rnx-test-nothere', '--detach', '--', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^rnx-launch: [^\n]*not installed[^\n]*\n$/);
  });

  it('root callers run as uid 0 with no capabilities', () => {
    const r = spawnSync(LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--', 'sh', '-c', 'id -u; grep -E "CapEff|CapBnd|NoNewPrivs" /proc/self/status'], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^0\nCapEff:\s+0+\nCapBnd:\s+0+\nNoNewPrivs:\s+1\n$/);
  });
});
