import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineRing, OutputTail, sanitizeLine } from '../../src/state/output-tail.js';
import { createOutputStore } from '../../src/state/output-store.js';
import { buildTree, flatten, resolveInTree } from '../../src/state/tree-model.js';
import { createUsageStore, sparkline } from '../../src/state/usage-store.js';
import type { JobRecord } from '../../src/jobs/types.js';
import type { ManifestEntry } from '../../src/runtimes/manifest.js';

const file = () => join(mkdtempSync(join(tmpdir(), 'rnx-tail-')), 'output.log');

describe('output tail', () => {
  it('counts every line, keeps the last ones, and shows the unfinished last line', async () => {
    const f = file();
    writeFileSync(f, 'a\nb\nc');
    const t = new OutputTail(f, { capacity: 2 });
    expect(await t.poll()).toBe(true);
    expect(t.total).toBe(2);
    expect(t.lineCount).toBe(3);
    expect([t.line(0), t.line(1), t.line(2)]).toEqual(['a', 'b', 'c']);
    appendFileSync(f, 'c-continued\nd\n');
    await t.poll();
    expect(t.total).toBe(4);
    expect(t.firstRetained).toBe(2);
    expect([t.line(2), t.line(3)]).toEqual(['cc-continued', 'd']);
    expect(t.held(0)).toBe(false);
    expect(await t.poll()).toBe(false);
    await t.close();
  });

  it('decodes only the lines it can hold from a huge chunk', () => {
    const t = new OutputTail('/nonexistent', { capacity: 1000 });
    const chunk = Buffer.from(Array.from({ length: 100_000 }, (_, i) => `n${i}`).join('\n') + '\n');
    t.ingest(chunk);
    expect(t.total).toBe(100_000);
    expect(t.ring.count).toBe(1000);
    expect(t.line(99_999)).toBe('n99999');
    expect(t.line(99_000)).toBe('n99000');
  });

  it('bounds memory by characters too, and cuts long lines', () => {
    const ring = new LineRing(100, 50);
    for (let i = 0; i < 10; i++) ring.push('x'.repeat(20));
    expect(ring.count).toBe(2);
    expect(sanitizeLine('y'.repeat(100), 10)).toBe('yyyyyyyyy…');
  });

  it('strips escape sequences and control characters, expands tabs, keeps the text after a carriage return', () => {
    expect(sanitizeLine('\u001b[31mred\u001b[0m text', 100)).toBe('red text');
    expect(sanitizeLine('a\tb', 100)).toBe('a       b');
    expect(sanitizeLine('10%\r50%\r100%', 100)).toBe('100%');
    expect(sanitizeLine('bell\u0007', 100)).toBe('bell?');
    expect(sanitizeLine('\u001b]0;title\u0007x', 100)).toBe('x');
  });

  it('skips ahead when far behind, estimating the line count', async () => {
    const f = file();
    writeFileSync(f, 'l\n'.repeat(1000));
    const t = new OutputTail(f, { skipThreshold: 100, resumeBytes: 10 });
    await t.poll();
    expect(t.skippedBytes).toBe(1990);
    expect(t.total).toBe(1000);
    await t.close();
  });

  it('searches backwards from the end and wraps around', async () => {
    const f = file();
    writeFileSync(f, 'alpha\nbeta\nalpha two\ngamma\n');
    const t = new OutputTail(f);
    await t.poll();
    expect(t.find('ALPHA', 3, -1)).toBe(2);
    expect(t.find('alpha', 1, -1)).toBe(0);
    expect(t.find('alpha', 3, 1)).toBe(0);
    expect(t.find('zeta', 3, 1)).toBeUndefined();
    await t.close();
  });

  it('updates its store at most once per tick, and keeps the view put while scrolled back', async () => {
    const f = file();
    writeFileSync(f, Array.from({ length: 100 }, (_, i) => `l${i}`).join('\n') + '\n');
    const out = createOutputStore();
    let updates = 0;
    out.subscribe(() => updates++);
    out.getState().open('job', f);
    out.getState().setHeight(10);
    await new Promise((r) => setTimeout(r, 50));
    await out.getState().tick();
    expect(out.getState().lines).toBe(100);
    const before = updates;
    appendFileSync(f, 'x\n'.repeat(5000));
    await out.getState().tick(); // a burst right after an update waits for the next redraw slot
    expect(updates - before).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    await out.getState().tick();
    await out.getState().tick();
    expect(updates - before).toBe(1);
    expect(out.getState().lines).toBe(5100);
    out.getState().scroll(-5);
    expect(out.getState().follow).toBe(false);
    const top = out.getState().top;
    appendFileSync(f, 'y\n');
    await out.getState().tick();
    expect(out.getState().top).toBe(top);
    out.getState().toEnd();
    expect(out.getState().follow).toBe(true);
    await out.getState().close();
  });
});

describe('tree model', () => {
  const e = (path: string, type: ManifestEntry['type'], extra: Partial<ManifestEntry> = {}): ManifestEntry => ({ path, type, mode: 0o755, size: 10, ...extra });
  const tree = buildTree([
    e('.', 'dir'),
    e('bin', 'symlink', { target: 'usr/bin' }),
    e('usr', 'dir'),
    e('usr/bin', 'dir'),
    e('usr/bin/busybox', 'file', { size: 1000 }),
    e('usr/bin/sh', 'symlink', { target: 'busybox' }),
    e('usr/lib', 'dir'),
    e('usr/lib/loop', 'symlink', { target: '/usr/lib/loop' }),
    e('usr/lib/up', 'symlink', { target: '../../../../../usr/bin/sh' }),
  ]);

  it('sums sizes and sorts directories first', () => {
    expect(tree.byPath.get('usr')!.total).toBe(10 + 10 + 1000 + 10 + 10 + 10 + 10);
    expect(flatten(tree, new Set()).map((r) => r.node.name)).toEqual(['usr', 'bin']);
    expect(flatten(tree, new Set(['usr'])).map((r) => r.node.path)).toEqual(['usr', 'usr/bin', 'usr/lib', 'bin']);
  });

  it('resolves links inside the tree only', () => {
    expect(resolveInTree(tree, 'bin/sh')).toMatchObject({ ok: true, path: '/usr/bin/busybox' });
    expect(resolveInTree(tree, 'usr/lib/up')).toMatchObject({ ok: true, path: '/usr/bin/busybox' });
    expect(resolveInTree(tree, 'usr/lib/loop')).toMatchObject({ ok: false, reason: 'too many levels of symbolic links' });
    expect(resolveInTree(tree, 'usr/nothing')).toMatchObject({ ok: false });
  });
});

describe('sparkline', () => {
  it('draws block glyphs scaled to a maximum, right-aligned', () => {
    expect(sparkline([0, 50, 100], 5, 100)).toBe('  ▁▅█');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▆█');
    expect(sparkline([0, 100], 2, 100, ['_', '#'])).toBe('_#');
  });
});

describe('usage history', () => {
  it("keeps each job's samples when the selection moves away and back", () => {
    let usec = 0;
    const u = createUsageStore(() => ({ cpuUsec: (usec += 100_000), memoryCurrent: 8 << 20 }));
    const job = (id: string) =>
      ({ id, state: 'running', cgroupMode: 'v2', cgroups: { unified: `/cg/${id}` }, limits: { network: 'none' } }) as unknown as JobRecord;
    for (let i = 0; i < 3; i++) u.getState().sample(job('a'));
    expect(u.getState().memory.length).toBe(3);
    u.getState().sample(job('b'));
    expect(u.getState().jobId).toBe('b');
    expect(u.getState().memory.length).toBe(1);
    u.getState().sample(job('a'));
    expect(u.getState().jobId).toBe('a');
    expect(u.getState().memory.length).toBe(4);
    expect(u.getState().samples).toBe(4);
  });
});
