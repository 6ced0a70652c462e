// The full-screen app (loaded by start.ts). Owns the terminal (alternate screen, raw mode) and gives it
// back on every way out: q, Ctrl-C, SIGTERM, SIGHUP, an exception. The shell key unmounts the app, hands
// the terminal to `rnx-launch --interactive`, and mounts the app again on the same stores.
import { appendFileSync } from 'node:fs';
import { createElement } from 'react';
import { render, type Instance } from 'ink';
import { App } from '../../components/App.js';
import { createAppState } from '../state/app.js';
import { defaultDeps } from '../state/deps.js';
import { describeError } from '../util/errors.js';
import { asciiStream, TerminalSession } from './terminal.js';
import { themeFromEnv, toAscii } from './theme.js';

import type { AppOptions } from './start.js';
import { storeRootFromEnv } from '../runtimes/paths.js';

/** RNX_TUI_TRACE=FILE appends each frame's render time (ms) to FILE, for the benchmark. */
function traceRender(ms: number): void {
  try {
    appendFileSync(process.env.RNX_TUI_TRACE!, `${Date.now()} ${ms.toFixed(2)}\n`);
  } catch {
    // tracing is best effort
  }
}

const SIGNAL_CODES: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export async function runApp(opts: AppOptions): Promise<number> {
  const root = opts.root ?? storeRootFromEnv();
  const { stdin } = process;
  const theme = themeFromEnv();
  // Without UTF-8, every character the app writes goes through toAscii (the views' own glyphs are ASCII already).
  const stdout = theme.unicode ? process.stdout : asciiStream(process.stdout, toAscii);
  const terminal = new TerminalSession(process.stdout, stdin);
  const deps = defaultDeps(root, opts.readonly);
  const state = createAppState(deps);
  let instance: Instance | undefined;
  let finished = false;
  let inShell = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));

  const finish = (code: number, error?: unknown) => {
    if (finished) return;
    finished = true;
    try {
      instance?.unmount();
    } catch {
      // already gone
    }
    instance = undefined;
    terminal.leave();
    void state.stop();
    if (error !== undefined) process.stderr.write(`rnx: ${describeError(error)}\n${process.env.RNX_DEBUG ? `${(error as Error)?.stack}\n` : ''}`);
    resolveDone(code);
  };

  const mount = () => {
    instance = render(createElement(App, { state, theme, onQuit: () => finish(0) }), {
      stdout,
      stdin,
      exitOnCtrlC: false,
      patchConsole: true,
      maxFps: 60,
      incrementalRendering: false,
      ...(process.env.RNX_TUI_TRACE ? { onRender: (m: { renderTime: number }) => traceRender(m.renderTime) } : {}),
    });
  };

  deps.shell = async (name: string) => {
    if (!instance || finished) return 1;
    const { runShell } = await import('../jobs/shell.js');
    inShell = true;
    instance.unmount();
    instance = undefined;
    terminal.leave();
    stdout.write(`rnx: shell in runtime ${name}; exit it to return to the app\n`);
    let code = 1;
    let error: string | undefined;
    try {
      code = await runShell(root, name);
    } catch (err) {
      error = describeError(err);
    }
    inShell = false;
    if (finished) return code;
    terminal.enter();
    mount();
    state.ui.getState().say(error ? `shell: ${error}` : `shell in ${name} ended (exit ${code})`, error ? 'error' : 'info');
    return code;
  };

  // Ctrl-Z, as less and htop do: give the terminal back, stop; on SIGCONT (fg) take it again and redraw.
  deps.suspend = () => {
    if (!instance || finished || inShell) return;
    instance.unmount();
    instance = undefined;
    terminal.leave();
    process.kill(process.pid, 'SIGSTOP'); // returns once continued
    if (finished) return;
    terminal.enter();
    mount();
  };

  const onSignal = (sig: NodeJS.Signals) => {
    if (inShell && sig === 'SIGINT') return; // the shell's ^C
    finish(SIGNAL_CODES[sig] ?? 1);
  };
  const onError = (err: unknown) => finish(70, err);
  const onExit = () => terminal.leave();
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.on('exit', onExit);

  try {
    terminal.enter();
    mount();
    await state.start();
    const code = await done;
    return code;
  } catch (err) {
    finish(70, err);
    return done;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onSignal);
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
    // 'exit' stays: a late exit still restores the terminal (leave() is idempotent).
  }
}
