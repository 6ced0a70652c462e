// Benchmark: rnx-launch start-up against bubblewrap on the same runtime tree, in the same run.
//   rnx-launch --runtime X -- true
//   bwrap --ro-bind TREE / --proc /proc --dev /dev --unshare-all true
// The two run in rounds whose order rotates (bench/lib.js timeRounds), and the goal is judged on the median of
// the paired ratios (rnx / bwrap, round by round), with their spread: a goal met on one machine and missed on
// another of the same kind is missed. On a cgroup v1 host it also times the cgroup work alone (what rnx-launch
// does and bwrap does not). Uses a Debian-sized runtime if one is installed (/opt/rnx/runtimes/base), else the
// busybox test runtime. Target: median ratio <= 1.0.
// Run as root after `rnx setup` (or the launcher tests' global setup): node bench/launcher.js  (RUNS=101)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fmtMs, fmtSpread, median, timeRounds } from './lib.js';

const LAUNCHER = '/usr/local/libexec/rnx/rnx-launch';
const RUNTIMES = '/opt/rnx/runtimes';
const runs = Number(process.env.RUNS ?? 101);

function pickRuntime() {
  for (const name of ['base', 'debian', 'rnx-test-busybox', 'rnx-bench-busybox']) {
    if (existsSync(join(RUNTIMES, name, 'isolated', 'bin', 'true')) || existsSync(join(RUNTIMES, name, 'isolated', 'usr', 'bin', 'true'))) {
      if (existsSync(join(RUNTIMES, name, 'launch.spec'))) return name;
    }
  }
  throw new Error(`no runtime with launch.spec under ${RUNTIMES}; run the launcher tests once (npx vitest run test/launcher)`);
}

const runtime = pickRuntime();
const tree = join(RUNTIMES, runtime, 'isolated');
const trueBin = existsSync(join(tree, 'usr', 'bin', 'true')) ? '/usr/bin/true' : 'true';
const rnxArgv = [LAUNCHER, '--runtime', runtime, '--', 'true'];
const bwrapArgv = ['bwrap', '--ro-bind', tree, '/', '--proc', '/proc', '--dev', '/dev', '--unshare-all', trueBin];
for (const argv of [rnxArgv, bwrapArgv]) {
  const check = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  if (check.status !== 0) throw new Error(`${argv.join(' ')} failed (${check.status}): ${check.stderr}`);
}
const [rnxT, bwrapT] = timeRounds(
  runs,
  [
    [rnxArgv[0], rnxArgv.slice(1)],
    [bwrapArgv[0], bwrapArgv.slice(1)],
  ],
  { warmup: 5 },
);
const ratios = rnxT.map((t, i) => t / bwrapT[i]);
const rnx = { median: median(rnxT) };
const bwrap = { median: median(bwrapT) };
console.log(`runtime: ${runtime} (${tree})   rounds: ${runs} (order rotating, 5 warm-up rounds)`);
console.log(`  rnx-launch --runtime ${runtime} -- true         ${fmtSpread(rnxT, fmtMs)}`);
console.log(`  bwrap --ro-bind TREE / ... --unshare-all true  ${fmtSpread(bwrapT, fmtMs)}`);
console.log(`  ratio rnx/bwrap, paired                        ${fmtSpread(ratios)}`);
console.log(`  goal: median ratio <= 1.0                      ${median(ratios) <= 1.0 ? 'met' : 'MISSED'}`);
if (median(ratios) > 1.0) process.exitCode = 1;

// Breakdown: the work rnx-launch does and bwrap does not is the job's cgroups. On a v1 host, time that work
// alone, in this process (no exec): create a cgroup in each controller the launcher uses for every job, set
// the memory and pids limits, move a process in and out, remove the cgroups. (The process is moved through
// cgroup.procs, back to back, while the kernel's threadgroup lock is warm; the launcher's PID 1 moves itself
// through `tasks`, which skips that lock: see native/README.md.)
const V1 = '/sys/fs/cgroup';
if (existsSync(`${V1}/memory/rnx`)) {
  const controllers = ['memory', 'pids', 'cpuacct', 'freezer'];
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  try {
    const times = [];
    for (let i = 0; i < runs + 5; i++) {
      const t0 = process.hrtime.bigint();
      const dirs = controllers.map((c) => `${V1}/${c}/rnx/bench-${process.pid}-${i}`);
      try {
        for (const d of dirs) mkdirSync(d);
        writeFileSync(`${dirs[0]}/memory.limit_in_bytes`, String(2 * 1024 ** 3));
        writeFileSync(`${dirs[1]}/pids.max`, '1024');
        for (const d of dirs) writeFileSync(`${d}/cgroup.procs`, String(child.pid));
        for (const c of controllers) writeFileSync(`${V1}/${c}/rnx/cgroup.procs`, String(child.pid));
      } finally {
        for (const d of dirs) if (existsSync(d)) rmdirSync(d);
      }
      if (i >= 5) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    const cg = times[Math.floor(times.length / 2)];
    console.log('  breakdown of the difference:');
    console.log(`    rnx-launch - bwrap (median)                           ${(rnx.median - bwrap.median).toFixed(2)} ms`);
    console.log(`    cgroup v1 create + limit + join + leave + remove, ${controllers.length} controllers, alone  ${cg.toFixed(2)} ms`);
  } finally {
    child.kill();
  }
}
