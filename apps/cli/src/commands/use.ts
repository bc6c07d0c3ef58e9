import type { Command } from 'commander';
import { CliError } from '../errors';
import { Session } from '../session';
import { configPath, saveConfig } from '../settings';

/** use APP ENV: the default app and environment for every other command. */
export function registerUseCommand(program: Command): void {
  program
    .command('use')
    .description('Select the app and environment the other commands work on (saved in ~/.superflag/config.json)')
    .argument('<app>', 'the app name or id')
    .argument('<env>', 'the environment name or id, e.g. production')
    .addHelpText('after', '\nEvery command also takes --app and --env (or SUPERFLAG_APP / SUPERFLAG_ENV) to override the selection.')
    .action(async (ref: string, envRef: string, _options: unknown, command: Command) => {
      const session = Session.of(command);
      const app = await session.findApp(ref);
      const { data: envs } = await session.request('Loading environments', (api) =>
        api.GET('/api/v1/envs', { params: { query: { appId: app.id } } }),
      );
      const env = envs.find((e) => e.name === envRef || e.id === envRef);
      if (!env) throw new CliError(`Environment not found: ${envRef} (${app.name} has ${envs.map((e) => e.name).join(', ')})`);
      saveConfig({ app, env: env.name });
      session.out.result({ app, env }, () => {
        session.out.success(`Using ${app.name}/${env.name}`);
        session.out.say(`Saved to ${configPath()}`);
      });
    });
}
