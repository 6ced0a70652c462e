// The real terminal app in tmux against a small installed runtime and the real launcher:
// open, move through runtimes, inspect the tree, launch a job, see its output and usage, stop it,
// open the help, quit, and check that the terminal was restored.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../../src/jobs/store.js';
import { RNX_BIN } from '../support/cli.js';
import { installBusyboxRuntime, removeRuntime, tempStateDir } from '../support/runtimes.js';

const LAUNCHER = '/usr/local/libexec/rnx/rnx-launch';
const RUNTIME = 'rnx-e2e-busybox';
const SESSION = `rnx-e2e-${process.pid}`;
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const ready = hasTmux && process.getuid?.() === 0 && existsSync(LAUNCHER);

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', SESSION);
const keys = (...k: string[]) => {
  for (const one of k) {
    tmux('send-keys', '-t', SESSION, one);
    spawnSync('sleep', ['0.15']);
  }
};
const type = (text: string) => tmux('send-keys', '-t', SESSION, '-l', text);
/** Keys sent by one send-keys, as typed-ahead keys arrive over SSH: together. */
const burst = (...k: string[]) => {
  tmux('send-keys', '-t', SESSION, ...k);
  spawnSync('sleep', ['0.15']);
};
const selectedRuntime = () => /Runtimes › (\S+)/.exec(screen())?.[1];
/** The runtime selected once the selection has moved from `from` (undefined if it does not, at the end of the list). */
async function selectionAfter(from: string | undefined, ms = 3000): Promise<string | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const now = selectedRuntime();
    if (now && now !== from) return now;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

async function waitFor(what: string | RegExp, ms = 10_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const s = screen();
    if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!ready)('rnx terminal app (tmux, real launcher)', () => {
  let state: string;

  beforeAll(() => {
    installBusyboxRuntime(RUNTIME);
    state = tempStateDir();
    // CI=true as CI has it: the app must still draw on a real terminal (Ink alone would wait for exit).
    const env = `RNX_ROOT=/opt/rnx RNX_STATE_DIR=${state} LANG=C.UTF-8 TERM=xterm-256color CI=true`;
    // The shell prints a marker before and the exit status and terminal mode after the app.
    const script = `printf 'BEFORE-APP\\n'; env ${env} ${process.execPath} ${RNX_BIN}; echo "RNX-EXIT=$?"; stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon'; sleep 600`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', script);
  });

  afterAll(() => {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
    if (state) {
      // stop anything the test left running, then drop its records
      for (const job of new JobStore(state).list().filter((j) => j.state === 'running')) {
        spawnSync(process.execPath, [RNX_BIN, 'job', 'stop', job.id], { env: { ...process.env, RNX_STATE_DIR: state }, stdio: 'ignore' });
      }
      rmSync(state, { recursive: true, force: true });
    }
    removeRuntime(RUNTIME);
  });

  it('runs through the main views and restores the terminal', async () => {
    // open: the runtimes list
    let s = await waitFor('Runtimes ›');
    await waitFor(RUNTIME);
    // keys typed ahead act on the row the keys before them moved to: from the third row, `k d` asks
    // about the second (answered n: this is the host's store)
    const first = selectedRuntime();
    keys('j');
    const second = await selectionAfter(first);
    keys('j');
    const third = await selectionAfter(second);
    if (second && third) {
      burst('k', 'd');
      await waitFor(`Remove runtime ${second}?`);
      keys('n');
      await waitFor(`Runtimes › ${second}`);
    }
    // ? q together: help opens and closes, the app stays
    burst('?', 'q');
    await new Promise((r) => setTimeout(r, 300));
    s = await waitFor(/Runtimes › \S+/);
    expect(s).not.toContain('Help:');
    expect(s).not.toContain('RNX-EXIT');
    keys('k');
    keys('/');
    type('e2e-busy');
    keys('Enter');
    s = await waitFor(`Runtimes › ${RUNTIME}`);
    expect(s).toMatch(/runtime\.yml/);
    // inspect the tree
    keys('Enter');
    await waitFor(`Inspect ${RUNTIME}`);
    await waitFor('bin/');
    keys('Enter');
    s = await waitFor(/sh → \/bin\/busybox/);
    keys('j');
    s = await waitFor(/the job sees \/bin\/busybox/);
    keys('Escape');
    await waitFor(`Runtimes › ${RUNTIME}`);
    // launch a job
    keys('3');
    await waitFor('Launch a job');
    await waitFor(`‹ ${RUNTIME} ›`);
    type(`sh -c 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done'`);
    keys('Down', 'Down'); // Name, then Memory
    type('64M');
    keys('Enter');
    // its output and usage
    s = await waitFor(/tick 5\b/, 15_000);
    expect(s).toMatch(/Jobs › [0-9a-f]{12} › output/);
    s = await waitFor(/MEM .*\/ 64 MiB/, 10_000);
    expect(s).toMatch(/PIDS \d+/);
    // stop it (confirmed)
    keys('S');
    await waitFor('[y/N]');
    keys('y');
    await waitFor(/ stopped /, 15_000);
    // Ctrl-Z gives the terminal back and stops the app (as less and htop do); SIGCONT (what fg sends) redraws it
    keys('C-z');
    s = await waitFor('BEFORE-APP');
    expect(s).not.toMatch(/Jobs › /);
    const panePid = tmux('display-message', '-p', '-t', SESSION, '#{pane_pid}').trim();
    const appPid = Number(readFileSync(`/proc/${panePid}/task/${panePid}/children`, 'utf8').trim().split(/\s+/)[0]);
    expect(readFileSync(`/proc/${appPid}/stat`, 'utf8')).toMatch(/\) T /);
    process.kill(appPid, 'SIGCONT');
    await waitFor(/Jobs › [0-9a-f]{12}/);
    // help
    keys('?');
    await waitFor('Help: Jobs');
    keys('Escape');
    await waitFor(/Jobs › [0-9a-f]{12}/);
    // quit: the main screen is back, without the app's frame, in cooked mode
    keys('q');
    s = await waitFor('RNX-EXIT=0');
    expect(s).toContain('BEFORE-APP');
    expect(s).not.toContain('Runtimes ›');
    await waitFor(/^icanon$/m);
  }, 90_000);
});
