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
