// `rnx job stop`: SIGTERM to every process of the job, SIGKILL after the grace period.
import { parseDuration } from '../../jobs/limits.js';
import { stopJob } from '../../jobs/stop.js';
import { storeOfAnyUser } from '../../jobs/all-users.js';
import { JobStore } from '../../jobs/store.js';
import { checkLauncher } from '../../launcher/locate.js';

export async function stopCommand(ref: string, opts: { grace: string }): Promise<void> {
  // root reaches other users' running jobs too (rnx-launch --kill lets root signal any job)
  const { store, id } = process.getuid?.() === 0 ? storeOfAnyUser(new JobStore(), ref) : { store: new JobStore(), id: new JobStore().resolve(ref) };
  const grace = parseDuration(opts.grace, 'grace period') * 1000;
  const r = await stopJob(store, checkLauncher(), id, grace);
  process.stdout.write(`job ${id}: ${r.state}${r.signal ? ` (signal ${r.signal})` : r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''}\n`);
}
