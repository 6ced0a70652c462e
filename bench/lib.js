// Small helpers shared by the benchmarks: timing a command several times and printing ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Runs `cmd` `runs` times (after `setup` each time) and returns the median wall time in ms. */
export function timeCommand(cmd, args, { runs = 3, setup, env, stdout = 'ignore' } = {}) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    setup?.();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', stdout, 'inherit'], env: { ...process.env, ...env } });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
    times.push(ms);
  }
  return median(times);
}

/**
 * Times two commands in turn, `rounds` times, each run once (after its own `setup`), so that the machine's
 * drift hits both alike. `a` and `b` are [cmd, args, options] as for timeCommand. Returns the median of each
 * and the median of the paired differences (b - a).
 */
export function timeAlternating(rounds, a, b) {
  const aTimes = [];
  const bTimes = [];
  for (let i = 0; i < rounds; i++) {
    aTimes.push(timeCommand(a[0], a[1], { ...a[2], runs: 1 }));
    bTimes.push(timeCommand(b[0], b[1], { ...b[2], runs: 1 }));
  }
  return { a: median(aTimes), b: median(bTimes), diff: median(bTimes.map((t, i) => t - aTimes[i])) };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function report(title, rows) {
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(48)} ${value}`);
}

export const fmtMs = (ms) => `${ms.toFixed(1)} ms`;

/**
 * Makes sure a tiny busybox runtime (from Debian's busybox-static package) is installed in /opt/rnx
 * under `name`, for benchmarks that need a small runtime.
 */
export function ensureBusyboxRuntime(name) {
  if (existsSync(`/opt/rnx/runtimes/${name}/isolated/bin/busybox`)) return name;
  const dir = mkdtempSync(join(tmpdir(), 'rnx-bench-rt-'));
  try {
    execFileSync('apt-get', ['download', 'busybox-static'], { cwd: dir, stdio: 'ignore' });
    const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
    const tree = join(dir, 'rt', 'isolated');
    mkdirSync(tree, { recursive: true });
    execFileSync('dpkg-deb', ['-x', join(dir, deb), tree]);
    for (const applet of execFileSync(join(tree, 'bin', 'busybox'), ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean)) {
      mkdirSync(join(tree, dirname(applet)), { recursive: true });
      if (!existsSync(join(tree, applet))) symlinkSync('/bin/busybox', join(tree, applet));
    }
    writeFileSync(join(dir, 'rt', 'runtime.yml'), `name: ${name}\nversion: "1"\n`);
    execFileSync(process.execPath, [new URL('../bin/rnx.cjs', import.meta.url).pathname, 'runtime', 'install', join(dir, 'rt'), '--force'], {
      env: { ...process.env, RNX_ROOT: '/opt/rnx' },
      stdio: 'inherit',
    });
    return name;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
