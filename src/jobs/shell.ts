// `rnx runtime shell NAME` and the terminal app's shell key: an interactive login shell inside a runtime,
// through `rnx-launch --interactive`, with the caller's terminal. Runs as the calling user.
import { spawnSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { buildLaunchArgv } from '../launcher/argv.js';
import { checkLauncher } from '../launcher/locate.js';
import { requireInstalled } from '../runtimes/lookup.js';
import { runtimeFiles } from '../runtimes/paths.js';
import { UserError } from '../util/errors.js';
import { checkWorkdir } from './workdir.js';

export interface ShellOptions {
  /** Host directory bound read-write at the runtime's workdir. */
  workdir?: string | undefined;
  /** Launcher path (default: the installed one, checked). */
  launcher?: string;
}

/** The shell to start: bash when the runtime's tree has one, else sh. */
export function pickShell(tree: string): string {
  for (const p of ['bin/bash', 'usr/bin/bash']) {
    try {
      lstatSync(join(tree, p));
      return `/${p}`;
    } catch {
      // not there
    }
  }
  return '/bin/sh';
}

/** The launcher's argv for an interactive shell in `name`. */
export function shellArgv(name: string, shell: string, workdir?: string): string[] {
  const env: Record<string, string> = {};
  for (const k of ['TERM', 'COLORTERM', 'NO_COLOR']) if (process.env[k]) env[k] = process.env[k]!;
  return buildLaunchArgv({ runtime: name, command: [shell, '-l'], interactive: true, env, ...(workdir ? { workdir } : {}) });
}

/**
 * Runs an interactive login shell in runtime `name` with this process's terminal, and resolves with its
 * exit status. While the shell runs this process ignores the terminal's signals (^C, ^\, ^Z go to the
 * shell) and does not read its stdin: the child is waited for synchronously, so no event-loop reader can
 * take the shell's keystrokes.
 */
export async function runShell(root: string, name: string, opts: ShellOptions = {}): Promise<number> {
  const dir = requireInstalled(root, name);
  let workdir: string | undefined;
  if (opts.workdir !== undefined) {
    workdir = checkWorkdir(opts.workdir);
  }
  const launcher = opts.launcher ?? checkLauncher();
  const argv = shellArgv(name, pickShell(join(dir, runtimeFiles.tree)), workdir);
  const ignore = () => {};
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGTSTP'];
  for (const s of signals) process.on(s, ignore);
  try {
    const r = spawnSync(launcher, argv, { stdio: 'inherit', env: { TERM: process.env.TERM ?? 'dumb' } });
    if (r.error) throw new UserError(`could not start ${launcher}: ${r.error.message}`);
    if (r.signal) {
      return 128 + (constants.signals[r.signal] ?? 0);
    }
    return r.status ?? 1;
  } finally {
    // Signals that arrived while we waited are delivered now, to the no-op handlers.
    await new Promise((r) => setImmediate(r));
    for (const s of signals) process.off(s, ignore);
  }
}
