// Entry points of the runtime builder for the CLI.
import { existsSync } from 'node:fs';
import { formatBytes } from '../../util/format.js';
import { storeLayout } from '../paths.js';
import { buildRuntime, PHASES, type BuildEvent, type BuildOptions, type BuildResult } from './build.js';
import { findShippedRecipe, listShippedRecipes, loadRecipe, parseRecipe } from './recipe.js';

export { buildRuntime, PHASES, type BuildEvent, type BuildOptions, type BuildResult, findShippedRecipe, listShippedRecipes, loadRecipe, parseRecipe };

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Prints build progress to `stream` (stderr): one line per phase with its elapsed time, and on a terminal a
 * live status line with the total elapsed time and the latest output line.
 */
export function stderrReporter(stream: NodeJS.WriteStream = process.stderr): { onEvent: (e: BuildEvent) => void; stop: () => void } {
  const tty = Boolean(stream.isTTY);
  const started = Date.now();
  let phaseStart = Date.now();
  let phase = '';
  let last = '';
  let drawn = false;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = () => {
    if (!tty || !phase) return;
    const cols = stream.columns ?? 80;
    const text = `  ${phase} ${secs(Date.now() - phaseStart)} (total ${secs(Date.now() - started)})  ${last}`;
    stream.write(`\r\x1b[2K${text.slice(0, cols - 1)}`);
    drawn = true;
  };
  const timer = tty ? setInterval(draw, 500) : undefined;
  timer?.unref();
  return {
    onEvent(e) {
      if (e.type === 'log') {
        stream.write(`build log: ${e.file}\n`);
      } else if (e.type === 'kept') {
        clear();
        stream.write(`build directory kept: ${e.dir}\n`);
      } else if (e.type === 'phase-start') {
        clear();
        phase = e.phase;
        phaseStart = Date.now();
        last = '';
        stream.write(`[${e.index}/${e.total}] ${e.phase}…\n`);
      } else if (e.type === 'phase-end') {
        clear();
        stream.write(`      ${e.phase} done in ${secs(e.ms)}${e.note ? `: ${e.note}` : ''} (total ${secs(Date.now() - started)})\n`);
        phase = '';
      } else if (e.type === 'output') {
        last = e.line.trim();
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}

/** One line summarising a finished build. */
export function describeBuild(r: BuildResult): string {
  const what = [r.installed ? `${r.replaced ? 'replaced' : 'installed'} ${r.name} ${r.version}` : `built ${r.name} ${r.version}`];
  if (r.output) what.push(`wrote ${r.output}`);
  return `${what.join(', ')}: ${r.files} files, ${formatBytes(r.bytes)}, in ${secs(r.totalMs)}${r.baseCached ? ' (cached base)' : ''}`;
}

export interface InstallFromRecipeOptions {
  /** Store root. */
  root: string;
  force?: boolean;
  /** Progress events; default: phase lines on stderr. */
  onEvent?: (e: BuildEvent) => void;
  skipTests?: boolean;
  mirror?: string;
}

/**
 * For `rnx runtime install NAME` when NAME is neither a file nor a directory: when a shipped recipe has
 * that name, builds it (all phases, tests through the launcher) and installs it, printing progress on
 * stderr and a summary line on stdout; returns the result. Returns undefined when there is no such
 * recipe, so the caller can report "no such file or directory".
 */
export async function installFromRecipeIfShipped(name: string, opts: InstallFromRecipeOptions): Promise<BuildResult | undefined> {
  if (existsSync(name) || !findShippedRecipe(name)) return undefined;
  const recipe = loadRecipe(name);
  const reporter = opts.onEvent ? undefined : stderrReporter();
  try {
    const result = await buildRuntime(recipe, {
      root: opts.root,
      install: true,
      force: opts.force === true,
      ...(opts.skipTests ? { skipTests: true } : {}),
      ...(opts.mirror ? { mirror: opts.mirror } : {}),
      onEvent: opts.onEvent ?? reporter!.onEvent,
    });
    reporter?.stop();
    process.stdout.write(describeBuild(result) + '\n');
    return result;
  } finally {
    reporter?.stop();
  }
}

/** Whether each shipped recipe is installed in the store at `root` (and with which version). */
export function shippedRecipeStatus(root: string): Array<{ name: string; version?: string; suite?: string; description?: string; installed: boolean; problem?: string }> {
  return listShippedRecipes().map((r) => ({
    name: r.name,
    ...(r.recipe ? { version: r.recipe.version, suite: r.recipe.base.suite } : {}),
    ...(r.recipe?.description ? { description: r.recipe.description } : {}),
    installed: existsSync(storeLayout.runtimeDir(root, r.recipe?.name ?? r.name)),
    ...(r.problem ? { problem: r.problem } : {}),
  }));
}
