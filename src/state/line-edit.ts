// Editing a one-line text field from Ink keypresses (filters, search, form fields).
import type { KeyLike } from '../tui/keybindings.js';

export type EditResult = { kind: 'edit'; value: string } | { kind: 'submit' } | { kind: 'cancel' } | { kind: 'ignore' };

export function editLine(value: string, input: string, key: KeyLike): EditResult {
  if (key.return) return { kind: 'submit' };
  if (key.escape) return { kind: 'cancel' };
  if (key.backspace || (key.delete && input === '')) return { kind: 'edit', value: value.slice(0, -1) };
  if (key.ctrl && input === 'u') return { kind: 'edit', value: '' };
  if (key.ctrl && input === 'w') return { kind: 'edit', value: value.replace(/\S*\s*$/, '') };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return { kind: 'ignore' };
  if (key.pageUp || key.pageDown || key.home || key.end) return { kind: 'ignore' };
  // Pasted text arrives as one input; keep it to one line.
  // eslint-disable-next-line no-control-regex
  const text = input.replace(/[\x00-\x1f\x7f]/g, '');
  if (!text) return { kind: 'ignore' };
  return { kind: 'edit', value: value + text };
}

/** A one-line text field: where its text lives and what Enter and Esc do. */
export interface LineField {
  value(): string;
  change(value: string): void;
  submit(): void;
  cancel(): void;
  /** Tab: completes what was typed (the command line). */
  complete?(): void;
}

/** Applies one key press to a field: edit, submit (Enter) or cancel (Esc). */
export function editField(field: LineField, input: string, key: KeyLike): void {
  if (key.tab && !key.shift && field.complete) {
    field.complete();
    return;
  }
  const r = editLine(field.value(), input, key);
  if (r.kind === 'edit') field.change(r.value);
  else if (r.kind === 'submit') field.submit();
  else if (r.kind === 'cancel') field.cancel();
}

/**
 * The field of a filter, find or search, kept in a store as (text, editing): typing edits it, Enter keeps
 * the text and stops editing, Esc clears it.
 */
export function queryField(value: () => string, set: (value: string, editing: boolean) => void): LineField {
  return {
    value,
    change: (v) => set(v, true),
    submit: () => set(value(), false),
    cancel: () => set('', false),
  };
}
