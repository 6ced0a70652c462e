// The job path is one bundled file (dist/fast-path.cjs) whose start-up is its whole point: it may load only the
// few Node built-ins it needs, and nothing from node_modules (commander, yaml, tar, React …) at all.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BUNDLE = fileURLToPath(new URL('../../dist/fast-path.cjs', import.meta.url));
/** What it loads at start-up. child_process is loaded on demand only (process.getBuiltinModule) to stop a job. */
const ALLOWED_REQUIRES = ['node:fs', 'node:os', 'node:path'];
const ALLOWED_ON_DEMAND = ['node:child_process'];

describe.runIf(existsSync(BUNDLE))('dist/fast-path.cjs', () => {
  const text = existsSync(BUNDLE) ? readFileSync(BUNDLE, 'utf8') : '';

  it('requires only the Node built-ins the job path needs', () => {
    const required = [...text.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    expect([...new Set(required)].filter((r) => !ALLOWED_REQUIRES.includes(r!))).toEqual([]);
  });

  it('loads nothing else on demand, and has no dynamic import or require of a computed name', () => {
    const onDemand = [...text.matchAll(/getBuiltinModule\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect([...new Set(onDemand)].filter((r) => !ALLOWED_ON_DEMAND.includes(r!))).toEqual([]);
    expect(text).not.toMatch(/\bimport\(/);
    expect(text).not.toMatch(/\brequire\(\s*[^"'`\s)]/);
    expect(text).not.toMatch(/node_modules/);
  });

  it("bundles only the project's own modules (rolldown marks each with a path comment)", () => {
    const modules = [...text.matchAll(/^\/\/ ((?:dist|node_modules)\/\S+)$/gm)].map((m) => m[1]!);
    expect(modules.length).toBeGreaterThan(5);
    expect(modules.filter((m) => !m.startsWith('dist/src/'))).toEqual([]);
    // the job path is core code: no CLI framework, app, stores or views
    expect(modules.filter((m) => /^dist\/src\/(tui|state)\/|^dist\/components\//.test(m))).toEqual([]);
  });
});
