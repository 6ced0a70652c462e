// Builds a runtime from a recipe: bootstrap (cached) → packages → steps → trim → check → test → install.
//
// The tree is built in <root>/build/<name>-<pid>/ (same filesystem as the store, outside runtimes/ so it is
// never listed) and moved, not copied, into the store. Recipe tests must run through the real setuid
// launcher, which only runs installed runtimes by name; so the checked tree is first installed under a
// temporary valid name, rnx-build-<pid>-<name>, and tested there. Only when every test passed is it
// renamed to <name> (runtime.yml and the manifest header are rewritten first; the rename is atomic, and
// with --force the old runtime is swapped out the same way `rnx runtime install --force` does). On any
// failure the temporary runtime and the build directory are removed. A process that died mid-build leaves
// pid-named leftovers that the next build removes.
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describeError, ExitCode, UserError } from '../../util/errors.js';
import { pidFromName, removeDebrisOfDeadProcesses } from '../../util/debris.js';
import { checkLauncher } from '../../launcher/locate.js';
import { CONF_PATH, LAUNCHER_PATH } from '../../launcher/paths.js';
import { readPolicy } from '../../launcher/policy.js';
import { scratchRuntimeName, scratchOwnerPid } from '../names.js';
import { requireRoot } from '../privileges.js';
import { storeLayout, runtimeFiles } from '../paths.js';
import { installRuntime } from '../install.js';
import { readManifest, writeManifest } from '../manifest.js';
import { swapIntoPlace } from '../staging.js';
import { checkTree, type Miss } from '../check/check.js';
import { describeMiss } from '../check/describe.js';
import { aptCacheDir, ensureBase } from './base.js';
import { aptGet, buildEnv, prepareTree, runInTree, unprepareTree } from './chroot.js';
import { BuildLog, CommandFailed } from './log.js';
import { chooseMirrors, sourcesFor } from './mirror.js';
import { renderRuntimeYaml, type Recipe, type RecipeTest } from './recipe.js';
import { dpkgExcludes, trimTree } from './trim.js';
import { makeDirs } from '../../util/dirs.js';

export const PHASES = ['bootstrap', 'packages', 'steps', 'trim', 'check', 'test', 'install'] as const;
export type Phase = (typeof PHASES)[number];

export type BuildEvent =
  | { type: 'phase-start'; phase: Phase; index: number; total: number }
  | { type: 'phase-end'; phase: Phase; ms: number; note?: string }
  | { type: 'output'; phase: Phase; line: string }
  | { type: 'log'; file: string }
  | { type: 'kept'; dir: string };

export interface BuildOptions {
  /** Store root (runtimes are installed in <root>/runtimes). */
  root: string;
  /** Install into the store when the build passed. */
  install?: boolean;
  /** Also write a packed runtime (.tar.gz or .tar) here. */
  output?: string;
  /** Keep the build directory, as <root>/build/kept-<name>-<time> (the tree is then copied into the store, not moved). */
  keepBuild?: boolean;
  /** Replace an installed runtime of the same name. */
  force?: boolean;
  /** Do not run the recipe's tests (the only way to build without an installed launcher). */
  skipTests?: boolean;
  /** Debian mirror URL (default: $RNX_DEBIAN_MIRROR, else the host's apt sources). */
  mirror?: string;
  /** Bootstrap the suite's base again even when it is cached. */
  refreshBase?: boolean;
  onEvent?: (e: BuildEvent) => void;
  /** Launcher to test with (default /usr/local/libexec/rnx/rnx-launch) and its policy file. */
  launcher?: string;
  launcherConf?: string;
}

export interface BuildResult {
  name: string;
  version: string;
  installed: boolean;
  replaced: boolean;
  output?: string;
  files: number;
  bytes: number;
  logFile: string;
  baseCached: boolean;
  phases: Array<{ phase: Phase; ms: number }>;
  totalMs: number;
  tests: Array<{ run: string; ok: boolean; output: string }>;
}

export class BuildFailed extends UserError {
  constructor(
    readonly phase: Phase,
    message: string,
    readonly tail: string[],
    readonly logFile: string,
    exitCode: number = ExitCode.Failure,
  ) {
    const shown = tail.length ? `\n  last lines:\n${tail.map((l) => `    ${l}`).join('\n')}` : '';
    super(`build failed in phase ${phase}: ${message}${shown}\n  full log: ${logFile}`, exitCode);
  }
}

const TEST_TIMEOUT_S = 600;

export function logDir(): string {
  return process.env.RNX_LOG_DIR ?? '/var/log/rnx';
}

/** Removes build directories and temporary runtimes of builds whose process is gone. */
export function cleanStaleBuilds(root: string): string[] {
  return [
    ...removeDebrisOfDeadProcesses(join(root, 'build'), pidFromName(/-(\d+)$/)),
    ...removeDebrisOfDeadProcesses(storeLayout.runtimesDir(root), scratchOwnerPid),
  ];
}

/** Why the launcher cannot run the recipe's tests for a store at `root`, or undefined when it can. */
export function launcherProblem(root: string, launcher = LAUNCHER_PATH, conf = CONF_PATH): string | undefined {
  try {
    checkLauncher(launcher, conf);
  } catch (err) {
    return `${describeError(err)} (or build with --skip-tests)`;
  }
  let runtimesDir: string;
  try {
    runtimesDir = readPolicy(conf).runtimesDir;
  } catch (err) {
    return `the launcher policy ${conf} cannot be read (${describeError(err)}); run: sudo rnx setup`;
  }
  const want = resolve(storeLayout.runtimesDir(root));
  if (resolve(runtimesDir) !== want) {
    return `the launcher runs runtimes from ${runtimesDir} (${conf}), but this build installs into ${want}; build with --root ${resolve(runtimesDir, '..')} or change runtimes_dir`;
  }
  return undefined;
}

function timestamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function summarizeMisses(misses: Miss[], max = 20): string[] {
  const lines = misses.slice(0, max).map(describeMiss);
  if (misses.length > max) lines.push(`… and ${misses.length - max} more`);
  return lines;
}

/** The "E: …" lines of apt's output: the reason a package could not be installed. */
function aptErrors(tail: string[]): string | undefined {
  const errs = tail.filter((l) => /^E: /.test(l)).map((l) => l.slice(3));
  return errs.length ? errs.join('; ') : undefined;
}

/** What the phases of one build share: the recipe, where things go, and what earlier phases produced. */
interface BuildContext {
  recipe: Recipe;
  opts: BuildOptions;
  root: string;
  runtimesDir: string;
  finalDir: string;
  /** The build directory (<root>/build/<name>-<pid>) and the tree inside it. */
  buildDir: string;
  tree: string;
  /** The temporary runtime name the tree is tested under, and its directory in the store. */
  tempName: string;
  tempDir: string;
  install: boolean;
  output: string | undefined;
  log: BuildLog;
  baseCached: boolean;
  staged?: { files: number; bytes: number };
  replaced: boolean;
  tests: BuildResult['tests'];
}

/** One phase: its work, and the note its end line carries. */
interface PhaseStep {
  phase: Phase;
  run(ctx: BuildContext): Promise<string | undefined>;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The phases of a build, in order (PHASES names them for the progress display). */
const STEPS: readonly PhaseStep[] = [
  {
    phase: 'bootstrap',
    async run(ctx) {
      const mirrors = chooseMirrors(ctx.opts.mirror);
      const suite = ctx.recipe.base.suite;
      const sources = await sourcesFor(mirrors, suite);
      ctx.log.note(`mirror ${mirrors.main} (from ${mirrors.from}); sources: ${sources.join(' | ')}`);
      const base = await ensureBase(ctx.log, suite, ctx.recipe.base.variant, mirrors, sources, ctx.opts.refreshBase === true);
      await ctx.log.run('cp', ['-a', '--reflink=auto', `${base.dir}/.`, ctx.tree]);
      prepareTree(ctx.tree, sources, dpkgExcludes(ctx.recipe.trim));
      ctx.baseCached = base.cached;
      return base.cached ? 'cached base' : 'debootstrap, now cached';
    },
  },
  {
    phase: 'packages',
    async run({ log, tree, recipe }) {
      const aptCache = aptCacheDir(recipe.base.suite);
      await aptGet(log, tree, aptCache, ['update']);
      await aptGet(log, tree, aptCache, ['dist-upgrade']);
      if (recipe.packages.length) await aptGet(log, tree, aptCache, ['install', '--no-install-recommends', ...recipe.packages]);
      return `${plural(recipe.packages.length, 'package')} requested`;
    },
  },
  {
    phase: 'steps',
    async run({ log, tree, recipe }) {
      const env = buildEnv({ ...recipe.environment, DEBIAN_FRONTEND: 'noninteractive' });
      for (const step of recipe.steps) await runInTree(log, tree, ['/bin/sh', '-ec', step], { env });
      return plural(recipe.steps.length, 'step');
    },
  },
  {
    phase: 'trim',
    async run({ log, tree, recipe }) {
      unprepareTree(tree);
      const t = await trimTree(tree, recipe.trim);
      if (t.specials.length) log.note(`removed special files: ${t.specials.join(' ')}`);
      return `${t.removed} entries removed${t.specials.length ? `, ${t.specials.length} device nodes/FIFOs/sockets removed` : ''}`;
    },
  },
  {
    phase: 'check',
    async run({ log, tree, recipe }) {
      const report = await checkTree(tree, { env: recipe.environment });
      for (const l of summarizeMisses(report.missing, 1000)) log.note(`check: ${l}`);
      if (!report.ok) {
        throw new BuildFailed(
          'check',
          `the tree is not self-contained: ${report.missing.length} missing`,
          summarizeMisses(report.missing),
          log.file,
          ExitCode.Integrity,
        );
      }
      return `${report.elfFiles} ELF files, ${report.scripts} scripts: nothing missing`;
    },
  },
  {
    // Staged under the temporary name and tested through the real launcher, which runs installed runtimes only.
    phase: 'test',
    async run(ctx) {
      const { log, recipe, opts } = ctx;
      writeFileSync(join(ctx.buildDir, runtimeFiles.spec), renderRuntimeYaml(recipe, ctx.tempName), { mode: 0o644 });
      rmSync(ctx.tempDir, { recursive: true, force: true });
      const r = await installRuntime(ctx.buildDir, { root: ctx.root, force: true, move: !opts.keepBuild });
      ctx.staged = { files: r.files, bytes: r.bytes };
      log.note(`staged as ${ctx.tempName}: ${r.files} files, ${r.bytes} bytes`);
      if (opts.skipTests) {
        log.note('tests skipped (--skip-tests)');
        return 'skipped (--skip-tests)';
      }
      for (const t of recipe.tests) ctx.tests.push(await runTest(log, ctx.tempName, t, opts.launcher ?? LAUNCHER_PATH));
      return `${plural(recipe.tests.length, 'test')} passed`;
    },
  },
  {
    phase: 'install',
    async run(ctx) {
      await renameStaged(ctx.tempDir, ctx.recipe);
      if (ctx.output) {
        const { packRuntime } = await import('../pack.js');
        await packRuntime(ctx.root, ctx.tempName, ctx.output);
        ctx.log.note(`packed into ${ctx.output}`);
      }
      if (ctx.install)
        ctx.replaced = swapIntoPlace(
          ctx.tempDir,
          ctx.finalDir,
          ctx.runtimesDir,
          ctx.recipe.name,
          ctx.opts.force === true,
          `runtime ${ctx.recipe.name} was installed while building; use --force to replace it`,
        );
      else rmSync(ctx.tempDir, { recursive: true, force: true });
      return [ctx.install ? `installed as ${ctx.recipe.name}` : undefined, ctx.output ? `wrote ${ctx.output}` : undefined].filter(Boolean).join(', ');
    },
  },
];

/** Refuses a build that cannot succeed before any work: a bad --output, a name clash, no launcher to test with. */
function checkBuildRequest(recipe: Recipe, opts: BuildOptions, root: string, finalDir: string, install: boolean, output: string | undefined): void {
  if (output && !/\.(tar|tar\.gz|tgz)$/.test(output)) throw new UserError('--output must end in .tar.gz, .tgz or .tar', ExitCode.Usage);
  if (install && existsSync(finalDir) && !opts.force) {
    throw new UserError(`runtime ${recipe.name} is already installed; use --force to rebuild and replace it`, ExitCode.Busy);
  }
  if (!opts.skipTests) {
    const problem = launcherProblem(root, opts.launcher, opts.launcherConf);
    if (problem) throw new UserError(`build cannot run phase test: ${problem}`, ExitCode.Permission);
  }
}

/** The error a failed phase is reported as: the phase, the reason, the output's last lines and the log. */
function phaseFailure(err: unknown, phase: Phase, interrupted: boolean, logFile: string): BuildFailed {
  if (err instanceof BuildFailed) return err;
  if (interrupted) return new BuildFailed(phase, 'interrupted', [], logFile, ExitCode.Interrupted);
  if (err instanceof CommandFailed) {
    const why = phase === 'packages' ? aptErrors(err.tail) : undefined;
    return new BuildFailed(phase, why ?? err.message, err.tail.slice(-15), logFile);
  }
  return new BuildFailed(phase, err instanceof Error ? err.message : String(err), [], logFile, err instanceof UserError ? err.exitCode : ExitCode.Failure);
}

/** Builds `recipe`; throws BuildFailed naming the phase. Leaves nothing behind on failure. */
export async function buildRuntime(recipe: Recipe, opts: BuildOptions): Promise<BuildResult> {
  requireRoot('building a runtime', `rnx runtime build ${recipe.name}`);
  const started = Date.now();
  const emit = opts.onEvent ?? (() => {});
  const root = resolve(opts.root);
  const install = opts.install === true;
  const output = opts.output ? resolve(opts.output) : install ? undefined : resolve(`${recipe.name}.tar.gz`);
  const finalDir = storeLayout.runtimeDir(root, recipe.name);
  checkBuildRequest(recipe, opts, root, finalDir, install, output);

  const log = new BuildLog(join(logDir(), `build-${recipe.name}-${timestamp()}.log`));
  emit({ type: 'log', file: log.file });
  log.note(`building ${recipe.name} ${recipe.version} from ${recipe.file} (debian ${recipe.base.suite} ${recipe.base.variant})`);
  const runtimesDir = storeLayout.runtimesDir(root);
  // only the build directory itself is private: the store root above it must stay readable by everyone
  makeDirs(join(root, 'build'), 0o700);
  makeDirs(runtimesDir, 0o755);
  for (const r of cleanStaleBuilds(root)) log.note(`removed leftover ${r}`);
  const buildDir = join(root, 'build', `${recipe.name}-${process.pid}`);
  const tempName = scratchRuntimeName(recipe.name);
  const ctx: BuildContext = {
    recipe,
    opts,
    root,
    runtimesDir,
    finalDir,
    buildDir,
    tree: join(buildDir, runtimeFiles.tree),
    tempName,
    tempDir: storeLayout.runtimeDir(root, tempName),
    install,
    output,
    log,
    baseCached: false,
    replaced: false,
    tests: [],
  };
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { mode: 0o755 });

  const phases: BuildResult['phases'] = [];
  let current: Phase = STEPS[0]!.phase;
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = true;
    log.note(`interrupted by ${sig}`);
    log.killAll('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  log.onLine = (line) => emit({ type: 'output', phase: current, line });

  let succeeded = false;
  try {
    for (const [i, step] of STEPS.entries()) {
      if (interrupted) throw new UserError('interrupted', ExitCode.Interrupted);
      current = step.phase;
      const t0 = Date.now();
      emit({ type: 'phase-start', phase: step.phase, index: i + 1, total: STEPS.length });
      log.note(`phase ${step.phase}`);
      const note = await step.run(ctx);
      const ms = Date.now() - t0;
      phases.push({ phase: step.phase, ms });
      log.note(`phase ${step.phase} done in ${(ms / 1000).toFixed(1)}s${note ? ` (${note})` : ''}`);
      emit({ type: 'phase-end', phase: step.phase, ms, ...(note ? { note } : {}) });
    }
    succeeded = true;
    const totalMs = Date.now() - started;
    log.note(`build of ${recipe.name} succeeded in ${(totalMs / 1000).toFixed(1)}s`);
    return {
      name: recipe.name,
      version: recipe.version,
      installed: install,
      replaced: ctx.replaced,
      ...(output ? { output } : {}),
      files: ctx.staged?.files ?? 0,
      bytes: ctx.staged?.bytes ?? 0,
      logFile: log.file,
      baseCached: ctx.baseCached,
      phases,
      totalMs,
      tests: ctx.tests,
    };
  } catch (err) {
    log.note(`FAILED in phase ${current}: ${err instanceof Error ? err.message : String(err)}`);
    throw phaseFailure(err, current, interrupted, log.file);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!succeeded) rmSync(ctx.tempDir, { recursive: true, force: true });
    if (opts.keepBuild && existsSync(buildDir)) keepBuildDir(ctx, emit);
    else rmSync(buildDir, { recursive: true, force: true });
    log.close();
  }
}

/** --keep-build: renamed so that the next build's leftover cleanup (pid-named directories) leaves it alone. */
function keepBuildDir(ctx: BuildContext, emit: (e: BuildEvent) => void): void {
  const kept = join(ctx.root, 'build', `kept-${ctx.recipe.name}-${timestamp()}`);
  try {
    if (existsSync(join(ctx.buildDir, runtimeFiles.spec))) writeFileSync(join(ctx.buildDir, runtimeFiles.spec), renderRuntimeYaml(ctx.recipe), { mode: 0o644 });
    renameSync(ctx.buildDir, kept);
    ctx.log.note(`kept build directory ${kept}`);
    emit({ type: 'kept', dir: kept });
  } catch (err) {
    ctx.log.note(`could not keep ${ctx.buildDir}: ${(err as Error).message}`);
  }
}

/** Runs one recipe test through the launcher; throws when it fails or its output does not match. */
async function runTest(log: BuildLog, runtime: string, test: RecipeTest, launcher: string): Promise<{ run: string; ok: boolean; output: string }> {
  let output: string;
  try {
    output = await log.run(launcher, ['--runtime', runtime, '--timeout', String(TEST_TIMEOUT_S), '--', '/bin/sh', '-c', test.run], {
      capture: true,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' },
      timeoutMs: (TEST_TIMEOUT_S + 30) * 1000,
    });
  } catch (err) {
    if (err instanceof CommandFailed) {
      const what = err.code === 127 ? 'command not found in the runtime' : err.message.replace(/^.* (exited|was killed)/, '$1');
      throw new BuildFailed('test', `test \`${test.run}\` failed: ${what}`, err.tail.slice(-15), log.file);
    }
    throw err;
  }
  if (test.expect !== undefined) {
    const e = test.expect;
    const ok = e.length > 2 && e.startsWith('/') && e.endsWith('/') ? new RegExp(e.slice(1, -1), 'm').test(output) : output.includes(e);
    if (!ok) {
      throw new BuildFailed(
        'test',
        `test \`${test.run}\` printed output that does not match ${JSON.stringify(e)}`,
        output.trim().split('\n').slice(-15),
        log.file,
      );
    }
  }
  log.note(`test ok: ${test.run}`);
  return { run: test.run, ok: true, output };
}

/** Rewrites the staged runtime's runtime.yml and manifest header from the temporary name to the real one. */
async function renameStaged(dir: string, recipe: Recipe): Promise<void> {
  const spec = join(dir, runtimeFiles.spec);
  writeFileSync(`${spec}.tmp`, renderRuntimeYaml(recipe), { mode: 0o644 });
  chmodSync(`${spec}.tmp`, 0o644);
  renameSync(`${spec}.tmp`, spec);
  const manifestFile = join(dir, runtimeFiles.manifest);
  const m = await readManifest(manifestFile);
  await writeManifest(manifestFile, m.entries, { name: recipe.name, version: recipe.version });
}
