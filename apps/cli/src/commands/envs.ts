import type { Command } from 'commander';
import { Session } from '../session';
import { readConfig } from '../settings';

/** envs list */
export function registerEnvsCommands(program: Command): void {
  const envs = program.command('envs').description("List an app's environments");

  envs
    .command('list')
    .alias('ls')
    .description("List the app's environments (* marks the one selected with `superflag use`)")
    .action(async (_options: unknown, command: Command) => {
      const session = Session.of(command);
      const app = await session.app();
      const { data } = await session.request('Loading environments', (api) =>
        api.GET('/api/v1/envs', { params: { query: { appId: app.id } } }),
      );
      const config = readConfig();
      const current = session.options.env ?? process.env.SUPERFLAG_ENV ?? (config.app?.id === app.id ? config.env : undefined);
      session.out.result(data, () =>
        session.out.table(
          data,
          [
            { header: 'NAME', value: (e) => `${e.name === current || e.id === current ? '* ' : '  '}${e.name}` },
            { header: 'ID', value: (e) => e.id },
          ],
          `${app.name} has no environments.`,
        ),
      );
    });
}
