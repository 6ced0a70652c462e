// Where the user is: the view, the overlay (help or a confirmation) and the last message.
import { createStore } from 'zustand/vanilla';

export type View = 'runtimes' | 'inspect' | 'jobs' | 'launch';
export type Level = 'info' | 'ok' | 'warn' | 'error';

export interface Confirm {
  message: string;
  onYes: () => void | Promise<void>;
}

export interface UiState {
  view: View;
  help: boolean;
  helpTop: number;
  confirm: Confirm | undefined;
  message: { text: string; level: Level; at: number } | undefined;
  setView(view: View): void;
  toggleHelp(open?: boolean): void;
  scrollHelp(delta: number): void;
  ask(message: string, onYes: () => void | Promise<void>): void;
  answer(yes: boolean): void;
  say(text: string, level?: Level): void;
  clearMessage(): void;
}

export type UiStore = ReturnType<typeof createUiStore>;

export function createUiStore(initial: View = 'runtimes') {
  return createStore<UiState>()((set, get) => ({
    view: initial,
    help: false,
    helpTop: 0,
    confirm: undefined,
    message: undefined,
    setView: (view) => set({ view }),
    toggleHelp: (open) => set((s) => ({ help: open ?? !s.help, helpTop: 0 })),
    scrollHelp: (delta) => set((s) => ({ helpTop: Math.max(0, s.helpTop + delta) })),
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
