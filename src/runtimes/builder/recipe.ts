// Recipes: YAML files that say how to build a runtime from a distribution's packages.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isScalar, type Node } from 'yaml';
import { YamlFile } from '../../util/yaml-doc.js';
import { ExitCode, UserError } from '../../util/errors.js';
import { printable } from '../../util/printable.js';
import { runtimeNameProblem } from '../names.js';
import { cleanAbsolutePath } from '../paths.js';
import { absPath, oneLine, runtimeName } from '../spec.js';
import { DEFAULT_JOB_PATH } from '../paths.js';

export const SUITES = ['bookworm', 'bullseye', 'trixie'] as const;
export type Suite = (typeof SUITES)[number];
export const VARIANTS = ['minbase'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface RecipeTest {
  /** A shell command line, run as `/bin/sh -c RUN` inside the finished runtime through rnx-launch. */
  run: string;
  /** When set, the command's stdout+stderr must contain this text (or match it, when written /like this/). */
  expect?: string;
}

export interface RecipeTrim {
  /** /usr/share/doc (copyright files are kept). */
  docs: boolean;
  /** /usr/share/man */
  man: boolean;
  /** /usr/share/info */
  info: boolean;
  /** /var/lib/apt/lists/*, /var/cache/apt/*, /var/cache/debconf/*-old, /var/log/apt, dpkg logs */
  apt: boolean;
  /** Message catalogs and compiled locales, except those in `keep_locales`. */
  locales: boolean;
  keep_locales: string[];
  /** Further absolute paths (or shell globs) inside the tree to remove. */
  paths: string[];
}

export interface Recipe {
  name: string;
  version: string;
  description?: string;
  language?: string;
  base: { distro: 'debian'; suite: Suite; variant: Variant };
  packages: string[];
  environment: Record<string, string>;
  workdir: string;
  writable: string[];
  steps: string[];
  tests: RecipeTest[];
  trim: RecipeTrim;
  /** The file it was read from. */
  file: string;
}

const PACKAGE_RE = /^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$/;
const ENV_KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LOCALE_RE = /^[A-Za-z0-9_.@-]+$/;

const TOP_KEYS = ['name', 'version', 'description', 'language', 'base', 'packages', 'environment', 'workdir', 'writable', 'steps', 'tests', 'trim'];

/** Parses and strictly validates recipe text: unknown keys and bad values are errors naming the line. */
export function parseRecipe(text: string, file = 'recipe.yml'): Recipe {
  const y = YamlFile.parse(file, text);
  const r: Partial<Recipe> = {};
  const trim: RecipeTrim = { docs: true, man: true, info: true, apt: true, locales: true, keep_locales: ['C.UTF-8'], paths: [] };
  const environment: Record<string, string> = {};
  let sawBase = false;
  for (const [key, keyNode, value] of y.topMap()) {
    switch (key) {
      case 'name':
        r.name = runtimeName(y, value);
        break;
      case 'version':
        if (isScalar(value) && typeof value.value === 'number') {
          y.fail(value, `version must be a string: quote it ("${String(value.source ?? value.value)}") so YAML does not read it as a number`);
        }
        r.version = oneLine(y, value, 'version');
        break;
      case 'description':
        r.description = y.string(value, 'description').trim();
        break;
      case 'language':
        r.language = oneLine(y, value, 'language');
        break;
      case 'base':
        r.base = parseBase(y, value);
        sawBase = true;
        break;
      case 'packages': {
        const list: string[] = [];
        for (const { value: p, node } of y.stringList(value, 'packages')) {
          if (!PACKAGE_RE.test(p)) y.fail(node, `"${printable(p)}" is not a valid Debian package name`);
          if (list.includes(p)) y.fail(node, `package "${p}" is listed twice`);
          list.push(p);
        }
        r.packages = list;
        break;
      }
      case 'environment':
        for (const [k, kNode, v] of y.map(value, 'environment')) {
          if (!ENV_KEY_RE.test(k)) y.fail(kNode, `environment variable name "${printable(k)}" is not valid`);
          environment[k] = oneLine(y, v, `environment.${k}`);
        }
        break;
      case 'workdir':
        r.workdir = absPath(y, value, 'workdir');
        break;
      case 'writable':
        r.writable = y.seq(value, 'writable').map((n) => absPath(y, n, 'each writable path'));
        break;
      case 'steps':
        r.steps = y.stringList(value, 'steps').map(({ value: s, node }) => {
          if (!s.trim()) y.fail(node, 'a step must not be empty');
          return s;
        });
        break;
      case 'tests':
        r.tests = y.seq(value, 'tests').map((n) => parseTest(y, n));
        break;
      case 'trim':
        parseTrim(y, value, trim);
        break;
      default:
        y.fail(keyNode, `unknown key "${printable(key)}" (known keys: ${TOP_KEYS.join(', ')})`);
    }
  }
  const root = y.doc.contents as Node | null;
  for (const k of ['name', 'version'] as const) if (r[k] === undefined) y.fail(root, `missing required key "${k}"`);
  if (!sawBase || !r.base) y.fail(root, 'missing required key "base" (distro, suite, variant)');
  if (!r.tests?.length) y.fail(root, 'missing required key "tests": a recipe needs at least one test command');
  return {
    name: r.name!,
    version: r.version!,
    ...(r.description ? { description: r.description } : {}),
    ...(r.language ? { language: r.language } : {}),
    base: r.base!,
    packages: r.packages ?? [],
    environment: { PATH: DEFAULT_JOB_PATH, LANG: 'C.UTF-8', ...environment },
    workdir: r.workdir ?? '/work',
    writable: r.writable ?? ['/tmp'],
    steps: r.steps ?? [],
    tests: r.tests!,
    trim,
    file,
  };
}

function parseBase(y: YamlFile, node: Node | null): Recipe['base'] {
  let distro: string | undefined;
  let suite: string | undefined;
  let variant: string = 'minbase';
  for (const [k, kNode, v] of y.map(node, 'base')) {
    if (k === 'distro') {
      distro = y.string(v, 'base.distro');
      if (distro !== 'debian') y.fail(v, `base.distro "${printable(distro)}" is not supported (supported: debian)`);
    } else if (k === 'suite') {
      suite = y.string(v, 'base.suite');
      if (!(SUITES as readonly string[]).includes(suite)) y.fail(v, `base.suite "${printable(suite)}" is not supported (supported: ${SUITES.join(', ')})`);
    } else if (k === 'variant') {
      variant = y.string(v, 'base.variant');
      if (!(VARIANTS as readonly string[]).includes(variant))
        y.fail(v, `base.variant "${printable(variant)}" is not supported (supported: ${VARIANTS.join(', ')})`);
    } else y.fail(kNode, `unknown key "${printable(k)}" in base (known: distro, suite, variant)`);
  }
  if (!distro) y.fail(node, 'base needs "distro" (debian)');
  if (!suite) y.fail(node, `base needs "suite" (${SUITES.join(', ')})`);
  return { distro: 'debian', suite: suite as Suite, variant: variant as Variant };
}

function parseTest(y: YamlFile, node: Node | null): RecipeTest {
  if (isScalar(node)) {
    const run = y.string(node, 'each test');
    if (!run.trim()) y.fail(node, 'a test command must not be empty');
    return { run };
  }
  let run: string | undefined;
  let expect: string | undefined;
  for (const [k, kNode, v] of y.map(node, 'each test (a command, or a mapping with run and expect)')) {
    if (k === 'run') run = y.string(v, 'test run');
    else if (k === 'expect') {
      expect = y.string(v, 'test expect');
      if (/^\/.*\/[a-z]+$/s.test(expect)) {
        y.fail(
          v,
          'test expect: write a regular expression as /like this/ without flags (it always matches line by line); quote a plain text that looks like one',
        );
      }
      if (expect.length > 2 && expect.startsWith('/') && expect.endsWith('/')) {
        try {
          new RegExp(expect.slice(1, -1));
        } catch (err) {
          y.fail(v, `test expect is not a valid regular expression: ${(err as Error).message}`);
        }
      }
    } else y.fail(kNode, `unknown key "${printable(k)}" in a test (known: run, expect)`);
  }
  if (!run?.trim()) y.fail(node, 'a test needs "run": the command to run');
  return { run, ...(expect !== undefined ? { expect } : {}) };
}

function parseTrim(y: YamlFile, node: Node | null, trim: RecipeTrim): void {
  for (const [k, kNode, v] of y.map(node, 'trim')) {
    switch (k) {
      case 'docs':
      case 'man':
      case 'info':
      case 'apt':
      case 'locales':
        trim[k] = y.boolean(v, `trim.${k}`);
        break;
      case 'keep_locales':
        trim.keep_locales = y.stringList(v, 'trim.keep_locales').map(({ value, node: n }) => {
          if (!LOCALE_RE.test(value)) y.fail(n, `"${printable(value)}" is not a locale name`);
          return value;
        });
        break;
      case 'paths':
        trim.paths = y.stringList(v, 'trim.paths').map(({ value, node: n }) => {
          const clean = cleanAbsolutePath(value);
          if (!clean || clean === '/' || value.split('/').includes('..')) y.fail(n, `trim path "${printable(value)}" must be an absolute path inside the tree`);
          return clean;
        });
        break;
      default:
        y.fail(kNode, `unknown key "${printable(k)}" in trim (known: docs, man, info, apt, locales, keep_locales, paths)`);
    }
  }
}

/** Renders the runtime.yml of a runtime built from `recipe` (under `name`, normally the recipe's own). */
export function renderRuntimeYaml(recipe: Recipe, name = recipe.name): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    `# built by rnx from recipe ${recipe.name} (debian ${recipe.base.suite}, ${recipe.base.variant})`,
    `name: ${q(name)}`,
    `version: ${q(recipe.version)}`,
  ];
  if (recipe.description) lines.push(`description: ${q(recipe.description)}`);
  if (recipe.language) lines.push(`language: ${q(recipe.language)}`);
  lines.push(`workdir: ${q(recipe.workdir)}`);
  lines.push('environment:', ...Object.entries(recipe.environment).map(([k, v]) => `  ${k}: ${q(v)}`));
  if (recipe.writable.length) lines.push('writable:', ...recipe.writable.map((w) => `  - ${q(w)}`));
  return lines.join('\n') + '\n';
}

/** The recipes/ directory shipped with rnx ($RNX_RECIPES_DIR overrides). */
export function shippedRecipesDir(): string {
  if (process.env.RNX_RECIPES_DIR) return resolve(process.env.RNX_RECIPES_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'recipes'))) return join(dir, 'recipes');
    const up = dirname(dir);
    if (up === dir) throw new UserError('cannot find the shipped recipes/ directory (set RNX_RECIPES_DIR)');
    dir = up;
  }
}

export interface ShippedRecipe {
  name: string;
  file: string;
  recipe?: Recipe;
  problem?: string;
}

/** Every recipes/*.yml shipped with rnx, parsed (a recipe that does not parse is listed with its problem). */
export function listShippedRecipes(): ShippedRecipe[] {
  const dir = shippedRecipesDir();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const name = f.replace(/\.ya?ml$/, '');
      try {
        return { name, file, recipe: parseRecipe(readFileSync(file, 'utf8'), file) };
      } catch (err) {
        return { name, file, problem: (err as Error).message };
      }
    });
}

/** The shipped recipe called `name`, or undefined. */
export function findShippedRecipe(name: string): string | undefined {
  if (runtimeNameProblem(name)) return undefined;
  let dir: string;
  try {
    dir = shippedRecipesDir();
  } catch {
    return undefined;
  }
  for (const ext of ['yml', 'yaml']) {
    const file = join(dir, `${name}.${ext}`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Loads a recipe from a file path, or by the name of a shipped recipe. */
export function loadRecipe(fileOrName: string): Recipe {
  let file: string | undefined;
  if (existsSync(fileOrName) && statSync(fileOrName).isFile()) file = fileOrName;
  else if (!fileOrName.includes('/') && !/\.ya?ml$/.test(fileOrName)) file = findShippedRecipe(fileOrName);
  if (!file) {
    const shipped = listShippedRecipes().map((r) => r.name);
    throw new UserError(
      `${printable(fileOrName)}: no such recipe file or shipped recipe${shipped.length ? ` (shipped: ${shipped.join(', ')})` : ''}`,
      ExitCode.NotFound,
    );
  }
  return parseRecipe(readFileSync(file, 'utf8'), file);
}
