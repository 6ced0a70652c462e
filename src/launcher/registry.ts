// rnx-launch's job registry, /run/rnx/jobs/<job id>: one root-owned entry per supervised job (native/README.md,
// "Job registry"). Entries are root's alone (0600) since the audit; rnx learns the launcher's pid from its
// `started` event instead, and reads an entry only for jobs of older launchers, whose entries were readable.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRY_DIR } from './paths.js';

/** The `launcher_pid` of a job's registry entry, where the entry can be read. */
export function registeredLauncherPid(jobId: string, dir: string = REGISTRY_DIR): number | undefined {
  try {
    const m = /^launcher_pid (\d+)$/m.exec(readFileSync(join(dir, jobId), 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** One supervised job as its registry entry tells it. */
export interface RegistryEntry {
  id: string;
  uid: number;
  launcherPid: number;
}

/** Parses an entry's `key value` lines; undefined when it lacks `uid` or `launcher_pid`. */
export function parseRegistryEntry(id: string, text: string): RegistryEntry | undefined {
  const uid = /^uid (\d+)$/m.exec(text);
  const pid = /^launcher_pid (\d+)$/m.exec(text);
  return uid && pid ? { id, uid: Number(uid[1]), launcherPid: Number(pid[1]) } : undefined;
}

/** Every running job of every user (entries are root's alone: other callers get the ones they can read, usually none). */
export function registryEntries(dir: string = REGISTRY_DIR): RegistryEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: RegistryEntry[] = [];
  for (const name of names) {
    try {
      const e = parseRegistryEntry(name, readFileSync(join(dir, name), 'utf8'));
      if (e) out.push(e);
    } catch {
      // not ours to read, or removed meanwhile
    }
  }
  return out;
}
