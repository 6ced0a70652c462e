import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { describeError, ExitCode, UserError } from '../util/errors.js';

/** Entry point of the `rnx` command. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Subcommands copy exitOverride/output settings only when added after they are set.
  for (const cmd of walk(program)) cmd.exitOverride();
  if (wantsApp(argv)) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      process.stdout.write(
        'rnx: the terminal app needs a terminal. Plain commands: rnx runtime --help, rnx job --help, rnx --help\n',
      );
      return ExitCode.Ok;
    }
    const { startApp } = await import('../tui/start.js');
    return startApp({ root: rootFrom(argv), readonly: argv.includes('--readonly') });
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      return ExitCode.Usage;
    }
    if (!(err instanceof UserError) && process.env.RNX_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    process.stderr.write(`rnx: ${describeError(err)}\n`);
    return err instanceof UserError ? err.exitCode : ExitCode.Failure;
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
