import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RNX_BIN = fileURLToPath(new URL('../../bin/rnx.cjs', import.meta.url));

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built rnx CLI. `asUser` runs it through setpriv as that uid/gid with no groups. */
export function rnx(args: string[], opts: { env?: Record<string, string>; asUid?: number; input?: string; timeoutMs?: number } = {}): RunResult {
  const env = { ...process.env, ...opts.env };
  let r: SpawnSyncReturns<string>;
  if (opts.asUid !== undefined) {
    r = spawnSync('setpriv', [`--reuid=${opts.asUid}`, `--regid=${opts.asUid}`, '--clear-groups', process.execPath, RNX_BIN, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env,
      input: opts.input ?? '',
      timeout: opts.timeoutMs ?? 120_000,
    });
  } else {
    r = spawnSync(process.execPath, [RNX_BIN, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
      env,
      input: opts.input ?? '',
      timeout: opts.timeoutMs ?? 120_000,
    });
  }
  return { code: r.status ?? 128 + 9, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
