// Rough edges operators hit all day: colours, the status bar at 80 columns, read-only, columns, ASCII, resize.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../components/App.js';
import type { RuntimeSummary } from '../../src/runtimes/store.js';
import { dispatchInput } from '../../src/tui/dispatch.js';
import { createFocus } from '../../src/tui/focus.js';
import { refreshSize } from '../../src/tui/terminal.js';
import { jobColor, makeTheme, toAscii, wantsUnicode } from '../../src/tui/theme.js';
import { makeDeps, makeJobStore, makeRoot, makeState, theme, tick, until } from './fixtures.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function app(size: { columns: number; rows: number }, extra: Parameters<typeof makeDeps>[3] = {}, ops: Parameters<typeof makeDeps>[2] = {}) {
  const root = await makeRoot();
  const state = makeState(makeDeps(root, makeJobStore(), ops, extra));
  const r = render(<App state={state} theme={theme} size={size} onQuit={() => {}} />);
  cleanup.push(
    () => r.unmount(),
    () => state.stop(),
  );
  await state.start();
  return { r, state };
}
const statusLine = (frame: string) => frame.split('\n').at(-1)!;

describe('exit status colours', () => {
  const t = makeTheme({ color: true, unicode: true });
  it('green only for 0; red for failures, OOM, refusals, 126/127 and 124; yellow for stopped and timed out', () => {
    expect(jobColor(t, { state: 'exited', exitCode: 0 })).toBe(t.ok);
    for (const code of [1, 124, 125, 126, 127]) expect(jobColor(t, { state: 'exited', exitCode: code })).toBe(t.error);
    expect(jobColor(t, { state: 'failed', exitCode: 125 })).toBe(t.error);
    expect(jobColor(t, { state: 'oom', exitCode: 137 })).toBe(t.error);
    expect(jobColor(t, { state: 'killed', exitCode: 137 })).toBe(t.error);
    expect(jobColor(t, { state: 'stopped', exitCode: 143 })).toBe(t.warn);
    expect(jobColor(t, { state: 'timed-out', exitCode: 137 })).toBe(t.warn);
    expect(jobColor(t, { state: 'running' })).toBe(t.running);
  });
});

describe('status bar', () => {
  it('at 80 columns shows whole key hints, the view’s first, and drops what does not fit', async () => {
    const { r } = await app({ columns: 80, rows: 24 });
    await until(() => r.lastFrame()!.includes('› alpha'));
    const line = statusLine(r.lastFrame()!);
    expect(line).toContain('x shell');
    expect(line).not.toContain('…');
    expect(line).toMatch(/Enter inspect {2}v verify {2}c check {2}x shell/);
    expect(line.length).toBeLessThanOrEqual(80);
  });

  it('read-only hides the shell (x), and x does nothing', async () => {
    const shell = vi.fn(async () => 0);
    const { r } = await app({ columns: 100, rows: 30 }, { readonly: true, shell });
    await until(() => r.lastFrame()!.includes('› alpha'));
    expect(statusLine(r.lastFrame()!)).not.toContain('shell');
    r.stdin.write('x');
    await tick(50);
    expect(shell).not.toHaveBeenCalled();
  });
});

describe('columns', () => {
  const summary = (name: string, version: string): RuntimeSummary => ({
    name,
    version,
    language: 'python',
    bytes: 1 << 30,
    files: 10,
    installedAt: '2026-11-28T19:39:00Z',
    path: `/opt/rnx/runtimes/${name}`,
  });
  const listRuntimes = async () => [summary('python-3.11-ml', '3.11'), summary('python-3.13', '3.13'), summary('python-2.7-legacy', '2.7')];
  it('at 120 columns runtime names are whole; at 200 INSTALLED appears; the sort column has ▼', async () => {
    const { r } = await app({ columns: 120, rows: 30 }, {}, { listRuntimes });
    await until(() => r.lastFrame()!.includes('python-3.11-ml'));
    expect(r.lastFrame()).toContain('python-2.7-legacy');
    expect(r.lastFrame()).toContain('NAME▼');
    const wide = await app({ columns: 200, rows: 30 }, {}, { listRuntimes });
    await until(() => wide.r.lastFrame()!.includes('python-3.11-ml'));
    expect(wide.r.lastFrame()).toMatch(/INSTALLED/);
    expect(wide.r.lastFrame()).toMatch(/python-3\.13 .*2026-11-2\d/);
  });
});

describe('no UTF-8', () => {
  it('TERM=linux, TERM=dumb and a non-UTF-8 locale get ASCII, for every glyph the app draws', () => {
    expect(wantsUnicode({ TERM: 'dumb', LANG: 'en_US.UTF-8' })).toBe(false);
    expect(wantsUnicode({ TERM: 'linux', LANG: 'en_US.UTF-8' })).toBe(false);
    expect(wantsUnicode({ TERM: 'xterm', LANG: 'C' })).toBe(false);
    expect(wantsUnicode({ TERM: 'xterm', LANG: 'en_US.UTF-8' })).toBe(true);
    expect(toAscii('›train … a · b ▁▂█ ── │ ▲▼ ‹ x ›')).toBe('>train ~ a - b _.@ -- | ^v < x >');
  });
});

describe('taking the terminal back', () => {
  it('re-reads the size a resize changed while a shell had the terminal, and announces it', () => {
    const out = Object.assign(new EventEmitter(), { isTTY: true, columns: 80, rows: 24, getWindowSize: () => [132, 40] as [number, number] });
    const resized = vi.fn();
    out.on('resize', resized);
    refreshSize(out as unknown as NodeJS.WriteStream);
    expect([out.columns, out.rows]).toEqual([132, 40]);
    expect(resized).toHaveBeenCalledTimes(1);
    refreshSize(out as unknown as NodeJS.WriteStream);
    expect(resized).toHaveBeenCalledTimes(1);
  });

  it('Ctrl-Z suspends from any layer, the Launch form included', async () => {
    const root = await makeRoot();
    const suspend = vi.fn();
    const state = makeState(makeDeps(root, makeJobStore(), {}, { suspend }), { initialView: 'launch' });
    const focus = createFocus(state, { quit: () => {} });
    dispatchInput(focus.stack, 'z', { ctrl: true });
    expect(suspend).toHaveBeenCalledTimes(1);
  });
});
