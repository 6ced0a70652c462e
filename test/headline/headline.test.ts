// The four commands the README promises, exactly as a user types them, the jobs run as an ordinary user.
// python-2.7-legacy (147 MiB) is built from Debian packages when missing. python-3.11-ml (1.3 GiB, ~250 MB
// of downloads) is built only with RNX_TEST_BUILD_ML=1, as demo/build-all-recipes.sh does; otherwise its
// tests run when it is installed and are skipped when it is not.
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
const mlAvailable = installed('python-3.11-ml') || process.env.RNX_TEST_BUILD_ML === '1';
if (!problem && !mlAvailable) console.warn('[headline tests] python-3.11-ml is not installed and RNX_TEST_BUILD_ML is not 1: its tests are skipped');

describe.skipIf(Boolean(problem))('the headline commands', () => {
  function installs(name: string): void {
    if (!installed(name)) {
      const r = rnx(['runtime', 'install', name], { env, timeoutMs: BUILD_TIMEOUT });
      expect(r.code, r.stderr.slice(-2000)).toBe(0);
      expect(r.stdout).toContain(name);
    }
    const again = rnx(['runtime', 'install', name], { env });
    expect(again.code).toBe(6);
    expect(again.stderr).toBe(`rnx: runtime ${name} is already installed; use --force to rebuild and replace it\n`);
    expect(rnx(['runtime', 'verify', name], { env, timeoutMs: 300_000 }).code).toBe(0);
  }

  it.skipIf(!mlAvailable)('rnx runtime install python-3.11-ml', () => installs('python-3.11-ml'), BUILD_TIMEOUT);
  it('rnx runtime install python-2.7-legacy', () => installs('python-2.7-legacy'), BUILD_TIMEOUT);

  it.skipIf(!mlAvailable)('rnx job run --runtime=python-3.11-ml python -c "import torch; print(torch.__version__)"', () => {
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
