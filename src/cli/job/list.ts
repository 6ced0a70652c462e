// `rnx job list`: the user's jobs (or, for root, every user's: --all-users) as a table or JSON.
import prettyMs from 'pretty-ms';
import { listAllUsersJobs } from '../../jobs/all-users.js';
import { JobStore } from '../../jobs/store.js';
import { jobDurationMs, type JobRecord } from '../../jobs/types.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { formatCommand, formatDate, formatTable } from '../../util/format.js';
import { exitText } from './exit-text.js';
import { printJson } from '../context.js';

export function listJobsCommand(opts: { all?: boolean; json?: boolean; allUsers?: boolean }): void {
  if (opts.allUsers && process.getuid?.() !== 0) throw new UserError('--all-users needs root (other users’ jobs are theirs to see)', ExitCode.Permission);
  const store = new JobStore();
  const found: Array<{ record: JobRecord; stateDir?: string }> = opts.allUsers ? listAllUsersJobs(store).jobs : store.list().map((record) => ({ record }));
  const listed = found.filter((j) => opts.all || j.record.state === 'running');
  if (opts.json) {
    printJson(opts.allUsers ? listed.map((j) => ({ ...j.record, ...(j.stateDir ? { stateDir: j.stateDir } : {}) })) : listed.map((j) => j.record));
    return;
  }
  if (!listed.length) {
    process.stdout.write(opts.all ? 'no jobs\n' : 'no running jobs (rnx job list --all shows finished ones)\n');
    return;
  }
  const rows = listed.map(({ record: j }) => [
    j.id,
    ...(opts.allUsers ? [j.user ?? String(j.uid)] : []),
    j.name ?? '-',
    j.runtime,
    j.state,
    exitText(j),
    formatDate(j.startedAt ?? j.createdAt),
    prettyMs(jobDurationMs(j) ?? 0, { secondsDecimalDigits: 0 }),
    formatCommand(j.command).slice(0, 40),
  ]);
  const head = ['ID', ...(opts.allUsers ? ['USER'] : []), 'NAME', 'RUNTIME', 'STATE', 'EXIT', 'STARTED', 'DURATION', 'COMMAND'];
  process.stdout.write(formatTable(head, rows));
}
