import { Command } from 'commander';
import { registerRuntimeCommands } from './commands/runtime.js';
import { registerJobCommands } from './commands/job.js';
import { registerSetupCommand } from './commands/setup.js';

export function buildProgram(): Command {
  const program = new Command('rnx')
    .description('Run jobs inside self-contained runtimes.\nWith no command on a terminal, opens the rnx terminal app.')
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
