import { Command, CommanderError } from 'commander';
import { commandGroups } from './commands';
import { CliError, ExitCode } from './errors';
import { CLI_VERSION } from './version';

const environmentHelp = `
Environment:
  SUPERFLAG_TOKEN     a cli_ token; overrides ~/.superflag/credentials.json (for CI)
  SUPERFLAG_API_URL   the API URL; overrides the one saved by \`superflag login\`
  SUPERFLAG_APP       default app, instead of the one from \`superflag use\`
  SUPERFLAG_ENV       default environment, instead of the one from \`superflag use\`

Exit codes: 0 success, 1 API or network error (or typegen --check drift), 2 usage error.

Get started:
  $ superflag login
  $ superflag apps create my-new-app
  $ superflag use my-new-app production
  $ superflag flags create --key dark-mode --type bool --value true --client`;

/** The whole command tree; the command groups live in commands/, one file each. */
export function buildProgram(): Command {
  const program = new Command('superflag')
    .description('Manage Superflag apps, environments, flags and API keys')
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for the command')
    .option('--json', "print machine-readable JSON (the API's data) instead of tables")
    .option('--app <app>', 'the app, by name or id (default: the one from `superflag use`)')
    .option('--env <env>', 'the environment (default: the one from `superflag use`)')
    .option('--api-url <url>', 'the Superflag API URL (default: SUPERFLAG_API_URL, the saved login, http://localhost:3000)')
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    // Commander must not exit by itself: usage errors are mapped to exit code 2 in run().
    .exitOverride();
  program.addHelpText('after', environmentHelp);
  for (const register of commandGroups) register(program);
  return program;
}

/** Parses argv, runs the command and returns the exit code. User and API errors print one line, no stack. */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return ExitCode.ok;
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has already printed the message, or the help or version that was asked for (exit code 0).
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  const label = process.stderr.isTTY && !process.env.NO_COLOR ? '\x1b[31merror:\x1b[0m' : 'error:';
  if (err instanceof CliError) {
    process.stderr.write(`${label} ${err.message}\n`);
    for (const detail of err.details) process.stderr.write(`  - ${detail}\n`);
    return err.exitCode;
  }
  // A bug, not a user error: still one line, with the stack only when asked for.
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${label} ${message}\n`);
  if (process.env.SUPERFLAG_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('(set SUPERFLAG_DEBUG=1 for details)\n');
  return ExitCode.failure;
}
