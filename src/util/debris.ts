// Work in progress is named after the process doing it (".staging-<pid>-…", "<name>-<pid>", ".tmp-<pid>-…"), so
// that what a killed process left behind can be told from what a live one is still writing, and removed.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './process.js';

/**
 * Removes the entries of `dir` whose owner (the pid `ownerOf` reads from the name; undefined: not debris) is
 * neither this process nor alive. Returns the paths removed; a missing directory has none.
 */
export function removeDebrisOfDeadProcesses(dir: string, ownerOf: (name: string) => number | undefined): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = ownerOf(name);
    if (owner === undefined || !Number.isSafeInteger(owner) || owner === process.pid || processAlive(owner)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
    removed.push(join(dir, name));
  }
  return removed;
}

/** An owner reader for names matching `re`, whose first group is the pid. */
export function pidFromName(re: RegExp): (name: string) => number | undefined {
  return (name) => {
    const m = re.exec(name);
    return m ? Number(m[1]) : undefined;
  };
}
