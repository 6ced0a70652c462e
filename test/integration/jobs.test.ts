import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rnx, RNX_BIN } from '../support/cli.js';
import { OTHER_USER, TEST_USER, runAsSync, userIds } from '../support/users.js';
import { installBusyboxRuntime, removeRuntime, tempStateDir } from '../support/runtimes.js';

const RT = 'rnx-test-jobs';
let state: string;
let env: Record<string, string>;
const run = (args: string[], extra: { timeoutMs?: number; asUid?: number } = {}) => rnx(args, { env, ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitState(id: string, want: RegExp, ms = 20_000): Promise<Record<string, unknown>> {
  const until = Date.now() + ms;
  for (;;) {
    const rec = JSON.parse(run(['job', 'status', id, '--json']).stdout);
    if (want.test(rec.state) || Date.now() > until) return rec;
    await sleep(200);
  }
}

beforeAll(() => {
  installBusyboxRuntime(RT, 'environment:\n  GREETING: hello\n');
  state = tempStateDir();
  env = { RNX_STATE_DIR: state, RNX_ROOT: '/opt/rnx' };
});
afterAll(() => {
  removeRuntime(RT);
  rmSync(state, { recursive: true, force: true });
});

describe('rnx job run (foreground)', () => {
  it.each([
    [['true'], 0],
    [['false'], 1],
    [['sh', '-c', 'exit 42'], 42],
    [['sh', '-c', 'kill -TERM $$'], 143],
    [['sh', '-c', 'kill -KILL $$'], 137],
  ])('%j exits %i', (cmd, code) => {
    const r = run(['job', 'run', `--runtime=${RT}`, ...cmd]);
    expect(r.code).toBe(code);
  });

  it("passes the command's own flags through and sees the runtime environment", () => {
    const r = run(['job', 'run', `--runtime=${RT}`, 'sh', '-c', 'echo "$GREETING $1 $PATH"', 'x', '--memory']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hello --memory \//);
  });

  it('a command missing in the runtime exits 127 and says so', () => {
    const r = run(['job', 'run', `--runtime=${RT}`, 'python', '-c', 'print(1)']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain(`python: command not found in runtime ${RT}`);
  });

  it('delivers the complete output in order, to the terminal and the record', () => {
    const r = run(['job', 'run', `--runtime=${RT}`, '--name', 'seq', 'seq', '1', '200000']);
    expect(r.code).toBe(0);
    const expected = Array.from({ length: 200000 }, (_, i) => String(i + 1)).join('\n') + '\n';
    expect(r.stdout === expected).toBe(true);
    expect(run(['job', 'logs', 'seq']).stdout === expected).toBe(true);
    const rec = JSON.parse(run(['job', 'status', 'seq', '--json']).stdout);
    expect(rec).toMatchObject({ state: 'exited', exitCode: 0, runtime: RT, runtimeVersion: '1', command: ['seq', '1', '200000'] });
    expect(rec.usage.wallUsec).toBeGreaterThan(0);
  });

  it('a large output (handed over to rnx-follow past 8 MiB) arrives complete and in order, on the pipe and in the record', () => {
    const r = run(['job', 'run', `--runtime=${RT}`, '--name', 'bigseq', 'seq', '1', '3000000']);
    expect(r.code).toBe(0);
    const expected = Array.from({ length: 3_000_000 }, (_, i) => String(i + 1)).join('\n') + '\n';
    expect(r.stdout.length).toBe(expected.length);
    expect(r.stdout === expected).toBe(true);
    expect(run(['job', 'logs', 'bigseq']).stdout === expected).toBe(true);
  });

  it('keeps the job path compiled in $XDG_CACHE_HOME/rnx; a damaged cache is only recompiled, and caches of other builds go when it is rewritten', () => {
    const cacheHome = mkdtempSync(join(tmpdir(), 'rnx-cache-'));
    try {
      const withCache = () => rnx(['job', 'run', `--runtime=${RT}`, 'echo', 'cached'], { env: { ...env, XDG_CACHE_HOME: cacheHome } });
      expect(withCache().stdout).toBe('cached\n');
      const dir = join(cacheHome, 'rnx');
      const [cache] = readdirSync(dir);
      expect(cache).toMatch(/^fast-path-v[\d.]+-\d+-\d+\.v8$/);
      const size = statSync(join(dir, cache!)).size;
      expect(size).toBeGreaterThan(1000);
      writeFileSync(join(dir, cache!), 'not a code cache');
      writeFileSync(join(dir, 'fast-path-v0.0.0-1-1.v8'), "an earlier build's cache");
      writeFileSync(join(dir, 'unrelated'), 'kept');
      const r = withCache();
      expect([r.code, r.stdout, r.stderr]).toEqual([0, 'cached\n', '']);
      expect(statSync(join(dir, cache!)).size).toBeGreaterThan(1000);
      expect(readdirSync(dir).sort()).toEqual([cache, 'unrelated']); // the earlier build's cache went with the rewrite
    } finally {
      rmSync(cacheHome, { recursive: true, force: true });
    }
  });

  it('starts a job without loading node:child_process, net or stream (their load is a fifth of the start-up budget)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnx-modules-'));
    try {
      const preload = join(dir, 'report-modules.cjs');
      writeFileSync(
        preload,
        `process.on('exit', () => require('node:fs').writeSync(2, '\\nloaded:' + process.moduleLoadList.filter((m) => /^NativeModule (child_process|stream|net)$/.test(m)).join(',') + '\\n'));`,
      );
      const r = spawnSync(process.execPath, ['-r', preload, RNX_BIN, 'job', 'run', `--runtime=${RT}`, 'echo', 'ok'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
      expect([r.status, r.stdout]).toEqual([0, 'ok\n']);
      expect(r.stderr.trim().split('\n').at(-1)).toBe('loaded:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('mounts --workdir read-write and keeps the tree read-only', () => {
    const wd = mkdtempSync(join(tmpdir(), 'rnx-wd-'));
    const r = run(['job', 'run', `--runtime=${RT}`, '--workdir', wd, 'sh', '-c', 'echo hi > /work/out && touch /bin/x; echo rc=$?']);
    expect(r.stdout).toContain('rc=1');
    expect(readFileSync(join(wd, 'out'), 'utf8')).toBe('hi\n');
    rmSync(wd, { recursive: true });
  });

  it('timeout ends the job as timed-out with 137', async () => {
    const r = run(['job', 'run', `--runtime=${RT}`, '--name', 'slow', '--timeout', '1s', 'sleep', '30']);
    expect(r.code).toBe(137);
    expect(r.stderr).toMatch(/timeout/);
    expect((await waitState('slow', /./)).state).toBe('timed-out');
  });

  it('a memory hog is OOM-killed and recorded as oom', async () => {
    const r = run([
      'job',
      'run',
      `--runtime=${RT}`,
      '--name',
      'hog',
      '--memory',
      '32M',
      'sh',
      '-c',
      'x=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived',
    ]);
    expect(r.code).toBe(137);
    expect(r.stdout).not.toContain('survived');
    expect(r.stderr).toMatch(/out of memory/);
    expect((await waitState('hog', /./)).state).toBe('oom');
  });
});

describe('background jobs', () => {
  it('detach prints the id; logs -f follows until the end', async () => {
    const r = run(['job', 'run', `--runtime=${RT}`, '-d', 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.4; done']);
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(run(['job', 'list']).stdout).toContain(id);
    const logs = run(['job', 'logs', id.slice(0, 6), '-f']);
    expect(logs.stdout).toBe('line1\nline2\nline3\n');
    expect((await waitState(id, /./)).state).toBe('exited');
    expect(run(['job', 'list']).stdout).not.toContain(id);
    expect(run(['job', 'list', '--all']).stdout).toContain(id);
  });

  it('stop ends a running job as stopped; rm refuses a running job and removes a finished one', async () => {
    const id = run(['job', 'run', `--runtime=${RT}`, '-d', 'sleep', '300']).stdout.trim();
    expect(run(['job', 'rm', id]).code).toBe(6);
    const stop = run(['job', 'stop', id, '--grace', '2s']);
    expect(stop.stdout).toMatch(/stopped/);
    expect((await waitState(id, /./)).state).toBe('stopped');
    expect(run(['job', 'rm', id]).code).toBe(0);
    expect(run(['job', 'status', id]).code).toBe(3);
  });

  it('a SIGTERM-ignoring job is killed after the grace period', async () => {
    const id = run(['job', 'run', `--runtime=${RT}`, '-d', 'sh', '-c', 'trap "" TERM; while :; do sleep 1; done']).stdout.trim();
    await sleep(500);
    const t0 = Date.now();
    run(['job', 'stop', id, '--grace', '1s']);
    expect(Date.now() - t0).toBeLessThan(8000);
    const rec = await waitState(id, /./);
    expect(rec.state).toBe('stopped');
  });

  it('stats move when the job works: CPU for a busy loop, memory for an allocation', async () => {
    const cpuId = run(['job', 'run', `--runtime=${RT}`, '-d', '--timeout', '20s', 'sh', '-c', 'while :; do :; done']).stdout.trim();
    const memId = run([
      'job',
      'run',
      `--runtime=${RT}`,
      '-d',
      '--timeout',
      '20s',
      'sh',
      '-c',
      'dd if=/dev/zero bs=60M count=1 2>/dev/null | sleep 30',
    ]).stdout.trim();
    await sleep(2500);
    const cpu = JSON.parse(run(['job', 'stats', cpuId, '--json']).stdout);
    expect(cpu.state).toBe('running');
    expect(cpu.cpuPercent).toBeGreaterThan(50);
    const mem = JSON.parse(run(['job', 'stats', memId, '--json']).stdout);
    expect(mem.memoryCurrent).toBeGreaterThan(50_000_000);
    expect(mem.memoryWorkingSet).toBeGreaterThan(50_000_000);
    expect(run(['job', 'stats', cpuId]).stdout).toMatch(/cpu:\s+\d+\.\d% of a core/);
    run(['job', 'stop', cpuId, '--grace', '1s']);
    run(['job', 'stop', memId, '--grace', '1s']);
    const fin = JSON.parse(run(['job', 'stats', cpuId, '--json']).stdout);
    expect(fin.state).toBe('stopped');
    expect(fin.cpuUsec).toBeGreaterThan(1_000_000);
  });

  it("memory shows the working set: the page cache of the job's own output is shown beside it, not in it", async () => {
    const id = run([
      'job',
      'run',
      `--runtime=${RT}`,
      '-d',
      '--memory',
      '256M',
      '--timeout',
      '30s',
      'sh',
      '-c',
      'dd if=/dev/zero bs=1M count=160 2>/dev/null; sleep 30',
    ]).stdout.trim();
    let st: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      st = JSON.parse(run(['job', 'stats', id, '--json']).stdout);
      if ((st.memoryCache ?? 0) > 100 * 2 ** 20) break;
      await sleep(200);
    }
    expect(st.memoryCurrent).toBeGreaterThan(100 * 2 ** 20);
    expect(st.memoryCache).toBeGreaterThan(100 * 2 ** 20);
    expect(st.memoryWorkingSet).toBeLessThan(40 * 2 ** 20);
    expect(run(['job', 'stats', id]).stdout).toMatch(/memory:\s+[\d.]+ (KiB|MiB) working set, [\d.]+ MiB page cache/);
    run(['job', 'stop', id, '--grace', '1s']);
  });

  it('a finished job records its peak working set beside the peak that includes the page cache', () => {
    // dd holds a 64 MiB buffer (blocked writing it to a pipe nobody reads) while 160 MiB of output go through the page cache
    const r = run([
      'job',
      'run',
      `--runtime=${RT}`,
      '--name',
      'wsjob',
      'sh',
      '-c',
      '(dd if=/dev/zero bs=64M count=1 2>/dev/null | sleep 2) & sleep 0.5; dd if=/dev/zero bs=1M count=160 2>/dev/null; wait',
    ]);
    expect(r.code).toBe(0);
    const rec = JSON.parse(run(['job', 'status', 'wsjob', '--json']).stdout);
    expect(rec.usage.peakWorkingSet).toBeGreaterThan(60 * 2 ** 20);
    expect(rec.usage.peakWorkingSet).toBeLessThan(140 * 2 ** 20);
    expect(rec.usage.peakMemory).toBeGreaterThan(rec.usage.peakWorkingSet + 60 * 2 ** 20);
    expect(run(['job', 'status', 'wsjob']).stdout).toMatch(/peak [\d.]+ MiB working set \([\d.]+ MiB with page cache\)/);
  });

  it('the record completes with all output when the rnx process is killed with SIGKILL', async () => {
    const child = spawn(process.execPath, [RNX_BIN, 'job', 'run', `--runtime=${RT}`, '--name', 'victim', 'sh', '-c', 'echo before; sleep 2; echo after'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (c) => {
        seen += c;
        if (seen.includes('before')) resolve();
      }),
    );
    child.kill('SIGKILL');
    const rec = await waitState('victim', /^(?!running)/);
    expect(rec.state).not.toBe('running');
    expect(run(['job', 'logs', 'victim']).stdout).toContain('before\n');
    expect(rec.endedAt).toBeTruthy();
  });
});

describe('bad input gets a one-line error', () => {
  it('a state directory that cannot be created says so and how to choose another (exit 4)', () => {
    const r = rnx(['job', 'run', `--runtime=${RT}`, 'true'], {
      env: { RNX_STATE_DIR: '', XDG_STATE_HOME: '', HOME: '/nonexistent' },
      asUid: userIds(TEST_USER).uid,
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toBe('rnx: cannot create the job directory /nonexistent/.local/state/rnx/jobs (EACCES); set RNX_STATE_DIR to a directory you can write\n');
  });

  it.each([
    [['--runtime=nope', 'true'], /unknown runtime "nope"; installed: .*rnx-test-jobs/, 3],
    [[`--runtime=${RT}`, '--memory', '512X', 'true'], /invalid memory limit "512X"/, 2],
    [[`--runtime=${RT}`, '--memory', '-1', 'true'], /invalid memory limit "-1"/, 2],
    [[`--runtime=${RT}`, '--cpu', '150%', 'true'], /invalid CPU limit "150%"/, 2],
    [[`--runtime=${RT}`, '--pids', '-1', 'true'], /invalid pids limit/, 2],
    [[`--runtime=${RT}`, '--timeout', 'soon', 'true'], /invalid timeout/, 2],
    [[`--runtime=${RT}`, '--workdir', '/nonexistent-dir', 'true'], /workdir \/nonexistent-dir does not exist/, 2],
    [[`--runtime=${RT}`, '--memory', '100000G', 'true'], /^rnx: --memory 100000G is above the maximum allowed by \/etc\/rnx\/launcher.conf \(16G\)$/m, 125],
    [[`--runtime=${RT}`, '--network', 'host', 'true'], /^rnx: --network host is not allowed by \/etc\/rnx\/launcher.conf$/m, 125],
  ])('%j', (args, message, code) => {
    const r = run(['job', 'run', ...args]);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.code).toBe(code);
  });

  it('an unreadable workdir', () => {
    const wd = mkdtempSync(join(tmpdir(), 'rnx-wd-'));
    chmodSync(wd, 0o700);
    const r = run(['job', 'run', `--runtime=${RT}`, '--workdir', wd, 'true'], { asUid: 65534 });
    expect(r.stderr).toMatch(/not readable and writable by you/);
    rmSync(wd, { recursive: true });
  });

  it('unknown and ambiguous job ids', () => {
    for (const id of ['feed00000001', 'feed00000002']) {
      mkdirSync(join(state, 'jobs', id), { recursive: true });
      const rec = {
        id,
        runtime: RT,
        command: ['true'],
        limits: { network: 'none' },
        env: {},
        user: 'root',
        uid: 0,
        detached: false,
        createdAt: new Date().toISOString(),
        state: 'exited',
        exitCode: 0,
        oom: false,
        timedOut: false,
      };
      writeFileSync(join(state, 'jobs', id, 'record.json'), JSON.stringify(rec));
    }
    const unknown = run(['job', 'status', 'zzzz']);
    expect(unknown.stderr).toBe('rnx: no job "zzzz" (rnx job list --all shows them)\n');
    expect(unknown.code).toBe(3);
    const ambiguous = run(['job', 'status', 'feed']);
    expect(ambiguous.stderr).toMatch(/job id "feed" is ambiguous: feed00000001, feed00000002/);
    expect(JSON.parse(run(['job', 'status', 'feed00000002', '--json']).stdout).id).toBe('feed00000002');
  });

  it.each(['run', 'list', 'status', 'logs', 'stats', 'stop', 'rm'])('job %s --help', (c) => {
    const r = run(['job', c, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: rnx job /);
  });
});

describe('rnx runtime shell', () => {
  it('runs a login shell in the runtime as the caller, reading commands from stdin, with its exit status', () => {
    const { uid } = userIds(TEST_USER);
    const r = rnx(['runtime', 'shell', RT], { env, asUid: uid, input: 'echo "$GREETING"; id -u; ls /; exit 7\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(7);
    const [greeting, id, ...root] = r.stdout.trim().split('\n');
    expect(greeting).toBe('hello');
    expect(Number(id)).toBe(uid);
    expect(root).toContain('bin');
    expect(root).not.toContain('opt'); // the runtime's tree, not the host's (which has /opt/rnx)
  });

  it('binds --workdir read-write at the runtime workdir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnx-shell-'));
    try {
      chmodSync(dir, 0o777);
      const r = rnx(['runtime', 'shell', RT, '--workdir', dir], { env, asUid: userIds(TEST_USER).uid, input: 'echo made > out.txt\n' });
      expect(r.code).toBe(0);
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('made\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['runtime', 'shell', 'no-such-runtime'], 3, /unknown runtime "no-such-runtime"/],
    [['runtime', 'shell', 'Bad/Name'], 2, /runtime name/],
    [['runtime', 'shell', RT, '--workdir', '/nonexistent-dir'], 2, /workdir \/nonexistent-dir does not exist/],
  ])('%j exits %i with one line', (args, code, msg) => {
    const r = run(args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('a full disk', () => {
  it("says so when the job's output could not all be recorded", () => {
    const small = mkdtempSync(join(tmpdir(), 'rnx-full-'));
    spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small]);
    try {
      const r = rnx(['job', 'run', `--runtime=${RT}`, 'sh', '-c', 'dd if=/dev/zero bs=1M count=8 2>/dev/null; echo done'], {
        env: { ...env, RNX_STATE_DIR: small },
      });
      expect(r.stderr).toMatch(/output may be incomplete: no space left on device/);
      const noRoom = rnx(['job', 'run', `--runtime=${RT}`, 'true'], { env: { ...env, RNX_STATE_DIR: small } });
      expect(noRoom.stderr).toMatch(/^rnx: no space left on device/);
    } finally {
      spawnSync('umount', ['-l', small]);
      rmSync(small, { recursive: true, force: true });
    }
  });
});

describe('secrets given with -e', () => {
  it("are in no process's argv (where every local user can read them) while the job runs; the job sees them", async () => {
    const { uid } = userIds(TEST_USER);
    const own = tempStateDir();
    const token = `tok-${process.pid}-s3cr3t`;
    try {
      const userEnv = { RNX_STATE_DIR: own, RNX_ROOT: '/opt/rnx' };
      const r = rnx(['job', 'run', `--runtime=${RT}`, '-d', '-e', `API_TOKEN=${token}`, 'sh', '-c', 'echo "got=$API_TOKEN"; sleep 3'], {
        env: userEnv,
        asUid: uid,
      });
      expect(r.code, r.stderr).toBe(0);
      const id = r.stdout.trim();
      const dir = join(own, 'jobs', id);
      const started = JSON.parse(readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n')[0]!) as { pid: number };
      // the supervisor (PID 1's parent), its guard and the job's PID 1
      const stat = readFileSync(`/proc/${started.pid}/stat`, 'utf8');
      const supervisor = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const kids = readFileSync(`/proc/${supervisor}/task/${supervisor}/children`, 'utf8').trim().split(/\s+/).map(Number);
      const pids = [supervisor, ...kids];
      expect(pids).toContain(started.pid);
      expect(pids.length).toBe(3);
      for (const pid of pids) {
        const seen = runAsSync(OTHER_USER, 'cat', [`/proc/${pid}/cmdline`]);
        expect(seen.stdout, `cmdline of ${pid} as ${OTHER_USER}`).toContain(`--job-id\0${id}\0`);
        expect(seen.stdout).not.toContain(token);
      }
      // what keeps the variables (the record) is the user's alone; nothing of the job's directory is left open to others
      expect(runAsSync(OTHER_USER, 'cat', [join(dir, 'record.json')]).status).not.toBe(0);
      expect(readdirSync(dir).filter((f) => (statSync(join(dir, f)).mode & 0o077) !== 0)).toEqual([]);
      expect(rnx(['job', 'logs', id, '-f'], { env: userEnv, asUid: uid }).stdout).toBe(`got=${token}\n`);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it("-e KEY takes the value from rnx's environment, so it is not even in rnx's own command line", async () => {
    const { uid } = userIds(TEST_USER);
    const own = tempStateDir();
    const token = `tok-${process.pid}-env-only`;
    try {
      const child = spawn(
        'setpriv',
        [
          `--reuid=${uid}`,
          `--regid=${uid}`,
          '--clear-groups',
          process.execPath,
          RNX_BIN,
          'job',
          'run',
          `--runtime=${RT}`,
          '-e',
          'API_TOKEN',
          'sh',
          '-c',
          'echo "got=$API_TOKEN"; sleep 2',
        ],
        {
          env: { ...process.env, RNX_STATE_DIR: own, RNX_ROOT: '/opt/rnx', API_TOKEN: token },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      await new Promise<void>((resolve) =>
        child.stdout.on('data', (c) => {
          out += c;
          if (out.includes('got=')) resolve();
        }),
      );
      const seen = runAsSync(OTHER_USER, 'cat', [`/proc/${child.pid}/cmdline`]);
      expect(seen.stdout).toContain('API_TOKEN');
      expect(seen.stdout).not.toContain(token);
      await new Promise((resolve) => child.on('close', resolve));
      expect(out).toBe(`got=${token}\n`);
      const missing = rnx(['job', 'run', `--runtime=${RT}`, '-e', 'RNX_NOT_SET_ANYWHERE', 'true'], { env: { RNX_STATE_DIR: own } });
      expect(missing.stderr.trim()).toBe(
        'rnx: -e RNX_NOT_SET_ANYWHERE: RNX_NOT_SET_ANYWHERE is not set in your environment (use RNX_NOT_SET_ANYWHERE=VALUE, or export it first)',
      );
      expect(missing.code).toBe(2);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('root and other users’ jobs', () => {
  it('list --all-users shows another user’s running job and its finished ones, status and stop reach it, the record stays theirs', async () => {
    const { uid } = userIds(TEST_USER);
    const own = tempStateDir();
    try {
      const userEnv = { RNX_STATE_DIR: own, RNX_ROOT: '/opt/rnx' };
      const done = rnx(['job', 'run', `--runtime=${RT}`, '--name', 'theirs-done', 'true'], { env: userEnv, asUid: uid });
      expect(done.code, done.stderr).toBe(0);
      const r = rnx(['job', 'run', `--runtime=${RT}`, '-d', '--name', 'theirs', 'sleep', '60'], { env: userEnv, asUid: uid });
      expect(r.code, r.stderr).toBe(0);
      const id = r.stdout.trim();
      // root's own list (another state dir) does not have it; --all-users does, with the finished job found beside it
      expect(run(['job', 'list', '--json']).stdout).not.toContain(id);
      const all = JSON.parse(run(['job', 'list', '--all-users', '--all', '--json']).stdout) as Array<Record<string, unknown>>;
      expect(all.find((j) => j.id === id)).toMatchObject({ uid, user: TEST_USER, state: 'running', name: 'theirs', stateDir: own });
      expect(all.some((j) => j.name === 'theirs-done' && j.state === 'exited')).toBe(true);
      const table = run(['job', 'list', '--all-users']).stdout;
      expect(table).toMatch(/^ID\s+USER\s+NAME/);
      expect(table).toMatch(new RegExp(`${id}\\s+${TEST_USER}\\s+theirs`));
      // not root: refused
      const refused = rnx(['job', 'list', '--all-users'], { env: userEnv, asUid: uid });
      expect(refused.code).toBe(4);
      expect(run(['job', 'status', id]).stdout).toContain(`user:      ${TEST_USER} (uid ${uid})`);
      const stop = run(['job', 'stop', id, '--grace', '2s']);
      expect(stop.code, stop.stderr).toBe(0);
      expect(stop.stdout).toMatch(/stopped/);
      expect(statSync(join(own, 'jobs', id, 'record.json')).uid).toBe(uid);
      expect(JSON.parse(rnx(['job', 'status', id, '--json'], { env: userEnv, asUid: uid }).stdout)).toMatchObject({ state: 'stopped', stopRequested: true });
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('status prints the describe model: cgroups, output kept and the timeline', () => {
    const r = run(['job', 'run', `--runtime=${RT}`, '--name', 'described', 'true']);
    expect(r.code).toBe(0);
    const s = run(['job', 'status', 'described']).stdout;
    expect(s).toMatch(/^cgroups: {3}v[12] \S*\/sys\/fs\/cgroup\//m);
    expect(s).toContain('(nothing dropped)');
    expect(s).toMatch(/^timeline:\n {2}\S+ {2}created\n {2}\S+ {2}started \(pid \d+/m);
    expect(s).toMatch(/ {2}exited \(exit 0\)$/m);
  });
});
