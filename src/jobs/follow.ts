// Copies a file that another process is still appending to, until told the writer is done.
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
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
}

const CHUNK = 1 << 20;
/** Output up to this size is copied here: starting the native follower costs more than copying it. */
const HAND_OFF_BYTES = 8 * CHUNK;

/** Resolves once the writer is done and everything was copied. */
export async function followFile(path: string, opts: FollowOptions): Promise<void> {
  const fd = openSync(path, 'r');
  const start = opts.from ?? 0;
  let pos = start;
  const waiter = new FileWaiter(path, opts.writerEnded);
  try {
    // One buffer for the whole copy: a fresh megabyte per read costs a page fault per 4 KiB of output.
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n > 0) {
        pos += n;
        waiter.changed();
        await opts.write(buf.subarray(0, n));
        if (opts.handOff && pos - start >= HAND_OFF_BYTES) return await opts.handOff(pos);
        continue;
      }
      if (opts.signal?.aborted) return;
      if (opts.isDone()) {
        // The writer finished after our last read: one more pass picks up its final bytes.
        const m = readSync(fd, buf, 0, CHUNK, pos);
        if (m === 0) return;
        pos += m;
        await opts.write(buf.subarray(0, m));
        continue;
      }
      await waiter.next();
    }
  } finally {
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
