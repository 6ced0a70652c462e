// --log-max: the supervisor keeps a job's output file (a regular-file stdout/stderr) to its last N bytes by
// punching a hole over the oldest ones, announced on the status fd before each drop. Run as the test user.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRun, LAUNCHER_PATH } from './harness.js';
import { EventStream, type LauncherEvent, type OutputDroppedEvent, type StartedEvent } from '../../src/launcher/events.js';
import { installTestRuntime, removeRuntime } from '../support/launcher-fixture.js';
import { numberedBytes, numberedCommand, numberedLine } from '../support/numbered.js';
import { TEST_USER, userIds } from '../support/users.js';

const RT = 'rnx-test-logcap';
const MiB = 1 << 20;
const numbered = numberedCommand;
const line = numberedLine;

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
  events: LauncherEvent[];
}

let dir = '';
let confDir = '';

/** A file the test user owns (the launcher gets it as stdout opened for appending, as rnx gives it output.log). */
function userFile(name: string, content = ''): string {
  const f = join(dir, name);
  writeFileSync(f, content, { mode: 0o644 });
  const { uid, gid } = userIds(TEST_USER);
  chownSync(f, uid, gid);
  return f;
}

/**
 * Runs the launcher as the test user with --status-fd 3; stdout and stderr go to `out` / `err` (files, opened
 * O_APPEND) or to pipes. `conf`: a launcher.conf bound over the real one in a private mount namespace.
 */
function run(args: string[], io: { out?: string; err?: string; conf?: string; outFlags?: string } = {}): Promise<Run> {
  const { gid } = userIds(TEST_USER);
  const asUser = ['setpriv', `--reuid=${TEST_USER}`, `--regid=${gid}`, '--init-groups', LAUNCHER_PATH, '--status-fd', '3', ...args];
  const [cmd, ...argv] = io.conf
    ? ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `mount --bind ${io.conf} /etc/rnx/launcher.conf && exec "$@"`, 'sh', ...asUser]
    : asUser;
  const fds: number[] = [];
  const open = (f: string | undefined, flags = 'a') => {
    if (!f) return 'pipe' as const;
    const fd = openSync(f, flags);
    fds.push(fd);
    return fd;
  };
  const child = spawn(cmd!, argv, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, stdio: ['ignore', open(io.out, io.outFlags), open(io.err), 'pipe'] });
  for (const fd of fds) closeSync(fd);
  const r: Run = { code: null, stderr: '', stdout: '', events: [] };
  child.stdout?.on('data', (d: Buffer) => (r.stdout += d.toString('latin1')));
  child.stderr?.on('data', (d: Buffer) => (r.stderr += d.toString()));
  const stream = new EventStream();
  const status = child.stdio[3] as NodeJS.ReadableStream;
  status.on('data', (d: Buffer) => r.events.push(...stream.push(d)));
  const statusEnd = new Promise((res) => status.on('close', res));
  return new Promise((resolve) => child.on('close', (code) => void statusEnd.then(() => resolve({ ...r, code }))));
}

const dropsOf = (r: Run, fd = 1) => r.events.filter((e): e is OutputDroppedEvent => e.event === 'output_dropped' && e.fd === fd);
const startedOf = (r: Run) => r.events.find((e): e is StartedEvent => e.event === 'started');
const allocated = (f: string) => statSync(f).blocks * 512;

/** What is kept after the hole is exactly the end of the job's output: a cut line, then every line to the last. */
function expectTailOfNumbered(kept: string, n: number): void {
  const nl = kept.indexOf('\n');
  const lines = kept.slice(nl + 1).split('\n');
  expect(lines.pop()).toBe('');
  const first = Number(lines[0]!.split(' ')[0]);
  expect(line(first - 1).endsWith(kept.slice(0, nl))).toBe(true);
  let ok = true;
  for (let i = 0; i < lines.length; i++) if (lines[i] !== line(first + i)) ok = false;
  expect(ok).toBe(true);
  expect(first + lines.length - 1).toBe(n);
}

describe.skipIf(!canRun)('rnx-launch --log-max', () => {
  beforeAll(() => {
    installTestRuntime(RT);
    dir = mkdtempSync(join(tmpdir(), 'rnx-logcap-'));
    chmodSync(dir, 0o755);
    confDir = mkdtempSync(join(tmpdir(), 'rnx-logcap-conf-'));
    chmodSync(confDir, 0o755);
  });
  afterAll(() => {
    removeRuntime(RT);
    rmSync(dir, { recursive: true, force: true });
    rmSync(confDir, { recursive: true, force: true });
  });

  it('keeps a 200 MB output to its last 16M: the disk holds no more, the drops are announced, the end is intact', async () => {
    const n = 2_000_000;
    const out = userFile('big.log');
    const r = await run(['--runtime', RT, '--log-max', '16M', '--', ...numbered(n)], { out });
    expect(r.code, r.stderr).toBe(0);
    const size = statSync(out).size;
    expect(size).toBe(numberedBytes(n)); // the size stays: O_APPEND writers go on where they were
    expect(allocated(out)).toBeLessThanOrEqual(16 * MiB + 4 * MiB);
    expect(startedOf(r)?.log_max).toBe(16 * MiB);
    const drops = dropsOf(r);
    expect(drops.length).toBeGreaterThan(1);
    const last = drops.at(-1)!;
    // offsets only grow, in whole MiB, and at least 16M is kept after the last one (at most one MiB more)
    for (let i = 1; i < drops.length; i++) expect(drops[i]!.offset).toBeGreaterThan(drops[i - 1]!.offset);
    expect(drops.every((d) => d.offset % MiB === 0 && d.bytes === d.offset)).toBe(true);
    expect(size - last.offset).toBeGreaterThanOrEqual(16 * MiB);
    expect(size - last.offset).toBeLessThan(17 * MiB);
    // the final drop comes before `exited`
    expect(r.events.at(-1)?.event).toBe('exited');
    const file = readFileSync(out);
    expect(file.subarray(0, last.offset).every((b) => b === 0)).toBe(true); // a hole reads as zeros
    expectTailOfNumbered(file.toString('latin1', last.offset), n);
  }, 180_000);

  it('leaves what the file held before the job alone, and caps a separate stderr file on its own', async () => {
    const before = 'kept from before\n'.repeat(200_000); // 3.4 MB the caller appended to earlier
    const out = userFile('appended.log', before);
    const err = userFile('err.log');
    const n = 300_000;
    const r = await run(['--runtime', RT, '--log-max', '4M', '--', 'sh', '-c', `${numbered(n)[2]}; ${numbered(n)[2]} >&2`], { out, err });
    expect(r.code, r.stderr).toBe(0);
    const start = Math.ceil(before.length / MiB) * MiB;
    const outDrops = dropsOf(r, 1);
    expect(outDrops.at(-1)!.offset - outDrops.at(-1)!.bytes).toBe(start);
    const file = readFileSync(out);
    expect(file.toString('latin1', 0, before.length)).toBe(before);
    expectTailOfNumbered(file.toString('latin1', outDrops.at(-1)!.offset), n);
    const errDrops = dropsOf(r, 2);
    expect(errDrops.at(-1)!.bytes).toBe(errDrops.at(-1)!.offset);
    expect(allocated(err)).toBeLessThanOrEqual(8 * MiB);
    expectTailOfNumbered(readFileSync(err).toString('latin1', errDrops.at(-1)!.offset), n);
  }, 120_000);

  it('does not touch output that is not a regular file (a pipe), nor a file opened read-only', async () => {
    const n = 400_000; // 40 MB through a pipe, with a cap of 1M
    const r = await run(['--runtime', RT, '--log-max', '1M', '--', ...numbered(n)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(numberedBytes(n));
    expect(dropsOf(r)).toEqual([]);
    expect(startedOf(r)?.log_max).toBe(0);

    const ro = userFile('readonly.log', 'x'.repeat(3 * MiB));
    const r2 = await run(['--runtime', RT, '--log-max', '1M', '--', 'true'], { out: ro, outFlags: 'r' });
    expect(r2.code, r2.stderr).toBe(0);
    expect(startedOf(r2)?.log_max).toBe(0);
    expect(r2.events.filter((e) => e.event !== 'started' && e.event !== 'exited')).toEqual([]);
    expect(statSync(ro).blocks * 512).toBeGreaterThanOrEqual(3 * MiB);
  }, 120_000);

  it('on a file system that cannot punch holes: one note, the job runs and its output stays whole', async () => {
    const ram = mkdtempSync(join(tmpdir(), 'rnx-ramfs-'));
    expect(spawnSync('mount', ['-t', 'ramfs', '-o', 'mode=0755', 'ramfs', ram]).status).toBe(0);
    try {
      const { uid, gid } = userIds(TEST_USER);
      const out = join(ram, 'out.log');
      writeFileSync(out, '');
      chownSync(out, uid, gid);
      const n = 50_000;
      const r = await run(['--runtime', RT, '--log-max', '1M', '--', ...numbered(n)], { out });
      expect(r.code, r.stderr).toBe(0);
      expect(statSync(out).size).toBe(numberedBytes(n));
      expect(dropsOf(r)).toEqual([]);
      const notes = r.events.filter((e) => e.event === 'note');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ message: expect.stringMatching(/cannot drop old output/) });
      expect(startedOf(r)?.log_max).toBe(0);
    } finally {
      spawnSync('umount', ['-l', ram]);
      rmSync(ram, { recursive: true, force: true });
    }
  });

  it('takes its default and maximum from the policy, and refuses more than the maximum (125, one line)', async () => {
    const conf = join(confDir, 'launcher.conf');
    writeFileSync(conf, 'runtimes_dir = /opt/rnx/runtimes\nallow_users = *\ndefault_log_max = 0\nmax_log_max = 64M\n', { mode: 0o644 });
    const out = userFile('policy.log');
    for (const [args, msg] of [
      [['--log-max', '128M'], /^rnx-launch: --log-max 128M is above the maximum allowed by \/etc\/rnx\/launcher.conf \(64M\)\n$/],
      [['--log-max', '0'], /^rnx-launch: --log-max 0 \(no limit\) is not allowed by \/etc\/rnx\/launcher.conf \(max_log_max = 64M\)\n$/],
    ] as const) {
      const r = await run(['--runtime', RT, ...args, '--', 'true'], { out, conf });
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(msg);
      expect(r.events).toEqual([]);
    }
    const within = await run(['--runtime', RT, '--log-max', '32M', '--', 'true'], { out, conf });
    expect([within.code, startedOf(within)?.log_max]).toEqual([0, 32 * MiB]);
    // no --log-max: the default, 0 (no cap), is above a maximum, so the maximum applies
    const dflt = await run(['--runtime', RT, '--', 'true'], { out, conf });
    expect([dflt.code, startedOf(dflt)?.log_max]).toEqual([0, 64 * MiB]);
    // a policy without the keys: 1G by default, and no maximum
    writeFileSync(conf, 'runtimes_dir = /opt/rnx/runtimes\nallow_users = *\n', { mode: 0o644 });
    const plain = await run(['--runtime', RT, '--', 'true'], { out, conf });
    expect([plain.code, startedOf(plain)?.log_max]).toEqual([0, 1024 * MiB]);
    const none = await run(['--runtime', RT, '--log-max', '0', '--', 'true'], { out, conf });
    expect([none.code, startedOf(none)?.log_max]).toEqual([0, 0]);
    for (const bad of ['max_log_max = 512K', 'default_log_max = lots']) {
      writeFileSync(conf, `runtimes_dir = /opt/rnx/runtimes\n${bad}\n`, { mode: 0o644 });
      const r = await run(['--runtime', RT, '--', 'true'], { out, conf });
      expect(r.code).toBe(125);
      expect(r.stderr).toMatch(/^rnx-launch: \/etc\/rnx\/launcher.conf:2: (max|default)_log_max[^\n]*\n$/);
    }
  });

  it.each([
    [['--log-max', '512K'], /--log-max: 512K is out of range \(0 or 1M-1024T\)/],
    [['--log-max', '2000T'], /--log-max: 2000T is out of range/],
    [['--log-max', '-1'], /--log-max: not a valid size: '-1'/],
    [['--log-max', '1.5G'], /--log-max: not a valid size/],
    [['--log-max', '1M', '--log-max', '2M'], /--log-max given more than once/],
  ])('refuses %j in one line', async (args, msg) => {
    const r = await run(['--runtime', RT, ...args, '--', 'true']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(new RegExp(`^rnx-launch: [^\\n]*${msg.source}[^\\n]*\\n$`));
    expect(r.events).toEqual([]);
  });

  it('--kill takes no --log-max', async () => {
    const r = await run(['--kill', 'nosuchjob', '--log-max', '1M']);
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/^rnx-launch: --kill takes only a job id and an optional --signal\n$/);
  });
});
