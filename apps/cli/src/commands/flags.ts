import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { FlagType, FlagValue } from '../api/client';
import { UsageError } from '../errors';
import { FLAG_TYPES, formatFlagValue, parseFlagValue } from '../flag-values';
import { shortDate, truncate } from '../output';
import { readStdin } from '../prompt';
import { describeTarget, Session } from '../session';

interface CreateOptions {
  key: string;
  type: FlagType;
  value: string;
  client?: boolean;
  description?: string;
  message?: string;
}

interface UpdateOptions {
  value?: string;
  type?: FlagType;
  client?: boolean;
  description?: string;
  message?: string;
}

/** flags list | get | create | update | delete | bulk | history | rollback, in the selected app and environment. */
export function registerFlagsCommands(program: Command): void {
  const flags = program.command('flags').description('Manage the flags of an environment');
  const messageOption = () => new Option('-m, --message <text>', 'a change description, recorded in the history');

  flags
    .command('list')
    .alias('ls')
    .description("List the environment's flags")
    .action(async (_options: unknown, command: Command) => {
      const session = Session.of(command);
      const target = await session.target();
      const { data } = await session.request('Loading flags', (api) =>
        api.GET('/api/v1/flags', { params: { query: { appId: target.app.id, env: target.env } } }),
      );
      const rows = Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      session.out.result(data, () =>
        session.out.table(
          rows,
          [
            { header: 'KEY', value: ([key]) => key },
            { header: 'TYPE', value: ([, f]) => f.type },
            { header: 'CLIENT', value: ([, f]) => (f.clientEnabled ? 'yes' : 'no') },
            { header: 'VALUE', value: ([, f]) => truncate(formatFlagValue(f.value)) },
          ],
          `No flags in ${describeTarget(target)} yet: create one with \`superflag flags create --key KEY --type bool --value true\`.`,
        ),
      );
    });

  flags
    .command('get')
    .description('Show one flag')
    .argument('<key>', 'the flag key')
    .action(async (key: string, _options: unknown, command: Command) => {
      const session = Session.of(command);
      const target = await session.target();
      const { data: flag } = await session.request('Loading the flag', (api) =>
        api.GET('/api/v1/flags/{key}', { params: { path: { key }, query: { appId: target.app.id, env: target.env } } }),
      );
      session.out.result(flag, () =>
        session.out.fields([
          ['Key', flag.key],
          ['Environment', describeTarget(target)],
          ['Type', flag.type],
          ['Value', flag.type === 'json' ? JSON.stringify(flag.value, null, 2) : formatFlagValue(flag.value)],
          ['Client', flag.clientEnabled ? 'yes (pub_ keys see it)' : 'no (sdk_ keys only)'],
          ['Description', flag.description ?? '-'],
          ['Version', String(flag.version)],
        ]),
      );
    });

  flags
    .command('create')
    .description('Create a flag')
    .requiredOption('--key <key>', 'the flag key: letters, digits, ., _ and -')
    .addOption(new Option('--type <type>', 'the value type').choices(FLAG_TYPES).makeOptionMandatory())
    .requiredOption('--value <value>', 'the value, parsed by --type: true, 42, hello, \'{"a":1}\'')
    .option('--client', 'let public (pub_) keys see the flag: browsers, mobile apps', false)
    .option('--description <text>', 'what the flag is for')
    .addOption(messageOption())
    .addHelpText('after', '\nExample:\n  $ superflag flags create --key dark-mode --type bool --value true --client')
    .action(async (options: CreateOptions, command: Command) => {
      const session = Session.of(command);
      const value = parseFlagValue(options.type, options.value);
      const target = await session.target();
      const { data } = await session.request('Creating the flag', (api) =>
        api.POST('/api/v1/flags', {
          body: {
            appId: target.app.id,
            env: target.env,
            key: options.key,
            type: options.type,
            value,
            clientEnabled: Boolean(options.client),
            ...(options.description !== undefined ? { description: options.description } : {}),
            ...(options.message !== undefined ? { changeDescription: options.message } : {}),
          },
        }),
      );
      session.out.result(data, () =>
        session.out.success(
          `Created ${options.key} = ${formatFlagValue(data.flag.value)} (${data.flag.type}${data.flag.clientEnabled ? ', client' : ''}) in ${describeTarget(target)}, version ${data.version}`,
        ),
      );
    });

  flags
    .command('update')
    .description("Change a flag's value, type, client visibility or description")
    .argument('<key>', 'the flag key')
    .option('--value <value>', "the new value, parsed by the flag's type (or by --type)")
    .addOption(new Option('--type <type>', 'change the type (needs a --value of the new type)').choices(FLAG_TYPES))
    .option('--client', 'let public (pub_) keys see the flag')
    .option('--no-client', 'hide the flag from public (pub_) keys')
    .option('--description <text>', 'what the flag is for ("" clears it)')
    .addOption(messageOption())
    .action(async (key: string, options: UpdateOptions, command: Command) => {
      const session = Session.of(command);
      if (options.value === undefined && options.client === undefined && options.description === undefined) {
        if (options.type !== undefined) throw new UsageError('--type needs a --value of the new type');
        throw new UsageError('Nothing to update: pass --value, --client / --no-client or --description');
      }
      if (options.type !== undefined && options.value === undefined) throw new UsageError('--type needs a --value of the new type');
      const target = await session.target();
      let value: FlagValue | undefined;
      if (options.value !== undefined) {
        // The value is typed by the flag: learn its type first, so a wrong value is refused before any write.
        const type =
          options.type ??
          (
            await session.request('Loading the flag', (api) =>
              api.GET('/api/v1/flags/{key}', { params: { path: { key }, query: { appId: target.app.id, env: target.env } } }),
            )
          ).data.type;
        value = parseFlagValue(type, options.value);
      }
      const { data } = await session.request('Updating the flag', (api) =>
        api.PATCH('/api/v1/flags', {
          body: {
            appId: target.app.id,
            env: target.env,
            key,
            ...(value !== undefined ? { value } : {}),
            ...(options.type !== undefined ? { type: options.type } : {}),
            ...(options.client !== undefined ? { clientEnabled: options.client } : {}),
            ...(options.description !== undefined ? { description: options.description === '' ? null : options.description } : {}),
            ...(options.message !== undefined ? { changeDescription: options.message } : {}),
          },
        }),
      );
      session.out.result(data, () =>
        session.out.success(
          `Updated ${key} = ${formatFlagValue(data.flag.value)} (${data.flag.type}${data.flag.clientEnabled ? ', client' : ''}) in ${describeTarget(target)}, version ${data.version}`,
        ),
      );
    });

  flags
    .command('delete')
    .alias('rm')
    .description('Delete a flag (undo with `superflag flags rollback`)')
    .argument('<key>', 'the flag key')
    .action(async (key: string, _options: unknown, command: Command) => {
      const session = Session.of(command);
      const target = await session.target();
      const { data } = await session.request('Deleting the flag', (api) =>
        api.DELETE('/api/v1/flags', { params: { query: { appId: target.app.id, env: target.env, key } } }),
      );
      session.out.result(data, () => session.out.success(`Deleted ${key} from ${describeTarget(target)}, version ${data.version}`));
    });

  flags
    .command('bulk')
    .description('Set the values of many existing flags at once, all or nothing')
    .argument('<file>', 'a JSON file {"flag-key": value, …}, or - for stdin')
    .addOption(messageOption())
    .addHelpText('after', '\nExample:\n  $ echo \'{"feature-a": true, "api-timeout": 30}\' | superflag flags bulk -')
    .action(async (file: string, options: { message?: string }, command: Command) => {
      const session = Session.of(command);
      const values = parseBulkFile(file === '-' ? await readStdin('The JSON') : readFileText(file), file);
      const target = await session.target();
      const { data } = await session.request('Updating flags', (api) =>
        api.PATCH('/api/v1/flags/bulk', {
          body: {
            appId: target.app.id,
            env: target.env,
            flags: values,
            ...(options.message !== undefined ? { changeDescription: options.message } : {}),
          },
        }),
      );
      session.out.result(data, () =>
        session.out.success(
          `Updated ${data.updated} flag${data.updated === 1 ? '' : 's'} in ${describeTarget(target)}, version ${data.version}`,
        ),
      );
    });

  flags
    .command('history')
    .description("Show the environment's change history, newest first")
    .option('--limit <n>', 'how many changes (1–200)', positiveInteger, 20)
    .option('--before <version>', 'only changes below this version (the next page)', positiveInteger)
    .action(async (options: { limit: number; before?: number }, command: Command) => {
      const session = Session.of(command);
      const target = await session.target();
      const page = await session.request('Loading history', (api) =>
        api.GET('/api/v1/changes', {
          params: {
            query: {
              appId: target.app.id,
              env: target.env,
              limit: options.limit,
              ...(options.before !== undefined ? { before: options.before } : {}),
            },
          },
        }),
      );
      session.out.result(page.data, () => {
        session.out.table(
          page.data,
          [
            { header: 'VERSION', value: (c) => String(c.version) },
            {
              header: 'ACTION',
              value: (c) => (c.action === 'rollback' && c.rolledBackTo != null ? `rollback to ${c.rolledBackTo}` : c.action),
            },
            { header: 'FLAGS', value: (c) => truncate(c.keys.join(', '), 40) },
            { header: 'WHEN', value: (c) => shortDate(c.createdAt) },
            { header: 'DESCRIPTION', value: (c) => truncate(c.changeDescription ?? '', 50) },
          ],
          `No changes in ${describeTarget(target)} yet.`,
        );
        if (page.nextBefore != null) session.out.say(`\nOlder changes: superflag flags history --before ${page.nextBefore}`);
      });
    });

  flags
    .command('rollback')
    .description('Restore the flags as they were right after VERSION (one new write; see `flags history`)')
    .argument('<version>', 'the version to restore', positiveInteger)
    .addOption(messageOption())
    .action(async (version: number, options: { message?: string }, command: Command) => {
      const session = Session.of(command);
      const target = await session.target();
      const { data } = await session.request('Rolling back', (api) =>
        api.POST('/api/v1/envs/rollback', {
          body: {
            appId: target.app.id,
            env: target.env,
            version,
            ...(options.message !== undefined ? { changeDescription: options.message } : {}),
          },
        }),
      );
      session.out.result(data, () =>
        session.out.success(
          `Restored ${describeTarget(target)} to version ${version} (${data.restored} flag${data.restored === 1 ? '' : 's'} changed), now version ${data.version}`,
        ),
      );
    });
}

function positiveInteger(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new InvalidArgumentError('expected a positive whole number');
  return Number(raw);
}

function readFileText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(err))}`,
    );
  }
}

function parseBulkFile(text: string, name: string): Record<string, FlagValue> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${name === '-' ? 'stdin' : name} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${name === '-' ? 'stdin' : name} must hold a JSON object of flag keys to values, e.g. {"dark-mode": true}`);
  }
  if (Object.keys(parsed).length === 0) throw new UsageError(`${name === '-' ? 'stdin' : name} has no flags to update`);
  const invalid = Object.entries(parsed).find(([, v]) => v === null);
  if (invalid) throw new UsageError(`${invalid[0]}: null is not a flag value`);
  return parsed as Record<string, FlagValue>;
}
