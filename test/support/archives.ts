// Hand-made tar archives, including hostile ones, written with Python's tarfile (it writes what it is told).
import { execFileSync } from 'node:child_process';

export type Member =
  | { name: string; type: 'file'; data?: string; mode?: number }
  | { name: string; type: 'dir'; mode?: number }
  | { name: string; type: 'symlink' | 'hardlink'; target: string }
  | { name: string; type: 'chardev' | 'fifo' };

const SCRIPT = `
import json, sys, tarfile, io
out, gz, members = sys.argv[1], sys.argv[2] == '1', json.loads(sys.stdin.read())
types = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'symlink': tarfile.SYMTYPE, 'hardlink': tarfile.LNKTYPE, 'chardev': tarfile.CHRTYPE, 'fifo': tarfile.FIFOTYPE}
with tarfile.open(out, 'w:gz' if gz else 'w', format=tarfile.PAX_FORMAT) as t:
    for m in members:
        info = tarfile.TarInfo(m['name'])
        info.type = types[m['type']]
        info.mode = m.get('mode', 0o755 if m['type'] == 'dir' else 0o644)
        if m['type'] in ('symlink', 'hardlink'):
            info.linkname = m['target']
        if m['type'] == 'chardev':
            info.devmajor, info.devminor = 1, 3
        data = m.get('data', '').encode()
        info.size = len(data) if m['type'] == 'file' else 0
        t.addfile(info, io.BytesIO(data) if m['type'] == 'file' else None)
`;

export function writeTar(out: string, members: Member[], gzip = true): void {
  execFileSync('python3', ['-c', SCRIPT, out, gzip ? '1' : '0'], { input: JSON.stringify(members) });
}

/** A minimal valid runtime archive plus extra members. */
export function runtimeMembers(name: string, extra: Member[] = []): Member[] {
  return [
    { name: 'runtime.yml', type: 'file', data: `name: ${name}\nversion: "1"\n` },
    { name: 'isolated', type: 'dir' },
    { name: 'isolated/bin', type: 'dir' },
    { name: 'isolated/bin/hello', type: 'file', data: '#!/bin/sh\necho hi\n', mode: 0o755 },
    ...extra,
  ];
}
