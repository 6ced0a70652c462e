// Describe, batch actions, every user's jobs (root) and the `:` command line in the Jobs view.
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../components/App.js';
import { describeJob } from '../../src/jobs/describe.js';
import { readEvents } from '../../src/jobs/events.js';
import type { JobStore } from '../../src/jobs/store.js';
import type { JobRecord } from '../../src/jobs/types.js';
import { completeCommand } from '../../src/state/command-line.js';
import type { AppDeps, AppOps } from '../../src/state/deps.js';
import { keys, makeDeps, makeJobStore, makeRoot, makeState, theme, tick, until, writeJob, listRaw } from './fixtures.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

const describeRaw = (store: JobStore, id: string) => describeJob(store.readRaw(id), readEvents(store.file(id, 'events')), store.file(id, 'output'));

async function setup(ops: Partial<AppOps> = {}, extra: Partial<AppDeps> = {}, size = { columns: 100, rows: 36 }) {
  const root = await makeRoot();
  const store = makeJobStore();
  const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
  writeJob(store, { id: 'aaaaaaaaaaaa', name: 'old', createdAt: ago(60), command: ['echo', 'old'], exitCode: 3 }, 'old output\n');
  writeJob(store, { id: 'cccccccccccc', name: 'older', createdAt: ago(90), command: ['echo', 'older'], exitCode: 0 });
  const running = writeJob(
    store,
    {
      id: 'bbbbbbbbbbbb',
      name: 'train',
      command: ['sh', '-c', 'yes'],
      state: 'running',
      endedAt: undefined,
      exitCode: undefined,
      limits: { network: 'none', memory: 128 << 20, timeout: 30 },
      env: { DEBUG: '1' },
      workdir: '/srv/data',
      runtimeVersion: '1.0',
      cgroupMode: 'v2',
      cgroups: { unified: '/sys/fs/cgroup/rnx/bbbbbbbbbbbb' },
      stopRequested: true,
    },
    'row 1\n',
  );
  writeFileSync(
    store.file(running.id, 'events'),
    `${JSON.stringify({ event: 'started', job_id: running.id, pid: 4242, launcher_pid: 4241, cgroup_mode: 'v2', cgroups: { unified: '/sys/fs/cgroup/rnx/bbbbbbbbbbbb' } })}\n`,
  );
  const state = makeState(makeDeps(root, store, { listJobs: listRaw, describeJob: describeRaw, ...ops }, extra), { initialView: 'jobs' });
  const r = render(<App state={state} theme={theme} size={size} onQuit={() => {}} />);
  cleanup.push(
    () => r.unmount(),
    () => state.stop(),
  );
  await state.start();
  await until(() => r.lastFrame()!.includes('row 1'));
  return { r, state, store };
}

const write = async (r: { stdin: { write(s: string): void } }, ...inputs: string[]) => {
  for (const i of inputs) {
    r.stdin.write(i);
    await tick();
  }
};

describe('describe a job (i)', () => {
  it('shows limits, env, workdir, runtime version, cgroups, output kept and the timeline; i or Esc goes back to the output', async () => {
    const { r, state } = await setup();
    await write(r, 'i');
    await until(() => r.lastFrame()!.includes('Describe bbbbbbbbbbbb'));
    const f = r.lastFrame()!;
    expect(f).toContain('runtime:   alpha 1.0');
    expect(f).toMatch(/limits: {4}memory 128 MiB, cpu default, pids default, cores all, network none, timeout 30s/);
    expect(f).toContain('env:       DEBUG=1');
    expect(f).toContain('workdir:   /srv/data');
    expect(f).toContain('cgroups:   v2 /sys/fs/cgroup/rnx/bbbbbbbbbbbb');
    expect(f).toContain('(nothing dropped)');
    expect(f).toMatch(/created\n.*started \(pid 4242, launcher 4241\)\n.*stop requested/);
    expect(f).toContain('Jobs › bbbbbbbbbbbb › describe');
    // it follows the selection, and the finished job's exit is on its timeline
    await write(r, 'j');
    await until(() => r.lastFrame()!.includes('Describe aaaaaaaaaaaa'));
    expect(r.lastFrame()).toMatch(/exited \(exit 3\)/);
    await write(r, 'i');
    await until(() => r.lastFrame()!.includes('old output'));
    await write(r, 'i', keys.esc);
    await until(() => !r.lastFrame()!.includes('Describe'));
    // Enter still focuses the output
    await write(r, keys.enter);
    expect(state.jobs.getState().focus).toBe('output');
  });
});

describe('batch actions (Space marks)', () => {
  it('marks jobs with Space and removes them after one confirmation that counts them; Space no longer pages', async () => {
    const removeJob = vi.fn((s: JobStore, id: string) => s.remove(id));
    const { r, state } = await setup({ removeJob });
    await write(r, 'j', ' ', ' ');
    expect(Object.keys(state.jobs.getState().marked).sort()).toEqual(['aaaaaaaaaaaa', 'cccccccccccc']);
    await until(() => r.lastFrame()!.includes('2 marked'));
    expect(r.lastFrame()).toMatch(/\*old/);
    await write(r, 'd');
    await until(() => r.lastFrame()!.includes('Remove 2 jobs and their output?'));
    await write(r, 'y');
    await until(() => removeJob.mock.calls.length === 2);
    await until(() => state.jobs.getState().jobs.length === 1);
    expect(state.jobs.getState().marked).toEqual({});
  });

  it('stops the marked running jobs together, saying how many and which already ended', async () => {
    const stopJob = vi.fn(async (_s: JobStore, id: string) => ({ id, state: 'stopped', exitCode: 143 }) as JobRecord);
    const { r } = await setup({ stopJob });
    await write(r, ' ', ' ', 'S');
    await until(() => r.lastFrame()!.includes('Stop 1 job (1 marked already ended)?'));
    await write(r, 'y');
    await until(() => stopJob.mock.calls.length === 1);
    expect(stopJob.mock.calls[0]![1]).toBe('bbbbbbbbbbbb');
  });

  it('read-only: Space does not mark', async () => {
    const { r, state } = await setup({}, { readonly: true });
    await write(r, ' ');
    expect(state.jobs.getState().marked).toEqual({});
  });
});

describe("every user's jobs (u, root only)", () => {
  const other: JobRecord = {
    id: 'dddddddddddd',
    runtime: 'beta',
    command: ['sleep', '60'],
    limits: { network: 'none' },
    env: {},
    user: 'alice',
    uid: 1001,
    detached: true,
    createdAt: new Date().toISOString(),
    state: 'running',
    oom: false,
    timedOut: false,
  };
  it('adds a USER column and other users’ jobs; stopping one goes to the store of its owner', async () => {
    const stopJob = vi.fn(async (s: JobStore, id: string) => ({ ...other, id, state: 'stopped', stopRequested: !!s }) as JobRecord);
    const listAllJobs = vi.fn((s: JobStore) => ({
      jobs: [{ record: other, stateDir: '/home/alice/.local/state/rnx' }, ...listRaw(s).map((record) => ({ record }))],
      dirs: [],
    }));
    const { r } = await setup({ listAllJobs, stopJob });
    expect(r.lastFrame()).not.toContain('USER');
    await write(r, 'u');
    await until(() => r.lastFrame()!.includes('USER'));
    await write(r, 'g');
    expect(r.lastFrame()).toMatch(/›dddddddddddd alice\s+running\s+beta\s+sleep 60/);
    expect(r.lastFrame()).toMatch(/train\s+test\s+running/);
    await write(r, 'S', 'y');
    await until(() => stopJob.mock.calls.length === 1);
    expect(stopJob.mock.calls[0]![0].state).toBe('/home/alice/.local/state/rnx');
    await write(r, 'u');
    await until(() => !r.lastFrame()!.includes('USER'));
  });

  it('is neither offered nor run for other users', async () => {
    const listAllJobs = vi.fn(() => ({ jobs: [], dirs: [] }));
    const { r, state } = await setup({ listAllJobs }, { isRoot: false });
    await write(r, 'u', '?');
    await until(() => r.lastFrame()!.includes('Jobs list'));
    expect(r.lastFrame()).not.toContain("every user's jobs");
    expect(state.jobs.getState().allUsers).toBe(false);
    expect(listAllJobs).not.toHaveBeenCalled();
  });
});

describe('the : command line', () => {
  it('completes command names and job ids/names', () => {
    const jobs = [{ id: 'bbbbbbbbbbbb', name: 'train' }, { id: 'b1cccccccccc' }] as JobRecord[];
    expect(completeCommand('ru', jobs)).toBe('runtimes');
    expect(completeCommand('jo', jobs)).toBe('job');
    expect(completeCommand('job', jobs)).toBe('job');
    expect(completeCommand('job tr', jobs)).toBe('job train');
    expect(completeCommand('job bb', jobs)).toBe('job bbbbbbbbbbbb');
    expect(completeCommand('job b', jobs)).toBe('job b');
    expect(completeCommand('zz', jobs)).toBe('zz');
  });

  it(':runtimes, :job NAME (selects and describes it, Tab completes), Esc cancels, unknown commands say so', async () => {
    const { r, state } = await setup();
    await write(r, ':', 'runt', keys.enter);
    await until(() => state.ui.getState().view === 'runtimes');
    await write(r, ':', 'job ol', keys.tab);
    await until(() => r.lastFrame()!.includes(':job old▏'));
    expect(state.ui.getState().command).toBe('job old');
    await write(r, keys.enter);
    await until(() => r.lastFrame()!.includes('Describe aaaaaaaaaaaa'));
    expect(state.ui.getState().view).toBe('jobs');
    expect(state.jobs.getState().selected).toBe('aaaaaaaaaaaa');
    await write(r, ':', 'frobnicate', keys.enter);
    await until(() => r.lastFrame()!.includes('unknown command :frobnicate'));
    await write(r, ':', 'jobs', keys.esc);
    expect(state.ui.getState().command).toBeUndefined();
    // q typed into the command line does not quit, and it is gone after Esc
    await write(r, ':', 'q', keys.esc, ':', 'job nosuch', keys.enter);
    await until(() => r.lastFrame()!.includes('no job "nosuch"'));
  });
});
