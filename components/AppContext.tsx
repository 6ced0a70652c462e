import { createContext, useContext, useEffect, useState } from 'react';
import { useInput, useStdout } from 'ink';
import type { AppState } from '../src/state/app.js';
import type { Theme } from '../src/tui/theme.js';
import { commandFor, keyName, type KeyLike, type Scope } from '../src/tui/keybindings.js';
import { forEachPiece } from '../src/state/line-edit.js';

export interface Size {
  columns: number;
  rows: number;
}

export interface AppContextValue {
  state: AppState;
  theme: Theme;
}

export const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside <AppContext.Provider>');
  return v;
}

/** The terminal's size, following resizes; `override` fixes it (tests). */
export function useTerminalSize(override?: Size): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState<Size>(override ?? read());
  useEffect(() => {
    if (override) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, override]);
  return override ?? size;
}

/** Keys typed faster than they are read arrive as one input ("jk/"): one keypress per character. */
export function splitKeys(input: string, key: KeyLike): string[] {
  const plain = !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab;
  return plain && input.length > 1 ? [...input] : [input];
}

export type Handlers = Partial<Record<string, () => void>>;

/** Maps keys to this view's commands through the keybinding table. */
export function useKeys(scope: Scope, handlers: Handlers, isActive: boolean | (() => boolean) = true): void {
  const { state } = useApp();
  const opts = { readonly: state.deps.readonly, isRoot: state.deps.isRoot };
  useInput(
    (input, key) => {
      for (const k of splitKeys(input, key)) {
        // Checked per key against the stores, not the last render: keys typed in one burst may change it.
        if (typeof isActive === 'function' && !isActive()) return;
        const id = commandFor(scope, keyName(k, key), opts);
        if (id) handlers[id]?.();
      }
    },
    { isActive: isActive !== false },
  );
}

export interface ViewInput {
  /** The scope whose bindings apply now (read at each key). */
  scope: () => Scope;
  handlers: Handlers;
  /** False while an overlay has the keyboard. */
  active: boolean;
  /** Extra condition, read at each key. */
  when?: () => boolean;
  /** Whether a text field of the view has the keyboard now (read at each key). */
  editing?: () => boolean;
  onEdit?: (input: string, key: KeyLike) => void;
}

/**
 * One input handler per view: keys go to its text field while one is being edited, else to its
 * commands. A burst of keys ("/name\r") is taken one key at a time, so the first key can open the
 * field that the following ones type into.
 */
export function useViewInput(v: ViewInput): void {
  const { state } = useApp();
  const opts = { readonly: state.deps.readonly, isRoot: state.deps.isRoot };
  const one = (input: string, key: KeyLike) => {
    if (v.editing?.()) return v.onEdit?.(input, key);
    if (v.when && !v.when()) return;
    const id = commandFor(v.scope(), keyName(input, key), opts);
    if (id) v.handlers[id]?.();
  };
  useInput(
    (input0, key0) =>
      forEachPiece(input0, key0, (input, key) => {
        const plain = !key.ctrl && !key.meta && !key.escape && !key.return && !key.tab;
        if (!plain || input.length <= 1) return one(input, key);
        let rest = input;
        while (rest) {
          if (v.editing?.()) return v.onEdit?.(rest, key);
          one(rest[0]!, key);
          rest = rest.slice(1);
        }
      }),
    { isActive: v.active },
  );
}
