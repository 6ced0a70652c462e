// The runtime builder's entry points: build a recipe, describe the result, list the shipped recipes. It reports
// progress as typed events (BuildEvent) and prints nothing; src/cli/render/build-progress.ts draws them.
import { existsSync } from 'node:fs';
import { formatBytes } from '../../util/format.js';
import { storeLayout } from '../paths.js';
import { buildRuntime, PHASES, type BuildEvent, type BuildOptions, type BuildResult } from './build.js';
import { findShippedRecipe, listShippedRecipes, loadRecipe, parseRecipe } from './recipe.js';

export { buildRuntime, PHASES, type BuildEvent, type BuildOptions, type BuildResult, findShippedRecipe, listShippedRecipes, loadRecipe, parseRecipe };

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** One line summarising a finished build. */
export function describeBuild(r: BuildResult): string {
  const what = [r.installed ? `${r.replaced ? 'replaced' : 'installed'} ${r.name} ${r.version}` : `built ${r.name} ${r.version}`];
  if (r.output) what.push(`wrote ${r.output}`);
  return `${what.join(', ')}: ${r.files} files, ${formatBytes(r.bytes)}, in ${secs(r.totalMs)}${r.baseCached ? ' (cached base)' : ''}`;
}

/** Whether each shipped recipe is installed in the store at `root` (and with which version). */
export function shippedRecipeStatus(
  root: string,
): Array<{ name: string; version?: string; suite?: string; description?: string; installed: boolean; problem?: string }> {
  return listShippedRecipes().map((r) => ({
    name: r.name,
    ...(r.recipe ? { version: r.recipe.version, suite: r.recipe.base.suite } : {}),
    ...(r.recipe?.description ? { description: r.recipe.description } : {}),
    installed: existsSync(storeLayout.runtimeDir(root, r.recipe?.name ?? r.name)),
    ...(r.problem ? { problem: r.problem } : {}),
  }));
}
