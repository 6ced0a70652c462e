// What the help overlay lists, from the keybinding table: computed from the stores, so the overlay draws it
// and the help layer's keys scroll it with the same numbers.
import type { AppState } from '../state/app.js';
import { bindingsFor, keysLabel, type LookupOptions, type Scope } from './keybindings.js';
import { fit } from './text.js';

const SCOPE_TITLES: Record<Scope, string> = {
  global: 'Everywhere',
  runtimes: 'Runtimes',
  inspect: 'Inspect (tree)',
  viewer: 'File viewer',
  jobs: 'Jobs list',
  output: 'Output pane',
  launch: 'Launch form',
  confirm: 'Confirmation',
  help: 'Help',
};

export interface HelpTopic {
  title: string;
  scopes: Scope[];
}

/** The help of where the user is now: the view (or pane) under the overlay. */
export function helpTopic(state: AppState): HelpTopic {
  const view = state.ui.getState().view;
  if (view === 'launch') return { title: 'Launch', scopes: ['launch'] };
  if (view === 'inspect')
    return state.inspect.getState().viewer ? { title: 'File viewer', scopes: ['global', 'viewer'] } : { title: 'Inspect', scopes: ['global', 'inspect'] };
  if (view === 'jobs')
    return state.jobs.getState().focus === 'output'
      ? { title: 'Jobs, output pane', scopes: ['global', 'output', 'jobs'] }
      : { title: 'Jobs', scopes: ['global', 'jobs', 'output'] };
  return { title: 'Runtimes', scopes: ['global', 'runtimes'] };
}

export interface HelpLine {
  text: string;
  head?: boolean;
}

/** The lines of the help for `scopes`: a heading per scope, then its keys and what they do. */
export function helpLines(scopes: readonly Scope[], opts: LookupOptions & { readonly: boolean }, ascii = false): HelpLine[] {
  const lines: HelpLine[] = [];
  for (const scope of scopes) {
    const list = bindingsFor([scope], opts);
    if (!list.length) continue;
    if (lines.length) lines.push({ text: '' });
    lines.push({ text: SCOPE_TITLES[scope], head: true });
    for (const b of list) lines.push({ text: `  ${fit(keysLabel(b, ascii), 22)} ${b.description}` });
  }
  if (opts.readonly) lines.push({ text: '' }, { text: 'read-only: actions that change something are hidden' });
  return lines;
}

/** Lines of help shown at once in `height` rows (the title takes one, and one is kept free). */
export const helpBodyRows = (height: number): number => Math.max(1, height - 2);
