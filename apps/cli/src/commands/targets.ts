import { type Command, Option } from 'commander';
import { UsageError } from '../errors';
import { formatFlagValue, parseFlagValue } from '../flag-values';
import { describeTarget, Session } from '../session';

interface TargetOptions {
  company?: string;
  user?: string;
  value?: string;
  message?: string;
}

/** Exactly one of --company / --user, as the API requires. */
function who(options: TargetOptions): { companyId: string } | { userId: string } {
  if ((options.company === undefined) === (options.user === undefined))
    throw new UsageError('Give exactly one of --company ID or --user ID');
  return options.company !== undefined ? { companyId: options.company } : { userId: options.user! };
}

const whoOptions = (command: Command) =>
  command
    .option('--company <id>', 'the company to target')
    .option('--user <id>', 'the user to target')
    .addOption(new Option('-m, --message <text>', 'why: recorded in the change history'));

/** targets set | unset | list: per-company and per-user overrides (Reflag's specific targets). */
export function registerTargetsCommands(program: Command): void {
  const targets = program.command('targets').description('Turn a flag on or off for specific companies or users');

  whoOptions(
    targets
      .command('set')
      .description("Give one company or user its own value of a flag (parsed by the flag's type)")
      .argument('<flag>', 'the flag key')
      .requiredOption('--value <value>', 'the value for that target, e.g. true, 42, \'{"a":1}\''),
  ).action(async (flag: string, options: TargetOptions, command: Command) => {
    const session = Session.of(command);
    const target = who(options);
    const env = await session.target();
    const { data: current } = await session.request('Loading the flag', (api) =>
      api.GET('/api/v1/flags/{key}', { params: { path: { key: flag }, query: { appId: env.app.id, env: env.env } } }),
    );
    const value = parseFlagValue(current.type, options.value!);
    const { data } = await session.request('Setting the target', (api) =>
      api.PATCH('/api/apps/{appId}/flags/specific-targets/{envId}', {
        params: { path: { appId: env.app.id, envId: env.env } },
        body: {
          updates: [{ flagKey: flag, value, ...target }],
          ...(options.message !== undefined ? { changeDescription: options.message } : {}),
        },
      }),
    );
    // Reflag's answer: the targeting of each flag the write touched (here one), with the environment's new version.
    session.out.result(data, () =>
      session.out.success(
        `${flag} = ${formatFlagValue(value)} for ${'companyId' in target ? `company ${target.companyId}` : `user ${target.userId}`} in ${describeTarget(env)} (version ${data[0].version})`,
      ),
    );
  });

  whoOptions(
    targets.command('unset').description("Remove a company's or user's own value of a flag").argument('<flag>', 'the flag key'),
  ).action(async (flag: string, options: TargetOptions, command: Command) => {
    const session = Session.of(command);
    const target = who(options);
    const env = await session.target();
    const { data } = await session.request('Removing the target', (api) =>
      api.PATCH('/api/apps/{appId}/flags/specific-targets/{envId}', {
        params: { path: { appId: env.app.id, envId: env.env } },
        body: {
          updates: [{ flagKey: flag, value: null, ...target }],
          ...(options.message !== undefined ? { changeDescription: options.message } : {}),
        },
      }),
    );
    session.out.result(data, () =>
      session.out.success(`Removed the target from ${flag} in ${describeTarget(env)} (version ${data[0].version})`),
    );
  });

  targets
    .command('list')
    .alias('ls')
    .description("List a flag's company and user targets")
    .argument('<flag>', 'the flag key')
    .action(async (flag: string, _options: unknown, command: Command) => {
      const session = Session.of(command);
      const env = await session.target();
      const { data } = await session.request('Loading targets', (api) =>
        api.GET('/api/v1/flags/{key}/targets', { params: { path: { key: flag }, query: { appId: env.app.id, env: env.env } } }),
      );
      const rows = [
        ...Object.entries(data.companies).map(([id, value]) => ({ kind: 'company', id, value })),
        ...Object.entries(data.users).map(([id, value]) => ({ kind: 'user', id, value })),
      ];
      session.out.result(data, () =>
        session.out.table(
          rows,
          [
            { header: 'TARGET', value: (r) => r.kind },
            { header: 'ID', value: (r) => r.id },
            { header: 'VALUE', value: (r) => formatFlagValue(r.value) },
          ],
          `${flag} has no targets in ${describeTarget(env)}.`,
        ),
      );
    });
}
