// Bootstrapped base systems, cached per suite and variant, so only the first runtime of a suite pays for
// debootstrap. A cached base already has its apt sources, package lists and updates applied.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptGet, cacheLockFile, prepareTree, unprepareTree } from './chroot.js';
import type { BuildLog } from './log.js';
import type { Mirrors } from './mirror.js';
import { makeDirs } from '../../util/dirs.js';
import { pidFromName, removeDebrisOfDeadProcesses } from '../../util/debris.js';

export const BASE_FORMAT = 1;

export function cacheRoot(): string {
  return process.env.RNX_CACHE_DIR ?? '/var/cache/rnx';
}

export function baseDir(suite: string, variant: string): string {
  return join(cacheRoot(), 'bases', `${suite}-${variant}`);
}

/** apt's .deb cache for a suite, shared by debootstrap and every build of that suite. */
export function aptCacheDir(suite: string): string {
  return join(cacheRoot(), 'apt', suite);
}

interface BaseStamp {
  format: number;
  suite: string;
  variant: string;
  mirror: string;
  created: string;
}

function stampFile(suite: string, variant: string): string {
  return `${baseDir(suite, variant)}.json`;
}

/** The cached base for suite/variant when it is complete, else undefined. */
export function cachedBase(suite: string, variant: string): { dir: string; stamp: BaseStamp } | undefined {
  const dir = baseDir(suite, variant);
  try {
    const stamp = JSON.parse(readFileSync(stampFile(suite, variant), 'utf8')) as BaseStamp;
    if (stamp.format !== BASE_FORMAT || !existsSync(join(dir, 'usr/bin/apt-get'))) return undefined;
    return { dir, stamp };
  } catch {
    return undefined;
  }
}

/** Removes half-made bases of processes that died. */
function cleanStaleBases(): void {
  removeDebrisOfDeadProcesses(join(cacheRoot(), 'bases'), pidFromName(/^\.tmp-(\d+)-/));
}

/**
 * Returns a complete base tree for suite/variant, bootstrapping it with debootstrap (verified against the
 * Debian archive keyring) when it is not cached or `refresh` is set.
 */
export async function ensureBase(
  log: BuildLog,
  suite: string,
  variant: string,
  mirrors: Mirrors,
  sources: string[],
  refresh = false,
): Promise<{ dir: string; cached: boolean }> {
  const have = refresh ? undefined : cachedBase(suite, variant);
  if (have) {
    log.note(`using cached base ${have.dir} (created ${have.stamp.created} from ${have.stamp.mirror})`);
    return { dir: have.dir, cached: true };
  }
  cleanStaleBases();
  const basesDir = join(cacheRoot(), 'bases');
  makeDirs(basesDir, 0o755);
  const aptCache = aptCacheDir(suite);
  makeDirs(aptCache, 0o755);
  const tmp = join(basesDir, `.tmp-${process.pid}-${suite}-${variant}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    // debootstrap mounts /proc and /sys in the target itself: keep those mounts in a private namespace.
    await log.run('flock', [
      cacheLockFile(aptCache),
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      'debootstrap',
      `--variant=${variant}`,
      `--cache-dir=${aptCache}`,
      '--merged-usr',
      suite,
      tmp,
      mirrors.main,
    ]);
    // debootstrap copies the host's resolv.conf and hostname into the target: replace them with our own.
    rmSync(join(tmp, 'etc/resolv.conf'), { force: true });
    writeFileSync(join(tmp, 'etc/hostname'), 'localhost\n', { mode: 0o644 });
    writeFileSync(join(tmp, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n', { mode: 0o644 });
    prepareTree(tmp, sources, []);
    await aptGet(log, tmp, aptCache, ['update']);
    await aptGet(log, tmp, aptCache, ['dist-upgrade']);
    unprepareTree(tmp);
    const dest = baseDir(suite, variant);
    const old = `${dest}.old-${process.pid}`;
    if (existsSync(dest)) renameSync(dest, old);
    renameSync(tmp, dest);
    rmSync(old, { recursive: true, force: true });
    const stamp: BaseStamp = { format: BASE_FORMAT, suite, variant, mirror: mirrors.main, created: new Date().toISOString() };
    writeFileSync(stampFile(suite, variant), JSON.stringify(stamp) + '\n', { mode: 0o644 });
    log.note(`cached base ${dest}`);
    return { dir: dest, cached: false };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
