// Terminal app under output load: while a job prints as fast as it can, how long a keypress takes to
// show a new frame (tmux send-keys -> capture-pane), and the app's resident memory after 1M+ lines.
// Needs root, tmux and the installed launcher. Run: node bench/tui.js
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBusyboxRuntime, report } from './lib.js';

const RNX = new URL('../bin/rnx.cjs', import.meta.url).pathname;
const SESSION = `rnx-bench-tui-${process.pid}`;
const runtime = ensureBusyboxRuntime('rnx-bench-busybox');
const state = mkdtempSync(join(tmpdir(), 'rnx-bench-tui-'));
chmodSync(state, 0o777);
const env = { ...process.env, RNX_ROOT: '/opt/rnx', RNX_STATE_DIR: state };
const tmux = (...a) => execFileSync('tmux', a, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', SESSION);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(test, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen();
    if (test(s)) return s;
    if (Date.now() > end) throw new Error(`timed out; screen:\n${s}`);
    await sleep(2);
  }
}

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

let jobId;
try {
  tmux(
    'new-session',
    '-d',
    '-s',
    SESSION,
    '-x',
    '120',
    '-y',
    '40',
    `exec env RNX_ROOT=/opt/rnx RNX_STATE_DIR=${state} ${process.execPath} ${RNX} --root /opt/rnx`,
  );
  const pid = Number(tmux('list-panes', '-t', SESSION, '-F', '#{pane_pid}').trim());
  await waitFor((s) => s.includes('Runtimes'));
  // ~64-byte lines, in bursts of 200k with a short pause: well above 50 MB/s, without filling the disk too fast.
  const line = 'rnx benchmark output line 0123456789 abcdefghijklmnopqrstuvwxyz';
  const r = spawnSync(
    process.execPath,
    [RNX, 'job', 'run', '--detach', '--runtime', runtime, '--', 'sh', '-c', `while true; do yes '${line}' | head -n 200000; sleep 0.05; done`],
    { env, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`job run failed: ${r.stderr}`);
  jobId = r.stdout.trim();
  const out = join(state, 'jobs', jobId, 'output.log');
  tmux('send-keys', '-t', SESSION, '2');
  await waitFor((s) => s.includes(`Output ${jobId}`));
  await sleep(1000);
  // Throughput of the job.
  const s0 = statSync(out).size;
  const t0 = Date.now();
  await sleep(2000);
  const mbps = (statSync(out).size - s0) / 1048576 / ((Date.now() - t0) / 1000);
  // Keypress -> frame latency: toggle the output pane's wrap mode and wait for the title to change.
  const lat = [];
  tmux('send-keys', '-t', SESSION, 'Tab');
  await waitFor((s) => s.includes('› output'));
  for (let i = 0; i < 30; i++) {
    const wrapped = screen().includes(' · wrap');
    const t = performance.now();
    tmux('send-keys', '-t', SESSION, 'w');
    await waitFor((s) => s.includes(' · wrap') !== wrapped, 5000);
    lat.push(performance.now() - t);
    await sleep(50 + Math.random() * 100);
  }
  // Memory after a million lines or more.
  await waitFor((s) => {
    const m = /· ([\d,]+) lines/.exec(s);
    return m && Number(m[1].replace(/,/g, '')) >= 1_000_000;
  }, 120_000);
  await sleep(1500);
  const lines = /· ([\d,]+) lines/.exec(screen())[1];
  const rss = rssMiB(pid);
  report('terminal app under output load (tmux 120x40)', [
    ['job output rate', `${mbps.toFixed(0)} MB/s`],
    ['keypress -> new frame, median', `${pct(lat, 0.5).toFixed(0)} ms`],
    ['keypress -> new frame, p95', `${pct(lat, 0.95).toFixed(0)} ms`],
    ['keypress -> new frame, max', `${Math.max(...lat).toFixed(0)} ms`],
    ['lines read by the app', lines],
    ['app resident memory', `${rss.toFixed(0)} MiB`],
  ]);
  if (pct(lat, 0.95) > 100 || rss > 150) process.exitCode = 1;
} finally {
  if (jobId) spawnSync(process.execPath, [RNX, 'job', 'stop', jobId], { env, stdio: 'ignore' });
  spawnSync('tmux', ['kill-session', '-t', SESSION]);
  rmSync(state, { recursive: true, force: true });
}
