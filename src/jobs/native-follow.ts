// Handing a large job output over to rnx-follow (native/follow), which copies it with sendfile(2): the
// kernel moves the output log's pages into the pipe or terminal, where node would copy every byte twice.
import { accessSync, constants } from 'node:fs';
import type { Writable } from 'node:stream';
import { FOLLOWER_PATH } from '../launcher/paths.js';

/** The installed follower, when it is there and executable (`rnx setup` installs it). */
export function installedFollower(path: string = FOLLOWER_PATH): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/**
 * Copies `file` from byte `from` onto this process's stdout until `writerEnded` has settled and everything was copied.
 * `logMax`: the launcher keeps the file to its last this many bytes (the follower jumps over what it drops, and
 * says so on stderr); 0 or undefined when it does not.
 */
export function followNatively(follower: string, file: string, from: number, writerEnded: Promise<unknown>, logMax?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const { spawn } = process.getBuiltinModule('node:child_process'); // loaded only for large outputs
    // fd 3 stays open while the writer runs: its end-of-file tells the follower to finish
    const child = spawn(follower, [file, String(from), ...(logMax ? [String(logMax)] : [])], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
    void writerEnded.then(() => (child.stdio[3] as Writable | null)?.end());
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else if (code === 3) reject(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      else reject(new Error(`rnx-follow ${signal ? `was killed by ${signal}` : `failed (exit ${code})`} copying ${file}`));
    });
  });
}
