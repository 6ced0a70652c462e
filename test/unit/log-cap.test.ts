// --log-max and `job prune`, the parts that need no launcher: option parsing, events, readers that jump over
// dropped output (a hole reads as zeros; here the zeros are written, which is what a reader sees), prune's plan.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planPrune } from '../../src/cli/job/prune.js';
import { parseRunArgs } from '../../src/cli/run-options.js';
import { DroppedOutput, formatDropped, gapMarker } from '../../src/jobs/dropped.js';
import { parseEvents } from '../../src/jobs/events.js';
import { followFile } from '../../src/jobs/follow.js';
import { parseLogMax } from '../../src/jobs/limits.js';
import { reconcile } from '../../src/jobs/reconcile.js';
import type { JobRecord, JobState } from '../../src/jobs/types.js';
import { buildLaunchArgv } from '../../src/launcher/argv.js';
import { parseEventLine } from '../../src/launcher/events.js';
import { OutputTail } from '../../src/state/output-tail.js';
import { tempFileEach } from '../support/temp-file.js';

const MiB = 1 << 20;
const dropped = (offset: number, bytes = offset) => JSON.stringify({ event: 'output_dropped', job_id: 'j', fd: 1, offset, bytes }) + '\n';

describe('--log-max parsing', () => {
  it.each([
    ['64M', 64 * MiB],
    ['1G', 1024 * MiB],
    ['1.5G', 1.5 * 1024 * MiB],
    ['1048576', MiB],
    ['0', 0],
    ['1024T', 2 ** 50],
  ])('%s', (text, bytes) => expect(parseLogMax(text)).toBe(bytes));
  it.each(['512K', '-1', '1025T', 'lots', '', '1X'])('refuses %j', (text) => expect(() => parseLogMax(text)).toThrow(/invalid output size/));

  it('is an option of job run, by its own name, in both spellings', () => {
    expect(parseRunArgs(['--runtime', 'a', '--log-max', '64M', 'true'])?.opts.logMax).toBe('64M');
    expect(parseRunArgs(['--runtime', 'a', '--log-max=0', 'true'])?.opts.logMax).toBe('0');
    expect(() => parseRunArgs(['--runtime', 'a', '--logMax', '1M', 'true'])).toThrow(/unknown option '--logMax'/);
    expect(() => parseRunArgs(['--runtime', 'a', '--log-max'])).toThrow(/option '--log-max <size>' needs a value/);
  });

  it('reaches the launcher as --log-max, 0 included', () => {
    const argv = (logMax: number | string) => buildLaunchArgv({ runtime: 'r', command: ['true'], logMax });
    expect(argv(64 * MiB)).toEqual(['--runtime', 'r', '--log-max', String(64 * MiB), '--', 'true']);
    expect(argv(0)).toContain('0');
    expect(argv('16M')).toContain('16M');
    expect(() => argv(-1)).toThrow();
    expect(() => argv('1.5G')).toThrow(/invalid output size/);
    expect(buildLaunchArgv({ runtime: 'r', command: ['true'] })).not.toContain('--log-max');
  });
});

describe('output_dropped and note events', () => {
  it('parses them, and the started event with or without log_max', () => {
    expect(parseEventLine(dropped(3 * MiB))).toEqual({ event: 'output_dropped', job_id: 'j', fd: 1, offset: 3 * MiB, bytes: 3 * MiB });
    expect(parseEventLine('{"event":"note","job_id":"j","message":"m"}')).toEqual({ event: 'note', job_id: 'j', message: 'm' });
    const started = { event: 'started', job_id: 'j', pid: 1, cgroup_mode: 'v1', cgroups: {} };
    expect(parseEventLine(JSON.stringify({ ...started, log_max: 5 }))).toMatchObject({ log_max: 5 });
    expect(parseEventLine(JSON.stringify(started))).not.toHaveProperty('log_max');
    expect(() => parseEventLine(JSON.stringify({ ...started, log_max: -1 }))).toThrow();
    expect(() => parseEventLine('{"event":"output_dropped","job_id":"j","fd":1,"offset":"1","bytes":1}')).toThrow();
  });

  it("a job's events: the last drop of fd 1 holds, notes are kept, and events not known are skipped", () => {
    const text = [
      dropped(MiB),
      dropped(2 * MiB),
      JSON.stringify({ event: 'output_dropped', job_id: 'j', fd: 2, offset: 9 * MiB, bytes: 9 * MiB }),
      '{"event":"from_the_future","job_id":"j"}',
      '{"event":"note","job_id":"j","message":"cannot"}',
      '',
    ].join('\n');
    const ev = parseEvents(text);
    expect(ev.dropped?.offset).toBe(2 * MiB);
    expect(ev.notes).toEqual(['cannot']);
  });

  it('the record keeps how much was dropped, the cap in force and the notes', () => {
    const rec: JobRecord = {
      id: 'j',
      runtime: 'r',
      command: ['x'],
      limits: { network: 'none' },
      env: {},
      uid: 1,
      detached: false,
      createdAt: '2026-01-01T00:00:00Z',
      state: 'running',
      oom: false,
      timedOut: false,
    };
    const r = reconcile(rec, {
      events: {
        started: { event: 'started', job_id: 'j', pid: 2, cgroup_mode: 'v2', cgroups: {}, log_max: 16 * MiB },
        dropped: { event: 'output_dropped', job_id: 'j', fd: 1, offset: 8 * MiB, bytes: 8 * MiB },
        notes: ['n'],
      },
      alive: true,
      now: new Date(),
    });
    expect(r).toMatchObject({ limits: { network: 'none', logMax: 16 * MiB }, outputDropped: 8 * MiB, notes: ['n'] });
  });

  it('are read as they are appended, a line cut short waiting for its end', () => {
    const tmp = join(process.env.TMPDIR ?? '/tmp', `rnx-dropped-${process.pid}.jsonl`);
    writeFileSync(tmp, '');
    const d = new DroppedOutput(tmp);
    expect(d.refresh()).toBe(0);
    const line = dropped(4 * MiB);
    appendFileSync(tmp, line.slice(0, 20));
    expect(d.refresh()).toBe(0);
    appendFileSync(tmp, line.slice(20) + '{"event":"exited"');
    expect(d.refresh()).toBe(4 * MiB);
    expect(d.bytes).toBe(4 * MiB);
    d.close();
    expect(new DroppedOutput(join(tmp, 'missing')).refresh()).toBe(0);
  });

  it('the gap is shown as one line, in binary units', () => {
    expect(formatDropped(3.2 * 1024 * MiB)).toBe('3.2 GiB');
    expect(formatDropped(16 * MiB)).toBe('16 MiB');
    expect(formatDropped(512)).toBe('512 bytes');
    expect(gapMarker(MiB)).toBe('[rnx: 1 MiB of earlier output dropped]\n');
  });
});

describe('readers jump over dropped output', () => {
  const tmp = tempFileEach('rnx-logcap-', 'output.log');
  const events = () => join(tmp.dir, 'events.jsonl');
  const copy = async (opts: { from?: number } = {}) => {
    const got: Buffer[] = [];
    const gaps: number[] = [];
    await followFile(tmp.file, {
      ...opts,
      isDone: () => true,
      write: (c) => void got.push(Buffer.from(c)),
      dropped: new DroppedOutput(events()),
      onGap: (b) => gaps.push(b),
    });
    return { out: Buffer.concat(got), gaps };
  };

  it('followFile starts past what was dropped, and never copies its zeros', async () => {
    writeFileSync(tmp.file, Buffer.concat([Buffer.alloc(3 * MiB), Buffer.from('kept\n')]));
    writeFileSync(events(), dropped(3 * MiB));
    expect(await copy()).toEqual({ out: Buffer.from('kept\n'), gaps: [3 * MiB] });
  });

  it('followFile jumps when a read meets zeros the launcher announced after the copy began (a slow reader)', async () => {
    // the copy has read the first 2 MiB; then the launcher dropped up to 5 MiB (the event is written first)
    const data = Buffer.concat([Buffer.alloc(2 * MiB, 'a'), Buffer.alloc(3 * MiB), Buffer.from('b'.repeat(MiB)), Buffer.from('tail\n')]);
    writeFileSync(tmp.file, data);
    writeFileSync(events(), '');
    const got: Buffer[] = [];
    const gaps: number[] = [];
    await followFile(tmp.file, {
      isDone: () => true,
      dropped: new DroppedOutput(events()),
      onGap: (b) => gaps.push(b),
      write: (c) => {
        got.push(Buffer.from(c));
        if (got.length === 2) writeFileSync(events(), dropped(5 * MiB));
      },
    });
    const out = Buffer.concat(got);
    expect(out.includes(0)).toBe(false);
    expect(out.toString()).toBe('a'.repeat(2 * MiB) + 'b'.repeat(MiB) + 'tail\n');
    expect(gaps).toEqual([3 * MiB]);
  });

  it('followFile keeps zeros the job printed itself', async () => {
    const data = Buffer.concat([Buffer.from('x'), Buffer.alloc(100), Buffer.from('y')]);
    writeFileSync(tmp.file, data);
    writeFileSync(events(), '');
    expect(await copy()).toEqual({ out: data, gaps: [] });
  });

  it("the app's output pane skips dropped output and shows no NUL", async () => {
    writeFileSync(tmp.file, Buffer.concat([Buffer.from('old line\n'), Buffer.alloc(2 * MiB - 9), Buffer.from('new line\nlast\n')]));
    writeFileSync(events(), dropped(2 * MiB));
    const t = new OutputTail(tmp.file);
    await t.poll();
    const lines = Array.from({ length: t.lineCount - t.firstRetained }, (_, i) => t.line(t.firstRetained + i));
    expect(lines).toEqual(['new line', 'last']);
    expect(t.skippedBytes).toBe(2 * MiB);
    await t.close();
  });
});

describe('job prune plan', () => {
  const now = Date.parse('2026-06-30T00:00:00Z');
  const day = 86_400_000;
  const job = (id: string, state: JobState, endedDaysAgo: number, extra: Partial<JobRecord> = {}): JobRecord => ({
    id,
    runtime: 'r',
    command: ['x'],
    limits: { network: 'none' },
    env: {},
    uid: 1,
    detached: false,
    oom: false,
    timedOut: false,
    state,
    createdAt: new Date(now - endedDaysAgo * day - 1000).toISOString(),
    launcherPid: 10,
    ...(state === 'running' ? {} : { endedAt: new Date(now - endedDaysAgo * day).toISOString() }),
    ...extra,
  });
  const jobs = [job('a', 'exited', 1), job('b', 'failed', 10), job('c', 'running', 30), job('d', 'killed', 8), job('e', 'exited', 3)];
  const ids = (p: ReturnType<typeof planPrune>) => p.remove.map((j) => j.id).sort();

  it('--older-than removes finished jobs that ended before then, never a running one', () => {
    const p = planPrune(jobs, { olderThanMs: 7 * day, now });
    expect(ids(p)).toEqual(['b', 'd']);
    expect([p.kept, p.running]).toEqual([2, 1]);
  });
  it('--keep N keeps the N that ended last', () => {
    expect(ids(planPrune(jobs, { keep: 2, now }))).toEqual(['b', 'd']);
    expect(ids(planPrune(jobs, { keep: 0, now }))).toEqual(['a', 'b', 'd', 'e']);
    expect(ids(planPrune(jobs, { keep: 10, now }))).toEqual([]);
  });
  it('both: either is enough', () => {
    expect(ids(planPrune(jobs, { keep: 3, olderThanMs: 5 * day, now }))).toEqual(['b', 'd']);
    expect(ids(planPrune(jobs, { keep: 1, olderThanMs: 2 * day, now }))).toEqual(['b', 'd', 'e']);
  });
  it('leaves a record that may belong to a job still starting (no launcher yet, created within the minute)', () => {
    const starting = job('s', 'failed', 0, { launcherPid: undefined, createdAt: new Date(now - 5000).toISOString(), endedAt: new Date(now).toISOString() });
    const stale = job('t', 'failed', 0, { launcherPid: undefined, createdAt: new Date(now - 120_000).toISOString() });
    expect(ids(planPrune([starting, stale], { keep: 0, now }))).toEqual(['t']);
  });
});
