// Builds real runtimes from Debian packages (debootstrap on the first run; the base is cached after that)
// and runs commands in them through the installed setuid launcher.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rnx, RNX_BIN } from '../support/cli.js';
import { launcherProblem } from '../../src/runtimes/builder/build.js';

const ROOT = '/opt/rnx';
const LAUNCHER = '/usr/local/libexec/rnx/rnx-launch';
const NAMES = ['rnx-test-base', 'rnx-test-nopkg', 'rnx-test-failing', 'rnx-test-interrupt'];
const isRoot = process.getuid?.() === 0;
const hasDebootstrap = spawnSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' }).status === 0;
const problem = !isRoot ? 'not root' : !hasDebootstrap ? 'debootstrap is not installed (apt-get install debootstrap)' : launcherProblem(ROOT);
if (problem) console.warn(`[builder tests] skipped: ${problem}`);

let work: string;
let recipes: string;
const env = () => ({ RNX_ROOT: ROOT, RNX_RECIPES_DIR: recipes });
const BUILD_TIMEOUT = 15 * 60_000;

function writeRecipe(name: string, transform: (text: string) => string = (t) => t): string {
  const text = readFileSync(new URL('../../recipes/base.yml', import.meta.url), 'utf8').replace(/^name: base$/m, `name: ${name}`);
  const file = join(recipes, `${name}.yml`);
  writeFileSync(file, transform(text));
  return file;
}

function leftovers(name: string): string[] {
  const out: string[] = [];
  if (existsSync(join(ROOT, 'runtimes', name))) out.push(`runtimes/${name}`);
  for (const n of readdirSync(join(ROOT, 'runtimes'))) if (/^rnx-build-/.test(n) || /^\.staging-/.test(n)) out.push(`runtimes/${n}`);
  if (existsSync(join(ROOT, 'build'))) for (const n of readdirSync(join(ROOT, 'build'))) if (n.startsWith(name)) out.push(`build/${n}`);
  return out;
}

describe.skipIf(Boolean(problem))('rnx runtime build (real Debian packages, real launcher)', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'rnx-builder-'));
    recipes = join(work, 'recipes');
    mkdirSync(recipes);
    for (const n of NAMES) rmSync(join(ROOT, 'runtimes', n), { recursive: true, force: true });
  });
  afterAll(() => {
    for (const n of NAMES) rmSync(join(ROOT, 'runtimes', n), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    'builds the base recipe, installs it only after its tests passed, and runs a command in it through the launcher',
    () => {
      const file = writeRecipe('rnx-test-base');
      const r = rnx(['runtime', 'build', file, '--install', '--force'], { env: env(), timeoutMs: BUILD_TIMEOUT });
      expect(r.stderr + r.stdout).toMatch(/installed rnx-test-base 12: \d+ files/);
      expect(r.code).toBe(0);
      for (const [i, p] of ['bootstrap', 'packages', 'steps', 'trim', 'check', 'test', 'install'].entries()) {
        expect(r.stderr).toContain(`[${i + 1}/7] ${p}`);
        expect(r.stderr).toMatch(new RegExp(`${p} done in \\d+\\.\\ds`));
      }
      expect(r.stderr).toMatch(/check done in .*nothing missing/);
      expect(r.stderr).toMatch(/test done in .*2 tests passed/);
      const log = /build log: (\S+)/.exec(r.stderr)?.[1];
      expect(log && existsSync(log)).toBe(true);
      expect(readFileSync(log!, 'utf8')).toContain('test ok: bash -c');
      expect(leftovers('rnx-test-base')).toEqual(['runtimes/rnx-test-base']);

      const run = spawnSync(LAUNCHER, ['--runtime', 'rnx-test-base', '--', 'bash', '-c', 'echo "bash $BASH_VERSION"; cat /etc/debian_version; ls /'], {
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^bash 5\./);
      expect(run.stdout).toMatch(/^12\./m);
      expect(run.stdout).toContain('usr');
      const missing = spawnSync(LAUNCHER, ['--runtime', 'rnx-test-base', '--', 'python3', '-V'], { encoding: 'utf8' });
      expect(missing.status).toBe(127);

      // nothing of the host: no resolv.conf, no build-time policy, docs/man trimmed, copyright kept
      const tree = join(ROOT, 'runtimes', 'rnx-test-base', 'isolated');
      expect(existsSync(join(tree, 'etc/resolv.conf'))).toBe(false);
      expect(existsSync(join(tree, 'usr/sbin/policy-rc.d'))).toBe(false);
      expect(readdirSync(join(tree, 'usr/share/man'))).toEqual([]);
      expect(existsSync(join(tree, 'usr/share/doc/bash/copyright'))).toBe(true);
      expect(readdirSync(join(tree, 'var/lib/apt/lists')).filter((f) => f !== 'partial' && f !== 'lock')).toEqual([]);
      expect(readFileSync(join(tree, '../runtime.yml'), 'utf8')).toMatch(/^name: "rnx-test-base"$/m);

      const verify = rnx(['runtime', 'verify', 'rnx-test-base'], { env: env() });
      expect(verify.stdout).toMatch(/intact/);
      expect(verify.code).toBe(0);
    },
    BUILD_TIMEOUT,
  );

  it('check passes on the built runtime and fails, naming the library, when a needed library is removed', () => {
    const ok = rnx(['runtime', 'check', 'rnx-test-base'], { env: env() });
    expect(ok.stdout).toMatch(/rnx-test-base: self-contained \(\d+ files, \d+ ELF/);
    expect(ok.code).toBe(0);

    const copy = join(work, 'copy');
    execFileSync('cp', ['-a', join(ROOT, 'runtimes', 'rnx-test-base'), copy]);
    const libdir = join(copy, 'isolated/usr/lib/x86_64-linux-gnu');
    for (const f of readdirSync(libdir)) if (f.startsWith('libz.so.1')) rmSync(join(libdir, f));
    const bad = rnx(['runtime', 'check', copy], { env: env() });
    expect(bad.stdout).toMatch(/^missing library libz\.so\.1: needed by \/usr\/bin\/\S+$/m);
    expect(bad.stdout).toMatch(/NOT self-contained: \d+ missing/);
    expect(bad.code).toBe(5);
  });

  it(
    'fails cleanly, saying why, when a package does not exist: nothing installed, nothing left behind',
    () => {
      const file = writeRecipe('rnx-test-nopkg', (t) => t.replace('  - coreutils\n', '  - coreutils\n  - rnx-no-such-package\n'));
      const r = rnx(['runtime', 'build', file, '--install'], { env: env(), timeoutMs: BUILD_TIMEOUT });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/build failed in phase packages: Unable to locate package rnx-no-such-package/);
      expect(r.stderr).toMatch(/full log: \/\S+\.log/);
      expect(leftovers('rnx-test-nopkg')).toEqual([]);
    },
    BUILD_TIMEOUT,
  );

  it(
    'fails in phase test when a recipe test fails through the launcher, leaving no runtime behind',
    () => {
      const file = writeRecipe('rnx-test-failing', (t) => t.replace(/tests:[\s\S]*$/, "tests:\n  - run: bash -c 'echo about to fail; exit 3'\n"));
      const r = rnx(['runtime', 'build', file, '--install'], { env: env(), timeoutMs: BUILD_TIMEOUT });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/build failed in phase test: test `bash -c 'echo about to fail; exit 3'` failed: exited with status 3/);
      expect(r.stderr).toContain('about to fail');
      expect(leftovers('rnx-test-failing')).toEqual([]);
    },
    BUILD_TIMEOUT,
  );

  it(
    'an interrupted build (SIGTERM) stops its commands and leaves nothing behind',
    async () => {
      const file = writeRecipe('rnx-test-interrupt', (t) => t.replace('tests:', 'steps:\n  - sleep 300\ntests:'));
      const child = spawn(process.execPath, [RNX_BIN, 'runtime', 'build', file, '--install'], {
        env: { ...process.env, ...env() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
      await new Promise<void>((res) => {
        child.stderr.on('data', (b: Buffer) => {
          stderr += b.toString();
          if (stderr.includes('[3/7] steps')) res();
        });
      });
      await new Promise((r) => setTimeout(r, 1000));
      const t0 = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(stderr).toMatch(/build failed in phase steps: interrupted/);
      expect(code).toBe(130);
      expect(leftovers('rnx-test-interrupt')).toEqual([]);
      expect(spawnSync('pgrep', ['-f', 'sleep 300']).status).toBe(1);
    },
    BUILD_TIMEOUT,
  );

  it(
    'installFromSource builds and installs a shipped recipe by name (second build reuses the cached base), printing nothing',
    async () => {
      process.env.RNX_RECIPES_DIR = recipes;
      const written = vi.spyOn(process.stdout, 'write');
      const writtenErr = vi.spyOn(process.stderr, 'write');
      try {
        const { installFromSource, sourceKind } = await import('../../src/runtimes/install-source.js');
        expect(sourceKind('rnx-no-such-recipe')).toBeUndefined();
        expect(sourceKind('rnx-test-base')).toBe('recipe');
        const events: string[] = [];
        const res = await installFromSource('rnx-test-base', {
          root: ROOT,
          force: true,
          onEvent: (e) => {
            if (e.type === 'build' && e.event.type === 'phase-end') events.push(e.event.phase);
          },
        });
        expect(res).toMatchObject({ kind: 'recipe', name: 'rnx-test-base', replaced: true });
        expect(res.build).toMatchObject({ installed: true, replaced: true, baseCached: true });
        expect(events).toEqual(['bootstrap', 'packages', 'steps', 'trim', 'check', 'test', 'install']);
        expect(res.build!.tests.map((t) => t.ok)).toEqual([true, true]);
        expect(written).not.toHaveBeenCalled();
        expect(writtenErr).not.toHaveBeenCalled();
      } finally {
        written.mockRestore();
        writtenErr.mockRestore();
        delete process.env.RNX_RECIPES_DIR;
      }
      const list = rnx(['runtime', 'recipes'], { env: env() });
      expect(list.stdout).toMatch(/^rnx-test-base\s+12\s+bookworm\s+yes\s/m);
      expect(list.stdout).toMatch(/^rnx-test-nopkg\s+12\s+bookworm\s+no\s/m);
      expect(rnx(['runtime', 'list'], { env: env() }).stdout).not.toMatch(/rnx-build-/);
    },
    BUILD_TIMEOUT,
  );

  it(
    'writes an archive with --output that installs into another store',
    () => {
      const file = writeRecipe('rnx-test-base');
      const out = join(work, 'base.tar.gz');
      const r = rnx(['runtime', 'build', file, '--output', out], { env: env(), timeoutMs: BUILD_TIMEOUT });
      expect(r.stdout).toMatch(/built rnx-test-base 12, wrote .*base\.tar\.gz/);
      expect(r.code).toBe(0);
      const other = join(work, 'other-store');
      const inst = rnx(['runtime', 'install', out], { env: { RNX_ROOT: other } });
      expect(inst.stdout).toMatch(/installed rnx-test-base 12/);
      expect(inst.code).toBe(0);
      expect(rnx(['runtime', 'check', 'rnx-test-base'], { env: { RNX_ROOT: other } }).code).toBe(0);
    },
    BUILD_TIMEOUT,
  );
});
