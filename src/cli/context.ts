import type { Command } from 'commander';

export const DEFAULT_ROOT = '/opt/rnx';

/** The store root: `--root`, else $RNX_ROOT, else /opt/rnx. */
export function storeRoot(cmd: Command): string {
  const opts = cmd.optsWithGlobals() as { root?: string };
  return opts.root ?? process.env.RNX_ROOT ?? DEFAULT_ROOT;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
