// Benchmark: `rnx runtime install` of a ~300 MB runtime archive against `tar -xzf` of the same file,
// and `rnx runtime verify` against `sha256sum` over the same files. Run as root: node bench/store.js
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fmtMs, report, timeAlternating, timeCommand } from './lib.js';

const RNX = new URL('../bin/rnx.cjs', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rnx-bench-store-'));
const root = join(work, 'store');
const env = { RNX_ROOT: root };
try {
  // A synthetic tree shaped like a language runtime: many small files and a few large ones,
  // with content that compresses about as well as binaries do (~2:1).
  const src = join(work, 'src');
  mkdirSync(join(src, 'isolated'), { recursive: true });
  writeFileSync(join(src, 'runtime.yml'), 'name: bench\nversion: "1"\n');
  // Half random bytes, half a repeated pattern: gzip gets about 2:1, as on real binaries.
  const chunk = (n) => {
    const b = randomBytes(n);
    for (let i = 0; i < n; i += 4096) b.fill(0x41 + (i % 7), i, Math.min(i + 2048, n));
    return b;
  };
  let total = 0;
  for (let d = 0; d < 40; d++) {
    const dir = join(src, 'isolated', 'usr', 'lib', `pkg${d}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 150; f++) {
      const size = f % 50 === 0 ? 1_500_000 : 12_000 + ((f * 7919) % 20_000);
      writeFileSync(join(dir, `f${f}.so`), chunk(size));
      total += size;
    }
  }
  const archive = join(work, 'bench.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', src, 'runtime.yml', 'isolated']);
  const archiveMb = Number(execFileSync('stat', ['-c', '%s', archive], { encoding: 'utf8' })) / 1e6;

  // Both write into an empty destination (the previous run's tree is removed, untimed, and the disk has
  // written everything back), and they alternate, so that the machine's drift hits both alike.
  const tarDest = join(work, 'tar-out');
  const installed = join(root, 'runtimes', 'bench');
  const extract = timeAlternating(
    3,
    [
      'tar',
      ['-xzf', archive, '-C', tarDest],
      {
        setup: () => {
          rmSync(tarDest, { recursive: true, force: true });
          mkdirSync(tarDest);
          spawnSync('sync');
        },
      },
    ],
    [
      process.execPath,
      [RNX, 'runtime', 'install', archive],
      {
        env,
        setup: () => {
          rmSync(installed, { recursive: true, force: true });
          spawnSync('sync');
        },
      },
    ],
  );
  const tarMs = extract.a;
  const installMs = extract.b;

  const tree = join(root, 'runtimes', 'bench', 'isolated');
  const shaMs = timeCommand('sh', ['-c', `find ${tree} -type f -print0 | xargs -0 sha256sum > /dev/null`]);
  const verifyMs = timeCommand(process.execPath, [RNX, 'runtime', 'verify', 'bench'], { env });

  report(`store: ${(total / 1e6).toFixed(0)} MB tree, ${archiveMb.toFixed(0)} MB archive, median of 3`, [
    ['tar -xzf', fmtMs(tarMs)],
    ['rnx runtime install', fmtMs(installMs)],
    ['ratio install / tar (goal <= 1.3)', (installMs / tarMs).toFixed(2)],
    ['sha256sum over the tree', fmtMs(shaMs)],
    ['rnx runtime verify', fmtMs(verifyMs)],
    ['ratio verify / sha256sum (goal <= 1.3)', (verifyMs / shaMs).toFixed(2)],
  ]);
  if (installMs / tarMs > 1.3 || verifyMs / shaMs > 1.3) process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
