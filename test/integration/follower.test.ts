// rnx-follow (native/follow): the copier `rnx job run` hands large outputs to.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { followerBuildPath } from '../../src/launcher/paths.js';
import { tempFileEach } from '../support/temp-file.js';

const FOLLOWER = followerBuildPath();

describe('rnx-follow', () => {
  const tmp = tempFileEach('rnx-follower-', 'output.log');
  let file: string;
  beforeEach(() => (file = tmp.file));

  it('copies a file that is still growing, from the offset given, until fd 3 is closed', async () => {
    writeFileSync(file, 'skipped\n');
    const child = spawn(FOLLOWER, [file, '8'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const drained = new Promise((r) => child.stdout!.once('close', r));
    for (let i = 0; i < 50; i++) {
      appendFileSync(file, `${i}:${'x'.repeat(i * 1000)}\n`);
      await new Promise((r) => setTimeout(r, 4));
    }
    appendFileSync(file, 'the end\n');
    (child.stdio[3] as Writable).end();
    expect(await exited).toBe(0);
    await drained;
    expect(Buffer.concat(out).equals(readFileSync(file).subarray(8))).toBe(true);
  });

  it('exits 3 when its reader is gone', () => {
    writeFileSync(file, Buffer.alloc(8 << 20, 'y'));
    const r = spawnSync('bash', ['-c', `"${FOLLOWER}" "${file}" 0 3</dev/null | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('3');
  });

  it('refuses bad arguments in one line (exit 1)', () => {
    for (const args of [[], [file], [file, '-1'], [file, '12x'], [join(tmp.dir, 'missing'), '0']]) {
      const r = spawnSync(FOLLOWER, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
