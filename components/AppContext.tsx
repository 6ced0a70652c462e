import { createContext, useContext, useEffect, useState } from 'react';
import { useStdout } from 'ink';
import type { AppState } from '../src/state/app.js';
import type { Theme } from '../src/tui/theme.js';

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
  // biome-ignore lint/correctness/useExhaustiveDependencies: read() only reads stdout, which is listed
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
