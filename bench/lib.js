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

/** Runs `cmd` once (after `setup`) and returns its wall time in ms; a non-zero exit is an error. */
function timeOnce(cmd, args, { setup, after, env, stdout = 'ignore', stdio } = {}) {
  setup?.();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: stdio ?? ['ignore', stdout, 'inherit'], env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  after?.();
  return ms;
}

/**
 * Times several commands in rounds, each run once per round (after its own `setup`), the order rotating from
 * round to round: the machine's drift (page cache, write-back, other work) then hits every command alike, and
 * none always runs right after the same other. Each command is [cmd, args, options] as for timeCommand, whose
 * options may also hold `after`, run untimed once the command has ended.
 * Returns the times per command, round by round (times[c][round]), so that callers can pair them.
 */
export function timeRounds(rounds, commands, { warmup = 0 } = {}) {
  const times = commands.map(() => []);
  for (let i = 0; i < warmup + rounds; i++) {
    for (let k = 0; k < commands.length; k++) {
      const c = (i + k) % commands.length;
      const [cmd, args, opts] = commands[c];
      const ms = timeOnce(cmd, args, opts);
      if (i >= warmup) times[c].push(ms);
    }
  }
  return times;
}

/**
 * Times two commands in turn, `rounds` times (see timeRounds). Returns the median of each and the median of
 * the paired differences (b - a).
 */
export function timeAlternating(rounds, a, b) {
  const [aTimes, bTimes] = timeRounds(rounds, [a, b]);
  return { a: median(aTimes), b: median(bTimes), diff: median(bTimes.map((t, i) => t - aTimes[i])) };
}

/** min, quartiles, median and max of a list of numbers. */
export function spread(values) {
  const s = [...values].sort((x, y) => x - y);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))];
  return { min: s[0], p25: at(0.25), median: at(0.5), p75: at(0.75), max: s[s.length - 1] };
}

/** "median M (min A, p25 B, p75 C, max D)" with `fmt` for each figure. */
export function fmtSpread(values, fmt = (v) => v.toFixed(2)) {
  const q = spread(values);
  return `median ${fmt(q.median)} (min ${fmt(q.min)}, p25 ${fmt(q.p25)}, p75 ${fmt(q.p75)}, max ${fmt(q.max)})`;
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
    for (const applet of execFileSync(join(tree, 'bin', 'busybox'), ['--list-full'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)) {
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
