// Which runtimes running jobs use: every job has a live rnx-launch process whose argv names its runtime.
import { readdirSync, readFileSync } from 'node:fs';

export function runtimesInUse(): Map<string, number[]> {
  const inUse = new Map<string, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.endsWith('rnx-launch')) continue;
    const name = runtimeArg(argv.slice(1));
    if (name) inUse.set(name, [...(inUse.get(name) ?? []), Number(entry)]);
  }
  return inUse;
}

function runtimeArg(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    if (a === '--runtime') return args[i + 1];
    if (a.startsWith('--runtime=')) return a.slice('--runtime='.length);
  }
  return undefined;
}
