// `rnx job stop`: SIGTERM to every process of the job, SIGKILL after the grace period.
import { parseDuration } from '../../jobs/limits.js';
import { stopJob } from '../../jobs/stop.js';
import { JobStore } from '../../jobs/store.js';
import { checkLauncher } from '../../launcher/locate.js';

export async function stopCommand(ref: string, opts: { grace: string }): Promise<void> {
  const store = new JobStore();
  const id = store.resolve(ref);
  const grace = parseDuration(opts.grace, 'grace period') * 1000;
  const r = await stopJob(store, checkLauncher(), id, grace);
  process.stdout.write(`job ${id}: ${r.state}${r.signal ? ` (signal ${r.signal})` : r.exitCode !== undefined ? ` (exit ${r.exitCode})` : ''}\n`);
}
