// src/launcher is the one place that knows rnx-launch's formats: its policy file, its registry and its argv.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPolicy } from '../../src/launcher/policy.js';
import { launcherProcessAlive } from '../../src/launcher/processes.js';
import { registeredLauncherPid, registryEntries } from '../../src/launcher/registry.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'rnx-fmt-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('launcher.conf', () => {
  it('reads runtimes_dir and every key, ignoring comments', () => {
    const f = join(tmp(), 'launcher.conf');
    writeFileSync(f, '# policy\nruntimes_dir = /srv/rnx/runtimes   # moved\nallow_users = *\nmax_memory=16G\n');
    const p = readPolicy(f);
    expect(p.runtimesDir).toBe('/srv/rnx/runtimes');
    expect(p.values.get('allow_users')).toBe('*');
    expect(p.values.get('max_memory')).toBe('16G');
  });

  it('defaults runtimes_dir as the launcher does', () => {
    const f = join(tmp(), 'launcher.conf');
    writeFileSync(f, 'allow_users = *\n');
    expect(readPolicy(f).runtimesDir).toBe('/opt/rnx/runtimes');
  });
});

describe('the registry', () => {
  it("reads an entry's launcher_pid, and nothing from a missing or unreadable one", () => {
    const d = tmp();
    writeFileSync(join(d, 'job1'), 'uid 1000\nlauncher_pid 4242\nlauncher_start 99\ncgroup v1\n');
    expect(registeredLauncherPid('job1', d)).toBe(4242);
    expect(registeredLauncherPid('job2', d)).toBeUndefined();
  });

  it("lists every entry's job id, uid and launcher pid (--all-users), skipping malformed ones", () => {
    const d = tmp();
    writeFileSync(join(d, 'job1'), 'uid 1000\nlauncher_pid 4242\nlauncher_start 99\ncgroup v2\n');
    writeFileSync(join(d, 'job2'), 'uid 0\nlauncher_pid 7\n');
    writeFileSync(join(d, 'junk'), 'cgroup v2\n');
    expect(registryEntries(d).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'job1', uid: 1000, launcherPid: 4242 },
      { id: 'job2', uid: 0, launcherPid: 7 },
    ]);
    expect(registryEntries(join(d, 'missing'))).toEqual([]);
  });
});

describe('launcher processes', () => {
  it("are recognised by the job id among their options, not among the command's", async () => {
    const child = spawn('sh', ['-c', 'sleep 30', '--job-id', 'abc123'], { stdio: 'ignore' });
    const decoy = spawn('sh', ['-c', 'sleep 30', '--', '--job-id', 'xyz'], { stdio: 'ignore' });
    const exited = (c: typeof child) => new Promise((r) => c.on('exit', r));
    try {
      // until the exec has happened (before it, /proc shows node's own argv)
      for (let i = 0; i < 500 && !launcherProcessAlive('abc123', [child.pid]); i++) await new Promise((r) => setTimeout(r, 10));
      expect(launcherProcessAlive('abc123', [undefined, child.pid])).toBe(true);
      expect(launcherProcessAlive('abc12', [child.pid])).toBe(false);
      expect(launcherProcessAlive('xyz', [decoy.pid])).toBe(false);
    } finally {
      child.kill('SIGKILL');
      decoy.kill('SIGKILL');
    }
    await Promise.all([exited(child), exited(decoy)]);
    expect(launcherProcessAlive('abc123', [child.pid])).toBe(false);
  });
});
