// Incremental reader of a job's output.log: reads only new bytes (async reads, never blocking input),
// counts every line, and keeps the last lines in a bounded ring buffer for display.
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DroppedOutput } from '../jobs/dropped.js';
import { jobFiles } from '../jobs/paths.js';

export interface TailOptions {
  /** Lines kept for display and search. */
  capacity?: number;
  /** Characters kept of one line (longer lines are cut). */
  maxLineChars?: number;
  /** Characters kept over all lines. */
  maxChars?: number;
  /** Most bytes handled in one poll, so one poll never hogs the event loop. */
  maxBytesPerPoll?: number;
  /** Of a larger backlog only the last this many bytes are decoded into lines; the rest is only counted. */
  tailBytes?: number;
  /** When more than this many bytes wait unread, skip ahead to the last `resumeBytes`. */
  skipThreshold?: number;
  resumeBytes?: number;
}

const DEFAULTS: Required<TailOptions> = {
  capacity: 20_000,
  maxLineChars: 2000,
  maxChars: 16_000_000,
  maxBytesPerPoll: 32 << 20,
  tailBytes: 256 << 10,
  skipThreshold: 64 << 20,
  resumeBytes: 4 << 20,
};

const CHUNK = 2 << 20;

/** A fixed-size circular buffer of lines, oldest first. */
export class LineRing {
  private readonly items: string[];
  private start = 0;
  count = 0;
  chars = 0;

  constructor(
    readonly capacity: number,
    private readonly maxChars = Infinity,
  ) {
    this.items = new Array<string>(capacity);
  }

  push(line: string): void {
    if (this.count === this.capacity) this.dropOldest();
    this.items[(this.start + this.count) % this.capacity] = line;
    this.count++;
    this.chars += line.length;
    while (this.chars > this.maxChars && this.count > 1) this.dropOldest();
  }

  private dropOldest(): void {
    const old = this.items[this.start] ?? '';
    this.items[this.start] = '';
    this.chars -= old.length;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }

  /** The i-th retained line, 0 = oldest. */
  get(i: number): string {
    if (i < 0 || i >= this.count) return '';
    return this.items[(this.start + i) % this.capacity] ?? '';
  }

  clear(): void {
    this.items.fill('');
    this.start = 0;
    this.count = 0;
    this.chars = 0;
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f\x9b]/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]/g;

/** Makes one output line safe to draw: no escape sequences or control characters, tabs expanded. */
export function sanitizeLine(raw: string, maxChars: number): string {
  let line = raw;
  if (CONTROL.test(line) || line.includes('\t')) {
    line = line.replace(ANSI, '');
    const cr = line.lastIndexOf('\r', line.length - 2);
    if (cr >= 0) line = line.slice(cr + 1);
    line = line.replace(/\r$/, '');
    if (line.includes('\t')) {
      let out = '';
      for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
      line = out;
    }
    // eslint-disable-next-line no-control-regex
    line = line.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, '?');
  }
  if (line.length > maxChars) line = line.slice(0, maxChars - 1) + '…';
  return line;
}

export class OutputTail {
  readonly opts: Required<TailOptions>;
  readonly ring: LineRing;
  /** Complete lines seen since the start of the file (or estimated past a skip). */
  total = 0;
  /** Bytes of the file never read because output came faster than it could be shown. */
  skippedBytes = 0;
  /** The unfinished last line, as drawn. */
  partial = '';
  private partialBytes: Buffer = Buffer.alloc(0);
  private pos = 0;
  private fh: FileHandle | undefined;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private polling = false;
  /** Bytes skipped whose lines are yet to be estimated from the lines read after them. */
  private unestimated = 0;
  private closed = false;
  /** Output dropped under --log-max (a hole, read as zeros), from the job's events beside the file: skipped. */
  private readonly dropped: DroppedOutput;

  constructor(
    readonly file: string,
    opts: TailOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.ring = new LineRing(this.opts.capacity, this.opts.maxChars);
    this.dropped = new DroppedOutput(join(dirname(file), jobFiles.events));
  }

  /** Lines that can be drawn: the complete ones and the unfinished last one. */
  get lineCount(): number {
    return this.total + (this.partial ? 1 : 0);
  }

  /** Absolute number of the oldest line still held. */
  get firstRetained(): number {
    return this.total - this.ring.count;
  }

  /** Line `abs` (0-based over the whole output); '' when no longer held. */
  line(abs: number): string {
    if (abs === this.total && this.partial) return this.partial;
    return this.ring.get(abs - this.firstRetained);
  }

  held(abs: number): boolean {
    return abs >= this.firstRetained && abs < this.lineCount;
  }

  /** Reads what was appended since the last poll. Resolves true when something changed. */
  async poll(): Promise<boolean> {
    if (this.polling || this.closed) return false;
    this.polling = true;
    try {
      if (!this.fh) {
        try {
          this.fh = await open(this.file, 'r');
        } catch {
          return false;
        }
        if (this.closed) {
          await this.fh.close();
          return false;
        }
      }
      const { size } = await this.fh.stat();
      if (size < this.pos) this.reset(); // truncated or replaced
      const dropped = this.dropped.refresh();
      if (dropped > this.pos && dropped <= size) this.skipTo(dropped);
      let backlog = size - this.pos;
      if (backlog > this.opts.skipThreshold) this.skipTo(size - this.opts.resumeBytes);
      backlog = size - this.pos;
      if (backlog <= 0) return false;
      let budget = this.opts.maxBytesPerPoll;
      let changed = false;
      const before = { pos: this.pos, total: this.total };
      while (budget > 0 && !this.closed) {
        const remaining = size - this.pos;
        if (remaining <= 0) break;
        // Lines that will be pushed out of the ring by later ones in this backlog are counted, not decoded.
        const countOnly = remaining > this.opts.tailBytes;
        const want = Math.min(CHUNK, budget, countOnly ? remaining - this.opts.tailBytes : remaining);
        const { bytesRead } = await this.fh.read(this.buf, 0, want, this.pos);
        if (bytesRead <= 0) break;
        const at = this.pos;
        budget -= bytesRead;
        let chunk = this.buf.subarray(0, bytesRead);
        // zeros may be a hole the launcher punched after this poll began (it announces each before it makes it)
        if (chunk.indexOf(0) !== -1) {
          const d = this.dropped.refresh();
          if (d > at) {
            this.skipTo(d);
            before.pos += d - at;
            changed = true;
            if (d >= at + bytesRead) continue;
            chunk = chunk.subarray(d - at);
          }
        }
        this.pos = at + bytesRead;
        if (countOnly) this.countOnly(chunk);
        else this.ingest(chunk);
        changed = true;
        if (bytesRead < want) break;
        // Let keypresses in between chunks.
        await new Promise((r) => setImmediate(r));
      }
      if (this.unestimated && this.pos > before.pos) {
        const perByte = (this.total - before.total) / (this.pos - before.pos);
        this.total += Math.round(this.unestimated * perByte);
        this.unestimated = 0;
      }
      return changed;
    } finally {
      this.polling = false;
    }
  }

  private reset(): void {
    this.pos = 0;
    this.total = 0;
    this.skippedBytes = 0;
    this.partial = '';
    this.partialBytes = Buffer.alloc(0);
    this.ring.clear();
  }

  private skipTo(offset: number): void {
    this.skippedBytes += offset - this.pos;
    // The lines skipped are estimated from the density of the lines read next, so numbers stay plausible.
    this.unestimated += offset - this.pos;
    this.pos = offset;
    this.partial = '';
    this.partialBytes = Buffer.alloc(0);
    this.ring.clear();
  }

  /** Counts the lines of a chunk without keeping them (the ring starts over after them). */
  private countOnly(chunk: Buffer): void {
    let newlines = 0;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) newlines++;
    this.total += newlines;
    if (newlines > 0 || this.ring.count) {
      this.ring.clear();
      this.partialBytes = Buffer.alloc(0);
      this.partial = '';
    }
  }

  /** Splits a chunk into lines; counts all of them, decodes only those the ring can hold. */
  ingest(chunk: Buffer): void {
    let newlines = 0;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) newlines++;
    if (newlines === 0) {
      this.appendPartial(chunk);
      return;
    }
    const firstNl = chunk.indexOf(10);
    const lastNl = chunk.lastIndexOf(10);
    // The line the previous chunk left unfinished ends here.
    const headLine = Buffer.concat([this.partialBytes, chunk.subarray(0, firstNl)]);
    const keep = this.opts.capacity;
    // Only the last `keep` complete lines matter for display: find where they begin.
    let from = firstNl + 1;
    if (newlines > keep) {
      let p = lastNl;
      for (let n = 0; n < keep; n++) p = chunk.lastIndexOf(10, p - 1);
      from = p + 1;
    } else {
      this.pushLine(headLine);
    }
    if (from <= lastNl) {
      const text = chunk.toString('utf8', from, lastNl);
      for (const l of text.split('\n')) this.ring.push(sanitizeLine(l, this.opts.maxLineChars));
    }
    this.total += newlines;
    this.partialBytes = Buffer.alloc(0);
    this.appendPartial(chunk.subarray(lastNl + 1));
  }

  private pushLine(bytes: Buffer): void {
    this.ring.push(sanitizeLine(bytes.toString('utf8'), this.opts.maxLineChars));
  }

  private appendPartial(bytes: Buffer): void {
    if (bytes.length === 0) {
      if (!this.partialBytes.length) this.partial = '';
      return;
    }
    const limit = this.opts.maxLineChars * 4;
    if (this.partialBytes.length < limit) {
      this.partialBytes = Buffer.concat([this.partialBytes, bytes.subarray(0, limit - this.partialBytes.length)]);
    }
    this.partial = sanitizeLine(this.partialBytes.toString('utf8'), this.opts.maxLineChars);
  }

  /** Nearest held line at or after/before `from` containing `query` (case-insensitive). */
  find(query: string, from: number, direction: 1 | -1): number | undefined {
    if (!query) return undefined;
    const q = query.toLowerCase();
    const first = this.firstRetained;
    const last = this.lineCount - 1;
    const n = last - first + 1;
    if (n <= 0) return undefined;
    let i = Math.min(Math.max(from, first), last);
    for (let step = 0; step < n; step++) {
      if (this.line(i).toLowerCase().includes(q)) return i;
      i += direction;
      if (i > last) i = first;
      if (i < first) i = last;
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.dropped.close();
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => {});
  }
}
