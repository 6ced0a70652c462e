import { describeError, ExitCode, UserError } from '../util/errors.js';
import { DEFAULT_ROOT } from './context.js';

/** Entry point of the `rnx` command. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const fast = await runJobFastPath(argv);
  if (fast !== undefined) return fast;
  if (wantsApp(argv)) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      const { printSummary } = await import('./summary.js');
      printSummary(rootFrom(argv) ?? process.env.RNX_ROOT ?? DEFAULT_ROOT);
      return ExitCode.Ok;
    }
    const { startApp } = await import('../tui/start.js');
    return startApp({ root: rootFrom(argv), readonly: argv.includes('--readonly') });
  }
  const { buildProgram } = await import('./program.js');
  const program = buildProgram();
  // Subcommands copy exitOverride/output settings only when added after they are set.
  for (const cmd of walk(program)) cmd.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return (err as { exitCode?: number }).exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    return reportError(err);
  }
}

/**
 * `rnx [--root DIR] job run …` skips commander, which costs more to load than a short job takes to run.
 * Returns undefined when commander should handle the words (help, or not `job run`).
 */
async function runJobFastPath(argv: string[]): Promise<number | undefined> {
  let i = 0;
  let root = process.env.RNX_ROOT;
  while (argv[i] === '--root' || argv[i]?.startsWith('--root=')) {
    root = argv[i] === '--root' ? argv[i + 1] : argv[i]!.slice('--root='.length);
    i += argv[i] === '--root' ? 2 : 1;
  }
  if (argv[i] !== 'job' || argv[i + 1] !== 'run') return undefined;
  try {
    const { parseRunArgs } = await import('./run-options.js');
    const parsed = parseRunArgs(argv.slice(i + 2));
    if (!parsed) return undefined;
    const { runJobCommand } = await import('./job-run.js');
    return await runJobCommand(root ?? DEFAULT_ROOT, parsed.command, parsed.opts);
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (!(err instanceof UserError) && process.env.RNX_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
  process.stderr.write(`rnx: ${describeError(err)}\n`);
  return err instanceof UserError ? err.exitCode : ExitCode.Failure;
}

/** `rnx`, `rnx --root DIR` or `rnx --readonly` with no command opens the app. */
function wantsApp(argv: string[]): boolean {
  const rest = argv.filter((a, i) => !(a === '--readonly' || a === '--root' || argv[i - 1] === '--root' || a.startsWith('--root=')));
  return rest.length === 0;
}

function rootFrom(argv: string[]): string | undefined {
  const i = argv.indexOf('--root');
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith('--root='))?.slice('--root='.length);
}

function* walk(cmd: import('commander').Command): Generator<import('commander').Command> {
  yield cmd;
  for (const sub of cmd.commands) yield* walk(sub);
}
