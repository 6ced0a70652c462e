// Rules that must hold on both sides of the C boundary have one owner in TypeScript; the launcher's copy is
// checked against it here.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_JOB_PATH, DEFAULT_STORE_ROOT } from '../../src/runtimes/paths.js';
import { DEFAULT_RUNTIMES_DIR } from '../../src/launcher/paths.js';

const header = readFileSync(fileURLToPath(new URL('../../native/src/launcher.h', import.meta.url)), 'utf8');

describe('one owner per rule', () => {
  it("rnx-launch's default PATH is the one runtimes get from rnx", () => {
    expect(/#define DEFAULT_PATH "([^"]+)"/.exec(header)?.[1]).toBe(DEFAULT_JOB_PATH);
  });

  it("the launcher's default runtimes directory is the default store's", () => {
    expect(DEFAULT_RUNTIMES_DIR).toBe(`${DEFAULT_STORE_ROOT}/runtimes`);
  });
});
