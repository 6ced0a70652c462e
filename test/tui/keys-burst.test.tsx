// Keys typed ahead arrive together (tmux send-keys, SSH): each test writes its sequence to stdin in ONE
// write, as Ink then receives it, and checks that every key acted on the state the previous key left —
// in particular that an action lands on the row the cursor moved to, and that one key press reaches
// exactly one handler (Esc in the file viewer, ? and q in help).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../components/App.js';
import type { JobStore } from '../../src/jobs/store.js';
import type { JobRecord } from '../../src/jobs/types.js';
import type { AppOps } from '../../src/state/deps.js';
import { keys, makeDeps, makeJobStore, makeRoot, makeState, theme, tick, until, writeJob, listRaw } from './fixtures.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

const size = { columns: 100, rows: 30 };

async function app(ops: Partial<AppOps> = {}, extra: Parameters<typeof makeDeps>[3] = {}, initialView?: 'jobs') {
  const root = await makeRoot();
  const store = makeJobStore();
  const deps = makeDeps(root, store, ops, extra);
  const state = makeState(deps, initialView ? { initialView } : {});
  const onQuit = vi.fn();
  const r = render(<App state={state} theme={theme} size={size} onQuit={onQuit} />);
  cleanup.push(
    () => r.unmount(),
    () => state.stop(),
  );
  return { r, state, onQuit, store };
}

/** The Runtimes view with the cursor on beta (the second runtime). */
async function onBeta(ops: Partial<AppOps> = {}, extra: Parameters<typeof makeDeps>[3] = {}) {
  const a = await app(ops, extra);
  await a.state.start();
  await until(() => a.r.lastFrame()!.includes('› alpha'));
  a.r.stdin.write('j');
  await until(() => a.r.lastFrame()!.includes('› beta'));
  return a;
}

describe('a burst of keys acts on the state each key leaves', () => {
  it('k d asks to remove the runtime the cursor moved to', async () => {
    const removeRuntime = vi.fn();
    const { r, state } = await onBeta({ removeRuntime });
    r.stdin.write('kd');
    await until(() => state.ui.getState().confirm !== undefined);
    expect(state.runtimes.getState().selected).toBe('alpha');
    expect(state.ui.getState().confirm!.message).toMatch(/^Remove runtime alpha\?/);
    await until(() => r.lastFrame()!.includes('Remove runtime alpha?'));
    r.stdin.write('y');
    await until(() => removeRuntime.mock.calls.length === 1);
    expect(removeRuntime.mock.calls[0]![1]).toBe('alpha');
  });

  it('j Enter inspects the runtime the cursor moved to', async () => {
    const a = await app();
    await a.state.start();
    await until(() => a.r.lastFrame()!.includes('› alpha'));
    a.r.stdin.write(`j${keys.enter}`);
    await until(() => a.state.ui.getState().view === 'inspect');
    expect(a.state.inspect.getState().runtime).toBe('beta');
    await until(() => a.r.lastFrame()!.includes('Inspect beta'));
  });

  it('k x opens the shell in, and k v / k c verify and check, the runtime the cursor moved to', async () => {
    const shell = vi.fn(async () => 0);
    const { r, state } = await onBeta({}, { shell });
    r.stdin.write('kx');
    await until(() => shell.mock.calls.length === 1);
    expect(shell).toHaveBeenCalledWith('alpha');
    r.stdin.write('jv');
    await until(() => state.runtimes.getState().verified.beta !== undefined);
    expect(state.runtimes.getState().verified.alpha).toBeUndefined();
    await until(() => state.runtimes.getState().task === undefined);
    r.stdin.write('kc');
    await until(() => state.runtimes.getState().checked.alpha !== undefined);
    expect(state.runtimes.getState().checked.beta).toBeUndefined();
  });

  it('a filter typed with its Enter, then d, targets the filtered row', async () => {
    const { r, state } = await app();
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    r.stdin.write(`/bet${keys.enter}d`);
    await until(() => state.ui.getState().confirm !== undefined);
    expect(state.runtimes.getState().filter).toBe('bet');
    expect(state.ui.getState().confirm!.message).toMatch(/^Remove runtime beta\?/);
  });

  it('j 3 opens the Launch form on the runtime the cursor moved to', async () => {
    const { r, state } = await app();
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    r.stdin.write('j3');
    await until(() => r.lastFrame()!.includes('Launch a job'));
    expect(state.launch.getState().values.runtime).toBe('beta');
  });

  it('Tab cycles the panes of the view, never into another view (the Launch form kept Tab to itself)', async () => {
    const { r, state } = await app();
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    r.stdin.write(`${keys.tab}${keys.tab}`);
    await tick(60);
    expect(state.ui.getState().view).toBe('runtimes');
    r.stdin.write(`2${keys.tab}`);
    await until(() => state.ui.getState().view === 'jobs' && state.jobs.getState().focus === 'output');
    r.stdin.write(keys.shiftTab);
    await until(() => state.jobs.getState().focus === 'list');
    expect(state.ui.getState().view).toBe('jobs');
  });
});

describe('one key press reaches one handler', () => {
  async function inViewer() {
    const a = await app();
    await a.state.start();
    await until(() => a.r.lastFrame()!.includes('› alpha'));
    a.r.stdin.write(keys.enter);
    await until(() => a.r.lastFrame()!.includes('bin/'));
    a.r.stdin.write(`/os-rel${keys.enter}`);
    await until(() => a.state.inspect.getState().matches.length === 2 && !a.state.inspect.getState().findEditing);
    a.r.stdin.write(keys.enter);
    await until(() => a.r.lastFrame()!.includes('LINE_0="value 0"'));
    return a;
  }

  it('Esc in the file viewer returns to the tree; a second Esc leaves Inspect', async () => {
    const { r, state } = await inViewer();
    r.stdin.write(keys.esc);
    await until(() => state.inspect.getState().viewer === undefined);
    await tick(50);
    expect(state.ui.getState().view).toBe('inspect');
    expect(r.lastFrame()).toContain('Inspect alpha');
    // the tree still has its find: the first Esc clears it, the next one leaves
    r.stdin.write(keys.esc);
    await until(() => state.inspect.getState().query === '');
    await tick(50);
    expect(state.ui.getState().view).toBe('inspect');
    r.stdin.write(keys.esc);
    await until(() => state.ui.getState().view === 'runtimes');
    await until(() => r.lastFrame()!.includes('Runtimes › alpha'));
  });

  it('Esc Esc in one write is two key presses: the viewer closes, then the tree clears its find', async () => {
    const { r, state } = await inViewer();
    r.stdin.write(`${keys.esc}${keys.esc}`);
    await until(() => state.inspect.getState().viewer === undefined && state.inspect.getState().query === '');
    await tick(50);
    expect(state.ui.getState().view).toBe('inspect');
    r.stdin.write(keys.esc);
    await until(() => state.ui.getState().view === 'runtimes');
  });

  it('? then q (one write) closes help and the app keeps running', async () => {
    const { r, state, onQuit } = await app();
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    r.stdin.write('?q');
    await tick(100);
    expect(state.ui.getState().help).toBe(false);
    expect(onQuit).not.toHaveBeenCalled();
    expect(r.lastFrame()).toContain('Runtimes › alpha');
  });

  it('? then q (two writes) closes help and the app keeps running', async () => {
    const { r, state, onQuit } = await app();
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    r.stdin.write('?');
    await until(() => r.lastFrame()!.includes('Help: Runtimes'));
    r.stdin.write('q');
    await until(() => !r.lastFrame()!.includes('Help:'));
    await tick(100);
    expect(onQuit).not.toHaveBeenCalled();
    expect(state.ui.getState().help).toBe(false);
  });

  it('?? opens and closes help, in one write or two', async () => {
    const { r, state } = await app();
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    r.stdin.write('??');
    await tick(100);
    expect(state.ui.getState().help).toBe(false);
    expect(r.lastFrame()).not.toContain('Help:');
    r.stdin.write('?');
    await until(() => r.lastFrame()!.includes('Help: Runtimes'));
    r.stdin.write('?');
    await until(() => !r.lastFrame()!.includes('Help:'));
    await tick(100);
    expect(state.ui.getState().help).toBe(false);
  });
});

describe('Jobs: actions in a burst target the job the cursor moved to', () => {
  /** Newest first: cccc (running), bbbb (running), aaaa (exited). */
  async function jobs(ops: Partial<AppOps> = {}) {
    const a = await app({ listJobs: listRaw, ...ops }, {}, 'jobs');
    const at = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    writeJob(a.store, { id: 'aaaaaaaaaaaa', createdAt: at(60), command: ['echo', 'old'], runtime: 'beta' });
    writeJob(a.store, { id: 'bbbbbbbbbbbb', createdAt: at(30), command: ['sleep', 'b'], state: 'running', endedAt: undefined, exitCode: undefined });
    writeJob(a.store, { id: 'cccccccccccc', createdAt: at(10), command: ['sleep', 'c'], state: 'running', endedAt: undefined, exitCode: undefined });
    await a.state.start();
    await until(() => a.r.lastFrame()!.includes('›cccccccccccc'));
    return a;
  }

  it('j S asks to stop the job the cursor moved to', async () => {
    const stopJob = vi.fn(async (_s: JobStore, id: string) => ({ id, state: 'stopped', exitCode: 143 }) as JobRecord);
    const { r, state } = await jobs({ stopJob });
    r.stdin.write('jS');
    await until(() => state.ui.getState().confirm !== undefined);
    expect(state.jobs.getState().selected).toBe('bbbbbbbbbbbb');
    expect(state.ui.getState().confirm!.message).toMatch(/^Stop job bbbbbbbbbbbb /);
    r.stdin.write('y');
    await until(() => stopJob.mock.calls.length === 1);
    expect(stopJob.mock.calls[0]![1]).toBe('bbbbbbbbbbbb');
  });

  it('G d asks to remove the finished job the cursor moved to; k R relaunches the one above', async () => {
    const { r, state } = await jobs();
    r.stdin.write('Gd');
    await until(() => state.ui.getState().confirm !== undefined);
    expect(state.ui.getState().confirm!.message).toMatch(/^Remove job aaaaaaaaaaaa /);
    r.stdin.write('n');
    await until(() => state.ui.getState().confirm === undefined);
    r.stdin.write('kR');
    await until(() => state.ui.getState().view === 'launch');
    expect(state.launch.getState().values.command).toBe('sleep b');
  });
});
