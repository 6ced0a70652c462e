// What a directory holds for the self-containment check: a runtime directory (runtime.yml + isolated/) is
// checked with the environment its jobs get; anything else is checked as a bare root filesystem tree.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runtimeFiles } from '../paths.js';
import { parseRuntimeSpec } from '../spec.js';

export async function checkTarget(dir: string): Promise<{ tree: string; env: Record<string, string> }> {
  const specFile = join(dir, runtimeFiles.spec);
  if (!existsSync(join(dir, runtimeFiles.tree)) || !existsSync(specFile)) return { tree: dir, env: {} };
  let env: Record<string, string> = {};
  try {
    env = parseRuntimeSpec(await readFile(specFile, 'utf8'), specFile).spec.environment;
  } catch {
    // a runtime.yml that does not parse still leaves a tree to check, with the default PATH
  }
  return { tree: join(dir, runtimeFiles.tree), env };
}
