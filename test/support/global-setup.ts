// vitest globalSetup: builds and installs the setuid launcher, its policy, the test user and the test runtime.
// Idempotent and quick when everything is already in place. Needs root (as in CI); otherwise it only warns,
// and the launcher tests skip themselves.
import { execFileSync } from 'node:child_process';
import { installLauncher } from '../../src/launcher/install.js';
import { ensureTestUser } from './users.js';
import { installTestRuntime, removeRuntime, TEST_RUNTIME } from './launcher-fixture.js';

/** Returns the teardown: the test runtime is removed again, so `rnx runtime list` does not keep showing it. */
export default function setup(): (() => void) | undefined {
  if (process.getuid?.() !== 0) {
    console.warn('[global-setup] not root: the setuid launcher is not installed; launcher tests will be skipped');
    return undefined;
  }
  execFileSync('make', ['-s', '-C', 'native'], { stdio: 'inherit' });
  installLauncher();
  ensureTestUser();
  installTestRuntime();
  return () => removeRuntime(TEST_RUNTIME);
}
