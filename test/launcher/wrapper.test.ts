// The TypeScript side: argv building, event parsing, install and locate (no launcher run needed).
import { describe, it, expect } from 'vitest';
import { mkdtempSync, statSync, writeFileSync, readFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLaunchArgv, buildKillArgv, envRecords } from '../../src/launcher/argv.js';
import { parseEventLine, EventStream } from '../../src/launcher/events.js';
import { checkLauncher } from '../../src/launcher/locate.js';
import { installLauncher, DEFAULT_LAUNCHER_CONF } from '../../src/launcher/install.js';
import { LAUNCHER_PATH, CONF_PATH, launcherBuildPath } from '../../src/launcher/paths.js';

describe('launcher argv', () => {
  it('builds every option, command last after --', () => {
    const a = buildLaunchArgv({
      runtime: 'base',
      command: ['sh', '-c', 'echo --memory'],
      memory: '512M',
      cpu: 50,
      pids: 100,
      cores: [0, 1],
      net: 'none',
      workdir: '/home/u/p',
      env: { A: '1', B_2: 'x y' },
      hostname: 'h',
      timeout: 30,
      jobId: 'job-1',
      statusFd: 3,
      detach: true,
    });
    expect(a).toEqual([
      '--runtime',
      'base',
      '--memory',
      '512M',
      '--cpu',
      '50',
      '--pids',
      '100',
      '--cores',
      '0,1',
      '--net',
      'none',
      '--workdir',
      '/home/u/p',
      '--env',
      'A=1',
      '--env',
      'B_2=x y',
      '--hostname',
      'h',
      '--timeout',
      '30',
      '--job-id',
      'job-1',
      '--status-fd',
      '3',
      '--detach',
      '--',
      'sh',
      '-c',
      'echo --memory',
    ]);
    expect(buildLaunchArgv({ runtime: 'base', command: ['true'], memory: 1048576 })).toEqual(['--runtime', 'base', '--memory', '1048576', '--', 'true']);
    expect(buildKillArgv('job-1', 9)).toEqual(['--kill', 'job-1', '--signal', '9']);
  });

  it('can pass the environment by descriptor (--env-fd): NUL-terminated KEY=VALUE records, checked like --env', () => {
    expect(buildLaunchArgv({ runtime: 'base', command: ['true'], envFd: 4, statusFd: 3 })).toEqual([
      '--runtime',
      'base',
      '--env-fd',
      '4',
      '--status-fd',
      '3',
      '--',
      'true',
    ]);
    expect(envRecords({ A: '1', B_2: 'x y=z', C: '' })).toBe('A=1\0B_2=x y=z\0C=\0');
    expect(envRecords(['A=1'])).toBe('A=1\0');
    expect(envRecords({})).toBe('');
    expect(() => envRecords({ '1A': 'b' })).toThrow(/invalid environment entry/);
    expect(() => envRecords({ A: 'b\0c' })).toThrow(/NUL/);
    expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], envFd: 2 })).toThrow();
    expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], envFd: 3, statusFd: 3 })).toThrow();
    expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], envFd: 4.5 })).toThrow();
  });

  it('rejects bad options early', () => {
    expect(() => buildLaunchArgv({ runtime: '../x', command: ['true'] })).toThrow();
    expect(() => buildLaunchArgv({ runtime: 'b', command: [] })).toThrow();
    expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], cpu: -1 })).toThrow();
    expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], memory: '12x' })).toThrow();
    expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], env: ['1A=b'] })).toThrow();
    expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], interactive: true, detach: true })).toThrow();
    expect(() => buildLaunchArgv({ runtime: 'b', command: ['true'], statusFd: 2 })).toThrow();
    expect(() => buildKillArgv('a/b')).toThrow();
  });
});

describe('launcher events', () => {
  const started = '{"event":"started","job_id":"j\\"1","pid":12,"cgroup_mode":"v1","cgroups":{"memory":"/sys/fs/cgroup/memory/rnx/j"}}';
  const exited = '{"event":"exited","job_id":"j","code":137,"signal":9,"oom":true,"timed_out":false,"cpu_usec":1,"peak_memory":2,"wall_usec":3}';
  it('parses both events', () => {
    expect(parseEventLine(started)).toEqual({
      event: 'started',
      job_id: 'j"1',
      pid: 12,
      cgroup_mode: 'v1',
      cgroups: { memory: '/sys/fs/cgroup/memory/rnx/j' },
    });
    expect(parseEventLine(exited)).toMatchObject({ event: 'exited', code: 137, oom: true });
  });
  it('rejects malformed lines', () => {
    expect(() => parseEventLine('nope')).toThrow();
    expect(() => parseEventLine('{"event":"exited","job_id":"j","code":"0"}')).toThrow();
    expect(() => parseEventLine('{"event":"other","job_id":"j"}')).toThrow();
  });
  it('splits a stream at newlines', () => {
    const s = new EventStream();
    expect(s.push(started.slice(0, 20))).toEqual([]);
    expect(s.push(started.slice(20) + '\n' + exited.slice(0, 5)).map((e) => e.event)).toEqual(['started']);
    expect(s.push(exited.slice(5) + '\n').map((e) => e.event)).toEqual(['exited']);
    expect(s.end()).toEqual([]);
  });
});

describe('launcher install/locate', () => {
  it('locate explains how to fix a missing or non-setuid launcher', () => {
    const d = mkdtempSync(join(tmpdir(), 'rnx-locate-'));
    try {
      expect(() => checkLauncher(join(d, 'rnx-launch'))).toThrow(/not installed at .*; run: sudo rnx setup$/);
      writeFileSync(join(d, 'rnx-launch'), 'x');
      chmodSync(join(d, 'rnx-launch'), 0o755);
      expect(() => checkLauncher(join(d, 'rnx-launch'))).toThrow(/is not setuid root; run: sudo rnx setup$/);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it.skipIf(process.getuid?.() !== 0)('installs atomically as root:root 4755 and keeps an existing policy', () => {
    const d = mkdtempSync(join(tmpdir(), 'rnx-install-'));
    chmodSync(d, 0o755);
    try {
      const dest = join(d, 'libexec', 'rnx-launch');
      const conf = join(d, 'etc', 'launcher.conf');
      const s1 = installLauncher({ dest, confPath: conf });
      expect(s1).toMatchObject({ launcher: dest, launcherUpdated: true, conf, confCreated: true });
      const st = statSync(dest);
      expect(st.uid).toBe(0);
      expect(st.mode & 0o7777).toBe(0o4755);
      expect(statSync(conf).mode & 0o777).toBe(0o644);
      expect(readFileSync(conf, 'utf8')).toBe(DEFAULT_LAUNCHER_CONF);
      expect(readFileSync(dest).equals(readFileSync(launcherBuildPath()))).toBe(true);
      // the output copier beside it, root-owned and not setuid
      const follower = join(d, 'libexec', 'rnx-follow');
      expect(s1).toMatchObject({ follower, followerUpdated: true });
      expect(statSync(follower).uid).toBe(0);
      expect(statSync(follower).mode & 0o7777).toBe(0o755);
      writeFileSync(conf, 'max_pids = 10\n');
      const s2 = installLauncher({ dest, confPath: conf });
      expect(s2).toMatchObject({ launcherUpdated: false, followerUpdated: false, confCreated: false });
      expect(readFileSync(conf, 'utf8')).toBe('max_pids = 10\n');
      expect(checkLauncher(dest, conf)).toBe(dest);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it.skipIf(process.getuid?.() !== 0)('the real install passes the check', () => {
    expect(checkLauncher()).toBe(LAUNCHER_PATH);
    expect(statSync(CONF_PATH).uid).toBe(0);
  });
});
