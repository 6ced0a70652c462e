// The one keybinding table of the terminal app: what each key does in which part of it. The dispatcher
// (dispatch.ts) looks keys up here, and the help overlay and the status bar are generated from it.
// Command ids are types: a handler or a lookup that names an id the table lacks does not compile.

/** Where a binding applies. `global` works under every view layer that is not modal (see focus.ts). */
export type Scope = 'global' | 'runtimes' | 'inspect' | 'viewer' | 'jobs' | 'output' | 'launch' | 'confirm' | 'help';

interface BindingDef {
  /** Command id, run by the handler of that id in the focus layer of the scope. */
  id: string;
  /** Key names as produced by keyName(); the first one is shown in help. */
  keys: readonly string[];
  description: string;
  scopes: readonly Scope[];
  /** Changes something (a runtime, a job): hidden and refused in --readonly. */
  mutating?: boolean;
  /** Shown in the status bar of its scopes. */
  main?: boolean;
  /** Short name for the status bar (default: the description's first word). */
  short?: string;
  /** Needs root (install). */
  rootOnly?: boolean;
}

const TABLE = [
  // global
  { id: 'app.quit', keys: ['q', 'ctrl-c'], description: 'quit', scopes: ['global'], main: true },
  { id: 'app.help', keys: ['?'], description: 'help for this view', scopes: ['global'], main: true },
  { id: 'app.view.runtimes', keys: ['1'], description: 'Runtimes view', scopes: ['global'] },
  { id: 'app.view.jobs', keys: ['2'], description: 'Jobs view', scopes: ['global'] },
  { id: 'app.view.launch', keys: ['3'], description: 'Launch form', scopes: ['global'], mutating: true },
  { id: 'app.view.next', keys: ['tab'], description: 'next pane of this view (Jobs: list, output)', scopes: ['global'] },
  { id: 'app.view.prev', keys: ['shift-tab'], description: 'previous pane of this view', scopes: ['global'] },
  { id: 'app.suspend', keys: ['ctrl-z'], description: 'suspend (fg brings it back)', scopes: ['global'] },
  { id: 'app.command', keys: [':'], description: 'command line (:jobs, :runtimes, :launch, :job ID; Tab completes)', scopes: ['global'] },
  // lists (runtimes, jobs, tree)
  { id: 'list.up', keys: ['up', 'k'], description: 'move up', scopes: ['runtimes', 'jobs', 'inspect'] },
  { id: 'list.down', keys: ['down', 'j'], description: 'move down', scopes: ['runtimes', 'jobs', 'inspect'] },
  { id: 'list.pageUp', keys: ['pageup', 'ctrl-b'], description: 'page up', scopes: ['runtimes', 'jobs', 'inspect', 'viewer', 'output', 'help'] },
  { id: 'list.pageDown', keys: ['pagedown', 'ctrl-f'], description: 'page down', scopes: ['runtimes', 'jobs', 'inspect', 'viewer', 'output', 'help'] },
  { id: 'list.top', keys: ['g', 'home'], description: 'go to the top', scopes: ['runtimes', 'jobs', 'inspect', 'viewer', 'output'] },
  { id: 'list.bottom', keys: ['G', 'end'], description: 'go to the bottom', scopes: ['runtimes', 'jobs', 'inspect', 'viewer'] },
  { id: 'list.filter', short: 'filter', keys: ['/'], description: 'filter by name', scopes: ['runtimes', 'jobs'], main: true },
  { id: 'list.back', keys: ['escape'], description: 'clear the filter / go back', scopes: ['runtimes', 'jobs', 'inspect', 'viewer', 'output'] },
  // runtimes
  { id: 'runtimes.inspect', short: 'inspect', keys: ['enter'], description: 'inspect the tree', scopes: ['runtimes'], main: true },
  { id: 'list.sort', keys: ['s'], description: 'sort by the next column', scopes: ['runtimes', 'jobs'] },
  { id: 'list.reverse', keys: ['r'], description: 'reverse the sort', scopes: ['runtimes', 'jobs'] },
  { id: 'runtimes.verify', keys: ['v'], description: 'verify against the manifest', scopes: ['runtimes'], main: true },
  { id: 'runtimes.check', keys: ['c'], description: 'check self-containment', scopes: ['runtimes'], main: true },
  { id: 'runtimes.remove', keys: ['d', 'delete'], description: 'remove the runtime', scopes: ['runtimes'], mutating: true, rootOnly: true },
  { id: 'runtimes.install', keys: ['i'], description: 'install from a recipe, archive or directory', scopes: ['runtimes'], mutating: true, rootOnly: true },
  // a shell can change whatever the runtime lets it: read-only hides it too
  {
    id: 'runtimes.shell',
    short: 'shell',
    keys: ['x'],
    description: 'open a shell inside the runtime',
    scopes: ['runtimes', 'inspect'],
    main: true,
    mutating: true,
  },
  { id: 'runtimes.refresh', keys: ['ctrl-r'], description: 'reload', scopes: ['runtimes'] },
  // inspect
  { id: 'inspect.open', short: 'open', keys: ['enter', 'right', 'l'], description: 'expand a directory / view a file', scopes: ['inspect'], main: true },
  { id: 'inspect.collapse', keys: ['left', 'h'], description: 'collapse / go to the parent', scopes: ['inspect'] },
  { id: 'inspect.find', short: 'find', keys: ['/'], description: 'find by name', scopes: ['inspect'], main: true },
  { id: 'inspect.next', keys: ['n'], description: 'next match', scopes: ['inspect', 'viewer', 'output'] },
  { id: 'inspect.prev', keys: ['N'], description: 'previous match', scopes: ['inspect', 'viewer', 'output'] },
  // viewer and output
  { id: 'text.up', keys: ['up', 'k'], description: 'scroll up', scopes: ['viewer', 'output', 'help'] },
  { id: 'text.down', keys: ['down', 'j'], description: 'scroll down', scopes: ['viewer', 'output', 'help'] },
  { id: 'text.search', short: 'search', keys: ['/'], description: 'search', scopes: ['viewer', 'output'], main: true },
  { id: 'text.wrap', short: 'wrap', keys: ['w'], description: 'toggle line wrap', scopes: ['viewer', 'output'], main: true },
  { id: 'output.end', short: 'follow', keys: ['G', 'end', 'f'], description: 'jump to the end and follow', scopes: ['output'], main: true },
  { id: 'output.zoom', keys: ['z'], description: 'zoom the output pane', scopes: ['output', 'jobs'] },
  // jobs
  { id: 'jobs.output', short: 'output', keys: ['enter'], description: 'focus the output pane', scopes: ['jobs'], main: true },
  {
    id: 'jobs.describe',
    short: 'describe',
    keys: ['i'],
    description: 'describe the job (limits, env, cgroups, timeline); again: back to the output',
    scopes: ['jobs', 'output'],
    main: true,
  },
  {
    id: 'jobs.stop',
    short: 'stop',
    keys: ['S'],
    description: 'stop the job (the marked jobs, if any)',
    scopes: ['jobs', 'output'],
    mutating: true,
    main: true,
  },
  { id: 'jobs.mark', short: 'mark', keys: ['space'], description: 'mark / unmark the job for S or d', scopes: ['jobs'], mutating: true },
  { id: 'jobs.remove', keys: ['d', 'delete'], description: 'remove a finished job (the marked jobs, if any)', scopes: ['jobs'], mutating: true },
  { id: 'jobs.allUsers', keys: ['u'], description: "every user's jobs / your own (root)", scopes: ['jobs'], rootOnly: true },
  { id: 'jobs.rerun', keys: ['R'], description: 'launch again with the same settings', scopes: ['jobs'], mutating: true },
  // launch form
  { id: 'form.next', keys: ['down', 'tab'], description: 'next field', scopes: ['launch'] },
  { id: 'form.prev', keys: ['up', 'shift-tab'], description: 'previous field', scopes: ['launch'] },
  { id: 'form.choice', keys: ['left', 'right'], description: 'change a choice (runtime, network)', scopes: ['launch'] },
  { id: 'form.submit', short: 'launch', keys: ['enter'], description: 'launch (on the last field, or ctrl-s anywhere)', scopes: ['launch'], main: true },
  { id: 'form.launch', short: 'launch', keys: ['ctrl-s'], description: 'launch now', scopes: ['launch'], main: true },
  { id: 'form.cancel', short: 'back', keys: ['escape'], description: 'leave the form', scopes: ['launch'], main: true },
  // overlays
  { id: 'confirm.yes', keys: ['y'], description: 'confirm', scopes: ['confirm'] },
  { id: 'confirm.no', keys: ['n', 'escape'], description: 'cancel', scopes: ['confirm'] },
  { id: 'help.close', keys: ['escape', '?', 'q'], description: 'close help', scopes: ['help'] },
] as const satisfies readonly BindingDef[];

/** Every command id of the table. */
export type CommandId = (typeof TABLE)[number]['id'];

/** The command ids bound in scope `S`. */
export type CommandIn<S extends Scope> = (typeof TABLE)[number] extends infer B
  ? B extends { readonly id: infer I; readonly scopes: readonly (infer X)[] }
    ? S extends X
      ? I
      : never
    : never
  : never;

export interface Binding extends BindingDef {
  id: CommandId;
}

export const BINDINGS: readonly Binding[] = TABLE;

/** Scopes whose bindings are on top of each other (one view at a time), for the conflict test. */
export const SCOPE_STACKS: Scope[][] = [
  ['global', 'runtimes'],
  ['global', 'inspect'],
  ['global', 'viewer'],
  ['global', 'jobs'],
  ['global', 'output'],
  ['launch'],
  ['confirm'],
  ['help'],
];

export interface KeyLike {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/** Names an Ink keypress the way the table spells keys ('q', 'G', 'ctrl-c', 'shift-tab', 'enter' …). */
export function keyName(input: string, key: KeyLike): string | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.escape) return 'escape';
  if (key.backspace) return 'backspace';
  if (key.delete) return input === '' ? 'backspace' : 'delete';
  if (key.ctrl && input.length === 1) return `ctrl-${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  if (input.length === 1) return input;
  return undefined;
}

export interface LookupOptions {
  readonly?: boolean;
  isRoot?: boolean;
}

/** Whether a binding is offered at all under these options. */
export function available(b: Binding, opts: LookupOptions = {}): boolean {
  if (b.mutating && opts.readonly) return false;
  if (b.rootOnly && opts.isRoot === false) return false;
  return true;
}

/** The command a key runs in `scope`, if any. */
export function commandFor<S extends Scope>(scope: S, name: string | undefined, opts: LookupOptions = {}): CommandIn<S> | undefined {
  if (!name) return undefined;
  const b = BINDINGS.find((x) => x.scopes.includes(scope) && x.keys.includes(name) && available(x, opts));
  return b?.id as CommandIn<S> | undefined;
}

/** The bindings to list for a set of scopes, in table order, without duplicates. */
export function bindingsFor(scopes: Scope[], opts: LookupOptions = {}): Binding[] {
  return BINDINGS.filter((b) => b.scopes.some((s) => scopes.includes(s)) && available(b, opts));
}

const KEY_LABELS: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  enter: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  'shift-tab': 'S-Tab',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  space: 'Space',
  delete: 'Del',
};

/** How a key is shown to the user. */
export function keyLabel(name: string, ascii = false): string {
  if (name.startsWith('ctrl-')) return `^${name.slice(5).toUpperCase()}`;
  const label = KEY_LABELS[name];
  if (!label) return name;
  if (ascii) return ({ up: 'Up', down: 'Down', left: 'Left', right: 'Right' } as Record<string, string>)[name] ?? label;
  return label;
}

export function keysLabel(b: Binding, ascii = false): string {
  return b.keys.map((k) => keyLabel(k, ascii)).join('/');
}
