import { ExitCode } from '../util/errors.js';
import { storeRootFromEnv } from '../runtimes/paths.js';
import { reportError } from './report-error.js';

/**
 * Entry point of the `rnx` command for everything but `job run`, which bin/rnx.cjs hands to fast-path.ts
 * first (commander then only prints its help). Returns the process exit code.
 */
export async function main(argv: string[]): Promise<number> {
  if (wantsApp(argv)) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      const { printSummary } = await import('./summary.js');
      printSummary(rootFrom(argv) ?? storeRootFromEnv());
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
