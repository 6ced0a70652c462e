import { type Command, Option } from 'commander';
import { RUN_OPTIONS } from '../run-options.js';

export function registerJobCommands(program: Command): Command {
  const job = program.command('job').description('run jobs in runtimes, watch them, stop them, read their output').enablePositionalOptions();

  const run = job
    .command('run')
    .description('run COMMAND inside a runtime (options after COMMAND belong to COMMAND)')
    .argument('<command...>', 'command and its arguments')
    .passThroughOptions()
    .action(() => {
      // bin/rnx.cjs runs `job run` through fast-path.ts (see run-options.ts); commander only prints its help.
      throw new Error('job run reached commander');
    });
  for (const o of RUN_OPTIONS) {
    const flags = `${o.short ? `-${o.short}, ` : ''}--${o.flag ?? o.long}${o.value ? ` <${o.value}>` : ''}`;
    const opt = new Option(flags, o.description);
    if (o.choices) opt.choices(o.choices);
    if (o.default) opt.default(o.default);
    if (o.multiple) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    run.addOption(o.long === 'runtime' ? opt.makeOptionMandatory() : opt);
  }

  job
    .command('list')
    .description('running jobs (or all with --all), newest first')
    .option('-a, --all', 'include finished jobs')
    .option(
      '--all-users',
      "root only: every user's running jobs (from the launcher's registry), with their records where the user's state directory can be found (from the files the job's launcher has open); there, that user's finished jobs too. Finished jobs of a user with nothing running are not found",
    )
    .option('--json', 'print JSON')
    .action(async (opts: { all?: boolean; json?: boolean; allUsers?: boolean }) => {
      const { listJobsCommand } = await import('../job/list.js');
      listJobsCommand(opts);
    });

  job
    .command('status')
    .description('the whole record of a job')
    .argument('<id>', 'job id, unique id prefix, or job name')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { statusCommand } = await import('../job/status.js');
      statusCommand(id, opts);
    });

  job
    .command('logs')
    .description('what a job printed')
    .argument('<id>', 'job id, unique id prefix, or job name')
    .option('-f, --follow', 'keep printing until the job ends')
    .action(async (id: string, opts: { follow?: boolean }) => {
      const { logsCommand } = await import('../job/logs.js');
      await logsCommand(id, opts);
    });

  job
    .command('stats')
    .description('CPU, memory, pids and I/O of a job, read from its cgroup')
    .argument('<id>', 'job id, unique id prefix, or job name')
    .option('-w, --watch', 'refresh until the job ends')
    .option('--interval <duration>', 'refresh interval with --watch (e.g. 1s, 500ms)', '1s')
    .option('--json', 'print JSON (one object per sample with --watch)')
    .action(async (id: string, opts: { watch?: boolean; interval: string; json?: boolean }) => {
      const { statsCommand } = await import('../job/stats.js');
      await statsCommand(id, opts);
    });

  job
    .command('stop')
    .description('stop a job: SIGTERM to all its processes, SIGKILL after the grace period')
    .argument('<id>', 'job id, unique id prefix, or job name')
    .option('--grace <duration>', 'time to wait before SIGKILL', '5s')
    .action(async (id: string, opts: { grace: string }) => {
      const { stopCommand } = await import('../job/stop.js');
      await stopCommand(id, opts);
    });

  job
    .command('prune')
    .description('remove finished jobs: those that ended longer ago than --older-than, and those beyond the newest --keep N (running jobs are never touched)')
    .option('--older-than <duration>', 'finished longer ago than this, e.g. 7d, 12h')
    .option('--keep <n>', 'keep the newest N finished jobs, remove the others')
    .option('--dry-run', 'only list what would be removed')
    .option('--json', 'print JSON')
    .action(async (opts: { olderThan?: string; keep?: string; dryRun?: boolean; json?: boolean }) => {
      const { pruneCommand } = await import('../job/prune.js');
      pruneCommand(opts);
    });

  job
    .command('rm')
    .description("remove a finished job's record and output")
    .argument('<id...>', 'job ids, unique id prefixes, or job names')
    .action(async (ids: string[]) => {
      const { rmCommand } = await import('../job/rm.js');
      rmCommand(ids);
    });

  return job;
}

export interface RunCliOptions {
  runtime: string;
  name?: string;
  memory?: string;
  cpu?: string;
  pids?: string;
  cores?: string;
  network: 'none' | 'host';
  workdir?: string;
  env: string[];
  timeout?: string;
  logMax?: string;
  detach?: boolean;
}
