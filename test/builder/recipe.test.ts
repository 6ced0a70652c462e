import { describe, expect, it } from 'vitest';
import { listShippedRecipes, parseRecipe, renderRuntimeYaml } from '../../src/runtimes/builder/recipe.js';
import { parseRuntimeSpec } from '../../src/runtimes/spec.js';
import { dpkgExcludes } from '../../src/runtimes/builder/trim.js';

const GOOD = `name: demo
version: "1.0"
base:
  distro: debian
  suite: bookworm
  variant: minbase
packages: [bash]
tests:
  - bash -c true
`;

const fails = (text: string) => {
  try {
    parseRecipe(text, 'r.yml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a parse error');
};

describe('recipes', () => {
  it('ships the required recipes, all valid', () => {
    const shipped = listShippedRecipes();
    const names = shipped.map((r) => r.name);
    for (const n of ['base', 'python-3.11-ml', 'python-2.7-legacy', 'python-3.13', 'openjdk-17', 'nodejs']) expect(names).toContain(n);
    for (const r of shipped) {
      expect(r.problem).toBeUndefined();
      expect(r.recipe!.name).toBe(r.name);
      expect(r.recipe!.tests.length).toBeGreaterThan(0);
    }
    const ml = shipped.find((r) => r.name === 'python-3.11-ml')!.recipe!;
    expect(ml.base.suite).toBe('bookworm');
    expect(ml.packages).toEqual(expect.arrayContaining(['python3', 'python3-torch', 'python3-numpy']));
    expect(ml.tests.some((t) => t.run.includes('import torch') && t.expect?.includes('1\\.13'))).toBe(true);
    expect(shipped.find((r) => r.name === 'python-2.7-legacy')!.recipe!.base.suite).toBe('bullseye');
    expect(shipped.find((r) => r.name === 'python-3.13')!.recipe!.base.suite).toBe('trixie');
  });

  it('parses a minimal recipe with defaults', () => {
    const r = parseRecipe(GOOD, 'r.yml');
    expect(r.environment).toEqual({ PATH: expect.stringContaining('/usr/bin'), LANG: 'C.UTF-8' });
    expect(r.workdir).toBe('/work');
    expect(r.writable).toEqual(['/tmp']);
    expect(r.trim).toMatchObject({ docs: true, man: true, info: true, apt: true, locales: true, keep_locales: ['C.UTF-8'] });
    expect(r.tests).toEqual([{ run: 'bash -c true' }]);
  });

  it('rejects unknown keys and bad values, naming the line', () => {
    expect(fails(GOOD + 'colour: blue\n')).toMatch(/^r\.yml:10: unknown key "colour"/);
    expect(fails(GOOD.replace('suite: bookworm', 'suite: jessie'))).toMatch(
      /^r\.yml:5: base\.suite "jessie" is not supported \(supported: bookworm, bullseye, trixie\)/,
    );
    expect(fails(GOOD.replace('variant: minbase', 'variant: buildd'))).toMatch(/^r\.yml:6: base\.variant/);
    expect(fails(GOOD.replace('distro: debian', 'distro: fedora'))).toMatch(/^r\.yml:4: base\.distro "fedora"/);
    expect(fails(GOOD.replace('version: "1.0"', 'version: 3.10'))).toMatch(/^r\.yml:2: version must be a string: quote it \("3\.10"\)/);
    expect(fails(GOOD.replace('packages: [bash]', 'packages: [Bash_X]'))).toMatch(/^r\.yml:7: "Bash_X" is not a valid Debian package name/);
    expect(fails(GOOD.replace('packages: [bash]', 'packages: bash'))).toMatch(/^r\.yml:7: packages must be a list/);
    expect(fails(GOOD.replace('  variant: minbase\n', '  variant: minbase\n  mirror: x\n'))).toMatch(/^r\.yml:7: unknown key "mirror" in base/);
    expect(fails(GOOD + 'trim:\n  docs: maybe\n')).toMatch(/^r\.yml:11: trim\.docs must be true or false/);
    expect(fails(GOOD + 'trim:\n  paths: [relative/x]\n')).toMatch(/^r\.yml:11: trim path "relative\/x"/);
    expect(fails(GOOD.replace('tests:\n  - bash -c true\n', ''))).toMatch(/missing required key "tests"/);
    expect(fails(GOOD.replace('name: demo', 'name: Demo!'))).toMatch(/^r\.yml:1: invalid runtime name/);
    expect(fails(GOOD + 'steps: [""]\n')).toMatch(/^r\.yml:10: a step must not be empty/);
    expect(fails(GOOD.replace('  - bash -c true', '  - run: x\n    expect: "/(/"'))).toMatch(/^r\.yml:10: test expect is not a valid regular expression/);
    expect(fails(GOOD.replace('  - bash -c true', '  - run: x\n    expect: /^1/m'))).toMatch(
      /^r\.yml:10: test expect: write a regular expression as \/like this\/ without flags/,
    );
    expect(fails('name: [')).toMatch(/^r\.yml:1: invalid YAML/);
  });

  it('renders a runtime.yml the store accepts, under the real or a temporary name', () => {
    const r = parseRecipe(GOOD + 'description: "a \\"quoted\\" thing"\nenvironment:\n  FOO: "a: b"\n', 'r.yml');
    const { spec, warnings } = parseRuntimeSpec(renderRuntimeYaml(r, 'rnx-build-1-demo'));
    expect(warnings).toEqual([]);
    expect(spec).toMatchObject({ name: 'rnx-build-1-demo', version: '1.0', description: 'a "quoted" thing', workdir: '/work', writable: ['/tmp'] });
    expect(spec.environment.FOO).toBe('a: b');
    expect(parseRuntimeSpec(renderRuntimeYaml(r)).spec.name).toBe('demo');
  });

  it('turns trim settings into dpkg path exclusions that keep copyright files', () => {
    const r = parseRecipe(GOOD + 'trim:\n  man: false\n', 'r.yml');
    const ex = dpkgExcludes(r.trim);
    expect(ex).toContain('path-exclude=/usr/share/doc/*');
    expect(ex).toContain('path-include=/usr/share/doc/*/copyright');
    expect(ex.some((l) => l.includes('/usr/share/man'))).toBe(false);
    expect(ex).toContain('path-include=/usr/share/locale/C.UTF-8/*');
  });
});
