// Staging directories live inside the runtimes directory (same filesystem, so the final rename is atomic)
// and are named after the process that owns them, so a later run can remove those of a dead process.
import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '../util/process.js';
import { makeDirs } from '../util/dirs.js';

const STAGING_RE = /^\.(staging|trash)-(\d+)-/;

/** Removes staging and trash directories left behind by processes that no longer run. */
export function cleanStaleStaging(runtimesDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(runtimesDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = STAGING_RE.exec(name);
    const owner = Number(m?.[2]);
    if (!m || owner === process.pid || processAlive(owner)) continue;
    rmSync(join(runtimesDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export function ensureRuntimesDir(runtimesDir: string): void {
  makeDirs(runtimesDir, 0o755);
}

export function newStagingDir(runtimesDir: string): Promise<string> {
  return mkdtemp(join(runtimesDir, `.staging-${process.pid}-`));
}

export function trashName(runtimesDir: string, name: string): string {
  return join(runtimesDir, `.trash-${process.pid}-${name}`);
}
