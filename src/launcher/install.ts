// `rnx setup`: installs the setuid launcher atomically and writes a default policy if none exists.
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { CONF_PATH, FOLLOWER_PATH, followerBuildPath, LAUNCHER_PATH, launcherBuildPath } from './paths.js';

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
default_log_max = 1G       # output a job keeps in its record, the most recent (--log-max); 0 = all
max_log_max = 0            # the most --log-max may ask for; 0 = no maximum
`;

export interface InstallOptions {
  /** built launcher to install (default: native/build/rnx-launch) */
  source?: string;
  /** install location (default: /usr/local/libexec/rnx/rnx-launch) */
  dest?: string;
  /** built output copier to install (default: native/build/rnx-follow) */
  followerSource?: string;
  /** its install location (default: rnx-follow beside the launcher) */
  followerDest?: string;
  /** policy file (default: /etc/rnx/launcher.conf) */
  confPath?: string;
}

export interface InstallSummary {
  launcher: string;
  /** false when an identical setuid-root copy was already installed */
  launcherUpdated: boolean;
  follower: string;
  /** false when an identical copy was already installed */
  followerUpdated: boolean;
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

/** Copies `source` to `dest` as root:root with `mode` unless an identical copy is there; returns whether it wrote. */
function installBinary(source: string, dest: string, mode: number): boolean {
  const binary = readFileSync(source);
  if (existsSync(dest)) {
    const st = lstatSync(dest);
    if (st.isFile() && st.uid === 0 && st.gid === 0 && (st.mode & 0o7777) === mode && readFileSync(dest).equals(binary)) return false;
  }
  writeAtomic(dest, binary, mode);
  return true;
}

/** Installs rnx-launch (root:root 4755), rnx-follow beside it (0755) and a default launcher.conf (0644) if absent. Must run as root. */
export function installLauncher(opts: InstallOptions = {}): InstallSummary {
  const source = opts.source ?? launcherBuildPath();
  const dest = opts.dest ?? LAUNCHER_PATH;
  const confPath = opts.confPath ?? CONF_PATH;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('installing rnx-launch needs root; run: sudo rnx setup');
  }
  if (!existsSync(source)) throw new Error(`rnx-launch has not been built (${source} is missing); run: npm run build`);
  const followerSource = opts.followerSource ?? followerBuildPath();
  if (!existsSync(followerSource)) throw new Error(`rnx-follow has not been built (${followerSource} is missing); run: npm run build`);

  const dirsCreated: string[] = [];
  ensureRootDir(dirname(dest), dirsCreated);
  ensureRootDir(dirname(confPath), dirsCreated);

  const launcherUpdated = installBinary(source, dest, 0o4755);
  const followerDest = opts.followerDest ?? join(dirname(dest), basename(FOLLOWER_PATH));
  const followerUpdated = installBinary(followerSource, followerDest, 0o755);

  let confCreated = false;
  if (!existsSync(confPath)) {
    writeAtomic(confPath, DEFAULT_LAUNCHER_CONF, 0o644);
    confCreated = true;
  } else if (statSync(confPath).uid !== 0 || (statSync(confPath).mode & 0o022) !== 0) {
    throw new Error(`${confPath} must be owned by root and not group/world-writable (the launcher refuses it otherwise)`);
  }
  return { launcher: dest, launcherUpdated, follower: followerDest, followerUpdated, conf: confPath, confCreated, dirsCreated };
}
