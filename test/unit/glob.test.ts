import { describe, expect, it } from 'vitest';
import { globToRegExp, isGlob } from '../../src/util/glob.js';

describe('globToRegExp: one path component', () => {
  it.each([
    ['*.so', 'libc.so', true],
    ['*.so', 'dir/libc.so', false],
    ['lib?.so', 'libc.so', true],
    ['lib?.so', 'libcc.so', false],
    ['[a-c]*', 'bash', true],
    ['[!a-c]*', 'bash', false],
    ['[!a-c]*', 'dash', true],
    ['a.b', 'axb', false],
    ['x[', 'x[', true],
    ['(1)+', '(1)+', true],
  ])('%s against %s: %s', (pattern, name, match) => {
    expect(globToRegExp(pattern).test(name)).toBe(match);
  });

  it('tells patterns from plain names', () => {
    expect(isGlob('*.conf')).toBe(true);
    expect(isGlob('[ab]')).toBe(true);
    expect(isGlob('ld.so.conf')).toBe(false);
  });
});
