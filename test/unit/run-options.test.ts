import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../src/cli/run-options.js';

describe('job run arguments', () => {
  it("keeps the command's own flags for the command", () => {
    const p = parseRunArgs(['--runtime=python-3.11-ml', 'python', '-c', 'import torch; print(torch.__version__)']);
    expect(p?.command).toEqual(['python', '-c', 'import torch; print(torch.__version__)']);
    expect(p?.opts).toMatchObject({ runtime: 'python-3.11-ml', network: 'none', env: [] });
  });
  it('reads every option, with values inline or apart, and repeatable -e', () => {
    const p = parseRunArgs([
      '--runtime',
      'a',
      '--name=n',
      '--memory',
      '512M',
      '--cpu',
      '50',
      '--pids=9',
      '--cores',
      '0',
      '--network',
      'host',
      '--workdir',
      '/w',
      '-e',
      'A=1',
      '--env=B=2',
      '--timeout',
      '10m',
      '-d',
      'sh',
      '-c',
      'x',
      '--memory',
      '1G',
    ]);
    expect(p?.opts).toEqual({
      runtime: 'a',
      name: 'n',
      memory: '512M',
      cpu: '50',
      pids: '9',
      cores: '0',
      network: 'host',
      workdir: '/w',
      env: ['A=1', 'B=2'],
      timeout: '10m',
      detach: true,
    });
    expect(p?.command).toEqual(['sh', '-c', 'x', '--memory', '1G']);
  });
  it('takes a value apart from its option as it is, even with a leading dash; the last of a repeated option wins', () => {
    expect(parseRunArgs(['--runtime', 'a', '--memory', '-1', '--cpu', '5', '--cpu=7', 'true'])?.opts).toMatchObject({ memory: '-1', cpu: '7' });
    expect(parseRunArgs(['-d', '--runtime', 'a', '-e', 'X=-y', 'true'])?.opts).toMatchObject({ detach: true, env: ['X=-y'] });
  });
  it('`--` ends the options', () => {
    expect(parseRunArgs(['--runtime', 'a', '--', '--weird', 'x'])?.command).toEqual(['--weird', 'x']);
  });
  it('leaves --help before the command to the help printer, and after it to the command', () => {
    expect(parseRunArgs(['--runtime', 'a', '--help'])).toBeUndefined();
    expect(parseRunArgs(['--runtime', 'a', 'python', '--help'])?.command).toEqual(['python', '--help']);
  });
  it.each([
    [['true'], /required option '--runtime <name>'/],
    [['--runtime', 'a'], /no command given/],
    [['--runtime', 'a', '--bogus', 'true'], /job run: unknown option '--bogus'/],
    [['--runtime', 'a', '--bogus=1', 'true'], /job run: unknown option '--bogus'/],
    [['--runtime', 'a', '-x', 'true'], /job run: unknown option '-x'/],
    [['--runtime', 'a', '--network', 'wifi', 'true'], /--network must be one of none, host \(got "wifi"\)/],
    [['--runtime', 'a', '--network=wifi', 'true'], /--network must be one of none, host/],
    [['--runtime', 'a', '--detach=yes', 'true'], /option '--detach' takes no value/],
    [['--runtime', 'a', '--memory'], /option '--memory <size>' needs a value/],
    [['--runtime', 'a', '-e'], /option '-e <KEY\[=VALUE\]>' needs a value/],
    [['--runtime=', 'true'], /required option '--runtime <name>'/],
  ])('refuses %j', (args, message) => {
    expect(() => parseRunArgs(args)).toThrow(message);
  });
});
