import type { Command } from 'commander';

import { DEFAULT_STORE_ROOT, storeRootFromEnv } from '../runtimes/paths.js';

export const DEFAULT_ROOT = DEFAULT_STORE_ROOT;

/** The store root: `--root`, else $RNX_ROOT, else /opt/rnx. */
export function storeRoot(cmd: Command): string {
  const opts = cmd.optsWithGlobals() as { root?: string };
  return opts.root ?? storeRootFromEnv();
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
