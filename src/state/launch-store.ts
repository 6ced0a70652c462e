// The Launch form: fields, inline validation through the same parsers as `rnx job run`, and starting
// the job detached so it outlives the app.
import { formatCommand } from '../util/format.js';
import { createStore } from 'zustand/vanilla';
import { parseCores, parseCpu, parseDuration, parseEnvAssignment, parseLogMax, parseMemory, parsePids } from '../jobs/limits.js';
import type { JobLimits, JobRecord } from '../jobs/types.js';
import { describeError } from '../util/errors.js';
import type { AppDeps } from './deps.js';
import type { JobsStore } from './jobs-store.js';
import type { UiStore } from './ui-store.js';
import { shellQuote } from '../util/format.js';
import { checkWorkdir } from '../jobs/workdir.js';

export type FieldId = 'runtime' | 'command' | 'name' | 'memory' | 'cpu' | 'pids' | 'cores' | 'timeout' | 'logMax' | 'network' | 'workdir' | 'env';

export interface FieldDef {
  id: FieldId;
  label: string;
  kind: 'choice' | 'text';
  hint: string;
}

export const FIELDS: FieldDef[] = [
  { id: 'runtime', label: 'Runtime', kind: 'choice', hint: '←/→ to pick an installed runtime' },
  { id: 'command', label: 'Command', kind: 'text', hint: 'e.g. python3 -c "print(1)"' },
  { id: 'name', label: 'Name', kind: 'text', hint: 'a name to find the job by (optional)' },
  { id: 'memory', label: 'Memory', kind: 'text', hint: 'e.g. 512M, 2G (empty: no limit)' },
  { id: 'cpu', label: 'CPU %', kind: 'text', hint: 'percent of one core, e.g. 50 or 200' },
  { id: 'pids', label: 'Pids', kind: 'text', hint: 'most processes, e.g. 64' },
  { id: 'cores', label: 'Cores', kind: 'text', hint: 'CPUs to run on, e.g. 0-1,3 (empty: all)' },
  { id: 'timeout', label: 'Timeout', kind: 'text', hint: 'e.g. 30s, 10m, 2h (empty: none)' },
  { id: 'logMax', label: 'Output', kind: 'text', hint: 'output kept, e.g. 64M, 1G; 0 keeps all (empty: the default)' },
  { id: 'network', label: 'Network', kind: 'choice', hint: '←/→: none or host' },
  { id: 'workdir', label: 'Workdir', kind: 'text', hint: 'host directory bound at the runtime workdir' },
  { id: 'env', label: 'Env', kind: 'text', hint: 'KEY=VALUE words separated by spaces (quote values with spaces)' },
];

export type Values = Record<FieldId, string>;

/** Splits a command line like a shell would for words and quotes (no expansion). Throws on open quotes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (inWord) words.push(cur);
  return words;
}

export interface Validated {
  errors: Partial<Record<FieldId, string>>;
  request?: { runtime: string; command: string[]; name?: string; limits: JobLimits; workdir?: string; env: Record<string, string> };
}

/** Validates the form; messages are the parsers' own, without the repeated value. */
export function validate(v: Values, runtimes: string[]): Validated {
  const errors: Validated['errors'] = {};
  const attempt = <T>(id: FieldId, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      errors[id] = describeError(err).replace(/^invalid [^"]*"[^"]*": /, '');
      return undefined;
    }
  };
  if (!v.runtime) errors.runtime = runtimes.length ? 'pick a runtime' : 'no runtimes are installed';
  else if (!runtimes.includes(v.runtime)) errors.runtime = `${v.runtime} is not installed`;
  const command = attempt('command', () => {
    const words = splitWords(v.command);
    if (!words.length) throw new Error('a command is required');
    return words;
  });
  const limits: JobLimits = { network: v.network === 'host' ? 'host' : 'none' };
  if (v.memory.trim()) attempt('memory', () => (limits.memory = parseMemory(v.memory.trim())));
  if (v.cpu.trim()) attempt('cpu', () => (limits.cpu = parseCpu(v.cpu.trim())));
  if (v.pids.trim()) attempt('pids', () => (limits.pids = parsePids(v.pids.trim())));
  if (v.cores.trim()) attempt('cores', () => (limits.cores = parseCores(v.cores.trim())));
  if (v.timeout.trim()) attempt('timeout', () => (limits.timeout = parseDuration(v.timeout.trim())));
  if (v.logMax.trim()) attempt('logMax', () => (limits.logMax = parseLogMax(v.logMax.trim())));
  const name = v.name.trim();
  if (/\s/.test(name)) errors.name = 'one word, no spaces';
  const workdir = v.workdir.trim() ? attempt('workdir', () => checkWorkdir(v.workdir.trim())) : undefined;
  const env = attempt('env', () => Object.fromEntries(splitWords(v.env).map((e) => parseEnvAssignment(e))));
  if (Object.keys(errors).length || !command || !env) return { errors };
  return { errors, request: { runtime: v.runtime, command, ...(name ? { name } : {}), limits, ...(workdir ? { workdir } : {}), env } };
}

export interface LaunchState {
  values: Values;
  focus: number;
  /** Show errors of fields the user has not touched yet (after a submit attempt). */
  showAll: boolean;
  touched: Partial<Record<FieldId, true>>;
  submitting: boolean;
  runtimes: string[];
  setRuntimes(names: string[]): void;
  prefill(values: Partial<Values>): void;
  moveFocus(delta: number): void;
  setValue(id: FieldId, value: string): void;
  cycleChoice(delta: number): void;
  errors(): Validated['errors'];
  submit(): Promise<string | undefined>;
}

export type LaunchStore = ReturnType<typeof createLaunchStore>;

export const EMPTY_VALUES: Values = {
  runtime: '',
  command: '',
  name: '',
  memory: '',
  cpu: '',
  pids: '',
  cores: '',
  timeout: '',
  logMax: '',
  network: 'none',
  workdir: '',
  env: '',
};

/** Bytes as the form's parsers read them back exactly (1536M, 64M, 3G; plain bytes otherwise). */
function sizeText(bytes: number): string {
  for (const [unit, n] of [
    ['T', 1024 ** 4],
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const)
    if (bytes % n === 0) return `${bytes / n}${unit}`;
  return String(bytes);
}

/** A job's exact settings as form values (R: launch again). */
export function valuesFromJob(j: JobRecord): Values {
  const quote = shellQuote;
  return {
    runtime: j.runtime,
    command: j.command.map(quote).join(' '),
    name: j.name ?? '',
    memory: j.limits.memory ? sizeText(j.limits.memory) : '',
    cpu: j.limits.cpu ? String(j.limits.cpu) : '',
    pids: j.limits.pids ? String(j.limits.pids) : '',
    cores: j.limits.cores ?? '',
    timeout: j.limits.timeout ? `${j.limits.timeout}s` : '',
    logMax: j.limits.logMax === undefined ? '' : j.limits.logMax === 0 ? '0' : sizeText(j.limits.logMax),
    network: j.limits.network,
    workdir: j.workdir ?? '',
    env: Object.entries(j.env)
      .map(([k, v]) => quote(`${k}=${v}`))
      .join(' '),
  };
}

export function createLaunchStore(deps: AppDeps, ui: UiStore, jobs: JobsStore) {
  return createStore<LaunchState>()((set, get) => {
    let cache: { values: Values; runtimes: string[]; result: Validated } | undefined;
    const validated = () => {
      const { values, runtimes } = get();
      if (!cache || cache.values !== values || cache.runtimes !== runtimes) cache = { values, runtimes, result: validate(values, runtimes) };
      return cache.result;
    };
    return {
      values: { ...EMPTY_VALUES },
      focus: 1,
      showAll: false,
      touched: {},
      submitting: false,
      runtimes: [],
      setRuntimes(names) {
        const v = get().values;
        set({ runtimes: names, ...(!v.runtime && names[0] ? { values: { ...v, runtime: names[0] } } : {}) });
      },
      prefill(values) {
        set({ values: { ...get().values, ...values }, touched: {}, showAll: false, focus: 1 });
      },
      moveFocus(delta) {
        const id = FIELDS[get().focus]!.id;
        set((s) => ({ focus: (s.focus + delta + FIELDS.length) % FIELDS.length, touched: { ...s.touched, [id]: true } }));
      },
      setValue(id, value) {
        set((s) => ({ values: { ...s.values, [id]: value } }));
      },
      cycleChoice(delta) {
        const field = FIELDS[get().focus]!;
        const v = get().values;
        if (field.id === 'network') get().setValue('network', v.network === 'host' ? 'none' : 'host');
        else if (field.id === 'runtime') {
          const names = get().runtimes;
          if (!names.length) return;
          const i = names.indexOf(v.runtime);
          get().setValue('runtime', names[(i + delta + names.length) % names.length]!);
        }
      },
      errors: () => validated().errors,
      async submit() {
        if (deps.readonly || get().submitting) return undefined;
        const { request } = validated();
        if (!request) {
          set({ showAll: true });
          ui.getState().say('fix the fields marked in red first', 'error');
          return undefined;
        }
        set({ submitting: true });
        ui.getState().say(`starting ${formatCommand(request.command)} in ${request.runtime}…`);
        try {
          const record = await deps.ops.startJob(deps.jobStore, { ...request, root: deps.root });
          jobs.getState().refresh();
          jobs.getState().setFilter('', false);
          jobs.getState().select(record.id);
          jobs.getState().setFocus('output');
          ui.getState().setView('jobs');
          if (record.state === 'failed') ui.getState().say(`job ${record.id} failed to start: ${record.error ?? 'see its output'}`, 'error');
          else ui.getState().say(`started job ${record.id}`, 'ok');
          set({ showAll: false, touched: {} });
          return record.id;
        } catch (err) {
          ui.getState().say(`launch: ${describeError(err)}`, 'error');
          return undefined;
        } finally {
          set({ submitting: false });
        }
      },
    };
  });
}
