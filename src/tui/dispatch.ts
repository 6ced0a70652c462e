// Key dispatch, without React: the one place a burst of typed keys is split into single key presses, and
// the rule that gives each key press to exactly one handler — the one of the layer on top of the focus
// stack (focus.ts builds the stack from the stores at the time of each key).
import { commandFor, keyName, type CommandId, type CommandIn, type KeyLike, type LookupOptions, type Scope } from './keybindings.js';
import { editField, type LineField } from '../state/line-edit.js';

/** One key press: Ink's `input` and key flags for it. */
export interface KeyPress {
  input: string;
  key: KeyLike;
}

export type Handler = (press: KeyPress) => void;

/** The handlers of a layer whose commands are those of scope `S`: an id the table lacks does not compile. */
export type Handlers<S extends Scope> = { readonly [K in CommandIn<S>]?: Handler };

export type LayerId = 'confirm' | 'help' | 'field' | 'viewer' | 'view' | 'app';

/** A layer whose keys are the bindings of one scope. */
export interface BoundLayer<S extends Scope = Scope> {
  id: LayerId;
  scope: S;
  handlers: Handlers<S>;
  /**
   * A modal layer keeps every key: one it has no binding for goes to `text`, or nowhere. A layer that is
   * not modal lets such keys down to the next layer of the stack.
   */
  modal: boolean;
  text?: Handler;
}

/** A one-line text field being edited: every key edits it (Enter submits, Esc cancels). */
export interface FieldLayer {
  id: 'field';
  field: LineField;
}

/** A bound layer of any one scope. */
export type AnyBoundLayer = { [S in Scope]: BoundLayer<S> }[Scope];

export type Layer = AnyBoundLayer | FieldLayer;

/** Ctrl-C quits and Ctrl-Z suspends from anywhere: they go to the bottom layer (the app's), whatever is on top. */
const INTERRUPTS = new Set(['ctrl-c', 'ctrl-z']);

/** The key press of one character, as Ink reports it when the character arrives alone. */
export function keyPressOf(ch: string): KeyPress {
  if (ch === '\r') return { input: '\r', key: { return: true } };
  if (ch === '\t') return { input: '', key: { tab: true } };
  if (ch === '\x7f') return { input: '', key: { delete: true } };
  if (ch === '\b') return { input: '', key: { backspace: true } };
  if (ch === '\x1b') return { input: '', key: { escape: true, meta: true } };
  if (ch !== '\n' && ch.length === 1 && ch <= '\x1a') return { input: String.fromCharCode(ch.charCodeAt(0) + 96), key: { ctrl: true } };
  if (/^[A-Z]$/.test(ch)) return { input: ch, key: { shift: true } };
  return { input: ch, key: {} };
}

const hasFlag = (key: KeyLike) => Object.values(key).some((v) => v === true);

/**
 * Splits what Ink delivered for one read of the terminal into single key presses. Ink hands escape
 * sequences (arrows, Shift-Tab…) over one at a time, but a run of other characters typed faster than
 * they are read ("kd", "/name\r", pasted text) comes as one `input` with no key flags; and Esc Esc comes
 * as one Esc whose input is the second ESC.
 */
export function splitBurst(input: string, key: KeyLike): KeyPress[] {
  if (key.escape && input === '\x1b') return [keyPressOf('\x1b'), keyPressOf('\x1b')];
  const chars = [...input];
  if (chars.length <= 1 || hasFlag(key)) return [{ input, key }];
  return chars.map(keyPressOf);
}

const isField = (l: Layer): l is FieldLayer => 'field' in l;

/** What a key press did: the layer that took it and the command it ran, if any. */
export interface Dispatched {
  layer: LayerId;
  command?: CommandId;
}

/** Gives one key press to the top layer of `stack` (top first) that takes it, and runs one handler. */
export function dispatchKey(stack: readonly Layer[], press: KeyPress, opts: LookupOptions = {}): Dispatched | undefined {
  const name = keyName(press.input, press.key);
  const layers = name && INTERRUPTS.has(name) ? stack.slice(-1) : stack;
  for (const layer of layers) {
    if (isField(layer)) {
      editField(layer.field, press.input, press.key);
      return { layer: layer.id };
    }
    const command = commandFor(layer.scope, name, opts);
    if (command) {
      (layer.handlers as Partial<Record<CommandId, Handler>>)[command]?.(press);
      return { layer: layer.id, command };
    }
    if (layer.text) {
      layer.text(press);
      return { layer: layer.id };
    }
    if (layer.modal) return { layer: layer.id };
  }
  return undefined;
}

/**
 * Dispatches what Ink delivered, one key press at a time, in order. The stack is built anew for each key
 * press, from the stores as the previous key press left them (zustand updates are synchronous).
 */
export function dispatchInput(stack: () => readonly Layer[], input: string, key: KeyLike, opts: LookupOptions = {}): Array<Dispatched | undefined> {
  return splitBurst(input, key).map((press) => dispatchKey(stack(), press, opts));
}
