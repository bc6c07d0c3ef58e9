import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, UsageError } from '../errors';
import { renderFlagTypesModule } from '../flag-types-module';
import { describeTarget, Session } from '../session';

interface TypegenOptions {
  out?: string;
  check?: boolean;
}

/** typegen: a TypeScript module of the environment's flag types, for apps and for CI to diff. */
export function registerTypegenCommand(program: Command): void {
  program
    .command('typegen')
    .description("Generate TypeScript types for the environment's flags")
    .option('-o, --out <file>', 'write the module to this file (default: stdout)')
    .option('--check', 'do not write: exit 1 when --out is missing or out of date')
    .addHelpText(
      'after',
      `
The module exports \`interface Flags\` (flag key → value type; a json flag's type is inferred from its value),
\`FlagKey\`, \`ClientFlags\` and \`flagTypes\`. Output is deterministic: commit it and check it in CI.

Examples:
  $ superflag typegen --app my-app --env production --out src/flags.ts
  $ SUPERFLAG_TOKEN=cli_… SUPERFLAG_API_URL=https://flags.example.com \\
      superflag typegen --app my-app --env production --out src/flags.ts --check`,
    )
    .action(async (options: TypegenOptions, command: Command) => {
      const session = Session.of(command);
      if (options.check && !options.out) throw new UsageError('--check needs --out FILE: the file to compare with');
      const target = await session.target();
      const { data: flags } = await session.request('Loading flags', (api) =>
        api.GET('/api/v1/flags', { params: { query: { appId: target.app.id, env: target.env } } }),
      );
      const module = renderFlagTypesModule(flags);
      const count = Object.keys(flags).length;
      const summary = `${count} flag${count === 1 ? '' : 's'} of ${describeTarget(target)}`;

      if (!options.out) {
        if (session.out.json) session.out.result({ module, flags: count }, () => undefined);
        else process.stdout.write(module);
        return;
      }
      const path = resolve(options.out);
      const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
      const upToDate = current === module;
      if (options.check) {
        session.out.result({ file: options.out, upToDate }, () => undefined);
        if (!upToDate) {
          throw new CliError(
            `${options.out} is ${current === undefined ? 'missing' : 'out of date'} (${summary}): run \`superflag typegen --out ${options.out}\``,
          );
        }
        session.out.success(`${options.out} is up to date (${summary})`);
        return;
      }
      if (!upToDate) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, module);
      }
      session.out.result({ file: options.out, changed: !upToDate }, () =>
        session.out.success(upToDate ? `${options.out} is already up to date (${summary})` : `Wrote ${options.out} (${summary})`),
      );
    });
}
