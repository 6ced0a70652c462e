import { appendFileSync, writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { followFile } from '../../src/jobs/follow.js';
import { tempFileEach } from '../support/temp-file.js';

describe('followFile', () => {
  const tmp = tempFileEach('rnx-follow-', 'output.log');
  let file: string;
  beforeEach(() => {
    file = tmp.file;
    writeFileSync(file, '');
  });

  it('copies what the writer appends until it is done, including its last bytes', async () => {
    let done = false;
    const got: Buffer[] = [];
    const following = followFile(file, { isDone: () => done, write: (c) => void got.push(Buffer.from(c)) });
    for (let i = 0; i < 20; i++) {
      appendFileSync(file, `line ${i}\n`);
      await new Promise((r) => setTimeout(r, 5));
    }
    appendFileSync(file, 'last\n');
    done = true;
    await following;
    expect(Buffer.concat(got).toString()).toBe(Array.from({ length: 20 }, (_, i) => `line ${i}\n`).join('') + 'last\n');
  });

  it('hands the rest over once the output passes 8 MiB, at the byte it reached', async () => {
    const MiB = 1 << 20;
    writeFileSync(file, Buffer.alloc(12 * MiB, 'a'));
    let copied = 0;
    let handedAt = -1;
    await followFile(file, {
      isDone: () => true,
      write: (c) => void (copied += c.length),
      handOff: async (pos) => void (handedAt = pos),
    });
    expect(handedAt).toBe(copied);
    expect(handedAt).toBeGreaterThanOrEqual(8 * MiB);
    expect(handedAt).toBeLessThan(12 * MiB);
  });

  it('copies a small output itself, without handing it over', async () => {
    writeFileSync(file, 'small\n');
    let handed = false;
    const got: Buffer[] = [];
    await followFile(file, { isDone: () => true, write: (c) => void got.push(Buffer.from(c)), handOff: async () => void (handed = true) });
    expect(handed).toBe(false);
    expect(Buffer.concat(got).toString()).toBe('small\n');
  });
});
