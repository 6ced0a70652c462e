import { createContext, useContext, useEffect, useState } from 'react';
import { useInput, useStdout } from 'ink';
import type { AppState } from '../src/state/app.js';
import type { Theme } from '../src/tui/theme.js';
import { commandFor, keyName, type KeyLike, type Scope } from '../src/tui/keybindings.js';

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
export function useKeys(scope: Scope, handlers: Handlers, isActive = true): void {
  const { state } = useApp();
  const opts = { readonly: state.deps.readonly, isRoot: state.deps.isRoot };
  useInput(
    (input, key) => {
      for (const k of splitKeys(input, key)) {
        const id = commandFor(scope, keyName(k, key), opts);
        if (id) handlers[id]?.();
      }
    },
    { isActive },
  );
}
