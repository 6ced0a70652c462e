// `rnx job prune` through the CLI, as the unprivileged test user, on real jobs: only finished ones go, by age or
// beyond the newest N; running jobs stay; --dry-run removes nothing.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rnx } from '../support/cli.js';
import { installBusyboxRuntime, removeRuntime, tempStateDir } from '../support/runtimes.js';
import { TEST_USER, userIds } from '../support/users.js';

const RT = 'rnx-test-prune';
let state: string;
let uid: number;
const run = (args: string[]) => rnx(args, { env: { RNX_STATE_DIR: state }, asUid: uid });
const ids = () => (JSON.parse(run(['job', 'list', '--all', '--json']).stdout) as Array<{ id: string }>).map((j) => j.id).sort();
const day = 86_400_000;

/** A finished job whose record says it ended `days` ago (the record is the job's clock). */
function finishedJob(name: string, days: number): string {
  const r = run(['job', 'run', `--runtime=${RT}`, '--name', name, 'echo', name]);
  expect(r.code, r.stderr).toBe(0);
  const id = (JSON.parse(run(['job', 'status', name, '--json']).stdout) as { id: string }).id;
  const file = join(state, 'jobs', id, 'record.json');
  const rec = JSON.parse(readFileSync(file, 'utf8'));
  const ended = Date.now() - days * day;
  writeFileSync(
    file,
    JSON.stringify({
      ...rec,
      createdAt: new Date(ended - 1000).toISOString(),
      startedAt: new Date(ended - 1000).toISOString(),
      endedAt: new Date(ended).toISOString(),
    }),
  );
  return id;
}

let old1: string, old2: string, recent1: string, recent2: string, running: string, runningOld: string;

beforeAll(() => {
  installBusyboxRuntime(RT);
  state = tempStateDir();
  uid = userIds(TEST_USER).uid;
  old1 = finishedJob('old1', 30);
  old2 = finishedJob('old2', 10);
  recent1 = finishedJob('recent1', 2);
  recent2 = finishedJob('recent2', 1);
  running = run(['job', 'run', `--runtime=${RT}`, '-d', 'sleep', '300']).stdout.trim();
  // a running job whose record is old: age alone never removes a running job
  runningOld = run(['job', 'run', `--runtime=${RT}`, '-d', 'sleep', '300']).stdout.trim();
  const file = join(state, 'jobs', runningOld, 'record.json');
  const rec = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(
    file,
    JSON.stringify({ ...rec, createdAt: new Date(Date.now() - 40 * day).toISOString(), startedAt: new Date(Date.now() - 40 * day).toISOString() }),
  );
});
afterAll(() => {
  for (const id of [running, runningOld]) if (id) run(['job', 'stop', id, '--grace', '1s']);
  removeRuntime(RT);
  rmSync(state, { recursive: true, force: true });
});

describe('rnx job prune', () => {
  it('--dry-run lists what would go and removes nothing', () => {
    const before = ids();
    const r = run(['job', 'prune', '--older-than', '7d', '--dry-run', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dryRun).toBe(true);
    expect(out.removed.map((j: { id: string }) => j.id).sort()).toEqual([old1, old2].sort());
    expect(out.removed.every((j: { bytes: number }) => j.bytes > 0)).toBe(true);
    expect([out.kept, out.running]).toEqual([2, 2]);
    expect(ids()).toEqual(before);
    expect(run(['job', 'prune', '--keep', '0', '--dry-run']).stdout).toMatch(
      /^would remove 4 finished jobs \(.*\); kept 0 finished, and 2 running or starting$/m,
    );
    expect(ids()).toEqual(before);
  });

  it('--older-than removes the finished jobs that ended before then, and nothing running', () => {
    const r = run(['job', 'prune', '--older-than', '7d']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`removed ${old1} (old1): exited`);
    expect(r.stdout).toMatch(/^removed 2 finished jobs/m);
    expect(ids()).toEqual([recent1, recent2, running, runningOld].sort());
    expect(existsSync(join(state, 'jobs', old1))).toBe(false);
  });

  it('--keep N keeps the newest N finished jobs, and every running one', () => {
    const r = run(['job', 'prune', '--keep', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).removed.map((j: { id: string }) => j.id)).toEqual([recent1]);
    expect(ids()).toEqual([recent2, running, runningOld].sort());
    expect(run(['job', 'prune', '--keep', '0']).code).toBe(0);
    expect(ids()).toEqual([running, runningOld].sort());
    expect(JSON.parse(run(['job', 'status', running, '--json']).stdout).state).toBe('running');
  });

  it.each([
    [[], /give --older-than DURATION \(e.g. 7d\) and\/or --keep N/],
    [['--keep', 'all'], /invalid --keep "all"/],
    [['--keep', '-1'], /invalid --keep "-1"/],
    [['--older-than', 'a week'], /invalid age "a week"/],
  ])('%j is a usage error (2, one line)', (args, msg) => {
    const r = run(['job', 'prune', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
