import type { Command } from 'commander';

export function registerSetupCommand(program: Command): void {
  program
    .command('setup')
    .description('install the setuid launcher (/usr/local/libexec/rnx/rnx-launch) and its policy /etc/rnx/launcher.conf (root)')
    .action(async () => {
      const { requireRoot } = await import('../../runtimes/privileges.js');
      requireRoot('rnx setup', 'rnx setup');
      const { installLauncher } = await import('../../launcher/install.js');
      const s = installLauncher();
      const lines = [
        `${s.launcherUpdated ? 'installed' : 'up to date'}: ${s.launcher} (root:root, setuid)`,
        `${s.followerUpdated ? 'installed' : 'up to date'}: ${s.follower}`,
        `${s.confCreated ? 'wrote' : 'kept'}: ${s.conf}`,
        ...s.dirsCreated.map((d) => `created: ${d}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
