// The `:` command line (as in k9s): its commands, Tab completion and parsing, without React or the stores.
import type { JobRecord } from '../jobs/types.js';

export const COMMANDS = ['runtimes', 'jobs', 'launch', 'job'] as const;
export type CommandName = (typeof COMMANDS)[number];

export type ParsedCommand = { kind: 'view'; view: 'runtimes' | 'jobs' | 'launch' } | { kind: 'job'; ref: string } | { kind: 'error'; message: string };

function commonPrefix(words: string[]): string {
  if (!words.length) return '';
  let p = words[0]!;
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** What Tab makes of the text typed: a command name, or after `job ` a job id or name, completed as far as it is unique. */
export function completeCommand(text: string, jobs: readonly JobRecord[]): string {
  const m = /^(\s*)(\S*)(\s+)?(\S*)$/.exec(text);
  if (!m) return text;
  const [, lead, word, space, arg] = m;
  if (!space) {
    const hits = COMMANDS.filter((c) => c.startsWith(word!));
    if (!hits.length) return text;
    // `job` is also the start of `jobs`: a unique hit gets its space, `job` stays for the user to choose
    const p = commonPrefix([...hits]);
    return `${lead}${p}${hits.length === 1 ? (hits[0] === 'job' ? ' ' : '') : ''}`;
  }
  if (word !== 'job') return text;
  const names = [...new Set(jobs.flatMap((j) => [j.id, ...(j.name ? [j.name] : [])]))].filter((n) => n.startsWith(arg!));
  if (!names.length) return text;
  return `${lead}job ${commonPrefix(names)}`;
}

export function parseCommand(text: string): ParsedCommand {
  const [typed, ...args] = text.trim().split(/\s+/);
  // a unique start of a command's name will do (:run, :l); with an argument, :j… is :job
  const names: readonly string[] = args.length ? ['job'] : ['runtimes', 'jobs', 'launch'];
  const hits = names.filter((c) => c.startsWith(typed ?? '\0'));
  const cmd = COMMANDS.includes(typed as CommandName) ? typed : hits.length === 1 ? hits[0] : typed;
  if (cmd === 'runtimes' || cmd === 'jobs' || cmd === 'launch') {
    if (args.length) return { kind: 'error', message: `:${cmd} takes no argument` };
    return { kind: 'view', view: cmd };
  }
  if (cmd === 'job') {
    if (args.length !== 1) return { kind: 'error', message: ':job needs one job id or name' };
    return { kind: 'job', ref: args[0]! };
  }
  return { kind: 'error', message: `unknown command :${cmd ?? ''} (commands: ${COMMANDS.map((c) => `:${c}`).join(' ')})` };
}

/** The job `ref` names: its id, a unique id prefix, or its name. */
export function findJob(jobs: readonly JobRecord[], ref: string): JobRecord | string {
  const exact = jobs.find((j) => j.id === ref);
  if (exact) return exact;
  const prefixed = jobs.filter((j) => j.id.startsWith(ref));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) return `job id "${ref}" is ambiguous`;
  const named = jobs.filter((j) => j.name === ref);
  if (named.length === 1) return named[0]!;
  return named.length ? `more than one job is named "${ref}"` : `no job "${ref}"`;
}
