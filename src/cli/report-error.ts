import { describeError, ExitCode, UserError } from '../util/errors.js';

/** Prints an error as one `rnx: …` line (a stack trace only with RNX_DEBUG, and never for a UserError); returns its exit code. */
export function reportError(err: unknown): number {
  if (!(err instanceof UserError) && process.env.RNX_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
  process.stderr.write(`rnx: ${describeError(err)}\n`);
  return err instanceof UserError ? err.exitCode : ExitCode.Failure;
}
