import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { parseCores, parseCpu, parseDuration, parseEnvAssignment, parseMemory, parsePids } from '../../src/jobs/limits.js';

describe('limits', () => {
  it('parses memory sizes', () => {
    expect(parseMemory('512M')).toBe(512 * 1024 ** 2);
    expect(parseMemory('2g')).toBe(2 * 1024 ** 3);
    expect(parseMemory('1.5G')).toBe(1.5 * 1024 ** 3);
    expect(parseMemory('1048576')).toBe(1048576);
    expect(parseMemory('64MiB')).toBe(64 * 1024 ** 2);
  });
  it.each(['512X', '-1', '', 'M', '1K', '99999999999999999999T', '5 M'])('refuses memory %j', (t) => {
    expect(() => parseMemory(t)).toThrow(/invalid memory limit/);
  });
  it('parses cpu, pids, durations, cores, env', () => {
    expect(parseCpu('50')).toBe(50);
    expect(parsePids('256')).toBe(256);
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('2h')).toBe(7200);
    expect(parseCores('0')).toBe('0');
    expect(parseEnvAssignment('A=b=c')).toEqual(['A', 'b=c']);
    expect(parseEnvAssignment('A=')).toEqual(['A', '']);
    expect(parseEnvAssignment('TOKEN', { TOKEN: 's3cret' })).toEqual(['TOKEN', 's3cret']);
    expect(parseEnvAssignment('A=x', { A: 'ignored' })).toEqual(['A', 'x']);
    expect(() => parseEnvAssignment('TOKEN', {})).toThrow(/TOKEN is not set in your environment/);
  });
  it.each(['150%', '-1', '0', '', '1.5', String(availableParallelism() * 100 + 1)])('refuses cpu %j', (t) => {
    expect(() => parseCpu(t)).toThrow(/invalid CPU limit/);
  });
  it.each(['-1', '0', 'x', ''])('refuses pids %j', (t) => expect(() => parsePids(t)).toThrow(/invalid pids/));
  it.each(['-1', '0', '10x', '1.5m', ''])('refuses timeout %j', (t) => expect(() => parseDuration(t)).toThrow(/invalid timeout/));
  it.each(['a', '0-', String(availableParallelism()), '1-0'])('refuses cores %j', (t) => expect(() => parseCores(t)).toThrow(/invalid core list/));
  it.each(['=x', 'A', '1A=x', 'A-B=x'])('refuses env %j', (t) => expect(() => parseEnvAssignment(t)).toThrow(/invalid environment/));
});
