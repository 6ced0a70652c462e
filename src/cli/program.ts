import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { packageRoot } from '../launcher/paths.js';
import { registerRuntimeCommands } from './commands/runtime.js';
import { registerJobCommands } from './commands/job.js';
import { registerSetupCommand } from './commands/setup.js';

export function buildProgram(): Command {
  const program = new Command('rnx')
    .description('Run jobs inside self-contained runtimes.\nWith no command on a terminal, opens the rnx terminal app.')
    .version(packageVersion(), '-V, --version', 'print the version of rnx')
    .option('--root <dir>', 'runtime store root (default: $RNX_ROOT or /opt/rnx)')
    .option('--readonly', 'terminal app: hide every action that changes something')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'rnx: ')) })
    .exitOverride();
  registerRuntimeCommands(program);
  registerJobCommands(program);
  registerSetupCommand(program);
  return program;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
