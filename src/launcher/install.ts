// `rnx setup`: installs the setuid launcher atomically and writes a default policy if none exists.
import { chmodSync, chownSync, closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { CONF_PATH, LAUNCHER_PATH, launcherBuildPath } from './paths.js';

export const DEFAULT_LAUNCHER_CONF = `# rnx-launch policy. Must stay root-owned and not group/world-writable, or the launcher refuses to run.
# Sizes accept K, M, G, T suffixes. 0 means "no maximum" / "no limit".
runtimes_dir = /opt/rnx/runtimes
allow_users = *            # '*' or comma-separated user names
allow_groups =             # comma-separated group names (a caller in any of them may launch)
allow_host_network = false
max_memory = 16G
default_memory = 2G
max_cpu = 0                # percent of one core
default_cpu = 0
max_pids = 4096
default_pids = 1024
max_timeout = 0            # seconds
default_timeout = 0
tmp_size = 512M            # size of each private tmpfs (/tmp and writable paths)
`;

export interface InstallOptions {
  /** built launcher to install (default: native/build/rnx-launch) */
  source?: string;
  /** install location (default: /usr/local/libexec/rnx/rnx-launch) */
  dest?: string;
  /** policy file (default: /etc/rnx/launcher.conf) */
  confPath?: string;
}

export interface InstallSummary {
  launcher: string;
  /** false when an identical setuid-root copy was already installed */
  launcherUpdated: boolean;
  conf: string;
  confCreated: boolean;
  dirsCreated: string[];
}

function ensureRootDir(dir: string, created: string[]): void {
  if (existsSync(dir)) {
    const st = lstatSync(dir);
    if (!st.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
    if (st.uid !== 0 || (st.mode & 0o022) !== 0) {
      throw new Error(`${dir} must be owned by root and not group/world-writable; fix it (chown root:root ${dir}; chmod 755 ${dir})`);
    }
    return;
  }
  ensureRootDir(dirname(dir), created);
  mkdirSync(dir, { mode: 0o755 });
  chownSync(dir, 0, 0);
  chmodSync(dir, 0o755);
  created.push(dir);
}

function writeAtomic(path: string, data: Buffer | string, mode: number): void {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chownSync(tmp, 0, 0); // before chmod: chown clears the setuid bit
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Installs rnx-launch (root:root 4755) and a default launcher.conf (0644) if absent. Must run as root. */
export function installLauncher(opts: InstallOptions = {}): InstallSummary {
  const source = opts.source ?? launcherBuildPath();
  const dest = opts.dest ?? LAUNCHER_PATH;
  const confPath = opts.confPath ?? CONF_PATH;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('installing rnx-launch needs root; run: sudo rnx setup');
  }
  if (!existsSync(source)) throw new Error(`rnx-launch has not been built (${source} is missing); run: npm run build`);

  const dirsCreated: string[] = [];
  ensureRootDir(dirname(dest), dirsCreated);
  ensureRootDir(dirname(confPath), dirsCreated);

  const binary = readFileSync(source);
  let launcherUpdated = true;
  if (existsSync(dest)) {
    const st = lstatSync(dest);
    if (st.isFile() && st.uid === 0 && st.gid === 0 && (st.mode & 0o7777) === 0o4755 && readFileSync(dest).equals(binary)) {
      launcherUpdated = false;
    }
  }
  if (launcherUpdated) writeAtomic(dest, binary, 0o4755);

  let confCreated = false;
  if (!existsSync(confPath)) {
    writeAtomic(confPath, DEFAULT_LAUNCHER_CONF, 0o644);
    confCreated = true;
  } else if (statSync(confPath).uid !== 0 || (statSync(confPath).mode & 0o022) !== 0) {
    throw new Error(`${confPath} must be owned by root and not group/world-writable (the launcher refuses it otherwise)`);
  }
  return { launcher: dest, launcherUpdated, conf: confPath, confCreated, dirsCreated };
}
