// The build log: every command's output goes to a file, and the last lines are kept for error messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs } from '../../util/dirs.js';

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
  private partial = '';
  private readonly children = new Set<ChildProcess>();
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

  private take(chunk: string): void {
    this.write(chunk);
    const parts = (this.partial + chunk).split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      this.tailLines.push(line);
      this.onLine?.(line);
    }
    if (this.tailLines.length > TAIL_LINES * 2) this.tailLines = this.tailLines.slice(-TAIL_LINES);
  }

  /** Runs `cmd args…`; rejects with CommandFailed (carrying the output's last lines) on a non-zero exit. */
  run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
    const shown = [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
    this.note(`$ ${shown}`);
    this.tailLines = [];
    this.partial = '';
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, {
        cwd: opts.cwd,
        env: opts.env ?? (process.env as Record<string, string>),
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group, so an interrupt ends the whole command (flock's child, dpkg's scripts, …).
        detached: true,
      });
      this.children.add(child);
      let captured = '';
      const onData = (b: Buffer) => {
        const s = b.toString('utf8');
        if (opts.capture) captured += s;
        this.take(s);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            try {
              process.kill(-child.pid!, 'SIGKILL');
            } catch {
              child.kill('SIGKILL');
            }
          }, opts.timeoutMs)
        : undefined;
      child.on('error', (err) => {
        if (timer) clearTimeout(timer);
        this.children.delete(child);
        this.take(`${cmd}: ${err.message}\n`);
        reject(new CommandFailed(shown, 127, null, this.tail()));
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        this.children.delete(child);
        if (this.partial) this.take('\n');
        if (code === 0) resolve(captured);
        else reject(Object.assign(new CommandFailed(shown, code, signal, this.tail()), { output: captured }));
      });
    });
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
