import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readElf } from '../../src/runtimes/check/elf.js';
import { checkTree, parseShebang } from '../../src/runtimes/check/check.js';
import { makeElf, type ElfSpec } from './elf-fixtures.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rnx-check-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function parse(spec: ElfSpec) {
  const file = join(work, `elf-${Math.random().toString(36).slice(2)}`);
  const buf = makeElf(spec);
  writeFileSync(file, buf);
  const fh = await open(file, 'r');
  try {
    return await readElf(fh, buf.subarray(0, 64), buf.length);
  } finally {
    await fh.close();
  }
}

describe('ELF reader', () => {
  for (const bits of [64, 32] as const) {
    for (const littleEndian of [true, false]) {
      it(`reads PT_INTERP, DT_NEEDED, RPATH, RUNPATH and SONAME of ELF${bits} ${littleEndian ? 'little' : 'big'}-endian`, async () => {
        const info = await parse({
          bits,
          littleEndian,
          machine: 21,
          interp: '/lib/ld.so.1',
          needed: ['libc.so.6', 'libm.so.6'],
          rpath: '/opt/a:/opt/b',
          runpath: '$ORIGIN/../lib',
          soname: 'libx.so.1',
        });
        expect(info).toMatchObject({
          bits,
          littleEndian,
          machine: 21,
          type: 3,
          interp: '/lib/ld.so.1',
          needed: ['libc.so.6', 'libm.so.6'],
          rpath: ['/opt/a', '/opt/b'],
          runpath: ['$ORIGIN/../lib'],
          soname: 'libx.so.1',
        });
        expect(info!.problem).toBeUndefined();
      });
    }
  }

  it('ignores relocatable objects and reports corrupt headers instead of crashing', async () => {
    expect(await parse({ type: 1 })).toBeUndefined();
    const buf = makeElf({ needed: ['libc.so.6'] });
    buf.writeBigUInt64LE(BigInt(1) << BigInt(40), 32); // e_phoff far beyond the file
    const file = join(work, 'corrupt');
    writeFileSync(file, buf);
    const fh = await open(file, 'r');
    const info = await readElf(fh, buf.subarray(0, 64), buf.length);
    await fh.close();
    expect(info?.problem).toMatch(/program header/);
  });

  it('parses #! lines', () => {
    expect(parseShebang(Buffer.from('#!/bin/sh -e\necho'))).toEqual({ interp: '/bin/sh', arg: '-e' });
    expect(parseShebang(Buffer.from('#! /usr/bin/env  python3\n'))).toEqual({ interp: '/usr/bin/env', arg: 'python3' });
    expect(parseShebang(Buffer.from('#!\n'))).toBeUndefined();
  });
});

function put(tree: string, path: string, content: Buffer | string, mode = 0o755): void {
  const p = join(tree, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  chmodSync(p, mode);
}
function link(tree: string, path: string, target: string): void {
  const p = join(tree, path);
  mkdirSync(dirname(p), { recursive: true });
  symlinkSync(target, p);
}

describe('self-containment check', () => {
  let tree: string;
  beforeAll(() => {
    tree = join(work, 'tree');
    // merged-/usr layout with absolute symlinks, which must resolve inside the tree
    link(tree, 'lib', '/usr/lib');
    link(tree, 'lib64', 'usr/lib64');
    link(tree, 'bin', '/usr/bin');
    put(tree, 'usr/lib64/ld-linux-x86-64.so.2', makeElf({ soname: 'ld-linux-x86-64.so.2' }));
    put(tree, 'usr/lib/x86_64-linux-gnu/libc.so.6', makeElf({ soname: 'libc.so.6' }), 0o644);
    put(tree, 'usr/lib/app/libfoo.so.1', makeElf({ needed: ['libc.so.6'] }), 0o644);
    put(tree, 'opt/libs/libbar.so.2.0.0', makeElf({ needed: ['libc.so.6'] }), 0o644);
    link(tree, 'opt/libs/libbar.so.2', 'libbar.so.2.0.0');
    put(tree, 'etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n', 0o644);
    put(tree, 'etc/ld.so.conf.d/libs.conf', '# extra\n/opt/libs\n', 0o644);
    put(tree, 'etc/ld.so.conf.d/ignored.txt', '/nowhere\n', 0o644);
    // a 32-bit library with the same name earlier on the path must be skipped
    put(tree, 'usr/local/lib/libbar.so.2', makeElf({ bits: 32, machine: 3 }), 0o644);
    put(
      tree,
      'usr/bin/app',
      makeElf({ type: 2, interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libfoo.so.1', 'libbar.so.2', 'libc.so.6'], runpath: '$ORIGIN/../lib/app' }),
    );
    put(tree, 'usr/bin/sh', makeElf({ interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'] }));
    link(tree, 'usr/bin/env', 'sh');
    put(tree, 'usr/bin/ok-script', '#!/bin/sh\necho hi\n');
    put(tree, 'usr/bin/env-script', '#!/usr/bin/env sh\necho hi\n');
    put(tree, 'usr/share/not-executable.py', '#!/usr/bin/python9\n', 0o644);
    // OpenJDK-style: libjvm.so lives off the search path and is loaded first by the program
    put(tree, 'usr/lib/jvm/lib/server/libjvm.so', makeElf({ soname: 'libjvm.so', needed: ['libc.so.6'] }), 0o644);
    put(tree, 'usr/lib/jvm/lib/libjava.so', makeElf({ needed: ['libjvm.so', 'libc.so.6'] }), 0o644);
  });

  it('passes a self-contained tree (ld.so.conf include globs, $ORIGIN runpath, class matching, absolute links inside the tree)', async () => {
    const r = await checkTree(tree);
    expect(r.missing).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.elfFiles).toBe(9);
    expect(r.preloaded).toBe(1);
    expect(r.scripts).toBe(2);
  });

  it('names each missing library, interpreter and #! interpreter with the file that needs it', async () => {
    const bad = join(work, 'bad');
    rmSync(bad, { recursive: true, force: true });
    mkdirSync(bad);
    link(bad, 'lib64', '/usr/lib64');
    put(bad, 'usr/lib64/ld-linux-x86-64.so.2', makeElf());
    // only a 32-bit libc: a 64-bit program cannot use it
    put(bad, 'usr/lib/x86_64-linux-gnu/libc.so.6', makeElf({ bits: 32, machine: 3 }));
    put(bad, 'usr/bin/prog', makeElf({ interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6', 'libgone.so.3'] }));
    put(bad, 'usr/bin/noloader', makeElf({ interp: '/lib/ld-musl-x86_64.so.1' }));
    put(bad, 'usr/bin/script', '#!/usr/bin/perl -w\n');
    put(bad, 'usr/bin/envscript', makeElf()); // placeholder to keep a file named like a program
    put(bad, 'usr/bin/env', makeElf());
    put(bad, 'usr/bin/runs-ruby', '#!/usr/bin/env ruby\n');
    // a program (unlike a library) gets no SONAME leniency for a library off the search path
    put(bad, 'opt/jvm/libjvm.so', makeElf({ soname: 'libjvm.so' }), 0o644);
    put(bad, 'usr/bin/needs-jvm', makeElf({ interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libjvm.so'] }));
    const r = await checkTree(bad);
    expect(r.ok).toBe(false);
    const got = r.missing.map((m) => `${m.file} ${m.kind} ${m.need}`);
    expect(got).toEqual(
      expect.arrayContaining([
        '/usr/bin/prog library libc.so.6',
        '/usr/bin/prog library libgone.so.3',
        '/usr/bin/noloader interpreter /lib/ld-musl-x86_64.so.1',
        '/usr/bin/script script-interpreter /usr/bin/perl',
        '/usr/bin/runs-ruby script-interpreter /usr/bin/env ruby',
        '/usr/bin/needs-jvm library libjvm.so',
      ]),
    );
    expect(r.missing).toHaveLength(6);
  });

  it('never resolves through to the host: absolute and ../ links stay inside the tree', async () => {
    const t = join(work, 'escape');
    rmSync(t, { recursive: true, force: true });
    mkdirSync(t);
    put(t, 'ld.so', makeElf());
    // /bin/sh and the host's libc exist on the host, but not in this tree
    link(t, 'usr/lib/x86_64-linux-gnu', '../../../../../../usr/lib/x86_64-linux-gnu');
    link(t, 'lib64', '/lib64');
    put(t, 'prog', makeElf({ interp: '/ld.so', needed: ['libc.so.6'] }));
    put(t, 'prog2', makeElf({ interp: '/lib64/ld-linux-x86-64.so.2' }));
    put(t, 'script', '#!/bin/sh\n');
    link(t, 'loop', 'loop');
    put(t, 'prog3', makeElf({ interp: '/loop/ld.so' }));
    const r = await checkTree(t);
    expect(r.missing.map((m) => `${m.file} ${m.need}`).sort()).toEqual([
      '/prog libc.so.6',
      '/prog2 /lib64/ld-linux-x86-64.so.2',
      '/prog3 /loop/ld.so',
      '/script /bin/sh',
    ]);
  });
});
