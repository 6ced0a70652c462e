import { describe, expect, it } from 'vitest';
import { describeInstallEvent } from '../../src/runtimes/install-source.js';

describe('describeInstallEvent: the progress the app shows while installing', () => {
  it('numbers build phases as the CLI does: the first of seven is 1/7', () => {
    expect(describeInstallEvent({ type: 'build', event: { type: 'phase-start', phase: 'bootstrap', index: 1, total: 7 } })).toEqual({
      text: 'building: bootstrap (1/7)',
      fraction: 0,
    });
    expect(describeInstallEvent({ type: 'build', event: { type: 'phase-start', phase: 'install', index: 7, total: 7 } })?.text).toBe('building: install (7/7)');
  });

  it('shows unpacking as a percentage with its fraction, and warnings as they are', () => {
    expect(describeInstallEvent({ type: 'unpack', progress: { phase: 'extract', done: 50, total: 200 } })).toEqual({ text: 'extract: 25%', fraction: 0.25 });
    expect(describeInstallEvent({ type: 'warning', text: 'unknown key "x" ignored' })?.text).toBe('warning: unknown key "x" ignored');
    expect(describeInstallEvent({ type: 'build', event: { type: 'log', file: '/var/log/rnx/x.log' } })).toBeUndefined();
  });
});
