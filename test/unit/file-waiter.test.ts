import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileWaiter } from '../../src/jobs/file-waiter.js';
import { tempFileEach } from '../support/temp-file.js';

describe('FileWaiter', () => {
  const tmp = tempFileEach('rnx-waiter-', 'out');
  let file: string;
  beforeEach(() => {
    file = tmp.file;
    writeFileSync(file, '');
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  /** how many fake milliseconds one next() takes */
  async function waitMs(w: FileWaiter): Promise<number> {
    let done = false;
    const p = w.next().then(() => (done = true));
    let ms = 0;
    while (!done) {
      await vi.advanceTimersByTimeAsync(1);
      ms++;
      if (ms > 1000) throw new Error('next() never resolved');
    }
    await p;
    return ms;
  }

  it('polls at 1, 2, 4 … ms up to 50 ms, and quickly again after a change', async () => {
    const w = new FileWaiter(file);
    const waits = [];
    for (let i = 0; i < 8; i++) waits.push(await waitMs(w));
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 50, 50]);
    w.changed();
    expect(await waitMs(w)).toBe(1);
    w.close();
  });

  it('returns at once, from then on, when the writer has ended', async () => {
    let end!: () => void;
    const ended = new Promise<void>((r) => (end = r));
    const w = new FileWaiter(file, ended);
    for (let i = 0; i < 6; i++) await waitMs(w); // backed off to 50 ms polls
    const pending = w.next();
    let resolved = false;
    void pending.then(() => (resolved = true));
    end();
    await vi.advanceTimersByTimeAsync(0);
    expect(resolved).toBe(true);
    await expect(w.next()).resolves.toBeUndefined();
    w.close();
  });
});
