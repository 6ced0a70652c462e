// Benchmarks of `rnx job run` (issue: jobs):
//  1. start-up: `rnx job run --runtime=<small> true` against `node -e 0` (goal: within +30 ms), and rnx-launch alone;
//  2. throughput: a job writing 1 GiB to stdout, delivered to a pipe and to the record, against `cat` of the same
//     data into a file (goal: at least 70% of cat's rate).
// Run as root after `rnx setup`: node bench/jobs.js
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBusyboxRuntime, fmtMs, report, timeAlternating, timeCommand } from './lib.js';

const RNX = new URL('../bin/rnx.cjs', import.meta.url).pathname;
const LAUNCHER = '/usr/local/libexec/rnx/rnx-launch';
const runtime = ensureBusyboxRuntime('rnx-bench-busybox');
const state = mkdtempSync(join(tmpdir(), 'rnx-bench-state-'));
const env = { RNX_STATE_DIR: state };
const runs = Number(process.env.RUNS ?? 21);
try {
  // node and rnx alternate, so that the machine's drift (page cache, other work) hits both alike; the goal is
  // judged on the median of the paired differences.
  const startup = timeAlternating(runs, [process.execPath, ['-e', '0']], [process.execPath, [RNX, 'job', 'run', `--runtime=${runtime}`, 'true'], { env }]);
  const launchMs = timeCommand(LAUNCHER, ['--runtime', runtime, '--', 'true'], { runs });
  const diffMs = startup.diff;
  report(`start-up, median of ${runs} (node and rnx alternating)`, [
    ['node -e 0', fmtMs(startup.a)],
    ['rnx-launch --runtime R -- true', fmtMs(launchMs)],
    ['rnx job run --runtime=R true', fmtMs(startup.b)],
    ['rnx job run - node -e 0, paired (goal <= 30 ms)', fmtMs(diffMs)],
  ]);
  if (diffMs > 30) process.exitCode = 1;

  const GiB = 1024 ** 3;
  const data = join(state, 'data');
  execFileSync('sh', ['-c', `head -c ${GiB} /dev/zero > ${data}`]);
  // cat and rnx alternate, each after the previous run's files are gone and written back (sync, not timed):
  // otherwise whichever runs later pays for the disk writing back the other's gigabytes.
  const copy = join(state, 'copy');
  const settle = () => {
    rmSync(copy, { force: true });
    spawnSync(process.execPath, [RNX, 'job', 'rm', ...listIds()], { env: { ...process.env, ...env } });
    spawnSync('sync');
  };
  const output = timeAlternating(
    3,
    ['sh', ['-c', `cat ${data} > ${copy}`], { setup: settle }],
    ['sh', ['-c', `node ${RNX} job run --runtime=${runtime} dd if=/dev/zero bs=1M count=1024 2>/dev/null | cat > /dev/null`], { env, setup: settle }],
  );
  const catMs = output.a;
  const jobMs = output.b;
  const rate = (ms) => `${((GiB / 1024 ** 2) / (ms / 1000)).toFixed(0)} MiB/s`;
  const last = listIds()[0];
  const recorded = last ? statSync(join(state, 'jobs', last, 'output.log')).size : 0;
  report('1 GiB of job output, median of 3', [
    ['cat of the data into a file', `${fmtMs(catMs)} (${rate(catMs)})`],
    ['rnx job run ... | cat (and the record)', `${fmtMs(jobMs)} (${rate(jobMs)})`],
    ['bytes in the record', String(recorded)],
    ['rate ratio rnx / cat (goal >= 0.70)', (catMs / jobMs).toFixed(2)],
  ]);
  if (catMs / jobMs < 0.7) process.exitCode = 1;

  function listIds() {
    const r = spawnSync(process.execPath, [RNX, 'job', 'list', '--all', '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
    try {
      return JSON.parse(r.stdout).map((j) => j.id);
    } catch {
      return [];
    }
  }
} finally {
  rmSync(state, { recursive: true, force: true });
}
