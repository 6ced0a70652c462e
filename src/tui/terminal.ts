// The terminal around the Ink app: alternate screen in, and out again on every way the app can end.

export const ENTER_ALT = '\u001B[?1049h\u001B[2J\u001B[H';
export const LEAVE_ALT = '\u001B[?1049l';
export const SHOW_CURSOR = '\u001B[?25h';
export const HIDE_CURSOR = '\u001B[?25l';

export class TerminalSession {
  private inAlt = false;

  constructor(
    private readonly stdout: NodeJS.WriteStream,
    private readonly stdin: NodeJS.ReadStream,
  ) {}

  enter(): void {
    // The size may have changed while another program had the terminal (a shell, a suspended app), whose
    // SIGWINCH never reached us: ask the terminal again.
    refreshSize(this.stdout);
    if (this.inAlt) return;
    this.stdout.write(ENTER_ALT);
    this.inAlt = true;
  }

  /** Restores the main screen, the cursor and cooked mode. Safe to call repeatedly, even from 'exit'. */
  leave(): void {
    try {
      if (this.stdin.isTTY) this.stdin.setRawMode(false);
    } catch {
      // stdin already closed
    }
    if (!this.inAlt) return;
    this.inAlt = false;
    try {
      // Synchronous, so it happens even when the process is about to exit.
      const fd = (this.stdout as unknown as { fd?: number }).fd ?? 1;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      writeSyncSafe(fd, SHOW_CURSOR + LEAVE_ALT);
    } catch {
      this.stdout.write(SHOW_CURSOR + LEAVE_ALT);
    }
  }
}

import { writeSync } from 'node:fs';

function writeSyncSafe(fd: number, text: string): void {
  for (let i = 0; i < 50; i++) {
    try {
      writeSync(fd, text);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}

/** Reads the terminal's size again and announces a change ('resize') as a SIGWINCH would have. */
export function refreshSize(out: NodeJS.WriteStream): void {
  if (!out.isTTY || typeof out.getWindowSize !== 'function') return;
  try {
    const [columns, rows] = out.getWindowSize();
    if (columns === out.columns && rows === out.rows) return;
    out.columns = columns;
    out.rows = rows;
    out.emit('resize');
  } catch {
    // not a terminal after all
  }
}

/** `out` with everything written to it made ASCII (toAscii), for a terminal without UTF-8. */
export function asciiStream(out: NodeJS.WriteStream, convert: (s: string) => string): NodeJS.WriteStream {
  return new Proxy(out, {
    get(target, prop) {
      if (prop === 'write')
        return (chunk: unknown, ...rest: unknown[]) =>
          (target.write as (...a: unknown[]) => boolean)(typeof chunk === 'string' ? convert(chunk) : chunk, ...rest);
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
