import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { printJson, storeRoot } from '../context.js';
import { formatTable } from '../../util/format.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { runtimeNameProblem } from '../../runtimes/names.js';
import { storeLayout } from '../../runtimes/paths.js';

// `rnx runtime build`, `rnx runtime recipes`, `rnx runtime check`. Implementations load on use.

export function registerBuildCommands(runtime: Command): void {
  runtime
    .command('build')
    .description('build a runtime from a recipe (a recipes/*.yml file or the name of a shipped recipe); needs root')
    .argument('<recipe>', 'RECIPE.yml, or the name of a shipped recipe (see `rnx runtime recipes`)')
    .option('-o, --output <file>', 'write the built runtime as an archive (.tar.gz, .tgz or .tar); default ./NAME.tar.gz unless --install')
    .option('--install', 'install the built runtime into the store')
    .option('--force', 'replace an installed runtime of the same name')
    .option('--keep-build', 'keep the build directory afterwards (<root>/build/kept-NAME-TIME), also when the build fails')
    .option('--skip-tests', "do not run the recipe's tests through rnx-launch")
    .option('--mirror <url>', 'Debian mirror (default: $RNX_DEBIAN_MIRROR, else the host apt sources)')
    .option('--refresh-base', "bootstrap the suite's base system again even when it is cached")
    .option('--json', 'print the result as JSON')
    .action(
      async (
        recipeArg: string,
        opts: {
          output?: string;
          install?: boolean;
          force?: boolean;
          keepBuild?: boolean;
          skipTests?: boolean;
          mirror?: string;
          refreshBase?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const { loadRecipe, buildRuntime, describeBuild } = await import('../../runtimes/builder/index.js');
        const { buildProgressReporter } = await import('../render/build-progress.js');
        const recipe = loadRecipe(recipeArg);
        const reporter = buildProgressReporter();
        try {
          const result = await buildRuntime(recipe, {
            root: storeRoot(cmd),
            install: opts.install === true,
            force: opts.force === true,
            keepBuild: opts.keepBuild === true,
            skipTests: opts.skipTests === true,
            refreshBase: opts.refreshBase === true,
            ...(opts.output ? { output: opts.output } : {}),
            ...(opts.mirror ? { mirror: opts.mirror } : {}),
            onEvent: reporter.onEvent,
          });
          reporter.stop();
          if (opts.json) printJson(result);
          else process.stdout.write(describeBuild(result) + '\n');
        } finally {
          reporter.stop();
        }
      },
    );

  runtime
    .command('recipes')
    .description('list the shipped recipes and whether each is installed')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { shippedRecipeStatus } = await import('../../runtimes/builder/index.js');
      const rows = shippedRecipeStatus(storeRoot(cmd));
      if (opts.json) return printJson(rows);
      if (!rows.length) return void process.stdout.write('no recipes shipped\n');
      process.stdout.write(
        formatTable(
          ['NAME', 'VERSION', 'SUITE', 'INSTALLED', 'DESCRIPTION'],
          rows.map((r) => [r.name, r.version ?? '-', r.suite ?? '-', r.installed ? 'yes' : 'no', r.problem ? `! ${r.problem}` : (r.description ?? '')]),
        ),
      );
      process.stdout.write('install one with: sudo rnx runtime install NAME\n');
    });

  runtime
    .command('check')
    .description('check that a runtime is self-contained: ELF interpreters, shared libraries and #! interpreters resolve inside its tree')
    .argument('<runtime>', 'installed runtime name, a runtime directory (runtime.yml + isolated/), or a root filesystem tree')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: { json?: boolean }, cmd: Command) => {
      const { checkTree } = await import('../../runtimes/check/check.js');
      const { checkTarget } = await import('../../runtimes/check/target.js');
      const { tree, env } = await checkTarget(resolveCheckDir(target, storeRoot(cmd)));
      const report = await checkTree(tree, { env });
      if (opts.json) printJson(report);
      else {
        const { describeCheck } = await import('../../runtimes/check/describe.js');
        const { findings, summary } = describeCheck(report);
        process.stdout.write([...findings, `${target}: ${summary}`].join('\n') + '\n');
      }
      if (!report.ok) process.exitCode = ExitCode.Integrity;
    });
}

/** The directory `target` names: an installed runtime's, or a path. */
function resolveCheckDir(target: string, root: string): string {
  let dir: string | undefined;
  if (target.includes('/') || target === '.' || target === '..') dir = target;
  else if (!runtimeNameProblem(target) && existsSync(storeLayout.runtimeDir(root, target))) dir = storeLayout.runtimeDir(root, target);
  else if (existsSync(target)) dir = target;
  if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`${target}: no installed runtime or directory of that name`, ExitCode.NotFound);
  }
  return dir;
}
