// The unprivileged user the launcher tests run as, and helpers to run commands as a given user.
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions, type SpawnSyncReturns } from 'node:child_process';

export const TEST_USER = 'rnxtest';
/** a second, unrelated unprivileged user (present on every Debian system) */
export const OTHER_USER = 'nobody';

export interface UserIds {
  uid: number;
  gid: number;
}

export function userIds(user: string): UserIds {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Creates the test user if missing (no home, no login shell). Idempotent. */
export function ensureTestUser(): UserIds {
  const r = spawnSync('id', ['-u', TEST_USER], { stdio: 'ignore' });
  if (r.status !== 0) execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', TEST_USER], { stdio: 'pipe' });
  return userIds(TEST_USER);
}

function asUser(user: string, cmd: string, args: string[]): [string, string[]] {
  const { gid } = userIds(user);
  return ['setpriv', [`--reuid=${user}`, `--regid=${gid}`, '--init-groups', '--', cmd, ...args]];
}

/** setpriv execs the command, so the returned child's pid is the command's own pid. */
export function spawnAs(user: string, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const [c, a] = asUser(user, cmd, args);
  return spawn(c, a, opts);
}

export function runAsSync(user: string, cmd: string, args: string[], opts: Parameters<typeof spawnSync>[2] = {}): SpawnSyncReturns<string> {
  const [c, a] = asUser(user, cmd, args);
  return spawnSync(c, a, { encoding: 'utf8', ...opts }) as SpawnSyncReturns<string>;
}
