// Small helpers shared by the benchmarks: timing a command several times and printing ratios.
import { spawnSync } from 'node:child_process';

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
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function report(title, rows) {
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(48)} ${value}`);
}

export const fmtMs = (ms) => `${ms.toFixed(1)} ms`;
