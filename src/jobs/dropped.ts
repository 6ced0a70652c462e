// Output the launcher dropped to keep a job's output.log within --log-max: it punches a hole over the oldest
// bytes (they read as zeros) and first says so in the job's events file. Readers jump over the hole.
import { closeSync, openSync, readSync } from 'node:fs';
import { parseEventLine } from '../launcher/events.js';

const PREFIX = '{"event":"output_dropped"';

/** Follows a job's events file for the latest drop of its output: reads only what was appended since the last look. */
export class DroppedOutput {
  /** Where the output kept starts (0: nothing dropped). */
  offset = 0;
  /** Bytes dropped in all. */
  bytes = 0;
  private fd: number | undefined;
  private pos = 0;
  private rest = '';
  private buf: Buffer | undefined;

  constructor(readonly eventsFile: string) {}

  /** Reads new events; returns where the output kept starts now. */
  refresh(): number {
    if (this.fd === undefined) {
      try {
        this.fd = openSync(this.eventsFile, 'r');
      } catch {
        return this.offset;
      }
    }
    this.buf ??= Buffer.allocUnsafe(64 << 10);
    for (let n; (n = readSync(this.fd, this.buf, 0, this.buf.length, this.pos)) > 0; ) {
      this.pos += n;
      // the lines that matter are ASCII: latin1 splits them without caring where a read ended
      const lines = (this.rest + this.buf.toString('latin1', 0, n)).split('\n');
      this.rest = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith(PREFIX)) this.take(line);
    }
    return this.offset;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private take(line: string): void {
    try {
      const ev = parseEventLine(line);
      // the last event holds (one that takes back a drop that failed comes after it)
      if (ev.event === 'output_dropped' && ev.fd === 1) {
        this.offset = ev.offset;
        this.bytes = ev.bytes;
      }
    } catch {
      // cut short
    }
  }
}

/** `3.2 GiB`, `512 bytes` (rnx-follow prints the same). */
export function formatDropped(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? String(v) : v.toFixed(1).replace(/\.0$/, '')} ${units[i]}`;
}

/** The line shown where output was dropped. */
export function gapMarker(bytes: number): string {
  return `[rnx: ${formatDropped(bytes)} of earlier output dropped]\n`;
}
