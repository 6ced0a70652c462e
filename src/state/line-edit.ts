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

/**
 * Text and Enter typed faster than they are read arrive as one input ("name\r"): calls `fn` once per
 * piece, with Enter as its own keypress.
 */
export function forEachPiece<K extends KeyLike>(input: string, key: K, fn: (input: string, key: K) => void): void {
  if (input.length <= 1 || !input.includes('\r') || key.ctrl || key.meta) return fn(input, key);
  for (const piece of input.split(/(\r)/)) {
    if (piece === '') continue;
    if (piece === '\r') fn('', { ...key, return: true });
    else fn(piece, { ...key, return: false });
  }
}
