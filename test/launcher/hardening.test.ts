// Attacks a hostile caller can try against the setuid launcher itself: process state it inherits, signals it
// can send, races on the job registry and the job's cgroup. Each test names the weakness it guards against.
import { describe, it, expect, afterAll } from 'vitest';
import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { canRun, LAUNCHER_PATH, TEST_RUNTIME } from './harness.js';
import { TEST_USER, userIds } from '../support/users.js';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` as `user` (through setpriv, which execs it), with an optional shell prefix for state setup. */
function run(user: string, cmd: string, args: string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<Run> {
  const { gid } = userIds(user);
  const child = spawn('setpriv', [`--reuid=${user}`, `--regid=${gid}`, '--init-groups', '--', cmd, ...args], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TERM: 'xterm' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts,
  });
  const r: Run = { code: null, signal: null, stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => (r.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (r.stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      r.code = code;
      r.signal = signal;
      resolve(r);
    });
  });
}

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

const usedIds: string[] = [];
function jobId(name: string): string {
  const id = `hard-${name}-${process.pid}`;
  usedIds.push(id);
  return id;
}

describe.skipIf(!canRun)('rnx-launch against a hostile caller', () => {
  afterAll(() => {
    for (const id of usedIds) rmSync(`/run/rnx/jobs/${id}`, { force: true });
  });

  it('a launcher killed while registering its job leaves no registry entry (RLIMIT_FSIZE=0)', async () => {
    const id = jobId('fsize');
    // with a zero file size limit the first write to the entry raises SIGXFSZ: the launcher may die, but
    // never after leaving a half-written entry that no later run would remove
    await run(TEST_USER, 'prlimit', ['--fsize=0:0', '--', LAUNCHER_PATH, '--runtime', TEST_RUNTIME, '--job-id', id, '--', 'true']);
    await run(TEST_USER, LAUNCHER_PATH, ['--runtime', TEST_RUNTIME, '--', 'true']);
    expect(traces(id)).toEqual([]);
  });
});
