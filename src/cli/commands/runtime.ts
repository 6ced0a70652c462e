import type { Command } from 'commander';
import { printJson, storeRoot } from '../context.js';
import { createProgress } from '../../util/progress.js';
import { formatBytes, formatDate, formatTable } from '../../util/format.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { runtimeNameProblem } from '../../runtimes/names.js';
import { registerBuildCommands } from './runtime-build.js';

// Implementations load on use, so `rnx --help` and the job path never pay for yaml or tar.

export function registerRuntimeCommands(program: Command): Command {
  const runtime = program.command('runtime').description('install, inspect, pack, verify and remove runtimes');

  runtime
    .command('list')
    .description('list installed runtimes')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { listRuntimes } = await import('../../runtimes/store.js');
      const runtimes = await listRuntimes(storeRoot(cmd));
      if (opts.json) return printJson(runtimes);
      if (!runtimes.length) return void process.stdout.write('no runtimes installed (rnx runtime install NAME|ARCHIVE|DIR)\n');
      const rows = runtimes.map((r) => [
        r.name,
        r.version,
        r.language ?? '-',
        formatBytes(r.bytes),
        String(r.files),
        r.problem ? `! ${r.problem}` : formatDate(r.installedAt),
      ]);
      process.stdout.write(formatTable(['NAME', 'VERSION', 'LANGUAGE', 'SIZE', 'FILES', 'INSTALLED'], rows));
    });

  runtime
    .command('info')
    .description('show a runtime: runtime.yml, environment, size per top-level directory')
    .argument('<name>', 'runtime name')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      const { runtimeInfo } = await import('../../runtimes/store.js');
      const info = await runtimeInfo(storeRoot(cmd), name);
      if (opts.json) {
        const { specText: _omit, ...rest } = info;
        return printJson(rest);
      }
      const out: string[] = [
        `${info.name} ${info.version}${info.language ? ` (${info.language})` : ''}`,
        ...(info.description ? [info.description.trim()] : []),
        `path:       ${info.path}`,
        `installed:  ${formatDate(info.installedAt)}`,
        `size:       ${formatBytes(info.bytes)} in ${info.files} files`,
        `workdir:    ${info.spec.workdir}`,
      ];
      if (info.spec.writable.length) out.push(`writable:   ${info.spec.writable.join(', ')}`);
      const env = Object.entries(info.spec.environment);
      out.push('', 'environment:', ...(env.length ? env.map(([k, v]) => `  ${k}=${v}`) : ['  (none)']));
      if (info.spec.mounts.length) {
        out.push('', 'mounts:', ...info.spec.mounts.map((m) => `  ${m.source} -> ${m.target}${m.readonly ? ' (ro)' : ' (rw)'}`));
      }
      out.push('', 'size per directory:');
      for (const s of info.sizes) out.push(`  ${s.dir.padEnd(12)} ${formatBytes(s.bytes).padStart(10)}  ${s.files} file${s.files === 1 ? '' : 's'}`);
      out.push(
        '',
        'runtime.yml:',
        ...info.specText
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      );
      for (const w of info.warnings) out.push(`warning: ${w}`);
      process.stdout.write(out.join('\n') + '\n');
    });

  runtime
    .command('install')
    .description('install a runtime from a packed archive (.tar, .tar.gz) or a directory with runtime.yml + isolated/')
    .argument('<source>', 'archive, directory, or the name of a shipped recipe (rnx runtime recipes)')
    .option('--force', 'replace an installed runtime of the same name (once the new one is ready)')
    .action(async (source: string, opts: { force?: boolean }, cmd: Command) => {
      const { describeInstalled, installFromSource } = await import('../../runtimes/install-source.js');
      const { installProgressReporter } = await import('../render/install-progress.js');
      const reporter = installProgressReporter();
      try {
        const result = await installFromSource(source, { root: storeRoot(cmd), force: opts.force === true, onEvent: reporter.onEvent });
        reporter.stop();
        process.stdout.write(describeInstalled(result) + '\n');
      } finally {
        reporter.stop();
      }
    });

  runtime
    .command('pack')
    .description('pack an installed runtime into an archive that `rnx runtime install` accepts')
    .argument('<name>', 'runtime name')
    .requiredOption('-o, --output <file>', 'archive to write (.tar.gz, or .tar)')
    .action(async (name: string, opts: { output: string }, cmd: Command) => {
      if (!/\.(tar|tar\.gz|tgz)$/.test(opts.output)) throw new UserError('output must end in .tar.gz, .tgz or .tar', ExitCode.Usage);
      const { packRuntime } = await import('../../runtimes/pack.js');
      const result = await packRuntime(storeRoot(cmd), name, opts.output);
      process.stdout.write(`packed ${name}: ${result.files} files into ${result.output}\n`);
    });

  runtime
    .command('verify')
    .description('check an installed runtime against its manifest (exit 0 only when intact)')
    .argument('<name>', 'runtime name')
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      const { describeVerify, verifyRuntime } = await import('../../runtimes/verify.js');
      const progress = createProgress();
      const report = await verifyRuntime(storeRoot(cmd), name, (done, total) =>
        progress.update(() => `verifying ${name}: ${formatBytes(done)} of ${formatBytes(total)}`),
      );
      progress.done();
      if (opts.json) printJson(report);
      else {
        const { findings, summary } = describeVerify(report);
        process.stdout.write([...findings, `${name}: ${summary}`].join('\n') + '\n');
      }
      if (!report.ok) process.exitCode = ExitCode.Integrity;
    });

  runtime
    .command('remove')
    .description('remove an installed runtime')
    .argument('<name>', 'runtime name')
    .option('--force', 'remove even while jobs are using it')
    .action(async (name: string, opts: { force?: boolean }, cmd: Command) => {
      const problem = runtimeNameProblem(name);
      if (problem) throw new UserError(problem, ExitCode.Usage);
      const { removeRuntime } = await import('../../runtimes/remove.js');
      removeRuntime(storeRoot(cmd), name, opts.force === true);
      process.stdout.write(`removed ${name}\n`);
    });

  runtime
    .command('shell')
    .description('open an interactive shell inside a runtime (as you, through rnx-launch)')
    .argument('<name>', 'runtime name')
    .option('--workdir <dir>', "host directory bound read-write at the runtime's workdir")
    .action(async (name: string, opts: { workdir?: string }, cmd: Command) => {
      const problem = runtimeNameProblem(name);
      if (problem) throw new UserError(problem, ExitCode.Usage);
      const { runShell } = await import('../../jobs/shell.js');
      process.exitCode = await runShell(storeRoot(cmd), name, { workdir: opts.workdir });
    });

  registerBuildCommands(runtime);
  // `--root` is accepted after the subcommand too (`rnx runtime list --root DIR`).
  for (const sub of runtime.commands) sub.option('--root <dir>', 'runtime store root (default: $RNX_ROOT or /opt/rnx)');
  return runtime;
}
