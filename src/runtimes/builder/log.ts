// The build log: every command's output goes to a file, and the last lines are kept for error messages.
import { execa, type ResultPromise } from 'execa';
import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs } from '../../util/dirs.js';
import { formatCommand } from '../../util/format.js';

const TAIL_LINES = 40;

export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly tail: string[],
  ) {
    super(`${command} ${signal ? `was killed by ${signal}` : `exited with status ${code}`}`);
    this.name = 'CommandFailed';
  }
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the command after this long. */
  timeoutMs?: number;
  /** Collect the command's output (stdout and stderr, interleaved) and return it. */
  capture?: boolean;
}

/** Runs commands with their output appended to a log file; remembers the last lines. */
export class BuildLog {
  private fd: number | undefined;
  private tailLines: string[] = [];
  private readonly children = new Set<ResultPromise>();
  /** Called with each complete output line (for live progress). */
  onLine?: (line: string) => void;

  constructor(readonly file: string) {
    makeDirs(dirname(file), 0o755);
    this.fd = openSync(file, 'a', 0o644);
  }

  /** The last lines of command output. */
  tail(n = 15): string[] {
    return this.tailLines.slice(-n);
  }

  /** Writes a line of our own (a phase marker, a decision) to the log. */
  note(text: string): void {
    this.write(`[rnx ${new Date().toISOString()}] ${text}\n`);
  }

  private write(text: string): void {
    if (this.fd !== undefined) writeSync(this.fd, text);
  }

  /** One line of a command's output: to the log, and (each part of a line that \r redraws) to the tail. */
  private take(text: string): void {
    this.write(`${text}\n`);
    for (const line of text.split('\r')) {
      if (!line.trim()) continue;
      this.tailLines.push(line);
      this.onLine?.(line);
    }
    if (this.tailLines.length > TAIL_LINES * 2) this.tailLines = this.tailLines.slice(-TAIL_LINES);
  }

  /** Runs `cmd args…`; rejects with CommandFailed (carrying the output's last lines) on a non-zero exit. */
  async run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
    const shown = formatCommand([cmd, ...args]);
    this.note(`$ ${shown}`);
    this.tailLines = [];
    const child = execa(cmd, args, {
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
      env: opts.env ?? (process.env as Record<string, string>),
      extendEnv: false,
      stdin: 'ignore',
      all: true,
      buffer: false,
      reject: false,
      // Its own process group, so an interrupt ends the whole command (flock's child, dpkg's scripts, …).
      detached: true,
      ...(opts.timeoutMs ? { timeout: opts.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
    });
    this.children.add(child);
    let captured = '';
    try {
      for await (const line of child.iterable({ from: 'all' })) {
        if (opts.capture) captured += `${line}\n`;
        this.take(line);
      }
    } finally {
      this.children.delete(child);
    }
    const r = await child;
    if (r.exitCode === 0) return captured;
    if (r.code === 'ENOENT' || r.code === 'EACCES') this.take(`${cmd}: ${r.code === 'ENOENT' ? 'not found' : 'permission denied'}`);
    const code = r.exitCode ?? (r.signal ? null : 127);
    throw Object.assign(new CommandFailed(shown, code, (r.signal as NodeJS.Signals | undefined) ?? null, this.tail()), { output: captured });
  }

  /** Ends every running command (on interrupt). */
  killAll(signal: NodeJS.Signals = 'SIGTERM'): void {
    for (const c of this.children) {
      try {
        if (c.pid) process.kill(-c.pid, signal);
      } catch {
        c.kill(signal);
      }
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
