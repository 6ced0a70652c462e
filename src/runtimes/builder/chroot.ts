// Running commands inside a build tree. Each command gets its own private mount namespace (unshare -m) in
// which /proc, /dev, /sys and (for apt) the .deb cache are mounted into the tree before chroot: the mounts
// vanish with the command, so they can never leak onto the host or be deleted through when the tree is removed.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildLog, RunOptions } from './log.js';
import { DEFAULT_JOB_PATH } from '../paths.js';

const ENTER_SCRIPT = `set -e
t=$1; c=$2; shift 2
mount -t proc proc "$t/proc"
mount --rbind /dev "$t/dev"
mount -t sysfs sysfs "$t/sys" 2>/dev/null || true
if [ -n "$c" ]; then mount --bind "$c" "$t/var/cache/apt/archives"; fi
exec chroot "$t" "$@"
`;

export interface TreeRunOptions extends RunOptions {
  /** A host directory bind-mounted onto the tree's /var/cache/apt/archives (apt's .deb cache). */
  aptCache?: string;
}

/** The environment build commands see inside the tree (nothing inherited from the caller). */
export function buildEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: DEFAULT_JOB_PATH,
    HOME: '/root',
    LANG: 'C.UTF-8',
    DEBIAN_FRONTEND: 'noninteractive',
    DEBCONF_NONINTERACTIVE_SEEN: 'true',
    ...extra,
  };
}

/** Runs `argv` chrooted into `tree` with /proc, /dev, /sys mounted for it (privately). */
export function runInTree(log: BuildLog, tree: string, argv: string[], opts: TreeRunOptions = {}): Promise<string> {
  for (const d of ['proc', 'dev', 'sys']) mkdirSync(join(tree, d), { recursive: true, mode: 0o755 });
  if (opts.aptCache) {
    mkdirSync(join(opts.aptCache, 'partial'), { recursive: true, mode: 0o755 });
    mkdirSync(join(tree, 'var', 'cache', 'apt', 'archives'), { recursive: true, mode: 0o755 });
  }
  const { aptCache, ...run } = opts;
  const enter = ['unshare', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', ENTER_SCRIPT, 'rnx-enter', tree, aptCache ?? '', ...argv];
  // Builds of the same suite share the .deb cache: one apt at a time on it (apt would fail on its lock).
  const argvFull = aptCache ? ['flock', cacheLockFile(aptCache), ...enter] : enter;
  return log.run(argvFull[0]!, argvFull.slice(1), { ...run, env: run.env ?? buildEnv() });
}

/** The lock file serialising apt runs that share the .deb cache `aptCache`. */
export function cacheLockFile(aptCache: string): string {
  return `${aptCache.replace(/\/+$/, '')}.lock`;
}

/** apt-get with the options every build uses. */
export function aptGet(log: BuildLog, tree: string, aptCache: string, args: string[]): Promise<string> {
  return runInTree(
    log,
    tree,
    [
      'apt-get',
      '-y',
      '-q',
      '-o',
      'Acquire::Retries=3',
      '-o',
      'APT::Sandbox::User=root',
      '-o',
      'APT::Keep-Downloaded-Packages=true',
      '-o',
      'Dpkg::Use-Pty=0',
      '-o',
      'DPkg::Lock::Timeout=300',
      ...args,
    ],
    { aptCache },
  );
}

const BUILD_FILES = {
  policy: 'usr/sbin/policy-rc.d',
  dpkgCfg: 'etc/dpkg/dpkg.cfg.d/90rnx-build',
  aptCfg: 'etc/apt/apt.conf.d/90rnx-build',
  resolv: 'etc/resolv.conf',
};

/**
 * Writes the build-time configuration into the tree: apt sources, a policy-rc.d that forbids starting
 * services, fast dpkg I/O, dpkg path exclusions for what will be trimmed anyway, and name servers.
 */
export function prepareTree(tree: string, sources: string[], dpkgExcludes: string[]): void {
  writeFileSync(join(tree, 'etc/apt/sources.list'), `# written by rnx runtime build\n${sources.join('\n')}\n`, { mode: 0o644 });
  const listD = join(tree, 'etc/apt/sources.list.d');
  if (existsSync(listD)) for (const f of readdirSync(listD)) rmSync(join(listD, f), { recursive: true, force: true });
  writeFileSync(join(tree, BUILD_FILES.policy), '#!/bin/sh\n# rnx build: never start services while building a runtime\nexit 101\n', { mode: 0o755 });
  chmodSync(join(tree, BUILD_FILES.policy), 0o755);
  mkdirSync(join(tree, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
  writeFileSync(join(tree, BUILD_FILES.dpkgCfg), ['force-unsafe-io', ...dpkgExcludes].join('\n') + '\n', { mode: 0o644 });
  mkdirSync(join(tree, 'etc/apt/apt.conf.d'), { recursive: true });
  writeFileSync(join(tree, BUILD_FILES.aptCfg), 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n', { mode: 0o644 });
  writeResolvConf(tree);
}

/** Name servers for apt inside the tree: the host's `nameserver` lines (written fresh, removed after the build). */
function writeResolvConf(tree: string): void {
  let servers: string[] = [];
  try {
    servers = readFileSync('/etc/resolv.conf', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^(nameserver|search|options)\s/.test(l));
  } catch {
    servers = [];
  }
  const target = join(tree, BUILD_FILES.resolv);
  rmSync(target, { force: true });
  writeFileSync(target, `# rnx build only\n${servers.join('\n')}\n`, { mode: 0o644 });
}

/** Removes the build-time configuration again (apt sources stay: they are what the runtime came from). */
export function unprepareTree(tree: string): void {
  for (const f of Object.values(BUILD_FILES)) rmSync(join(tree, f), { force: true });
}
