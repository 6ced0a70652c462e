// Fixed locations of the setuid launcher and its policy. The launcher itself has CONF_PATH compiled in.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAUNCHER_DIR = '/usr/local/libexec/rnx';
export const LAUNCHER_PATH = '/usr/local/libexec/rnx/rnx-launch';
/** The output copier (not setuid), installed beside the launcher by `rnx setup`. */
export const FOLLOWER_PATH = '/usr/local/libexec/rnx/rnx-follow';
export const CONF_DIR = '/etc/rnx';
export const CONF_PATH = '/etc/rnx/launcher.conf';
export const DEFAULT_RUNTIMES_DIR = '/opt/rnx/runtimes';
export const REGISTRY_DIR = '/run/rnx/jobs';

/** The repository (or installed package) root: the nearest ancestor holding native/Makefile. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'native', 'Makefile'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the rnx package root (no native/Makefile above ' + fileURLToPath(import.meta.url) + ')');
    dir = parent;
  }
}

/** Where `make -C native` writes the launcher. */
export function launcherBuildPath(): string {
  return join(packageRoot(), 'native', 'build', 'rnx-launch');
}

/** Where `make -C native` writes the output copier. */
export function followerBuildPath(): string {
  return join(packageRoot(), 'native', 'build', 'rnx-follow');
}
