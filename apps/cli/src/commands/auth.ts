import type { Command } from 'commander';
import { ApiError, UsageError } from '../errors';
import { ask, askSecret, canPrompt, readStdin } from '../prompt';
import { Session } from '../session';
import { credentialsPath, readStoredCredentials, removeCredentials, saveCredentials } from '../settings';

interface LoginOptions {
  email?: string;
  passwordStdin?: boolean;
  token?: string;
}

/** login, logout, whoami: the cli_ token in ~/.superflag/credentials.json. */
export function registerAuthCommands(program: Command): void {
  program
    .command('login')
    .description('Log in and store a cli_ token in ~/.superflag/credentials.json')
    .option('--email <email>', 'your email (prompted for when omitted)')
    .option('--password-stdin', 'read the password from stdin instead of prompting')
    .option('--token <cli_token>', 'store an existing cli_ token instead of logging in with a password')
    .addHelpText(
      'after',
      `
The API URL is --api-url, SUPERFLAG_API_URL or http://localhost:3000. The file is readable by you only (0600).

Examples:
  $ superflag login --api-url https://flags.example.com
  $ echo "$PASSWORD" | superflag login --email ada@example.com --password-stdin
  $ superflag login --token cli_…`,
    )
    .action(async (options: LoginOptions, command: Command) => {
      const session = Session.of(command);
      const apiUrl = session.apiUrl.value;
      let token: string;
      let email: string;
      if (options.token !== undefined) {
        if (options.email || options.passwordStdin) throw new UsageError('--token cannot be combined with --email or --password-stdin');
        if (!/^cli_\S+$/.test(options.token)) throw new UsageError('--token must be a cli_ token (cli_…)');
        token = options.token;
        const { data: me } = await session.request('Checking the token', (api) => api.GET('/api/v1/auth/me'), token);
        email = me.user.email;
      } else {
        const credentials = await readLoginCredentials(options);
        const { data } = await session.requestAnonymously('Logging in', (api) => api.POST('/api/v1/auth/login', { body: credentials }));
        token = data.token;
        email = data.user.email;
      }
      saveCredentials({ apiUrl, token });
      session.out.result({ apiUrl, email }, () => {
        session.out.success(`Logged in to ${apiUrl} as ${email}`);
        session.out.say(`Token saved to ${credentialsPath()}`);
      });
      if (process.env.SUPERFLAG_TOKEN) session.out.note('Note: SUPERFLAG_TOKEN is set and takes precedence over the saved token.');
    });

  program
    .command('logout')
    .description('Revoke the token in use and remove ~/.superflag/credentials.json')
    .action(async (_options: unknown, command: Command) => {
      const session = Session.of(command);
      const token = session.token();
      let alreadyInvalid = false;
      try {
        await session.request('Revoking the token', (api) => api.POST('/api/v1/auth/logout'), token.value);
      } catch (err) {
        // A token the API no longer accepts is as good as revoked: still forget it locally.
        if (!(err instanceof ApiError && err.status === 401)) throw err;
        alreadyInvalid = true;
      }
      // Only forget the saved token if it is the one just revoked (not a CI token from SUPERFLAG_TOKEN).
      const removed = readStoredCredentials().token === token.value && removeCredentials();
      session.out.result({ success: true }, () => {
        session.out.success(alreadyInvalid ? 'The token was already revoked or expired' : 'Token revoked');
        if (removed) session.out.say(`Removed ${credentialsPath()}`);
      });
      if (token.source === 'env') session.out.note('The revoked token came from SUPERFLAG_TOKEN: unset it.');
    });

  program
    .command('whoami')
    .description('Show the logged-in user, the API URL and the token scopes')
    .action(async (_options: unknown, command: Command) => {
      const session = Session.of(command);
      const token = session.token();
      const { data: me } = await session.request('Loading your account', (api) => api.GET('/api/v1/auth/me'));
      session.out.result(me, () =>
        session.out.fields([
          ['User', me.user.email],
          ['API', session.apiUrl.value],
          ['Token', token.source === 'env' ? 'from SUPERFLAG_TOKEN' : `from ${credentialsPath()}`],
          ['Scopes', me.scopes.join(' ')],
        ]),
      );
    });
}

async function readLoginCredentials(options: LoginOptions): Promise<{ email: string; password: string }> {
  if (options.passwordStdin) {
    if (!options.email) throw new UsageError('--password-stdin needs --email');
    const password = await readStdin('With --password-stdin the password');
    if (!password) throw new UsageError('No password on stdin');
    return { email: options.email, password };
  }
  if (!canPrompt()) throw new UsageError('Cannot prompt without a terminal: use --email with --password-stdin, or --token');
  const email = options.email ?? (await ask('Email: ')).trim();
  if (!email) throw new UsageError('An email is required');
  const password = await askSecret('Password: ');
  if (!password) throw new UsageError('A password is required');
  return { email, password };
}
