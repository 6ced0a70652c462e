// The dispatcher and the focus stack without React or Ink: bursts split into key presses, each given to
// exactly one layer, acting on the stores as the key before left them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dispatchInput, dispatchKey, keyPressOf, splitBurst, type Handlers } from '../../src/tui/dispatch.js';
import { createFocus } from '../../src/tui/focus.js';
import { commandFor, type CommandId } from '../../src/tui/keybindings.js';
import { makeDeps, makeJobStore, makeRoot, makeState } from './fixtures.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

async function app() {
  const state = makeState(makeDeps(await makeRoot(), makeJobStore()));
  await state.start();
  cleanup.push(() => state.stop());
  const quit = vi.fn();
  const focus = createFocus(state, { quit });
  /** Feeds what Ink would deliver for one read holding `text` (no escape sequences). */
  const type = (text: string) => dispatchInput(focus.stack, text, {}, { readonly: false, isRoot: true });
  return { state, focus, quit, type };
}

describe('splitBurst', () => {
  it('splits a run of typed characters into the key presses Ink reports for each alone', () => {
    expect(splitBurst('kd', {})).toEqual([keyPressOf('k'), keyPressOf('d')]);
    expect(splitBurst('ab\r', {}).map((p) => p.key.return === true)).toEqual([false, false, true]);
    expect(splitBurst('\x7f\x7f', {}).map((p) => p.key.delete)).toEqual([true, true]);
    expect(splitBurst('\t\tS', {})).toEqual([
      { input: '', key: { tab: true } },
      { input: '', key: { tab: true } },
      { input: 'S', key: { shift: true } },
    ]);
    expect(splitBurst('x\x13', {})[1]).toEqual({ input: 's', key: { ctrl: true } });
    expect(splitBurst('é€', {}).map((p) => p.input)).toEqual(['é', '€']);
  });

  it('keeps a key Ink already named, and splits Esc Esc (one input from Ink) in two', () => {
    expect(splitBurst('', { upArrow: true })).toEqual([{ input: '', key: { upArrow: true } }]);
    expect(splitBurst('s', { ctrl: true })).toEqual([{ input: 's', key: { ctrl: true } }]);
    expect(splitBurst('\x1b', { escape: true, meta: true })).toHaveLength(2);
  });
});

describe('dispatch through the focus stack', () => {
  it('k d in one burst asks about the runtime k moved to', async () => {
    const { state, type } = await app();
    state.runtimes.getState().select('beta');
    type('kd');
    expect(state.runtimes.getState().selected).toBe('alpha');
    expect(state.ui.getState().confirm?.message).toMatch(/^Remove runtime alpha\?/);
  });

  it('gives each key press to one layer: the top of the stack', async () => {
    const { state, focus, quit, type } = await app();
    expect(focus.stack().map((l) => l.id)).toEqual(['view', 'app']);
    expect(type('?')).toEqual([{ layer: 'app', command: 'app.help' }]);
    expect(focus.stack().map((l) => l.id)).toEqual(['help', 'view', 'app']);
    expect(type('q')).toEqual([{ layer: 'help', command: 'help.close' }]);
    expect(quit).not.toHaveBeenCalled();
    expect(state.ui.getState().help).toBe(false);
    // a filter being edited takes every key, q included
    type('/q');
    expect(focus.stack().map((l) => l.id)).toEqual(['field', 'view', 'app']);
    expect(state.runtimes.getState().filter).toBe('q');
    expect(quit).not.toHaveBeenCalled();
    // ... except Ctrl-C, which quits from anywhere
    dispatchKey(focus.stack(), { input: 'c', key: { ctrl: true } });
    expect(quit).toHaveBeenCalledTimes(1);
  });

  it('keys the viewer has no binding for go to the app, never to the tree under it', async () => {
    const { state, focus } = await app();
    state.ui.getState().setView('inspect');
    state.inspect.setState({ runtime: 'alpha', viewer: { title: '/x', lines: ['a'], top: 0, wrap: false, searchEditing: false, query: '', match: undefined } });
    expect(focus.stack().map((l) => l.id)).toEqual(['viewer', 'app']);
    expect(dispatchKey(focus.stack(), keyPressOf('\x1b'))).toEqual({ layer: 'viewer', command: 'list.back' });
    expect(state.ui.getState().view).toBe('inspect');
    state.inspect.setState({ viewer: { title: '/x', lines: ['a'], top: 0, wrap: false, searchEditing: false, query: '', match: undefined } });
    // h collapses in the tree, not in the viewer: the app takes it, and has nothing bound to it
    expect(dispatchKey(focus.stack(), keyPressOf('h'))).toEqual({ layer: 'app' });
  });
});

describe('command ids are checked by the compiler', () => {
  it('rejects an id the table lacks', () => {
    const ok: Handlers<'runtimes'> = { 'runtimes.verify': () => {} };
    // @ts-expect-error: not a command of the table
    const typo: Handlers<'runtimes'> = { 'runtimes.verfy': () => {} };
    // @ts-expect-error: a command of the table, but not bound in this scope
    const wrongScope: Handlers<'viewer'> = { 'runtimes.shell': () => {} };
    // @ts-expect-error: not a command of the table
    const id: CommandId = 'app.quitt';
    // @ts-expect-error: lookups return ids of their scope only
    const inRuntimes: 'jobs.stop' | undefined = commandFor('runtimes', 'S');
    expect([ok, typo, wrongScope, id, inRuntimes]).toHaveLength(5);
  });
});
