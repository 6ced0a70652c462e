// Shared helpers for the launcher tests: run the installed setuid launcher as the unprivileged test user.
import { existsSync, mkdtempSync, chownSync, chmodSync, readFileSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { LAUNCHER_PATH } from '../../src/launcher/paths.js';
import { EventStream, type LauncherEvent, type StartedEvent, type ExitedEvent } from '../../src/launcher/events.js';
import { spawnAs, TEST_USER, userIds } from '../support/users.js';
import { TEST_RUNTIME } from '../support/launcher-fixture.js';

export { LAUNCHER_PATH, TEST_RUNTIME, TEST_USER };
export const canRun = process.getuid?.() === 0 && existsSync(LAUNCHER_PATH);

export interface LaunchResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: LauncherEvent[];
  started?: StartedEvent;
  exited?: ExitedEvent;
  ms: number;
}

export interface LaunchOpts {
  user?: string;
  /** pass --status-fd 3 and collect events */
  status?: boolean;
  env?: NodeJS.ProcessEnv;
  stdin?: string;
  /** stdio for fds 0-2 (default pipes) */
  stdio?: Array<'pipe' | 'ignore' | 'inherit'>;
  onStarted?: (ev: StartedEvent, child: ChildProcess) => void;
  killAfterMs?: number;
  /** the caller's working directory */
  cwd?: string;
}

const BASE_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TERM: 'xterm' };

/** Runs rnx-launch with `args` (as given: include --runtime and -- yourself) */
export function launch(args: string[], opts: LaunchOpts = {}): Promise<LaunchResult> {
  const t0 = Date.now();
  const full = opts.status ? ['--status-fd', '3', ...args] : args;
  const std = opts.stdio ?? ['pipe', 'pipe', 'pipe'];
  const child = spawnAs(opts.user ?? TEST_USER, LAUNCHER_PATH, full, {
    env: opts.env ?? BASE_ENV,
    stdio: [...std, opts.status ? 'pipe' : 'ignore'],
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  const res: LaunchResult = { code: null, signal: null, stdout: '', stderr: '', events: [], ms: 0 };
  child.stdout?.on('data', (d: Buffer) => (res.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (res.stderr += d.toString()));
  if (child.stdin) {
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  }
  const streams = new EventStream();
  const statusPipe = child.stdio[3] as NodeJS.ReadableStream | null | undefined;
  let statusDone: Promise<void> = Promise.resolve();
  if (statusPipe) {
    statusDone = new Promise((resolve) => {
      statusPipe.on('data', (d: Buffer) => {
        for (const ev of streams.push(d)) {
          res.events.push(ev);
          if (ev.event === 'started') {
            res.started = ev;
            opts.onStarted?.(ev, child);
          } else if (ev.event === 'exited') res.exited = ev;
        }
      });
      statusPipe.on('end', () => resolve());
      statusPipe.on('close', () => resolve());
    });
  }
  let timer: NodeJS.Timeout | undefined;
  if (opts.killAfterMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      res.code = code;
      res.signal = signal;
      void statusDone.then(() => {
        res.ms = Date.now() - t0;
        resolve(res);
      });
    });
  });
}

/** Runs `sh -c script` in the test runtime and returns the result. */
export function sh(script: string, extra: string[] = [], opts: LaunchOpts = {}): Promise<LaunchResult> {
  return launch(['--runtime', TEST_RUNTIME, ...extra, '--', 'sh', '-c', script], opts);
}

/** A fresh directory owned by the test user (for --workdir). */
export function userDir(prefix = 'rnx-wd-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  const { uid, gid } = userIds(TEST_USER);
  chownSync(d, uid, gid);
  chmodSync(d, 0o755);
  return d;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 25 ms for up to `ms`; resolves with its last value. */
export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(25);
  }
  return cond();
}

/** true while the process exists and is not a zombie */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` as `user` (through setpriv, which execs it), collecting its output; killed after `timeoutMs`. */
export function run(user: string, cmd: string, args: string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<Run> {
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

/** gdb can hold the launcher at a chosen point (x86-64 breakpoint conditions read its registers). */
export const haveGdb = arch() === 'x64' && spawnSync('gdb', ['--version']).status === 0;

/**
 * Runs the launcher with `args` under gdb (as root; the launcher as `asUser` when given), stopped at the first of
 * `breakAt` while `hook` runs; then it continues, or with `then: 'kill'` is SIGKILLed there (`launcher`: another
 * build to test, e.g. the one before a fix). gdb runs as root, so
 * the traced launcher keeps its setuid credentials: real uid = the user, effective 0.
 */
export function underGdb(
  breakAt: string | string[],
  hook: string,
  args: string[],
  asUser?: string,
  then: 'continue' | 'kill' = 'continue',
  launcher: string = LAUNCHER_PATH,
): Run {
  const wrapper = asUser ? ['-ex', `set exec-wrapper setpriv --reuid=${asUser} --regid=${userIds(asUser).gid} --init-groups`] : [];
  const end = then === 'kill' ? ['-ex', 'kill'] : ['-ex', 'delete', '-ex', 'continue'];
  const r = spawnSync(
    'gdb',
    [
      '-q',
      '-batch',
      ...wrapper,
      '-ex',
      'set breakpoint pending on',
      ...[breakAt].flat().flatMap((b) => ['-ex', `break ${b}`]),
      '-ex',
      'run',
      '-ex',
      `shell ${hook}`,
      ...end,
      '--args',
      launcher,
      ...args,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
