import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseMirrors, readHostAptSources } from '../../src/runtimes/builder/mirror.js';

const dirs: string[] = [];
function etcApt(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'rnx-apt-'));
  dirs.push(d);
  mkdirSync(join(d, 'sources.list.d'));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  delete process.env.RNX_DEBIAN_MIRROR;
  delete process.env.RNX_DEBIAN_SECURITY_MIRROR;
});

describe('mirror selection from the host apt configuration', () => {
  it('reads deb822 .sources (skipping disabled entries and other file names)', () => {
    const d = etcApt({
      'sources.list.d/debian.sources':
        'Types: deb\nURIs: http://mirror.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb deb-src\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\nComponents: main contrib\n\nTypes: deb\nEnabled: no\nURIs: http://off.example/debian\nSuites: bookworm\nComponents: main\n',
      'sources.list.d/other.sources.disabled': 'Types: deb\nURIs: http://x.example/debian\nSuites: bookworm\nComponents: main\n',
    });
    expect(readHostAptSources(d).map((s) => s.uri)).toEqual(['http://mirror.example/debian', 'http://mirror.example/debian-security']);
    expect(chooseMirrors(undefined, d)).toMatchObject({ main: 'http://mirror.example/debian', security: 'http://mirror.example/debian-security' });
  });

  it('reads one-line sources.list and skips third-party repositories', () => {
    const d = etcApt({
      'sources.list':
        '# comment\ndeb [arch=amd64] https://vendor.example/apt stable main\ndeb-src http://m.example/debian bullseye main\ndeb http://m.example/debian bullseye main contrib\n',
    });
    const m = chooseMirrors(undefined, d);
    expect(m.main).toBe('http://m.example/debian');
    expect(m.security).toBe('http://m.example/debian-security');
  });

  it('prefers --mirror, then $RNX_DEBIAN_MIRROR, and fails clearly without any', () => {
    const d = etcApt({});
    expect(() => chooseMirrors(undefined, d)).toThrow(/cannot find a Debian mirror.*--mirror URL or set RNX_DEBIAN_MIRROR/);
    process.env.RNX_DEBIAN_MIRROR = 'http://env.example/debian/';
    expect(chooseMirrors(undefined, d)).toMatchObject({ main: 'http://env.example/debian', from: '$RNX_DEBIAN_MIRROR' });
    expect(chooseMirrors('http://flag.example/debian', d)).toMatchObject({ main: 'http://flag.example/debian', from: '--mirror' });
  });
});
