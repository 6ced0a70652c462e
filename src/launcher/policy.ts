// /etc/rnx/launcher.conf, the launcher's root-owned policy (`key = value`, `#` comments). rnx-launch parses it
// itself (native/src/config.c) and is the judge of it; rnx reads it only to say early what the launcher will do.
import { readFileSync } from 'node:fs';
import { CONF_PATH, DEFAULT_RUNTIMES_DIR } from './paths.js';

export interface LauncherPolicy {
  /** Where the launcher runs runtimes from (`runtimes_dir`). */
  runtimesDir: string;
  /** Every key as written. */
  values: Map<string, string>;
}

/** The policy's keys and values; throws (ENOENT, EACCES…) when the file cannot be read. */
export function readPolicy(path: string = CONF_PATH): LauncherPolicy {
  const values = new Map<string, string>();
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(raw.replace(/#.*/, ''));
    if (m) values.set(m[1]!, m[2]!);
  }
  return { runtimesDir: values.get('runtimes_dir') || DEFAULT_RUNTIMES_DIR, values };
}
