// One use case for every way a runtime arrives: a packed archive, a directory, or the name of a shipped recipe
// (built from Debian packages, then installed). It reports typed events and prints nothing: the CLI and the app
// each render the events their own way (phase lines on stderr, a progress line in the status bar).
import { existsSync } from 'node:fs';
import { formatBytes } from '../util/format.js';
import { buildRuntime, describeBuild, findShippedRecipe, loadRecipe, type BuildEvent, type BuildResult } from './builder/index.js';
import { installRuntime, type InstallProgress } from './install.js';

export type InstallSourceKind = 'recipe' | 'archive' | 'directory';

export type InstallSourceEvent =
  /** What the source turned out to be, before any work. */
  | { type: 'source'; kind: InstallSourceKind; source: string }
  /** A shipped recipe is being built: the builder's own events. */
  | { type: 'build'; event: BuildEvent }
  /** An archive or directory is being unpacked, hashed and placed. */
  | { type: 'unpack'; progress: InstallProgress }
  | { type: 'warning'; text: string };

export interface InstallSourceOptions {
  /** Store root. */
  root: string;
  /** Replace an installed runtime of the same name (once the new one is ready). */
  force?: boolean;
  onEvent?: (e: InstallSourceEvent) => void;
  /** Recipe builds: do not run the recipe's tests (they need an installed launcher). */
  skipTests?: boolean;
  /** Recipe builds: Debian mirror. */
  mirror?: string;
}

export interface InstalledRuntime {
  kind: InstallSourceKind;
  name: string;
  version: string;
  files: number;
  bytes: number;
  replaced: boolean;
  warnings: string[];
  /** Set when a recipe was built. */
  build?: BuildResult;
}

/** What `source` names: an existing file or directory, else a shipped recipe of that name (undefined: neither). */
export function sourceKind(source: string): InstallSourceKind | undefined {
  if (existsSync(source)) return /\.(tar|tar\.gz|tgz)$/.test(source) ? 'archive' : 'directory';
  return findShippedRecipe(source) ? 'recipe' : undefined;
}

/**
 * Installs from an archive, a directory or a shipped recipe's name. A name that is none of these is handed
 * to the archive installer, whose error says what is missing.
 */
export async function installFromSource(source: string, opts: InstallSourceOptions): Promise<InstalledRuntime> {
  const emit = opts.onEvent ?? (() => {});
  const kind = sourceKind(source) ?? 'archive';
  emit({ type: 'source', kind, source });
  if (kind === 'recipe') {
    const build = await buildRuntime(loadRecipe(source), {
      root: opts.root,
      install: true,
      force: opts.force === true,
      ...(opts.skipTests ? { skipTests: true } : {}),
      ...(opts.mirror ? { mirror: opts.mirror } : {}),
      onEvent: (event) => emit({ type: 'build', event }),
    });
    return { kind, name: build.name, version: build.version, files: build.files, bytes: build.bytes, replaced: build.replaced, warnings: [], build };
  }
  const r = await installRuntime(source, { root: opts.root, force: opts.force === true, onProgress: (progress) => emit({ type: 'unpack', progress }) });
  for (const text of r.warnings) emit({ type: 'warning', text });
  return { kind, name: r.spec.name, version: r.spec.version, files: r.files, bytes: r.bytes, replaced: r.replaced, warnings: r.warnings };
}

/** One line saying what was installed, as the CLI prints it and the app shows it. */
export function describeInstalled(r: InstalledRuntime): string {
  if (r.build) return describeBuild(r.build);
  return `${r.replaced ? 'replaced' : 'installed'} ${r.name} ${r.version}: ${r.files} files, ${formatBytes(r.bytes)}`;
}

/** A one-line progress text and, where known, the fraction done: what a progress line shows for an event. */
export function describeInstallEvent(e: InstallSourceEvent): { text: string; fraction?: number } | undefined {
  switch (e.type) {
    case 'source':
      return { text: e.kind === 'recipe' ? `building ${e.source} from its recipe…` : `installing ${e.source}…` };
    case 'build': {
      const b = e.event;
      // phase indexes are 1-based: [1/7] is the first phase
      if (b.type === 'phase-start') return { text: `building: ${b.phase} (${b.index}/${b.total})`, fraction: (b.index - 1) / b.total };
      if (b.type === 'output') return { text: `${b.phase}: ${b.line.trim().slice(0, 200)}` };
      return undefined;
    }
    case 'unpack': {
      const p = e.progress;
      return {
        text: `${p.phase}${p.total ? `: ${Math.floor((p.done / p.total) * 100)}%` : p.done ? `: ${p.done}` : ''}`,
        ...(p.total ? { fraction: p.done / p.total } : {}),
      };
    }
    case 'warning':
      return { text: `warning: ${e.text}` };
  }
}
