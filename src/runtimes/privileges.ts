import { ExitCode, UserError } from '../util/errors.js';

/** Installing and removing write root-owned trees the setuid launcher trusts, so they need root. */
export function requireRoot(action: string, retry: string): void {
  if (process.getuid?.() === 0) return;
  throw new UserError(`${action} needs root (runtime trees must be root-owned); run: sudo ${retry}`, ExitCode.Permission);
}
