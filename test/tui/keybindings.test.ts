import { describe, expect, it } from 'vitest';
import { BINDINGS, SCOPE_STACKS, bindingsFor, commandFor, keyLabel, keyName } from '../../src/tui/keybindings.js';

describe('keybinding table', () => {
  it('has unique command ids', () => {
    const ids = BINDINGS.map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never binds one key to two commands in scopes that are active together', () => {
    for (const stack of SCOPE_STACKS) {
      const seen = new Map<string, string>();
      for (const b of BINDINGS.filter((x) => x.scopes.some((s) => stack.includes(s)))) {
        for (const k of b.keys) {
          const other = seen.get(k);
          expect(other === undefined || other === b.id, `${k} is bound to ${other} and ${b.id} in ${stack.join('+')}`).toBe(true);
          seen.set(k, b.id);
        }
      }
    }
  });

  it('names Ink keypresses the way the table spells them', () => {
    expect(keyName('q', {})).toBe('q');
    expect(keyName('G', { shift: true })).toBe('G');
    expect(keyName('c', { ctrl: true })).toBe('ctrl-c');
    expect(keyName('', { tab: true, shift: true })).toBe('shift-tab');
    expect(keyName('', { upArrow: true })).toBe('up');
    expect(keyName('', { return: true })).toBe('enter');
    expect(keyName('', { escape: true, meta: true })).toBe('escape');
    expect(keyName(' ', {})).toBe('space');
  });

  it('looks commands up per scope and hides changing actions in read-only mode', () => {
    expect(commandFor('runtimes', 'v')).toBe('runtimes.verify');
    expect(commandFor('jobs', 'S')).toBe('jobs.stop');
    expect(commandFor('jobs', 'S', { readonly: true })).toBeUndefined();
    expect(commandFor('runtimes', 'i', { isRoot: false })).toBeUndefined();
    expect(commandFor('global', '3', { readonly: true })).toBeUndefined();
    const ro = bindingsFor(['global', 'runtimes', 'jobs'], { readonly: true });
    expect(ro.some((b) => b.mutating)).toBe(false);
    expect(ro.some((b) => b.id === 'runtimes.verify')).toBe(true);
  });

  it('gives every scope a way out and a help entry for every binding', () => {
    for (const b of BINDINGS) {
      expect(b.description.length).toBeGreaterThan(3);
      expect(b.keys.length).toBeGreaterThan(0);
    }
    expect(commandFor('help', 'escape')).toBe('help.close');
    expect(commandFor('confirm', 'escape')).toBe('confirm.no');
    expect(commandFor('launch', 'escape')).toBe('form.cancel');
    expect(keyLabel('ctrl-s')).toBe('^S');
    expect(keyLabel('up', true)).toBe('Up');
  });
});
