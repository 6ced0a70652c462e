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
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, UserError } from '../../util/errors.js';
import { processAlive } from '../../util/process.js';
import { CONF_PATH, LAUNCHER_PATH } from '../../launcher/paths.js';
import { scratchRuntimeName, scratchOwnerPid } from '../names.js';
import { requireRoot } from '../privileges.js';
import { storeLayout, runtimeFiles } from '../paths.js';
import { installRuntime } from '../install.js';
import { readManifest, writeManifest } from '../manifest.js';
import { trashName } from '../staging.js';
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
  const removed: string[] = [];
  const buildDir = join(root, 'build');
  if (existsSync(buildDir)) {
    for (const n of readdirSync(buildDir)) {
      const m = /-(\d+)$/.exec(n);
      if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) {
        rmSync(join(buildDir, n), { recursive: true, force: true });
        removed.push(join(buildDir, n));
      }
    }
  }
  const runtimesDir = storeLayout.runtimesDir(root);
  if (existsSync(runtimesDir)) {
    for (const n of readdirSync(runtimesDir)) {
      const owner = scratchOwnerPid(n);
      if (owner !== undefined && owner !== process.pid && !processAlive(owner)) {
        rmSync(join(runtimesDir, n), { recursive: true, force: true });
        removed.push(join(runtimesDir, n));
      }
    }
  }
  return removed;
}


/** Why the launcher cannot run the recipe's tests for a store at `root`, or undefined when it can. */
export function launcherProblem(root: string, launcher = LAUNCHER_PATH, conf = CONF_PATH): string | undefined {
  let st;
  try {
    st = statSync(launcher);
  } catch {
    return `rnx-launch is not installed at ${launcher}; run: sudo rnx setup (or build with --skip-tests)`;
  }
  if (!st.isFile() || st.uid !== 0 || (st.mode & 0o4000) === 0) return `${launcher} is not a setuid-root program; run: sudo rnx setup`;
  let runtimesDir = '/opt/rnx/runtimes';
  try {
    for (const line of readFileSync(conf, 'utf8').split('\n')) {
      const m = /^\s*runtimes_dir\s*=\s*(\S+)/.exec(line.replace(/#.*/, ''));
      if (m) runtimesDir = m[1]!;
    }
  } catch {
    return `the launcher policy ${conf} is missing; run: sudo rnx setup`;
  }
  const want = resolve(storeLayout.runtimesDir(root));
  if (resolve(runtimesDir) !== want) {
    return `the launcher runs runtimes from ${runtimesDir} (${conf}), but this build installs into ${want}; build with --root ${resolve(runtimesDir, '..')} or change runtimes_dir`;
  }
  return undefined;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
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

/** Builds `recipe`; throws BuildFailed naming the phase. Leaves nothing behind on failure. */
export async function buildRuntime(recipe: Recipe, opts: BuildOptions): Promise<BuildResult> {
  requireRoot('building a runtime', `rnx runtime build ${recipe.name}`);
  const started = Date.now();
  const emit = opts.onEvent ?? (() => {});
  const root = resolve(opts.root);
  const runtimesDir = storeLayout.runtimesDir(root);
  const finalDir = storeLayout.runtimeDir(root, recipe.name);
  const install = opts.install === true;
  const output = opts.output ? resolve(opts.output) : install ? undefined : resolve(`${recipe.name}.tar.gz`);
  if (output && !/\.(tar|tar\.gz|tgz)$/.test(output)) throw new UserError('--output must end in .tar.gz, .tgz or .tar', ExitCode.Usage);
  if (install && existsSync(finalDir) && !opts.force) {
    throw new UserError(`runtime ${recipe.name} is already installed; use --force to rebuild and replace it`, ExitCode.Busy);
  }
  if (!opts.skipTests) {
    const problem = launcherProblem(root, opts.launcher, opts.launcherConf);
    if (problem) throw new UserError(`build cannot run phase test: ${problem}`, ExitCode.Permission);
  }

  const logFile = join(logDir(), `build-${recipe.name}-${timestamp()}.log`);
  const log = new BuildLog(logFile);
  emit({ type: 'log', file: logFile });
  log.note(`building ${recipe.name} ${recipe.version} from ${recipe.file} (debian ${recipe.base.suite} ${recipe.base.variant})`);

  // only the build directory itself is private: the store root above it must stay readable by everyone
  makeDirs(join(root, 'build'), 0o700);
  makeDirs(runtimesDir, 0o755);
  for (const r of cleanStaleBuilds(root)) log.note(`removed leftover ${r}`);
  const buildDir = join(root, 'build', `${recipe.name}-${process.pid}`);
  const tree = join(buildDir, runtimeFiles.tree);
  const tempName = scratchRuntimeName(recipe.name);
  const tempDir = storeLayout.runtimeDir(root, tempName);
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { mode: 0o755 });

  const phases: BuildResult['phases'] = [];
  const tests: BuildResult['tests'] = [];
  let current: Phase = 'bootstrap';
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = true;
    log.note(`interrupted by ${sig}`);
    log.killAll('SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  log.onLine = (line) => emit({ type: 'output', phase: current, line });

  const phase = async <T>(p: Phase, fn: () => Promise<T>, note?: (r: T) => string | undefined): Promise<T> => {
    if (interrupted) throw new UserError('interrupted', ExitCode.Interrupted);
    current = p;
    const t0 = Date.now();
    emit({ type: 'phase-start', phase: p, index: PHASES.indexOf(p) + 1, total: PHASES.length });
    log.note(`phase ${p}`);
    const r = await fn();
    const ms = Date.now() - t0;
    phases.push({ phase: p, ms });
    const n = note?.(r);
    log.note(`phase ${p} done in ${(ms / 1000).toFixed(1)}s${n ? ` (${n})` : ''}`);
    emit({ type: 'phase-end', phase: p, ms, ...(n ? { note: n } : {}) });
    return r;
  };

  let succeeded = false;
  try {
    const mirrors = chooseMirrors(opts.mirror);
    const suite = recipe.base.suite;
    const aptCache = aptCacheDir(suite);

    const base = await phase(
      'bootstrap',
      async () => {
        const sources = await sourcesFor(mirrors, suite);
        log.note(`mirror ${mirrors.main} (from ${mirrors.from}); sources: ${sources.join(' | ')}`);
        const b = await ensureBase(log, suite, recipe.base.variant, mirrors, sources, opts.refreshBase === true);
        await log.run('cp', ['-a', '--reflink=auto', `${b.dir}/.`, tree]);
        prepareTree(tree, sources, dpkgExcludes(recipe.trim));
        return b;
      },
      (b) => (b.cached ? 'cached base' : 'debootstrap, now cached'),
    );

    await phase(
      'packages',
      async () => {
        await aptGet(log, tree, aptCache, ['update']);
        await aptGet(log, tree, aptCache, ['dist-upgrade']);
        if (recipe.packages.length) await aptGet(log, tree, aptCache, ['install', '--no-install-recommends', ...recipe.packages]);
      },
      () => `${recipe.packages.length} package${recipe.packages.length === 1 ? '' : 's'} requested`,
    );

    await phase(
      'steps',
      async () => {
        const env = buildEnv({ ...recipe.environment, DEBIAN_FRONTEND: 'noninteractive' });
        for (const step of recipe.steps) await runInTree(log, tree, ['/bin/sh', '-ec', step], { env });
      },
      () => `${recipe.steps.length} step${recipe.steps.length === 1 ? '' : 's'}`,
    );

    const trimmed = await phase(
      'trim',
      async () => {
        unprepareTree(tree);
        return trimTree(tree, recipe.trim);
      },
      (t) => `${t.removed} entries removed${t.specials.length ? `, ${t.specials.length} device nodes/FIFOs/sockets removed` : ''}`,
    );
    if (trimmed.specials.length) log.note(`removed special files: ${trimmed.specials.join(' ')}`);

    await phase(
      'check',
      async () => {
        const report = await checkTree(tree, { env: recipe.environment });
        const lines = summarizeMisses(report.missing, 1000);
        for (const l of lines) log.note(`check: ${l}`);
        if (!report.ok) {
          throw new BuildFailed('check', `the tree is not self-contained: ${report.missing.length} missing`, summarizeMisses(report.missing), logFile, ExitCode.Integrity);
        }
        return report;
      },
      (r) => `${r.elfFiles} ELF files, ${r.scripts} scripts: nothing missing`,
    );

    // Stage under the temporary name, test through the launcher, then put it in place.
    writeFileSync(join(buildDir, runtimeFiles.spec), renderRuntimeYaml(recipe, tempName), { mode: 0o644 });
    const staged = await phase(
      'test',
      async () => {
        rmSync(tempDir, { recursive: true, force: true });
        const r = await installRuntime(buildDir, { root, force: true, move: !opts.keepBuild });
        log.note(`staged as ${tempName}: ${r.files} files, ${r.bytes} bytes`);
        if (opts.skipTests) {
          log.note('tests skipped (--skip-tests)');
          return { ...r, skipped: true };
        }
        for (const t of recipe.tests) tests.push(await runTest(log, tempName, t, opts.launcher ?? LAUNCHER_PATH));
        return { ...r, skipped: false };
      },
      (r) => (r.skipped ? 'skipped (--skip-tests)' : `${recipe.tests.length} test${recipe.tests.length === 1 ? '' : 's'} passed`),
    );

    let replaced = false;
    await phase(
      'install',
      async () => {
        await renameStaged(tempDir, recipe);
        if (output) {
          const { packRuntime } = await import('../pack.js');
          await packRuntime(root, tempName, output);
          log.note(`packed into ${output}`);
        }
        if (install) replaced = swapIn(tempDir, finalDir, runtimesDir, recipe.name, opts.force === true);
        else rmSync(tempDir, { recursive: true, force: true });
      },
      () => [install ? `installed as ${recipe.name}` : undefined, output ? `wrote ${output}` : undefined].filter(Boolean).join(', '),
    );
    succeeded = true;
    const totalMs = Date.now() - started;
    log.note(`build of ${recipe.name} succeeded in ${(totalMs / 1000).toFixed(1)}s`);
    return {
      name: recipe.name,
      version: recipe.version,
      installed: install,
      replaced,
      ...(output ? { output } : {}),
      files: staged.files,
      bytes: staged.bytes,
      logFile,
      baseCached: base.cached,
      phases,
      totalMs,
      tests,
    };
  } catch (err) {
    log.note(`FAILED in phase ${current}: ${err instanceof Error ? err.message : String(err)}`);
    if (err instanceof BuildFailed) throw err;
    if (interrupted) throw new BuildFailed(current, 'interrupted', [], logFile, ExitCode.Interrupted);
    if (err instanceof CommandFailed) {
      const why = (current as Phase) === 'packages' ? aptErrors(err.tail) : undefined;
      throw new BuildFailed(current, why ?? err.message, err.tail.slice(-15), logFile);
    }
    throw new BuildFailed(current, err instanceof Error ? err.message : String(err), [], logFile, err instanceof UserError ? err.exitCode : ExitCode.Failure);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!succeeded) rmSync(tempDir, { recursive: true, force: true });
    if (opts.keepBuild && existsSync(buildDir)) {
      // Renamed so that the next build's leftover cleanup (pid-named directories) leaves it alone.
      const kept = join(root, 'build', `kept-${recipe.name}-${timestamp()}`);
      try {
        if (existsSync(join(buildDir, runtimeFiles.spec))) writeFileSync(join(buildDir, runtimeFiles.spec), renderRuntimeYaml(recipe), { mode: 0o644 });
        renameSync(buildDir, kept);
        log.note(`kept build directory ${kept}`);
        emit({ type: 'kept', dir: kept });
      } catch (err) {
        log.note(`could not keep ${buildDir}: ${(err as Error).message}`);
      }
    } else rmSync(buildDir, { recursive: true, force: true });
    log.close();
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
      throw new BuildFailed('test', `test \`${test.run}\` printed output that does not match ${JSON.stringify(e)}`, output.trim().split('\n').slice(-15), log.file);
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

/** Moves the staged runtime to its final name (atomically replacing an old one when forced). */
function swapIn(staged: string, target: string, runtimesDir: string, name: string, force: boolean): boolean {
  if (!existsSync(target)) {
    renameSync(staged, target);
    return false;
  }
  if (!force) throw new UserError(`runtime ${name} was installed while building; use --force to replace it`, ExitCode.Busy);
  const trash = trashName(runtimesDir, name);
  renameSync(target, trash);
  renameSync(staged, target);
  rmSync(trash, { recursive: true, force: true });
  return true;
}
