import { describe, expect, it } from 'vitest';
import { reconcile } from '../../src/jobs/reconcile.js';
import { parseEvents, type ExitedEvent, type StartedEvent } from '../../src/jobs/events.js';
import type { JobRecord } from '../../src/jobs/types.js';

const base: JobRecord = {
  id: 'abcdef012345',
  runtime: 'bb',
  command: ['true'],
  limits: { network: 'none' },
  env: {},
  user: 'u',
  uid: 1000,
  detached: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  state: 'running',
  oom: false,
  timedOut: false,
};
const started: StartedEvent = { event: 'started', job_id: base.id, pid: 42, cgroup_mode: 'v1', cgroups: { memory: '/sys/fs/cgroup/memory/rnx/x' } };
const exited = (o: Partial<ExitedEvent>): ExitedEvent => ({
  event: 'exited',
  job_id: base.id,
  code: 0,
  signal: 0,
  oom: false,
  timed_out: false,
  cpu_usec: 10,
  peak_memory: 20,
  wall_usec: 30,
  ...o,
});
const now = new Date('2026-01-01T00:01:00.000Z');

describe('reconcile', () => {
  it('stays running while the job lives, recording its pid and cgroups', () => {
    const r = reconcile(base, { events: { started }, alive: true, now });
    expect(r).toMatchObject({ state: 'running', jobPid: 42, cgroupMode: 'v1' });
  });
  it.each([
    [{ code: 3 }, false, 'exited', 3],
    [{ code: 137, signal: 9 }, false, 'killed', 137],
    [{ code: 143, signal: 15 }, true, 'stopped', 143],
    [{ code: 137, oom: true, signal: 9 }, false, 'oom', 137],
    [{ code: 1, oom: true }, false, 'oom', 1],
    [{ code: 0, oom: true }, false, 'exited', 0],
    [{ code: 137, timed_out: true, signal: 9 }, false, 'timed-out', 137],
    [{ code: 3 }, true, 'stopped', 3],
    [{ code: 0 }, false, 'exited', 0],
  ] as const)('exited %j (stop requested: %s) -> %s', (ev, stop, state, code) => {
    const r = reconcile({ ...base, stopRequested: stop }, { events: { started, exited: exited(ev) }, alive: false, now });
    expect(r.state).toBe(state);
    expect(r.exitCode).toBe(code);
    expect(r.usage).toEqual({ cpuUsec: 10, peakMemory: 20, wallUsec: 30 });
    expect(r.endedAt).toBe(now.toISOString());
  });
  it('a launcher that never started the job means failed, with its message', () => {
    const r = reconcile(base, { events: {}, alive: false, launcherMessage: 'rnx-launch: memory 64G is above the maximum 16G', now });
    expect(r).toMatchObject({ state: 'failed', exitCode: 125, error: 'rnx-launch: memory 64G is above the maximum 16G' });
  });
  it('a launcher killed after starting the job means killed', () => {
    expect(reconcile(base, { events: { started }, alive: false, now }).state).toBe('killed');
  });
  it('never changes a final record', () => {
    const done = { ...base, state: 'exited' as const, exitCode: 0 };
    expect(reconcile(done, { events: { started, exited: exited({ code: 9 }) }, alive: false, now }).exitCode).toBe(0);
  });
  it('skips a line cut short by a killed launcher', () => {
    expect(parseEvents(`${JSON.stringify(started)}\n{"event":"exi`)).toEqual({ started });
  });
});
