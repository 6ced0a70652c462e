// Copies a file that another process is still appending to, until told the writer is done.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { DroppedOutput } from './dropped.js';
import { FileWaiter } from './file-waiter.js';

export interface FollowOptions {
  /** Start at this byte offset (default 0). */
  from?: number;
  /** Polled after each empty read: once true, the file is drained and following stops. */
  isDone: () => boolean;
  /** Settles when the writer ends, so the follower wakes at once instead of at its next poll. */
  writerEnded?: Promise<unknown>;
  /**
   * Receives each chunk; may return a promise to apply backpressure. The chunk's memory is reused for the
   * next read once this returns (or its promise settles): copy it to keep it.
   */
  write: (chunk: Buffer) => void | Promise<void>;
  /**
   * Takes the rest of the copy over from byte `pos` once the output has grown past HAND_OFF_BYTES, and
   * resolves when everything was copied (`rnx job run` hands large outputs to rnx-follow).
   */
  handOff?: (pos: number) => Promise<void>;
  signal?: AbortSignal;
  /**
   * The job's events, which say where output dropped under --log-max ends. The copy starts past it, and where a
   * read meets zeros (a hole reads as zeros; the launcher announces each drop before it makes it) it looks again
   * and jumps, so the hole's zeros are never copied however far behind the copy falls.
   */
  dropped?: DroppedOutput;
  /** Told of each stretch of dropped output the copy jumped over. */
  onGap?: (bytes: number) => void;
}

const CHUNK = 1 << 20;
/** Output up to this size is copied here: starting the native follower costs more than copying it. */
const HAND_OFF_BYTES = 8 * CHUNK;

/** Resolves once the writer is done and everything was copied. */
export async function followFile(path: string, opts: FollowOptions): Promise<void> {
  const fd = openSync(path, 'r');
  const start = opts.from ?? 0;
  let pos = start;
  const { dropped } = opts;
  // where the output kept starts, when that is past `pos`
  const droppedPast = (at: number): number | undefined => {
    const d = dropped?.refresh() ?? 0;
    if (d <= at) return undefined;
    opts.onGap?.(d - at);
    return d;
  };
  pos = droppedPast(pos) ?? pos;
  const waiter = new FileWaiter(path, opts.writerEnded);
  try {
    // One buffer for the whole copy: a fresh megabyte per read costs a page fault per 4 KiB of output.
    const buf = Buffer.allocUnsafe(CHUNK);
    // The writer finished after our last empty read: one more pass picks up its final bytes.
    let finalPass = false;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n > 0) {
        finalPass = false;
        let chunk = buf.subarray(0, n);
        if (dropped && chunk.indexOf(0) !== -1) {
          const d = droppedPast(pos);
          if (d !== undefined && d >= pos + n) {
            pos = d;
            continue;
          }
          if (d !== undefined) chunk = chunk.subarray(d - pos);
        }
        pos += n;
        waiter.changed();
        await opts.write(chunk);
        if (opts.handOff && pos - start >= HAND_OFF_BYTES) return await opts.handOff(pos);
        continue;
      }
      if (finalPass || opts.signal?.aborted) return;
      if (opts.isDone()) {
        finalPass = true;
        continue;
      }
      await waiter.next();
    }
  } finally {
    dropped?.close();
    waiter.close();
    closeSync(fd);
  }
}

/**
 * Writes straight to a file descriptor with write(2): for bulk output to a pipe or file this is several
 * times cheaper than a libuv stream. Falls back to waiting when the descriptor is non-blocking and full.
 */
export function writeToFd(fd: number): (chunk: Buffer) => void | Promise<void> {
  return async (chunk) => {
    let off = 0;
    while (off < chunk.length) {
      try {
        off += writeSync(fd, chunk, off, chunk.length - off);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  };
}
