// Runtime builder speed: the first build of a suite bootstraps its base system (debootstrap), a second
// runtime on the same suite reuses the cached base. Builds the `base` recipe (renamed rnx-bench-base)
// twice: once with --refresh-base (a real debootstrap, as on a fresh machine; downloaded .debs are
// cached either way), once with the cached base. Requires root and debootstrap; uses the launcher for
// the recipe tests when it is installed, else --skip-tests. Exits 1 when the second build takes more
// than half the time of the first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './lib.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const rnxBin = join(repo, 'bin', 'rnx.cjs');
if (process.getuid?.() !== 0) {
  console.error('bench/builder.js: needs root (building runtimes)');
  process.exit(1);
}
const NAME = 'rnx-bench-base';
const work = mkdtempSync(join(tmpdir(), 'rnx-bench-builder-'));
const recipes = join(work, 'recipes');
mkdirSync(recipes);
writeFileSync(join(recipes, `${NAME}.yml`), readFileSync(join(repo, 'recipes', 'base.yml'), 'utf8').replace(/^name: base$/m, `name: ${NAME}`));
const launcherOk = existsSync('/usr/local/libexec/rnx/rnx-launch');
const root = launcherOk ? '/opt/rnx' : join(work, 'store');

function build(extra) {
  const args = [rnxBin, 'runtime', 'build', NAME, '--install', '--force', ...(launcherOk ? [] : ['--skip-tests']), ...extra];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, RNX_ROOT: root, RNX_RECIPES_DIR: recipes } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    console.error(r.stderr);
    throw new Error(`build failed (${r.status})`);
  }
  const phases = [...r.stderr.matchAll(/(\w+) done in ([\d.]+)s/g)].map((m) => `${m[1]} ${m[2]}s`).join(', ');
  return { ms, phases };
}

try {
  const first = build(['--refresh-base']);
  const second = build([]);
  const ratio = second.ms / first.ms;
  report('runtime builder (recipe base: bookworm minbase + bash, coreutils)', [
    ['first build (debootstrap, base cached afterwards)', `${(first.ms / 1000).toFixed(1)} s`],
    ['  phases', first.phases],
    ['second build (cached base)', `${(second.ms / 1000).toFixed(1)} s`],
    ['  phases', second.phases],
    ['second / first', `${(ratio * 100).toFixed(0)}% (target: at most 50%)`],
    ['recipe tests', launcherOk ? 'run through rnx-launch' : 'skipped (launcher not installed)'],
  ]);
  process.exitCode = ratio <= 0.5 ? 0 : 1;
} finally {
  rmSync(join(root, 'runtimes', NAME), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
