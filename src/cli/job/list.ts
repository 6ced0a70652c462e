// `rnx job list`: the user's jobs as a table or JSON.
import prettyMs from 'pretty-ms';
import { JobStore } from '../../jobs/store.js';
import { jobDurationMs } from '../../jobs/types.js';
import { formatCommand, formatDate, formatTable } from '../../util/format.js';
import { exitText } from './exit-text.js';
import { printJson } from '../context.js';

export function listJobsCommand(opts: { all?: boolean; json?: boolean }): void {
  const jobs = new JobStore().list().filter((j) => opts.all || j.state === 'running');
  if (opts.json) {
    printJson(jobs);
    return;
  }
  if (!jobs.length) {
    process.stdout.write(opts.all ? 'no jobs\n' : 'no running jobs (rnx job list --all shows finished ones)\n');
    return;
  }
  const rows = jobs.map((j) => [
    j.id,
    j.name ?? '-',
    j.runtime,
    j.state,
    exitText(j),
    formatDate(j.startedAt ?? j.createdAt),
    prettyMs(jobDurationMs(j) ?? 0, { secondsDecimalDigits: 0 }),
    formatCommand(j.command).slice(0, 40),
  ]);
  process.stdout.write(formatTable(['ID', 'NAME', 'RUNTIME', 'STATE', 'EXIT', 'STARTED', 'DURATION', 'COMMAND'], rows));
}
