// rnx-launch's job registry, /run/rnx/jobs/<job id>: one root-owned entry per supervised job (native/README.md,
// "Job registry"). Entries are root's alone (0600) since the audit; rnx learns the launcher's pid from its
// `started` event instead, and reads an entry only for jobs of older launchers, whose entries were readable.
import { readFileSync } from 'node:fs';
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
