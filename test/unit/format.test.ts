import { describe, expect, it } from 'vitest';
import { formatCommand } from '../../src/util/format.js';
import { isoTimestamp } from '../../src/util/time.js';

describe('formatCommand', () => {
  it.each([
    [['true'], 'true'],
    [['python', '-c', 'print(1)'], "python -c 'print(1)'"],
    [['sh', '-c', "echo 'hi'"], "sh -c 'echo '\\''hi'\\'''"],
    [['python', '-c', 'import os\nprint(os.getcwd())'], "python -c 'import os\\nprint(os.getcwd())'"],
    [['printf', '\x1b[2J\t'], "printf '\\x1b[2J\\t'"],
    [['echo', ''], "echo ''"],
    [['ls', '/usr/lib/x86_64-linux-gnu', 'KEY=a,b:c'], 'ls /usr/lib/x86_64-linux-gnu KEY=a,b:c'],
  ])('%j -> %s', (argv, shown) => {
    expect(formatCommand(argv)).toBe(shown);
  });
  it('never contains a line break or another control character', () => {
    const all = Array.from({ length: 160 }, (_, i) => String.fromCharCode(i)).join('');
    expect(formatCommand([all, all])).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('isoTimestamp', () => {
  it('is the text toISOString gives, for any time of any year', () => {
    const times = [
      0,
      1,
      999,
      1796161172645,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -1,
      Date.UTC(-5, 0, 1),
    ];
    for (let i = 0; i < 1000; i++) times.push(Math.floor(Math.random() * 4e12));
    for (const t of times) expect(isoTimestamp(new Date(t))).toBe(new Date(t).toISOString());
  });
});
