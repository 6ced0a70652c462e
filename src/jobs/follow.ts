// Copies a file that another process is still appending to, until told the writer is done.
import { closeSync, openSync, readSync, watch, type FSWatcher } from 'node:fs';

export interface FollowOptions {
  /** Start at this byte offset (default 0). */
  from?: number;
  /** Polled after each empty read: once true, the file is drained and following stops. */
  isDone: () => boolean;
  /** Receives each chunk; may return a promise to apply backpressure. */
  write: (chunk: Buffer) => void | Promise<void>;
  signal?: AbortSignal;
}

const CHUNK = 1 << 20;

/** Resolves with the offset reached once the writer is done and everything was copied. */
export async function followFile(path: string, opts: FollowOptions): Promise<number> {
  const fd = openSync(path, 'r');
  let pos = opts.from ?? 0;
  let wake: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(path, () => wake?.());
  } catch {
    watcher = undefined;
  }
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n > 0) {
        pos += n;
        await opts.write(buf.subarray(0, n));
        continue;
      }
      if (opts.signal?.aborted) return pos;
      if (opts.isDone()) {
        // The writer finished after our last read: one more pass picks up its final bytes.
        const tail = Buffer.allocUnsafe(CHUNK);
        const m = readSync(fd, tail, 0, CHUNK, pos);
        if (m === 0) return pos;
        pos += m;
        await opts.write(tail.subarray(0, m));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 50);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    watcher?.close();
    closeSync(fd);
  }
}

/** Writes to a stream honouring backpressure. */
export function writeTo(stream: NodeJS.WritableStream): (chunk: Buffer) => void | Promise<void> {
  return (chunk) => {
    if (stream.write(chunk)) return;
    return new Promise<void>((resolve) => stream.once('drain', resolve));
  };
}
