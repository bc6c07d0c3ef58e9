import type { Command } from 'commander';
import { shortDate } from '../output';
import { confirm } from '../prompt';
import { Session } from '../session';
import { readConfig, saveConfig } from '../settings';

/** apps list | create NAME | delete APP */
export function registerAppsCommands(program: Command): void {
  const apps = program.command('apps').description('List, create and delete apps');

  apps
    .command('list')
    .alias('ls')
    .description('List your apps (* marks the one selected with `superflag use`)')
    .action(async (_options: unknown, command: Command) => {
      const session = Session.of(command);
      const { data } = await session.request('Loading apps', (api) => api.GET('/api/v1/apps'));
      const current = readConfig().app?.id;
      session.out.result(data, () =>
        session.out.table(
          data,
          [
            { header: 'NAME', value: (a) => `${a.id === current ? '* ' : '  '}${a.name}` },
            { header: 'ID', value: (a) => a.id },
            { header: 'ROLE', value: (a) => a.role },
            { header: 'CREATED', value: (a) => shortDate(a.createdAt) },
          ],
          'No apps yet: create one with `superflag apps create NAME`.',
        ),
      );
    });

  apps
    .command('create')
    .description('Create an app with its development, staging and production environments')
    .argument('<name>', '1–64 characters of a-z, 0-9, - and _')
    .action(async (name: string, _options: unknown, command: Command) => {
      const session = Session.of(command);
      const { data: app } = await session.request('Creating the app', (api) => api.POST('/api/v1/apps', { body: { name } }));
      session.out.result(app, () => {
        session.out.success(`Created app ${app.name} (${app.id}) with environments development, staging and production`);
        session.out.say(`Select it with: superflag use ${app.name} production`);
      });
    });

  apps
    .command('delete')
    .alias('rm')
    .description('Delete an app and everything in it: environments, flags, keys, history')
    .argument('<app>', 'the app name or id')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action(async (ref: string, options: { yes?: boolean }, command: Command) => {
      const session = Session.of(command);
      const app = await session.findApp(ref);
      if (!options.yes) await confirm(`This deletes ${app.name} (${app.id}) and all its flags and keys, for good.`, app.name);
      const { data } = await session.request('Deleting the app', (api) =>
        api.DELETE('/api/v1/apps/{id}', { params: { path: { id: app.id } } }),
      );
      const config = readConfig();
      if (config.app?.id === app.id) saveConfig({});
      session.out.result(data, () => session.out.success(`Deleted app ${app.name} (${app.id})`));
    });
}
