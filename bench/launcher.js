// Benchmark: rnx-launch start-up against bubblewrap on the same runtime tree, in the same run.
//   rnx-launch --runtime X -- true
//   bwrap --ro-bind TREE / --proc /proc --dev /dev --unshare-all true
// On a cgroup v1 host it also times the cgroup work alone (what rnx-launch does and bwrap does not).
// Uses a Debian-sized runtime if one is installed (/opt/rnx/runtimes/base), else the busybox test runtime.
// Uses hyperfine when installed, else times RUNS runs itself. Target: ratio (rnx / bwrap) <= 1.0.
// Run as root after `rnx setup` (or the launcher tests' global setup): node bench/launcher.js
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LAUNCHER = '/usr/local/libexec/rnx/rnx-launch';
const RUNTIMES = '/opt/rnx/runtimes';
const runs = Number(process.env.RUNS ?? 50);

function pickRuntime() {
  for (const name of ['base', 'debian', 'rnx-test-busybox', 'rnx-bench-busybox']) {
    if (existsSync(join(RUNTIMES, name, 'isolated', 'bin', 'true')) || existsSync(join(RUNTIMES, name, 'isolated', 'usr', 'bin', 'true'))) {
      if (existsSync(join(RUNTIMES, name, 'launch.spec'))) return name;
    }
  }
  throw new Error(`no runtime with launch.spec under ${RUNTIMES}; run the launcher tests once (npx vitest run test/launcher)`);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function quote(a) {
  return /^[A-Za-z0-9_./=:-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** median and mean ms of `argv` over `runs` runs */
function timeIt(argv) {
  const check = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  if (check.status !== 0) throw new Error(`${argv.join(' ')} failed (${check.status}): ${check.stderr}`);
  if (have('hyperfine')) {
    const dir = mkdtempSync(join(tmpdir(), 'rnx-bench-'));
    try {
      const out = join(dir, 'h.json');
      execFileSync('hyperfine', ['-N', '--warmup', '5', '--runs', String(runs), '--export-json', out, argv.map(quote).join(' ')], { stdio: 'ignore' });
      const r = JSON.parse(readFileSync(out, 'utf8')).results[0];
      return { median: r.median * 1000, mean: r.mean * 1000, min: r.min * 1000, tool: 'hyperfine' };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const t = [];
  for (let i = 0; i < runs + 5; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(argv[0], argv.slice(1), { stdio: 'ignore' });
    if (i >= 5) t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], mean: t.reduce((a, b) => a + b, 0) / t.length, min: t[0], tool: 'spawnSync' };
}

const runtime = pickRuntime();
const tree = join(RUNTIMES, runtime, 'isolated');
const trueBin = existsSync(join(tree, 'usr', 'bin', 'true')) ? '/usr/bin/true' : 'true';
const rnx = timeIt([LAUNCHER, '--runtime', runtime, '--', 'true']);
const bwrap = timeIt(['bwrap', '--ro-bind', tree, '/', '--proc', '/proc', '--dev', '/dev', '--unshare-all', trueBin]);
const fmt = (r) => `median ${r.median.toFixed(2)} ms  mean ${r.mean.toFixed(2)} ms  min ${r.min.toFixed(2)} ms`;
console.log(`runtime: ${runtime} (${tree})   runs: ${runs}   timer: ${rnx.tool}`);
console.log(`  rnx-launch --runtime ${runtime} -- true      ${fmt(rnx)}`);
console.log(`  bwrap --ro-bind TREE / ... --unshare-all true  ${fmt(bwrap)}`);
console.log(`  ratio rnx/bwrap (median): ${(rnx.median / bwrap.median).toFixed(2)}  (target <= 1.0)`);
if (rnx.median / bwrap.median > 1.0) process.exitCode = 1;

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
