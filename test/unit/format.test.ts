import { describe, expect, it } from 'vitest';
import { formatCommand } from '../../src/util/format.js';

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
