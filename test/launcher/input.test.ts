// Hostile or malformed input is refused with 125, one line on stderr, and nothing happens.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { canRun, launch, sh, TEST_RUNTIME, userDir } from './harness.js';
import { installTestRuntime, removeRuntime, RUNTIMES_DIR } from '../support/launcher-fixture.js';
import { TEST_USER, userIds } from '../support/users.js';

function expectRefused(r: { code: number | null; stdout: string; stderr: string }, msg?: RegExp): void {
  expect(r.code, r.stderr).toBe(125);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^rnx-launch: [^\n]+\n$/);
  if (msg) expect(r.stderr).toMatch(msg);
}

// job ids of this file, unique to this run (other runs of these tests may share the machine)
const id = (name: string) => `${name}-${process.pid}`;

/** registry entries and cgroups left of this file's own job ids */
function jobsLeft(): string[] {
  const out: string[] = [];
  for (const j of [id('dup-test'), ...RUNTIME_CASES.map((_c, i) => id(`refused-${i}`))]) {
    for (const c of ['memory', 'pids', 'cpu', 'cpuacct', 'cpuset', 'freezer', 'unified']) {
      if (existsSync(`/sys/fs/cgroup/${c}/rnx/${j}`)) out.push(`${c}/${j}`);
    }
    if (existsSync(`/sys/fs/cgroup/rnx/${j}`)) out.push(`v2/${j}`);
    if (existsSync(`/run/rnx/jobs/${j}`)) out.push(`registry/${j}`);
  }
  return out;
}

const RUNTIME_CASES: Array<[string, RegExp]> = [
  ['rnx-test-notroot', /not owned by root/],
  ['rnx-test-gw', /group- or world-writable/],
  ['rnx-test-ww', /group- or world-writable/],
  ['rnx-test-link', /symlink/],
  ['rnx-test-isolink', /isolated/],
  ['rnx-test-nomp', /no directory \/nonexistent\/dir/],
  ['rnx-test-badspec', /launch.spec:2/],
  ['no-such-runtime', /not installed/],
];

describe.skipIf(!canRun)('rnx-launch refuses hostile input', () => {
  const made: string[] = [];
  beforeAll(() => {
    const ids = userIds(TEST_USER);
    // not root-owned
    installTestRuntime('rnx-test-notroot');
    chownSync(join(RUNTIMES_DIR, 'rnx-test-notroot', 'isolated'), ids.uid, ids.gid);
    // group-writable runtime directory
    installTestRuntime('rnx-test-gw');
    chmodSync(join(RUNTIMES_DIR, 'rnx-test-gw'), 0o775);
    // world-writable directory inside isolated/ is fine for the tree's content, but isolated/ itself is not
    installTestRuntime('rnx-test-ww');
    chmodSync(join(RUNTIMES_DIR, 'rnx-test-ww', 'isolated'), 0o777);
    // the runtime directory is a symlink to a good one
    symlinkSync(join(RUNTIMES_DIR, TEST_RUNTIME), join(RUNTIMES_DIR, 'rnx-test-link'));
    // isolated/ is a symlink
    installTestRuntime('rnx-test-isolink');
    execFileSync('mv', [join(RUNTIMES_DIR, 'rnx-test-isolink', 'isolated'), join(RUNTIMES_DIR, 'rnx-test-isolink', 'real')]);
    symlinkSync('real', join(RUNTIMES_DIR, 'rnx-test-isolink', 'isolated'));
    // launch.spec asks for a mount point the read-only tree lacks
    installTestRuntime('rnx-test-nomp', { spec: 'version 1\nwritable /nonexistent/dir\n' });
    // launch.spec with junk
    installTestRuntime('rnx-test-badspec', { spec: 'version 1\nmount ../../etc /etc2 ro\n' });
    made.push('rnx-test-notroot', 'rnx-test-gw', 'rnx-test-ww', 'rnx-test-link', 'rnx-test-isolink', 'rnx-test-nomp', 'rnx-test-badspec');
  });
  afterAll(() => {
    for (const n of made) removeRuntime(n);
  });

  it.each(RUNTIME_CASES.map(([name, msg], i) => [name, msg, i] as const))('refuses runtime %s', async (name, msg, i) => {
    const r = await launch(['--runtime', name, '--job-id', id(`refused-${i}`), '--', 'true']);
    expectRefused(r, msg);
  });

  it.each(['../rnx-test-busybox', 'a/b', '.hidden', '..', '', 'UPPER', 'x'.repeat(65), '-x'])('refuses runtime name %j', async (name) => {
    expectRefused(await launch(['--runtime', name, '--', 'true']));
  });

  it.each([
    ['--memory', '-1'],
    ['--memory', '12x'],
    ['--memory', ''],
    ['--memory', '99999999999999999999'],
    ['--memory', '0x10'],
    ['--memory', ' 5M'],
    ['--memory', '100'],
    ['--cpu', '-1'],
    ['--cpu', '12x'],
    ['--cpu', ''],
    ['--cpu', '0'],
    ['--cpu', '99999999999999999999'],
    ['--pids', '-1'],
    ['--pids', '+5'],
    ['--pids', '99999999999999999999'],
    ['--timeout', '12x'],
    ['--timeout', '0'],
    ['--timeout', '1.5'],
    ['--status-fd', '1'],
    ['--status-fd', '99'],
    ['--cores', '0-'],
    ['--cores', '3-1'],
    ['--cores', 'a'],
    ['--net', 'bridge'],
    ['--net', 'host'],
    ['--hostname', 'a b'],
    ['--job-id', '../x'],
    ['--env', 'NOEQUALS'],
    ['--env', '=x'],
    ['--env', '1A=x'],
  ])('refuses %s %j', async (opt, value) => {
    expectRefused(await launch(['--runtime', TEST_RUNTIME, opt, value, '--', 'true']));
  });

  it('refuses limits above the policy maximum with a clear message', async () => {
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--pids', '5000', '--', 'true']), /above the maximum/);
    expectRefused(
      await launch(['--runtime', TEST_RUNTIME, '--memory', '17G', '--', 'true']),
      /--memory 17G is above the maximum allowed by \/etc\/rnx\/launcher.conf \(16G\)/,
    );
  });

  it('refuses duplicated, unknown and misplaced options', async () => {
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--runtime', TEST_RUNTIME, '--', 'true']), /more than once/);
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--pids', '5', '--pids', '6', '--', 'true']), /more than once/);
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--bogus', '--', 'true']), /unknown option/);
    expectRefused(await launch(['--runtime', TEST_RUNTIME, 'true']), /expected '--'/);
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--']), /missing/);
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--interactive', '--detach', '--', 'true']), /cannot be combined/);
    expectRefused(await launch(['--runtime']), /needs a value/);
    expectRefused(await launch([]));
    expectRefused(await launch(['--kill', 'abc', '--runtime', TEST_RUNTIME]));
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--signal', '9', '--', 'true']));
  });

  it('refuses too many or too long arguments', async () => {
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--', 'echo', 'x'.repeat(70000)]), /too long/);
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--', 'echo', ...Array.from({ length: 5000 }, () => 'a')]), /too many/);
  });

  it('treats everything after -- as the command, even options', async () => {
    const a = await launch(['--runtime', TEST_RUNTIME, '--', '--runtime', 'x']);
    expect(a.code).toBe(127);
    const b = await launch(['--runtime', TEST_RUNTIME, '--', 'echo', '--memory', '-1', '--', '--kill']);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe('--memory -1 -- --kill\n');
  });

  it('refuses a --status-fd that is not open', async () => {
    expectRefused(await launch(['--runtime', TEST_RUNTIME, '--status-fd', '9', '--', 'true']), /not an open/);
  });

  it('refuses a second job with a job id in use, and leaves nothing behind after refusals', async () => {
    const wd = userDir();
    try {
      const first = launch(['--runtime', TEST_RUNTIME, '--job-id', id('dup-test'), '--', 'sleep', '1']);
      await new Promise((r) => setTimeout(r, 300));
      expectRefused(await launch(['--runtime', TEST_RUNTIME, '--job-id', id('dup-test'), '--', 'true']), /already in use/);
      expect((await first).code).toBe(0);
    } finally {
      rmSync(wd, { recursive: true, force: true });
    }
    // a clean run after all of the above: nothing of this user's is left around
    expect((await sh('true')).code).toBe(0);
    expect(jobsLeft()).toEqual([]);
  });
});
