// `rnx [--root DIR] job run …` without commander, YAML, tar or React, and (bundled by the build into one
// CommonJS file, dist/fast-path.cjs) without Node's ESM loader: loading those costs more than a short job
// takes to run. bin/rnx.cjs tries this first; everything else goes to main.ts.
import { reportError } from './report-error.js';
import { DEFAULT_STORE_ROOT } from '../runtimes/paths.js';
import { parseRunArgs } from './run-options.js';
import { runJobCommand } from './job/run.js';

/** Runs `job run` and returns its exit code, or undefined when main.ts should handle the words (help, or not `job run`). */
export async function runJobFastPath(argv: string[]): Promise<number | undefined> {
  let i = 0;
  let root = process.env.RNX_ROOT || undefined;
  while (argv[i] === '--root' || argv[i]?.startsWith('--root=')) {
    root = argv[i] === '--root' ? argv[i + 1] : argv[i]!.slice('--root='.length);
    i += argv[i] === '--root' ? 2 : 1;
  }
  if (argv[i] !== 'job' || argv[i + 1] !== 'run') return undefined;
  try {
    const parsed = parseRunArgs(argv.slice(i + 2));
    if (!parsed) return undefined;
    return await runJobCommand(root ?? DEFAULT_STORE_ROOT, parsed.command, parsed.opts);
  } catch (err) {
    return reportError(err);
  }
}
