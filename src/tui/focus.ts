// The focus stack of the terminal app and every layer's handlers, without React.
//
// Top first: a confirmation, the help, a text field being edited, the file viewer or the current view
// (Runtimes list, Inspect tree, Jobs list, Output pane, Launch form), the app (global keys). dispatch.ts
// gives a key press to the top layer only. The stack is built from the stores at each key press, not from
// what is mounted: in a burst ("?q", "j\r", "/name\rd") a key can open a layer whose view has not been
// drawn yet, and the next key must still reach it. Every handler reads the stores when it runs
// (getState()), never a value of the last render: the target of an action is the row the cursor is on
// after the keys before it.
import type { AppState } from '../state/app.js';
import { FIELDS, valuesFromJob } from '../state/launch-store.js';
import { editField, queryField, type LineField } from '../state/line-edit.js';
import type { View } from '../state/ui-store.js';
import { FINAL_STATES } from '../jobs/types.js';
import { formatCommand } from '../util/format.js';
import type { AnyBoundLayer, BoundLayer, Layer } from './dispatch.js';
import { helpBodyRows, helpLines, helpTopic } from './help.js';
import type { Scope } from './keybindings.js';
import { jobsListRows, runtimesPageRows } from './layout.js';
import { completeCommand, findJob, parseCommand } from '../state/command-line.js';

export interface FocusOptions {
  /** Quits the app (q, Ctrl-C). */
  quit(): void;
}

export interface Focus {
  /** The layers that take keys now, top first. */
  stack(): Layer[];
  /** The layer of the view (or file viewer) now, under any overlay or text field. */
  viewLayer(): AnyBoundLayer;
  /** The scopes whose keys work in the view now (for the status bar). */
  viewScopes(): Scope[];
}

export function createFocus(state: AppState, opts: FocusOptions): Focus {
  const { ui, runtimes: rt, inspect: ins, jobs: js, output: out, launch: ls, deps } = state;
  const lookup = { readonly: deps.readonly, isRoot: deps.isRoot };

  // app: the global keys, under every view layer that is not modal
  const go = (next: View) => {
    const { view } = ui.getState();
    if (next === 'launch') {
      if (deps.readonly) return;
      const selected = rt.getState().selected;
      if (view === 'runtimes' && selected) ls.getState().prefill({ runtime: selected });
    }
    ui.getState().setView(next);
  };
  // Tab and Shift-Tab move between the panes of the view you are in, never to another view (1 2 3 and :
  // do that): Tab into the Launch form, whose Tab cycles its fields, left Esc the only way out.
  const cycle = () => {
    if (ui.getState().view !== 'jobs') return;
    const pane = js.getState().focus;
    if (pane === 'list') js.getState().setDescribing(false);
    js.getState().setFocus(pane === 'list' ? 'output' : 'list');
  };
  const app: BoundLayer<'global'> = {
    id: 'app',
    scope: 'global',
    modal: true,
    handlers: {
      'app.quit': () => opts.quit(),
      'app.help': () => ui.getState().toggleHelp(true),
      'app.view.runtimes': () => go('runtimes'),
      'app.view.jobs': () => go('jobs'),
      'app.view.launch': () => go('launch'),
      'app.view.next': cycle,
      'app.view.prev': cycle,
      'app.command': () => ui.getState().setCommand(''),
      'app.suspend': () => deps.suspend?.(),
    },
  };

  // the `:` command line
  const runCommand = (text: string) => {
    ui.getState().setCommand(undefined);
    if (!text.trim()) return;
    const c = parseCommand(text);
    if (c.kind === 'error') return ui.getState().say(c.message, 'error');
    if (c.kind === 'view') {
      if (c.view === 'launch' && deps.readonly) return ui.getState().say(':launch is not available read-only', 'warn');
      if (c.view === 'jobs') js.getState().setFocus('list');
      return go(c.view);
    }
    const found = findJob(js.getState().jobs, c.ref);
    if (typeof found === 'string') return ui.getState().say(found, 'error');
    if (
      !js
        .getState()
        .visible()
        .some((j) => j.id === found.id)
    )
      js.getState().setFilter('', false);
    js.getState().select(found.id);
    js.getState().setFocus('list');
    js.getState().setDescribing(true);
    go('jobs');
  };
  const commandLine: LineField = {
    value: () => ui.getState().command ?? '',
    change: (v) => ui.getState().setCommand(v),
    submit: () => runCommand(ui.getState().command ?? ''),
    cancel: () => ui.getState().setCommand(undefined),
    complete: () => ui.getState().setCommand(completeCommand(ui.getState().command ?? '', js.getState().jobs)),
  };

  // overlays
  const confirm: BoundLayer<'confirm'> = {
    id: 'confirm',
    scope: 'confirm',
    modal: true,
    handlers: {
      'confirm.yes': () => ui.getState().answer(true),
      'confirm.no': () => ui.getState().answer(false),
    },
  };
  /** The last first line of the help that still fills the overlay, and how many lines it shows. */
  const helpExtent = () => {
    const body = helpBodyRows(ui.getState().contentRows);
    const lines = helpLines(helpTopic(state).scopes, { ...lookup, readonly: deps.readonly }).length;
    return { body, max: Math.max(0, lines - body) };
  };
  const help: BoundLayer<'help'> = {
    id: 'help',
    scope: 'help',
    modal: true,
    handlers: {
      'help.close': () => ui.getState().toggleHelp(false),
      'text.down': () => ui.getState().scrollHelp(1, helpExtent().max),
      'text.up': () => ui.getState().scrollHelp(-1, helpExtent().max),
      'list.pageDown': () => ui.getState().scrollHelp(helpExtent().body, helpExtent().max),
      'list.pageUp': () => ui.getState().scrollHelp(-helpExtent().body, helpExtent().max),
    },
  };

  // text fields
  const fields = {
    runtimesFilter: queryField(
      () => rt.getState().filter,
      (v, editing) => rt.getState().setFilter(v, editing),
    ),
    installSource: {
      value: () => rt.getState().installSource,
      change: (v) => rt.getState().setInstallSource(v),
      submit: () => void rt.getState().install(),
      cancel: () => rt.getState().cancelInstall(),
    } satisfies LineField,
    inspectFind: queryField(
      () => ins.getState().query,
      (v, editing) => ins.getState().setQuery(v, editing),
    ),
    viewerSearch: queryField(
      () => ins.getState().viewer?.query ?? '',
      (v, editing) => ins.getState().viewerSetQuery(v, editing),
    ),
    jobsFilter: queryField(
      () => js.getState().filter,
      (v, editing) => js.getState().setFilter(v, editing),
    ),
    outputSearch: queryField(
      () => out.getState().query,
      (v, editing) => out.getState().setQuery(v, editing),
    ),
  };
  /** The text field being edited in the current view, if any. */
  const editing = (): LineField | undefined => {
    switch (ui.getState().view) {
      case 'runtimes':
        return rt.getState().installEditing ? fields.installSource : rt.getState().filterEditing ? fields.runtimesFilter : undefined;
      case 'inspect': {
        const s = ins.getState();
        if (s.viewer) return s.viewer.searchEditing ? fields.viewerSearch : undefined;
        return s.findEditing ? fields.inspectFind : undefined;
      }
      case 'jobs':
        return js.getState().filterEditing ? fields.jobsFilter : out.getState().searchEditing ? fields.outputSearch : undefined;
      default:
        return undefined; // the Launch form edits its fields itself
    }
  };

  // views
  const runtime = () => rt.getState().selected;
  const runtimes: BoundLayer<'runtimes'> = {
    id: 'view',
    scope: 'runtimes',
    modal: false,
    handlers: {
      'list.up': () => rt.getState().move(-1),
      'list.down': () => rt.getState().move(1),
      'list.pageUp': () => rt.getState().move(-runtimesPageRows(ui.getState().contentRows)),
      'list.pageDown': () => rt.getState().move(runtimesPageRows(ui.getState().contentRows)),
      'list.top': () => rt.getState().moveTo('top'),
      'list.bottom': () => rt.getState().moveTo('bottom'),
      'list.filter': () => rt.getState().setFilter(rt.getState().filter, true),
      'list.back': () => rt.getState().setFilter('', false),
      'list.sort': () => rt.getState().cycleSort(),
      'list.reverse': () => rt.getState().toggleReverse(),
      'runtimes.inspect': () => {
        const name = runtime();
        if (!name) return;
        void ins.getState().open(name);
        ui.getState().setView('inspect');
      },
      'runtimes.verify': () => {
        const name = runtime();
        if (name) void rt.getState().verify(name);
      },
      'runtimes.check': () => {
        const name = runtime();
        if (name) void rt.getState().check(name);
      },
      'runtimes.remove': () => {
        const name = runtime();
        if (name) ui.getState().ask(`Remove runtime ${name}? Jobs can no longer use it.`, () => rt.getState().remove(name));
      },
      'runtimes.install': () => rt.getState().startInstall(),
      'runtimes.shell': () => {
        const name = runtime();
        if (name) void deps.shell?.(name);
      },
      'runtimes.refresh': () => void rt.getState().load(),
    },
  };
  const shellInInspected = () => {
    const name = ins.getState().runtime;
    if (name) void deps.shell?.(name);
  };
  const inspect: BoundLayer<'inspect'> = {
    id: 'view',
    scope: 'inspect',
    modal: false,
    handlers: {
      'list.up': () => ins.getState().move(-1),
      'list.down': () => ins.getState().move(1),
      'list.pageUp': () => ins.getState().move(-ins.getState().height),
      'list.pageDown': () => ins.getState().move(ins.getState().height),
      'list.top': () => ins.getState().moveTo('top'),
      'list.bottom': () => ins.getState().moveTo('bottom'),
      'inspect.open': () => void ins.getState().activate(),
      'inspect.collapse': () => ins.getState().collapse(),
      'inspect.find': () => ins.getState().setQuery('', true),
      'inspect.next': () => ins.getState().nextMatch(1),
      'inspect.prev': () => ins.getState().nextMatch(-1),
      'list.back': () => (ins.getState().query ? ins.getState().setQuery('', false) : ui.getState().setView('runtimes')),
      'runtimes.shell': shellInInspected,
    },
  };
  // The viewer's height in the store is its text rows while it is open.
  const viewerPage = () => Math.max(0, ins.getState().height - 1);
  const viewer: BoundLayer<'viewer'> = {
    id: 'viewer',
    scope: 'viewer',
    modal: false,
    handlers: {
      'text.up': () => ins.getState().viewerScroll(-1),
      'text.down': () => ins.getState().viewerScroll(1),
      'list.pageUp': () => ins.getState().viewerScroll(-viewerPage()),
      'list.pageDown': () => ins.getState().viewerScroll(viewerPage()),
      'list.top': () => ins.getState().viewerTo('top'),
      'list.bottom': () => ins.getState().viewerTo('bottom'),
      'text.wrap': () => ins.getState().viewerToggleWrap(),
      'text.search': () => ins.getState().viewerSetQuery('', true),
      'inspect.next': () => ins.getState().viewerNext(1),
      'inspect.prev': () => ins.getState().viewerNext(-1),
      'list.back': () => (ins.getState().viewer?.query ? ins.getState().viewerSetQuery('', false) : ins.getState().closeViewer()),
    },
  };

  const askStop = () => {
    const marked = js.getState().markedJobs();
    if (marked.length) {
      const ids = marked.filter((m) => !FINAL_STATES.has(m.state)).map((m) => m.id);
      if (!ids.length) return ui.getState().say('none of the marked jobs is running', 'warn');
      const ended = marked.length - ids.length;
      return ui
        .getState()
        .ask(`Stop ${ids.length} job${ids.length > 1 ? 's' : ''}${ended ? ` (${ended} marked already ended)` : ''}? SIGTERM, then SIGKILL after 5s.`, () =>
          js.getState().stopMany(ids),
        );
    }
    const j = js.getState().selectedJob();
    if (!j || FINAL_STATES.has(j.state)) return ui.getState().say('the job is not running', 'warn');
    ui.getState().ask(`Stop job ${j.id} (${formatCommand(j.command).slice(0, 40)})? SIGTERM, then SIGKILL after 5s.`, () => js.getState().stop(j.id));
  };
  const jobsPage = () => jobsListRows(ui.getState().contentRows, js.getState().visible().length) - 1;
  const jobs: BoundLayer<'jobs'> = {
    id: 'view',
    scope: 'jobs',
    modal: false,
    handlers: {
      'list.up': () => js.getState().move(-1),
      'list.down': () => js.getState().move(1),
      'list.pageUp': () => js.getState().move(-jobsPage()),
      'list.pageDown': () => js.getState().move(jobsPage()),
      'list.top': () => js.getState().moveTo('top'),
      'list.bottom': () => js.getState().moveTo('bottom'),
      'list.filter': () => js.getState().setFilter(js.getState().filter, true),
      'list.back': () => {
        const s = js.getState();
        if (s.describing) s.setDescribing(false);
        else if (Object.keys(s.marked).length) s.clearMarks();
        else s.setFilter('', false);
      },
      'list.sort': () => js.getState().cycleSort(),
      'list.reverse': () => js.getState().toggleReverse(),
      'jobs.output': () => {
        js.getState().setDescribing(false);
        js.getState().setFocus('output');
      },
      'jobs.describe': () => js.getState().setDescribing(!js.getState().describing),
      'jobs.mark': () => js.getState().toggleMark(),
      'jobs.allUsers': () => js.getState().toggleAllUsers(),
      'output.zoom': () => js.getState().toggleZoom(),
      'jobs.stop': askStop,
      'jobs.remove': () => {
        const marked = js.getState().markedJobs();
        if (marked.length) {
          const ids = marked.filter((m) => FINAL_STATES.has(m.state)).map((m) => m.id);
          if (!ids.length) return ui.getState().say('the marked jobs are still running; stop them first (S)', 'warn');
          const running = marked.length - ids.length;
          return ui
            .getState()
            .ask(`Remove ${ids.length} job${ids.length > 1 ? 's' : ''} and their output${running ? ` (${running} still running, kept)` : ''}?`, () =>
              js.getState().removeMany(ids),
            );
        }
        const j = js.getState().selectedJob();
        if (!j) return;
        if (!FINAL_STATES.has(j.state)) return ui.getState().say('the job is still running; stop it first (S)', 'warn');
        ui.getState().ask(`Remove job ${j.id} and its output?`, () => js.getState().remove(j.id));
      },
      'jobs.rerun': () => {
        const j = js.getState().selectedJob();
        if (!j) return;
        ls.getState().prefill(valuesFromJob(j));
        ui.getState().setView('launch');
      },
    },
  };
  const output: BoundLayer<'output'> = {
    id: 'view',
    scope: 'output',
    modal: false,
    handlers: {
      'text.up': () => out.getState().scroll(-1),
      'text.down': () => out.getState().scroll(1),
      'list.pageUp': () => out.getState().page(-1),
      'list.pageDown': () => out.getState().page(1),
      'list.top': () => out.getState().toTop(),
      'output.end': () => out.getState().toEnd(),
      'text.wrap': () => out.getState().toggleWrap(),
      'text.search': () => out.getState().setQuery('', true),
      'inspect.next': () => out.getState().next(-1),
      'inspect.prev': () => out.getState().next(1),
      'output.zoom': () => js.getState().toggleZoom(),
      'jobs.stop': askStop,
      'jobs.describe': () => {
        js.getState().setDescribing(true);
        js.getState().setFocus('list');
      },
      'list.back': () => (out.getState().query ? out.getState().setQuery('', false) : js.getState().setFocus('list')),
    },
  };

  const formField = (): LineField | undefined => {
    const field = FIELDS[ls.getState().focus]!;
    if (field.kind !== 'text') return undefined;
    return {
      value: () => ls.getState().values[field.id],
      change: (v) => ls.getState().setValue(field.id, v),
      submit: () => void ls.getState().submit(),
      cancel: () => ui.getState().setView(ui.getState().returnTo),
    };
  };
  const form: BoundLayer<'launch'> = {
    id: 'view',
    scope: 'launch',
    modal: true,
    handlers: {
      // Left/right change choices; in text fields they do nothing (no cursor movement yet).
      'form.choice': ({ key }) => {
        if (FIELDS[ls.getState().focus]!.kind === 'choice') ls.getState().cycleChoice(key.leftArrow ? -1 : 1);
      },
      'form.next': () => ls.getState().moveFocus(1),
      'form.prev': () => ls.getState().moveFocus(-1),
      'form.submit': () => void ls.getState().submit(),
      'form.launch': () => void ls.getState().submit(),
      'form.cancel': () => ui.getState().setView(ui.getState().returnTo),
    },
    // Other keys type into a text field; Space changes a choice.
    text: ({ input, key }) => {
      const field = formField();
      if (field) editField(field, input, key);
      else if (input === ' ') ls.getState().cycleChoice(1);
    },
  };

  const viewLayer = (): AnyBoundLayer => {
    switch (ui.getState().view) {
      case 'launch':
        return form;
      case 'inspect':
        return ins.getState().viewer ? viewer : inspect;
      case 'jobs':
        return js.getState().focus === 'output' ? output : jobs;
      default:
        return runtimes;
    }
  };

  return {
    stack() {
      const u = ui.getState();
      const layers: Layer[] = [];
      if (u.confirm) layers.push(confirm);
      if (u.help) layers.push(help);
      const field = u.command !== undefined ? commandLine : editing();
      if (field) layers.push({ id: 'field', field });
      layers.push(viewLayer(), app);
      return layers;
    },
    viewLayer,
    viewScopes() {
      const v = viewLayer();
      return v.modal ? [v.scope] : ['global', v.scope];
    },
  };
}
