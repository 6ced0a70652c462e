/** An error meant for the user: printed as one line, never with a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Failure,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exit codes of the rnx command (a job's own status passes through `rnx job run`). */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  /** The thing named does not exist (runtime, job, recipe). */
  NotFound: 3,
  /** Needs root, or the launcher is missing or not setuid. */
  Permission: 4,
  /** Verify or check found problems. */
  Integrity: 5,
  /** Something is busy (a job uses the runtime, a job is still running). */
  Busy: 6,
  /** Interrupted by a signal. */
  Interrupted: 130,
} as const;

/** Turns low-level errors (ENOSPC, EACCES, …) into one readable line. */
export function describeError(err: unknown): string {
  if (err instanceof UserError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    const where = e.path ? `: ${e.path}` : '';
    switch (e.code) {
      case 'ENOSPC':
        return `no space left on device${where}`;
      case 'EDQUOT':
        return `disk quota exceeded${where}`;
      case 'EACCES':
      case 'EPERM':
        return `permission denied${where}`;
      case 'ENOENT':
        return `no such file or directory${where}`;
      case 'EROFS':
        return `read-only file system${where}`;
      default:
        return `${e.message}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
