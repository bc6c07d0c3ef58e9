import { Argument, type Command } from 'commander';
import type { KeyType } from '../api/client';
import { bold, shortDate } from '../output';
import { describeTarget, Session } from '../session';

const KEY_TYPES: readonly KeyType[] = ['pub', 'sdk'];

/** keys list | create pub|sdk | revoke KEY_ID: the environment's runtime keys. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("Manage the environment's runtime keys (pub_ for clients, sdk_ for servers)");

  keys
    .command('list')
    .alias('ls')
    .description("List the environment's active keys (never the secret)")
    .action(async (_options: unknown, command: Command) => {
      const session = Session.of(command);
      const target = await session.target();
      const { data } = await session.request('Loading keys', (api) =>
        api.GET('/api/v1/keys', { params: { query: { appId: target.app.id, env: target.env } } }),
      );
      session.out.result(data, () =>
        session.out.table(
          data,
          [
            { header: 'ID', value: (k) => k.id },
            { header: 'TYPE', value: (k) => k.type },
            { header: 'KEY', value: (k) => `${k.prefix}…${k.last4}` },
            { header: 'NAME', value: (k) => k.name ?? '' },
            { header: 'CREATED', value: (k) => shortDate(k.createdAt) },
            { header: 'LAST USED', value: (k) => shortDate(k.lastUsedAt) },
          ],
          `No keys in ${describeTarget(target)}: create one with \`superflag keys create sdk\`.`,
        ),
      );
    });

  keys
    .command('create')
    .description('Create a key; the full key is shown once, here')
    .addArgument(
      new Argument('<type>', 'pub: public client key (browsers, mobile; sees client flags only); sdk: server key').choices(KEY_TYPES),
    )
    .option('--name <name>', 'a label, e.g. "web app"')
    .action(async (type: KeyType, options: { name?: string }, command: Command) => {
      const session = Session.of(command);
      const target = await session.target();
      const { data: key } = await session.request('Creating the key', (api) =>
        api.POST('/api/v1/keys', {
          body: { appId: target.app.id, env: target.env, type, ...(options.name !== undefined ? { name: options.name } : {}) },
        }),
      );
      session.out.result(key, () => {
        session.out.success(`Created ${key.type} key ${key.id} for ${describeTarget(target)}`);
        session.out.say();
        session.out.say(`  ${bold(key.key)}`);
        session.out.say();
        session.out.say('Copy it now: it is stored hashed and will not be shown again.');
      });
    });

  keys
    .command('revoke')
    .description('Revoke a key: every replica refuses it from the next request on')
    .argument('<key-id>', 'the key id (key_…), see `superflag keys list`')
    .action(async (keyId: string, _options: unknown, command: Command) => {
      const session = Session.of(command);
      const { data } = await session.request('Revoking the key', (api) => api.DELETE('/api/v1/keys', { params: { query: { keyId } } }));
      session.out.result(data, () => session.out.success(`Revoked key ${keyId}`));
    });
}
