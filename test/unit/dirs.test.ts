import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs, readableDirExists } from '../../src/util/dirs.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

describe('makeDirs', () => {
  it('makes the ancestors 0755 and only the last directory private, whatever the umask', () => {
    const base = mkdtempSync(join(tmpdir(), 'rnx-dirs-'));
    made.push(base);
    const old = process.umask(0o077);
    try {
      makeDirs(join(base, 'opt', 'rnx', 'build'), 0o700);
    } finally {
      process.umask(old);
    }
    expect(mode(join(base, 'opt'))).toBe('755');
    expect(mode(join(base, 'opt', 'rnx'))).toBe('755');
    expect(mode(join(base, 'opt', 'rnx', 'build'))).toBe('700');
  });

  it('leaves existing directories as they are', () => {
    const base = mkdtempSync(join(tmpdir(), 'rnx-dirs-'));
    made.push(base);
    makeDirs(join(base, 'a'), 0o750);
    makeDirs(join(base, 'a', 'b'), 0o755);
    expect(mode(join(base, 'a'))).toBe('750');
    expect(mode(join(base, 'a', 'b'))).toBe('755');
  });
});

describe('readableDirExists', () => {
  it('is false for a missing directory and a missing parent', () => {
    expect(readableDirExists('/nonexistent-rnx/x')).toBe(false);
    expect(readableDirExists('/etc/passwd/x')).toBe(false);
  });
});
