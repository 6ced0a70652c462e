// Benchmarks of `rnx job run`, each against a reference measured in the same run, in rounds whose order rotates
// (bench/lib.js timeRounds), so that the machine's drift hits every command alike:
//  1. the CLI's own cost: `rnx job run --runtime=R true` minus `node -e 0` minus rnx-launch run directly with the
//     arguments rnx gives it, paired round by round (goal: median <= 10 ms). Node's own start-up and the
//     launcher's work are measured, not assumed, so the figure is rnx's alone on any machine;
//  2. output: a job printing 1 GiB through `rnx job run … | cat` (and recorded in its output log) against what a
//     user would do without rnx to see the output and keep it, `CMD | tee FILE | cat`, and beside it plain
//     `CMD > FILE` (goal: rnx at >= 0.70x the rate of tee, judged on the median of the paired ratios).
// Run as root after `rnx setup`: node bench/jobs.js   (RUNS=41 start-up rounds, OUT_RUNS=5 output rounds)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBusyboxRuntime, fmtMs, fmtSpread, median, report, timeRounds } from './lib.js';

const RNX = new URL('../bin/rnx.cjs', import.meta.url).pathname;
const LAUNCHER = '/usr/local/libexec/rnx/rnx-launch';
const runtime = ensureBusyboxRuntime('rnx-bench-busybox');
const state = mkdtempSync(join(tmpdir(), 'rnx-bench-state-'));
const env = { RNX_STATE_DIR: state };
const runs = Number(process.env.RUNS ?? 41);
const outRuns = Number(process.env.OUT_RUNS ?? 5);
const rnxEnv = { ...process.env, ...env };

try {
  // 1. start-up. The direct launcher gets what `rnx job run` passes: the runtime, the network, a status fd.
  const [nodeT, launchT, rnxT] = timeRounds(
    runs,
    [
      [process.execPath, ['-e', '0']],
      [LAUNCHER, ['--runtime', runtime, '--net', 'none', '--status-fd', '3', '--', 'true'], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] }],
      [process.execPath, [RNX, 'job', 'run', `--runtime=${runtime}`, 'true'], { env }],
    ],
    { warmup: 3 },
  );
  const own = rnxT.map((t, i) => t - nodeT[i] - launchT[i]);
  report(`start-up, ${runs} rounds of three (order rotating), ms`, [
    ['node -e 0', fmtSpread(nodeT, fmtMs)],
    ['rnx-launch --runtime R ... -- true', fmtSpread(launchT, fmtMs)],
    ['rnx job run --runtime=R true', fmtSpread(rnxT, fmtMs)],
    ["rnx's own cost: rnx - node - launcher, paired", fmtSpread(own, fmtMs)],
    ['goal: median <= 10 ms', median(own) <= 10 ? 'met' : 'MISSED'],
  ]);
  if (median(own) > 10) process.exitCode = 1;

  // 2. output. Each run starts after the previous run's files are gone and written back (sync, not timed):
  // otherwise whichever runs later pays for the disk writing back the other's gigabytes.
  const GiB = 1024 ** 3;
  // the same program (the runtime's own busybox dd), the same bytes on stdout and nothing on stderr, in the job
  // as outside it: the reference runs that binary on the host
  const dd = 'dd if=/dev/zero bs=1M count=1024 2>/dev/null';
  const hostProduce = `/opt/rnx/runtimes/${runtime}/isolated/bin/busybox ${dd}`;
  const jobProduce = `sh -c '${dd}'`;
  const file = join(state, 'kept');
  const recordedSizes = [];
  const lastRecordSize = () => {
    const id = listIds()[0];
    return id ? statSync(join(state, 'jobs', id, 'output.log')).size : 0;
  };
  const settle = () => {
    rmSync(file, { force: true });
    const ids = listIds();
    if (ids.length) spawnSync(process.execPath, [RNX, 'job', 'rm', ...ids], { env: rnxEnv });
    spawnSync('sync');
  };
  const [fileT, teeT, jobT] = timeRounds(outRuns, [
    ['sh', ['-c', `${hostProduce} > ${file}`], { setup: settle }],
    ['sh', ['-c', `${hostProduce} | tee ${file} | cat > /dev/null`], { setup: settle }],
    [
      'sh',
      ['-c', `node ${RNX} job run --runtime=${runtime} ${jobProduce} | cat > /dev/null`],
      { env, setup: settle, after: () => recordedSizes.push(lastRecordSize()) },
    ],
  ]);
  const recorded = Math.min(...recordedSizes);
  const rate = (ms) => `${(GiB / 1024 ** 2 / (ms / 1000)).toFixed(0)} MiB/s`;
  const vsTee = jobT.map((t, i) => teeT[i] / t);
  const vsFile = jobT.map((t, i) => fileT[i] / t);
  report(`1 GiB of job output, ${outRuns} rounds of three (order rotating)`, [
    ['CMD > FILE', `${fmtSpread(fileT, fmtMs)} (${rate(median(fileT))})`],
    ['CMD | tee FILE | cat', `${fmtSpread(teeT, fmtMs)} (${rate(median(teeT))})`],
    ['rnx job run ... CMD | cat (and the record)', `${fmtSpread(jobT, fmtMs)} (${rate(median(jobT))})`],
    ['bytes in each record (smallest)', String(recorded)],
    ['rate ratio rnx / tee, paired', fmtSpread(vsTee)],
    ['rate ratio rnx / CMD > FILE, paired', fmtSpread(vsFile)],
    ['goal: rnx / tee median >= 0.70', median(vsTee) >= 0.7 ? 'met' : 'MISSED'],
  ]);
  if (recorded !== GiB) {
    console.log(`  the record holds ${recorded} bytes, not ${GiB}`);
    process.exitCode = 1;
  }
  if (median(vsTee) < 0.7) process.exitCode = 1;
} finally {
  rmSync(state, { recursive: true, force: true });
}

function listIds() {
  const r = spawnSync(process.execPath, [RNX, 'job', 'list', '--all', '--json'], { env: rnxEnv, encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout).map((j) => j.id);
  } catch {
    return [];
  }
}
