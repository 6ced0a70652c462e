// Starting a process whose stdio are file descriptors we already hold (rnx-launch, with the job's output and
// event files), without node:child_process when that can be helped: loading child_process (it pulls in net,
// dgram and streams) costs `rnx job run` 5-6 ms, a fifth of its start-up budget, and its spawn() another 1 ms.
// Node's own process handle (the binding child_process is built on) does the same uv_spawn. It is reached
// through process.binding, which Node keeps for compatibility (DEP0111, documentation-only) and which warns under
// --pending-deprecation; then, or where the binding is gone or changed, child_process is used as usual.

export type Stdio = number | 'inherit' | 'ignore';

export interface SpawnRequest {
  file: string;
  args: string[];
  /** One entry per child descriptor 0, 1, 2, …: an fd of ours, the same fd of ours (inherit), or /dev/null. */
  stdio: Stdio[];
  env: Record<string, string>;
  /** A new session (and process group) for the child. */
  detached: boolean;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedProcess {
  /** Undefined when the process could not be started. */
  readonly pid: number | undefined;
  /** Settles when the process exits; `code` 125 when it could not be started. */
  readonly exited: Promise<ProcessExit>;
  /** Lets node exit while the process still runs. */
  unref(): void;
}

const NOT_STARTED: ProcessExit = { code: 125, signal: null };

/** The shape of Node's internal process handle, as far as it is used here. */
interface ProcessHandle {
  pid?: number;
  onexit: (exitCode: number, signalCode: string) => void;
  spawn(options: {
    file: string;
    args: string[];
    envPairs: string[];
    stdio: Array<{ type: 'ignore' } | { type: 'fd'; fd: number }>;
    detached: boolean;
  }): number;
  close(): void;
  unref(): void;
}

export type ProcessHandleClass = new () => ProcessHandle;

export function spawnWithFds(req: SpawnRequest): SpawnedProcess {
  const handleClass = processHandleClass();
  return handleClass ? spawnWithHandle(handleClass, req) : spawnWithChildProcess(req);
}

export function spawnWithHandle(Handle: ProcessHandleClass, req: SpawnRequest): SpawnedProcess {
  const envPairs = Object.entries(req.env).map(([k, v]) => `${k}=${v}`);
  // C strings end at the first NUL: refuse what would reach the program cut short, as child_process does
  for (const s of [req.file, ...req.args, ...envPairs]) {
    if (s.includes('\0')) throw new TypeError(`spawn ${req.file}: an argument or variable contains a NUL byte`);
  }
  let handle: ProcessHandle;
  let err: number;
  let settle!: (exit: ProcessExit) => void;
  const exited = new Promise<ProcessExit>((resolve) => (settle = resolve));
  try {
    handle = new Handle();
    handle.onexit = (exitCode, signalCode) => {
      handle.close();
      settle(signalCode ? { code: null, signal: signalCode as NodeJS.Signals } : { code: exitCode, signal: null });
    };
    err = handle.spawn({
      file: req.file,
      args: [req.file, ...req.args],
      envPairs,
      stdio: req.stdio.map((s, fd) => (s === 'ignore' ? { type: 'ignore' } : { type: 'fd', fd: s === 'inherit' ? fd : s })),
      detached: req.detached,
    });
  } catch {
    // an internal handle whose options changed in a newer Node: the public API still works
    return spawnWithChildProcess(req);
  }
  if (err !== 0) {
    handle.close();
    // Any failure is retried the public way, which reports a missing program (125) as well, and starts what a
    // changed internal option set refused; it costs the 5-6 ms of loading child_process on this path only.
    return spawnWithChildProcess(req);
  }
  return { pid: handle.pid, exited, unref: () => handle.unref() };
}

export function spawnWithChildProcess(req: SpawnRequest): SpawnedProcess {
  const { spawn } = process.getBuiltinModule('node:child_process');
  const child = spawn(req.file, req.args, { stdio: req.stdio, env: req.env, detached: req.detached });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', () => resolve(NOT_STARTED));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { pid: child.pid, exited, unref: () => child.unref() };
}

/** Node's process handle class, or undefined where it is not to be used. */
export function processHandleClass(): ProcessHandleClass | undefined {
  if (pendingDeprecationWarnings()) return undefined;
  try {
    const binding = (process as unknown as { binding(name: string): { Process?: unknown } }).binding('process_wrap');
    const Handle = binding.Process as ProcessHandleClass | undefined;
    return typeof Handle === 'function' && typeof Handle.prototype.spawn === 'function' ? Handle : undefined;
  } catch {
    return undefined;
  }
}

function pendingDeprecationWarnings(): boolean {
  const flag = '--pending-deprecation';
  return process.execArgv.includes(flag) || (process.env.NODE_OPTIONS ?? '').includes(flag) || process.env.NODE_PENDING_DEPRECATION === '1';
}
