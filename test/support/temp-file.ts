import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A fresh directory for each test of the calling suite (removed after it), and the path of `name` inside. */
export function tempFileEach(prefix: string, name: string): { readonly dir: string; readonly file: string } {
  const current = { dir: '', file: '' };
  beforeEach(() => {
    current.dir = mkdtempSync(join(tmpdir(), prefix));
    current.file = join(current.dir, name);
  });
  afterEach(() => rmSync(current.dir, { recursive: true, force: true }));
  return current;
}
