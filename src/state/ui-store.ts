// Where the user is: the view, the overlay (help or a confirmation) and the last message.
import { createStore } from 'zustand/vanilla';

export type View = 'runtimes' | 'inspect' | 'jobs' | 'launch';
export type Level = 'info' | 'ok' | 'warn' | 'error';

export interface Confirm {
  message: string;
  onYes: () => void | Promise<void>;
}

/** The views in the order Tab and the digit keys know them. */
export const VIEW_ORDER: readonly View[] = ['runtimes', 'jobs', 'launch'];

export interface UiState {
  view: View;
  /** The view the Launch form goes back to. */
  returnTo: View;
  /** Rows of the content area between the header and the status bar (set by the app as the terminal resizes). */
  contentRows: number;
  help: boolean;
  helpTop: number;
  confirm: Confirm | undefined;
  /** The `:` command line's text while it is open. */
  command: string | undefined;
  setCommand(text: string | undefined): void;
  message: { text: string; level: Level; at: number } | undefined;
  setView(view: View): void;
  toggleHelp(open?: boolean): void;
  /** Scrolls the help by `delta` lines, within 0..max. */
  scrollHelp(delta: number, max?: number): void;
  setContentRows(rows: number): void;
  ask(message: string, onYes: () => void | Promise<void>): void;
  answer(yes: boolean): void;
  say(text: string, level?: Level): void;
  clearMessage(): void;
}

export type UiStore = ReturnType<typeof createUiStore>;

export function createUiStore(initial: View = 'runtimes') {
  return createStore<UiState>()((set, get) => ({
    view: initial,
    returnTo: initial === 'launch' ? 'runtimes' : initial,
    contentRows: 20,
    help: false,
    helpTop: 0,
    confirm: undefined,
    command: undefined,
    setCommand: (command) => set({ command }),
    message: undefined,
    setView: (view) => set((s) => ({ view, returnTo: view === 'launch' && s.view !== 'launch' ? s.view : s.returnTo })),
    toggleHelp: (open) => set((s) => ({ help: open ?? !s.help, helpTop: 0 })),
    scrollHelp: (delta, max = Infinity) => set((s) => ({ helpTop: Math.max(0, Math.min(max, s.helpTop + delta)) })),
    setContentRows: (contentRows) => {
      if (contentRows !== get().contentRows) set({ contentRows });
    },
    ask: (message, onYes) => set({ confirm: { message, onYes } }),
    answer(yes) {
      const c = get().confirm;
      set({ confirm: undefined });
      if (yes && c) void c.onYes();
    },
    say: (text, level = 'info') => set({ message: { text, level, at: Date.now() } }),
    clearMessage: () => set({ message: undefined }),
  }));
}
