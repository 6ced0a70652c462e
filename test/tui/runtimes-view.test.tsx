import { afterEach, describe, expect, it, vi } from 'vitest';
import { render } from 'ink-testing-library';
import { App } from '../../components/App.js';
import { keys, makeDeps, makeJobStore, makeRoot, makeState, theme, tick, until } from './fixtures.js';

const size = { columns: 100, rows: 30 };
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function setup(extra: Parameters<typeof makeDeps>[2] = {}, readonly = false) {
  const root = await makeRoot();
  const deps = makeDeps(root, makeJobStore(), extra, { readonly });
  const state = makeState(deps);
  const onQuit = vi.fn();
  const r = render(<App state={state} theme={theme} size={size} onQuit={onQuit} />);
  await state.start();
  cleanup.push(
    () => r.unmount(),
    () => state.stop(),
  );
  await until(() => (r.lastFrame() ?? '').includes('runtime.yml'));
  return { r, state, onQuit, root };
}

describe('Runtimes view', () => {
  it('lists runtimes with version, language and size, and shows the selected one', async () => {
    const { r } = await setup();
    const f = r.lastFrame()!;
    expect(f).toMatch(/› alpha\s+1\.0\s+shell/);
    expect(f).toMatch(/beta\s+2\.5\s+python/);
    expect(f).toContain('Environment');
    expect(f).toContain('LANG=C.UTF-8');
    expect(f).toContain('Size per directory');
    expect(f).toContain('Runtimes › alpha');
  });

  it('moves, filters with / and sorts', async () => {
    const { r, state } = await setup();
    r.stdin.write('j');
    await until(() => r.lastFrame()!.includes('› beta'));
    r.stdin.write('/');
    await tick();
    r.stdin.write('alp');
    await until(() => r.lastFrame()!.includes('/alp'));
    expect(r.lastFrame()).not.toMatch(/beta\s+2\.5/);
    r.stdin.write(keys.esc);
    await until(() => state.runtimes.getState().filter === '');
    r.stdin.write('s'); // size
    await tick();
    r.stdin.write('r');
    await tick();
    expect(state.runtimes.getState().sort).toBe('size');
    expect(state.runtimes.getState().reverse).toBe(true);
    expect(r.lastFrame()).toContain('sorted by size (reversed)');
  });

  it('verifies and checks the selected runtime and shows the result', async () => {
    const { r } = await setup();
    r.stdin.write('v');
    await until(() => r.lastFrame()!.includes('verify: intact'));
    r.stdin.write('c');
    await until(() => /check: (NOT )?self-contained/.test(r.lastFrame()!));
  });

  it('asks before removing, and removes only on y', async () => {
    const removeRuntime = vi.fn();
    const { r } = await setup({ removeRuntime });
    r.stdin.write('d');
    await until(() => r.lastFrame()!.includes('Remove runtime alpha?'));
    r.stdin.write('n');
    await tick();
    expect(removeRuntime).not.toHaveBeenCalled();
    r.stdin.write('d');
    await tick();
    r.stdin.write('y');
    await until(() => removeRuntime.mock.calls.length === 1);
    expect(removeRuntime.mock.calls[0]![1]).toBe('alpha');
  });

  it('installs from a source typed after i, showing progress', async () => {
    let release!: () => void;
    const installRuntime = vi.fn(async (_root: string, _src: string, _force: boolean, onEvent: (e: { text: string; fraction?: number }) => void) => {
      onEvent({ text: 'extract: 40%', fraction: 0.4 });
      await new Promise<void>((r) => (release = r));
      return 'installed gamma 1';
    });
    const { r } = await setup({ installRuntime });
    r.stdin.write('i');
    await tick();
    r.stdin.write('/tmp/gamma.tar.gz');
    await tick();
    r.stdin.write(keys.enter);
    await until(() => r.lastFrame()!.includes('install /tmp/gamma.tar.gz: extract: 40%'));
    release();
    await until(() => r.lastFrame()!.includes('installed gamma 1'));
  });

  it('hides changing actions in read-only mode', async () => {
    const removeRuntime = vi.fn();
    const { r } = await setup({ removeRuntime }, true);
    expect(r.lastFrame()).toContain('READ-ONLY');
    expect(r.lastFrame()).not.toContain('3 Launch');
    r.stdin.write('d');
    await tick();
    expect(r.lastFrame()).not.toContain('Remove runtime');
    r.stdin.write('?');
    await until(() => r.lastFrame()!.includes('Help: Runtimes'));
    expect(r.lastFrame()).not.toContain('remove the runtime');
    expect(r.lastFrame()).toContain('verify against the manifest');
  });

  it('hands the shell key to the shell handler and quits on q', async () => {
    const shell = vi.fn(async () => 0);
    const root = await makeRoot();
    const deps = makeDeps(root, makeJobStore(), {}, { shell });
    const state = makeState(deps);
    const onQuit = vi.fn();
    const r = render(<App state={state} theme={theme} size={size} onQuit={onQuit} />);
    cleanup.push(
      () => r.unmount(),
      () => state.stop(),
    );
    await state.start();
    await until(() => r.lastFrame()!.includes('› alpha'));
    r.stdin.write('x');
    await until(() => shell.mock.calls.length === 1);
    expect(shell).toHaveBeenCalledWith('alpha');
    r.stdin.write('q');
    await until(() => onQuit.mock.calls.length === 1);
  });
});
