// The four commands the README promises, exactly as a user types them: the two runtimes are built from
// Debian packages when missing (minutes on a fresh machine), then the jobs run as an ordinary user.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rnx } from '../support/cli.js';
import { tempStateDir } from '../support/runtimes.js';
import { TEST_USER, userIds } from '../support/users.js';

const ROOT = '/opt/rnx';
const BUILD_TIMEOUT = 20 * 60_000;
const isRoot = process.getuid?.() === 0;
const hasDebootstrap = spawnSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' }).status === 0;
const problem = !isRoot ? 'not root' : !hasDebootstrap ? 'debootstrap is not installed' : undefined;
if (problem) console.warn(`[headline tests] skipped: ${problem}`);

const env = { RNX_ROOT: ROOT, RNX_STATE_DIR: tempStateDir() };
const installed = (name: string) => existsSync(`${ROOT}/runtimes/${name}/runtime.yml`);

describe.skipIf(Boolean(problem))('the headline commands', () => {
  it.each(['python-3.11-ml', 'python-2.7-legacy'])(
    'rnx runtime install %s',
    (name) => {
      if (!installed(name)) {
        const r = rnx(['runtime', 'install', name], { env, timeoutMs: BUILD_TIMEOUT });
        expect(r.code, r.stderr.slice(-2000)).toBe(0);
        expect(r.stdout).toContain(name);
      }
      const again = rnx(['runtime', 'install', name], { env });
      expect(again.code).toBe(6);
      expect(again.stderr).toBe(`rnx: runtime ${name} is already installed; use --force to rebuild and replace it\n`);
      expect(rnx(['runtime', 'verify', name], { env, timeoutMs: 300_000 }).code).toBe(0);
    },
    BUILD_TIMEOUT,
  );

  it('rnx job run --runtime=python-3.11-ml python -c "import torch; print(torch.__version__)"', () => {
    const r = rnx(['job', 'run', '--runtime=python-3.11-ml', 'python', '-c', 'import torch; print(torch.__version__)'], {
      env,
      asUid: userIds(TEST_USER).uid,
      timeoutMs: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^1\.13\.\d/);
    expect(r.code).toBe(0);
  });

  it('rnx job run --runtime=python-2.7-legacy python -c "print \'Hello from Python 2\'"', () => {
    const r = rnx(['job', 'run', '--runtime=python-2.7-legacy', 'python', '-c', "print 'Hello from Python 2'"], { env, asUid: userIds(TEST_USER).uid });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('Hello from Python 2\n');
    expect(r.code).toBe(0);
  });
});
