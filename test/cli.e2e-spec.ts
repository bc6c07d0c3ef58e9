import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { aHome, buildCli, CliRun, repoRoot, superflag } from './support/cli';
import { aFlag, TestUser } from './support/factories';
import { TestSession } from './support/session';

jest.setTimeout(120_000);

/**
 * The `superflag` CLI, black-box: the built binary as a subprocess, with its own HOME, against the real
 * service listening on a port.
 */
describe('superflag CLI', () => {
  const s = TestSession.perSuite({}, { user: false });
  let url: string;

  beforeAll(async () => {
    buildCli();
    url = await s.url();
  });

  /** A user logged in through the CLI (email + --password-stdin) in a fresh HOME. */
  async function loggedIn(): Promise<{ user: TestUser; home: string; run: (args: string[], input?: string) => Promise<CliRun> }> {
    const user = await s.newUser();
    const home = aHome();
    const login = await superflag(['login', '--api-url', url, '--email', user.email, '--password-stdin'], {
      home,
      input: `${user.password}\n`,
    });
    expect(login).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    return { user, home, run: (args, input) => superflag(args, { home, input }) };
  }

  const apiError = (res: { body: { error: string } }) => `error: ${res.body.error}\n`;
  const noStackTrace = (run: CliRun) => expect(run.stderr).not.toMatch(/\n\s+at /);

  it("runs the seed's session: login, apps create, use, flags create --client", async () => {
    const user = await s.newUser();
    const home = aHome();

    const login = await superflag(['login', '--api-url', url, '--email', user.email, '--password-stdin'], {
      home,
      input: `${user.password}\n`,
    });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`Logged in to ${url} as ${user.email}`);

    const created = await superflag(['apps', 'create', 'my-new-app'], { home });
    expect(created).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(created.stdout).toContain('Created app my-new-app');
    const used = await superflag(['use', 'my-new-app', 'production'], { home });
    expect(used).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    const flag = await superflag(['flags', 'create', '--key', 'dark-mode', '--type', 'bool', '--value', 'true', '--client'], { home });
    expect(flag).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(flag.stdout).toContain('Created dark-mode = true (bool, client) in my-new-app/production, version 1');

    // Read back through the HTTP API, with the user's own token.
    const apps = await s.http().get('/api/v1/apps').set(user.auth).expect(200);
    const app = apps.body.data.find((a: { name: string }) => a.name === 'my-new-app');
    expect(app).toBeDefined();
    const stored = await s.http().get('/api/v1/flags/dark-mode').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200);
    expect(stored.body.data).toEqual(
      expect.objectContaining({ key: 'dark-mode', type: 'bool', value: true, clientEnabled: true, version: 1 }),
    );
    expect(JSON.parse(readFileSync(join(home, '.superflag', 'config.json'), 'utf8'))).toEqual({
      app: { id: app.id, name: 'my-new-app' },
      env: 'production',
    });
  });

  it('login stores {apiUrl, token} in a 0600 file in a 0700 directory and never prints the password or the token', async () => {
    const user = await s.newUser();
    const home = aHome();
    const login = await superflag(['login', '--api-url', url, '--email', user.email, '--password-stdin'], {
      home,
      input: `${user.password}\n`,
    });
    expect(login.code).toBe(0);

    const dir = join(home, '.superflag');
    const file = join(dir, 'credentials.json');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(credentials).sort()).toEqual(['apiUrl', 'token']);
    expect(credentials.apiUrl).toBe(url);
    expect(credentials.token).toMatch(/^cli_/);
    for (const secret of [user.password, credentials.token]) {
      expect(login.stdout).not.toContain(secret);
      expect(login.stderr).not.toContain(secret);
    }

    // The stored token works, and `whoami` does not print it either.
    const me = await superflag(['whoami'], { home });
    expect(me.code).toBe(0);
    expect(me.stdout).toContain(user.email);
    expect(me.stdout).not.toContain(credentials.token);
    await s.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${credentials.token}`).expect(200);
  });

  it('login --token stores an existing token after checking it; a bad one is refused and nothing is written', async () => {
    const user = await s.newUser();
    const home = aHome();
    const ok = await superflag(['login', '--api-url', url, '--token', user.token], { home });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(user.email);
    expect(JSON.parse(readFileSync(join(home, '.superflag', 'credentials.json'), 'utf8'))).toEqual({ apiUrl: url, token: user.token });

    const other = aHome();
    const refused = await superflag(['login', '--api-url', url, '--token', 'cli_not-a-real-token'], { home: other });
    expect(refused).toEqual({ code: 1, stdout: '', stderr: 'error: Not authenticated\n' });
    expect(existsSync(join(other, '.superflag', 'credentials.json'))).toBe(false);

    const malformed = await superflag(['login', '--api-url', url, '--token', 'sdk_prod_x'], { home: other });
    expect(malformed.code).toBe(2);
  });

  it('logout revokes the token on the server and removes the credentials file', async () => {
    const { home, run } = await loggedIn();
    const { token } = JSON.parse(readFileSync(join(home, '.superflag', 'credentials.json'), 'utf8'));
    const out = await run(['logout']);
    expect(out).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(existsSync(join(home, '.superflag', 'credentials.json'))).toBe(false);
    await s.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(401);

    const after = await run(['whoami']);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/Not logged in/);
  });

  it('--json prints the API data of every list command, parseable and equal to what the API returns', async () => {
    const { user, run } = await loggedIn();
    const app = await s.newApp(user);
    await aFlag(s, user, app, 'production', { key: 'json-flag', type: 'json', value: { a: 1 } });
    await s.http().post('/api/v1/keys').set(user.auth).send({ appId: app.id, env: 'production', type: 'pub' }).expect(201);
    const scope = ['--app', app.name, '--env', 'production'];

    const expectations: Array<[string[], string, Record<string, unknown>]> = [
      [['apps', 'list'], '/api/v1/apps', {}],
      [['envs', 'list', '--app', app.name], '/api/v1/envs', { appId: app.id }],
      [['flags', 'list', ...scope], '/api/v1/flags', { appId: app.id, env: 'production' }],
      [['keys', 'list', ...scope], '/api/v1/keys', { appId: app.id, env: 'production' }],
      [['flags', 'history', ...scope], '/api/v1/changes', { appId: app.id, env: 'production', limit: 20 }],
    ];
    for (const [args, path, query] of expectations) {
      const out = await run([...args, '--json']);
      expect({ args, code: out.code, stderr: out.stderr }).toEqual({ args, code: 0, stderr: '' });
      const api = await s.http().get(path).query(query).set(user.auth).expect(200);
      expect({ args, data: JSON.parse(out.stdout) }).toEqual({ args, data: api.body.data });
    }
  });

  it('exit code 1 with the API error message on stderr for 404 and 409, and no stack trace', async () => {
    const { user, run } = await loggedIn();
    const app = await s.newApp(user);
    await aFlag(s, user, app, 'production', { key: 'taken', type: 'bool', value: true });
    const scope = ['--app', app.name, '--env', 'production'];

    const notFound = await run(['flags', 'get', 'missing-flag', ...scope]);
    const notFoundApi = await s
      .http()
      .get('/api/v1/flags/missing-flag')
      .query({ appId: app.id, env: 'production' })
      .set(user.auth)
      .expect(404);
    expect(notFound).toEqual({ code: 1, stdout: '', stderr: apiError(notFoundApi) });

    const conflict = await run(['flags', 'create', '--key', 'taken', '--type', 'bool', '--value', 'false', ...scope]);
    const conflictApi = await s
      .http()
      .post('/api/v1/flags')
      .set(user.auth)
      .send({ appId: app.id, env: 'production', key: 'taken', type: 'bool', value: false })
      .expect(409);
    expect(conflict).toEqual({ code: 1, stdout: '', stderr: apiError(conflictApi) });

    const duplicateApp = await run(['apps', 'create', app.name]);
    const duplicateAppApi = await s.http().post('/api/v1/apps').set(user.auth).send({ name: app.name }).expect(409);
    expect(duplicateApp).toEqual({ code: 1, stdout: '', stderr: apiError(duplicateAppApi) });

    const revokeUnknown = await run(['keys', 'revoke', 'key_doesnotexist']);
    const revokeUnknownApi = await s.http().delete('/api/v1/keys').query({ keyId: 'key_doesnotexist' }).set(user.auth).expect(404);
    expect(revokeUnknown).toEqual({ code: 1, stdout: '', stderr: apiError(revokeUnknownApi) });

    const unknownApp = await run(['flags', 'list', '--app', 'no-such-app', '--env', 'production']);
    expect(unknownApp).toEqual({ code: 1, stdout: '', stderr: 'error: App not found: no-such-app\n' });

    for (const out of [notFound, conflict, duplicateApp, revokeUnknown, unknownApp]) noStackTrace(out);
  });

  it('exit code 1 when the API cannot be reached, naming the URL', async () => {
    const port = await aClosedPort();
    const out = await superflag(['apps', 'list'], {
      home: aHome(),
      env: { SUPERFLAG_TOKEN: 'cli_x', SUPERFLAG_API_URL: `http://127.0.0.1:${port}` },
    });
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      `error: Could not reach the Superflag API at http://127.0.0.1:${port}: connection refused (is the service running?)\n`,
    );
  });

  it('exit code 2 for usage errors, before any request: missing argument, unknown command, bad --value for the type', async () => {
    const { user, run } = await loggedIn();
    const app = await s.newApp(user);
    await aFlag(s, user, app, 'production', { key: 'limit', type: 'number', value: 5 });
    const scope = ['--app', app.name, '--env', 'production'];
    const versionBefore = (await s.http().get('/api/v1/flags/limit').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200))
      .body.data.version;

    const usageErrors: Array<[string[], RegExp]> = [
      [['apps', 'create'], /missing required argument 'name'/],
      [['nope'], /unknown command 'nope'/],
      [['flags', 'create', '--key', 'x', '--type', 'bool', ...scope], /required option '--value <value>' not specified/],
      [['flags', 'create', '--key', 'x', '--type', 'nope', '--value', '1', ...scope], /Allowed choices are bool, string, number, json/],
      [['flags', 'create', '--key', 'x', '--type', 'bool', '--value', 'yes', ...scope], /Invalid --value for a bool flag: "yes"/],
      [['flags', 'create', '--key', 'x', '--type', 'number', '--value', '4x', ...scope], /Invalid --value for a number flag/],
      [['flags', 'create', '--key', 'x', '--type', 'json', '--value', '{not json', ...scope], /Invalid --value for a json flag/],
      [['flags', 'create', '--key', 'x', '--type', 'json', '--value', '42', ...scope], /use a JSON object or array/],
      [['flags', 'update', 'limit', '--value', 'lots', ...scope], /Invalid --value for a number flag: "lots"/],
      [['flags', 'update', 'limit', ...scope], /Nothing to update/],
      [['flags', 'rollback', 'latest', ...scope], /expected a positive whole number/],
      [['keys', 'create', 'admin', ...scope], /Allowed choices are pub, sdk/],
      [['flags', 'list', '--app', app.name], /No environment selected/],
      [['typegen', '--check', ...scope], /--check needs --out/],
      [['apps', 'delete', app.name], /pass --yes/],
    ];
    for (const [args, message] of usageErrors) {
      const out = await run(args);
      expect({ args, code: out.code }).toEqual({ args, code: 2 });
      expect({ args, stderr: out.stderr }).toEqual({ args, stderr: expect.stringMatching(message) });
      expect(out.stdout).toBe('');
      noStackTrace(out);
    }

    // Nothing was written: no flag x, limit unchanged, the environment still at the same version, the app still there.
    const flags = await s.http().get('/api/v1/flags').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200);
    expect(Object.keys(flags.body.data)).toEqual(['limit']);
    const limit = await s.http().get('/api/v1/flags/limit').query({ appId: app.id, env: 'production' }).set(user.auth).expect(200);
    expect(limit.body.data).toEqual(expect.objectContaining({ value: 5, version: versionBefore }));
    await s.http().get(`/api/v1/apps/${app.id}`).set(user.auth).expect(200);
  });

  it('--help works on every level with exit code 0', async () => {
    const home = aHome();
    for (const args of [
      ['--help'],
      ['flags', '--help'],
      ['flags', 'create', '--help'],
      ['keys', 'create', '--help'],
      ['typegen', '--help'],
      ['login', '--help'],
      ['help', 'flags'],
    ]) {
      const out = await superflag(args, { home });
      expect({ args, code: out.code }).toEqual({ args, code: 0 });
      expect(out.stdout).toMatch(/^Usage: superflag/);
    }
    expect(readdirSync(home)).toEqual([]);
  });

  it('manages flags: update (typed by the flag), bulk from a file, history, rollback, delete', async () => {
    const { user, home, run } = await loggedIn();
    const app = await s.newApp(user);
    expect((await run(['use', app.name, 'staging'])).code).toBe(0);
    const read = async (key: string) =>
      (await s.http().get(`/api/v1/flags/${key}`).query({ appId: app.id, env: 'staging' }).set(user.auth).expect(200)).body.data;

    expect((await run(['flags', 'create', '--key', 'timeout', '--type', 'number', '--value', '30', '--description', 'seconds'])).code).toBe(
      0,
    );
    expect((await run(['flags', 'create', '--key', 'theme', '--type', 'json', '--value', '{"color":"blue"}'])).code).toBe(0);
    const update = await run(['flags', 'update', 'timeout', '--value', '45', '--client', '-m', 'slower network']);
    expect(update.code).toBe(0);
    expect(await read('timeout')).toEqual(
      expect.objectContaining({ type: 'number', value: 45, clientEnabled: true, description: 'seconds', version: 3 }),
    );

    const bulkFile = join(home, 'bulk.json');
    writeFileSync(bulkFile, JSON.stringify({ timeout: 60, theme: { color: 'red' } }));
    const bulk = await run(['flags', 'bulk', bulkFile, '--json']);
    expect(bulk.code).toBe(0);
    expect(JSON.parse(bulk.stdout)).toEqual({ version: 4, updated: 2 });
    expect((await read('theme')).value).toEqual({ color: 'red' });

    const history = await run(['flags', 'history', '--json']);
    const changes = JSON.parse(history.stdout);
    expect(changes.map((c: { version: number; action: string }) => [c.version, c.action])).toEqual([
      [4, 'bulk'],
      [3, 'update'],
      [2, 'create'],
      [1, 'create'],
    ]);
    expect(changes[1].changeDescription).toBe('slower network');

    const rollback = await run(['flags', 'rollback', '2']);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('now version 5');
    expect(await read('timeout')).toEqual(expect.objectContaining({ value: 30, clientEnabled: false }));

    const removed = await run(['flags', 'delete', 'theme', '--json']);
    expect(JSON.parse(removed.stdout)).toEqual({ version: 6 });
    await s.http().get('/api/v1/flags/theme').query({ appId: app.id, env: 'staging' }).set(user.auth).expect(404);
  });

  it('keys: create shows the secret once, list never does, revoke makes the API refuse it', async () => {
    const { user, run } = await loggedIn();
    const app = await s.newApp(user);
    const scope = ['--app', app.id, '--env', 'production'];

    const created = await run(['keys', 'create', 'sdk', '--name', 'backend', ...scope, '--json']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect(key).toEqual(expect.objectContaining({ type: 'sdk', key: expect.stringMatching(/^sdk_/), id: expect.stringMatching(/^key_/) }));
    await s.http().get('/api/v1/config').set('Authorization', `Bearer ${key.key}`).expect(200);

    const human = await run(['keys', 'create', 'pub', ...scope]);
    expect(human.stdout).toMatch(/pub_\S{10,}/);
    expect(human.stdout).toContain('will not be shown again');

    const list = await run(['keys', 'list', ...scope]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(key.id);
    expect(list.stdout).not.toContain(key.key);

    const revoked = await run(['keys', 'revoke', key.id]);
    expect(revoked.code).toBe(0);
    await s.http().get('/api/v1/config').set('Authorization', `Bearer ${key.key}`).expect(401);
  });

  it('targets: set and unset a company or user override (typed by the flag), list them; usage reports the quota', async () => {
    const { user, run } = await loggedIn();
    const app = await s.newApp(user);
    await aFlag(s, user, app, 'production', { key: 'new-checkout-flow', type: 'bool', value: false });
    const scope = ['--app', app.id, '--env', 'production'];

    const set = await run([
      'targets',
      'set',
      'new-checkout-flow',
      '--company',
      'acme-corp',
      '--value',
      'true',
      '-m',
      'Acme gets it',
      ...scope,
    ]);
    expect(set).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(set.stdout).toContain('new-checkout-flow = true for company acme-corp');
    await run(['targets', 'set', 'new-checkout-flow', '--user', 'u1', '--value', 'false', ...scope]);
    const targets = await s
      .http()
      .get('/api/v1/flags/new-checkout-flow/targets')
      .query({ appId: app.id, env: 'production' })
      .set(user.auth)
      .expect(200);
    expect(targets.body.data).toEqual({ key: 'new-checkout-flow', users: { u1: false }, companies: { 'acme-corp': true } });
    const history = await s.http().get('/api/v1/changes').query({ appId: app.id, env: 'production', limit: 2 }).set(user.auth).expect(200);
    expect(history.body.data[1].changeDescription).toBe('Acme gets it');

    const listed = await run(['targets', 'list', 'new-checkout-flow', ...scope, '--json']);
    expect(JSON.parse(listed.stdout)).toEqual(targets.body.data);
    const unset = await run(['targets', 'unset', 'new-checkout-flow', '--user', 'u1', ...scope]);
    expect(unset.code).toBe(0);
    expect(
      (await s.http().get('/api/v1/flags/new-checkout-flow/targets').query({ appId: app.id, env: 'production' }).set(user.auth)).body.data
        .users,
    ).toEqual({});

    const badValue = await run(['targets', 'set', 'new-checkout-flow', '--company', 'x', '--value', 'maybe', ...scope]);
    expect(badValue.code).toBe(2);
    const both = await run(['targets', 'set', 'new-checkout-flow', '--company', 'x', '--user', 'y', '--value', 'true', ...scope]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --company ID or --user ID');

    const usage = await run(['usage', '--app', app.id, '--json']);
    expect(usage.code).toBe(0);
    const rows = JSON.parse(usage.stdout);
    expect(rows.map((r: { env: string }) => r.env)).toEqual(['development', 'staging', 'production']);
    expect(rows[2]).toEqual(expect.objectContaining({ plan: 'free', limit: 25000, used: expect.any(Number) }));
    expect(rows[2].used).toBeGreaterThanOrEqual(5);
  });

  it('apps: list marks the selected app, delete --yes removes it and forgets the selection', async () => {
    const { run, home } = await loggedIn();
    expect((await run(['apps', 'create', 'to-delete'])).code).toBe(0);
    expect((await run(['use', 'to-delete', 'development'])).code).toBe(0);
    expect((await run(['apps', 'list'])).stdout).toMatch(/\* to-delete/);
    expect((await run(['envs', 'list'])).stdout).toMatch(/\* development/);

    const deleted = await run(['apps', 'delete', 'to-delete', '--yes']);
    expect(deleted).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(JSON.parse((await run(['apps', 'list', '--json'])).stdout)).toEqual([]);
    expect(JSON.parse(readFileSync(join(home, '.superflag', 'config.json'), 'utf8'))).toEqual({});
    expect((await run(['flags', 'list'])).stderr).toMatch(/No environment selected|No app selected/);
  });

  describe('typegen', () => {
    let user: TestUser;
    let home: string;
    let scope: string[];
    let appId: string;

    beforeAll(async () => {
      user = await s.newUser();
      home = aHome();
      const app = await s.newApp(user);
      scope = ['--app', app.name, '--env', 'production'];
      await aFlag(s, user, app, 'production', { key: 'dark-mode', type: 'bool', value: true, clientEnabled: true });
      await aFlag(s, user, app, 'production', { key: 'api-url', type: 'string', value: 'https://api.example.com' });
      await aFlag(s, user, app, 'production', { key: 'max-items', type: 'number', value: 10 });
      await aFlag(s, user, app, 'production', {
        key: 'checkout',
        type: 'json',
        value: { currency: 'EUR', steps: ['cart', 'pay'], limits: { max: 3 }, 'free-shipping': true },
      });
      expect((await superflag(['login', '--api-url', url, '--token', user.token], { home })).code).toBe(0);
      appId = app.id;
    });

    it('writes a deterministic module that compiles with tsc against an app using it', async () => {
      const out = await superflag(['typegen', '--out', 'src/flags.ts', ...scope], { home });
      expect(out).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
      const module = readFileSync(join(home, 'src', 'flags.ts'), 'utf8');
      expect(module).toContain("export interface Flags {\n  'api-url': string;\n  'checkout': {\n");
      expect(module).toContain("  'dark-mode': boolean;\n  'max-items': number;\n}");
      expect(module).toContain("export type ClientFlagKey = 'dark-mode';");
      expect(module).not.toMatch(/\d{4}-\d{2}-\d{2}|app_|env_/);

      // Same bytes again, and on stdout without --out.
      const stdout = await superflag(['typegen', ...scope], { home });
      expect(stdout.stdout).toBe(module);

      writeFileSync(
        join(home, 'src', 'usage.ts'),
        `import { type ClientFlags, type FlagKey, type Flags, flagTypes } from './flags';

export function read<K extends FlagKey>(values: Flags, key: K): Flags[K] {
  return values[key];
}
const values: Flags = {
  'api-url': 'https://api.example.com',
  'checkout': { currency: 'USD', 'free-shipping': false, limits: { max: 1 }, steps: [] },
  'dark-mode': false,
  'max-items': 3,
};
export const dark: boolean = read(values, 'dark-mode');
export const steps: string[] = values.checkout.steps;
export const max: number = values.checkout.limits.max;
export const client: ClientFlags = { 'dark-mode': true };
export const kind: 'json' = flagTypes.checkout;
// @ts-expect-error not a flag
export const missing: FlagKey = 'no-such-flag';
// @ts-expect-error a number flag is not a string
export const wrong: Flags['max-items'] = 'ten';
`,
      );
      const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
      const compiled = await promisify(execFile)(
        tsc,
        ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', 'src/usage.ts'],
        {
          cwd: home,
          env: { ...process.env, NODE_OPTIONS: '' },
        },
      ).then(
        (r) => ({ code: 0, output: r.stdout + r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, output: e.stdout + e.stderr }),
      );
      expect(compiled).toEqual({ code: 0, output: '' });
    });

    it('--check exits 0 when up to date, 1 after a flag is added or retyped, and never writes', async () => {
      const path = join(home, 'src', 'flags.ts');
      expect((await superflag(['typegen', '--out', 'src/flags.ts', ...scope], { home })).code).toBe(0);
      const ok = await superflag(['typegen', '--out', 'src/flags.ts', '--check', ...scope], { home });
      expect(ok).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
      expect(ok.stdout).toContain('up to date');

      // A value change that keeps the types is not drift: toggling a flag must not break CI.
      await s.http().patch('/api/v1/flags').set(user.auth).send({ appId, env: 'production', key: 'dark-mode', value: false }).expect(200);
      expect((await superflag(['typegen', '--out', 'src/flags.ts', '--check', ...scope], { home })).code).toBe(0);

      const before = readFileSync(path, 'utf8');
      await s
        .http()
        .post('/api/v1/flags')
        .set(user.auth)
        .send({ appId, env: 'production', key: 'new-flag', type: 'string', value: 'x' })
        .expect(201);
      const drift = await superflag(['typegen', '--out', 'src/flags.ts', '--check', ...scope], { home });
      expect(drift.code).toBe(1);
      expect(drift.stderr).toBe(
        'error: src/flags.ts is out of date (5 flags of ' + scope[1] + '/production): run `superflag typegen --out src/flags.ts`\n',
      );
      expect(readFileSync(path, 'utf8')).toBe(before);

      expect((await superflag(['typegen', '--out', 'src/flags.ts', ...scope], { home })).code).toBe(0);
      expect((await superflag(['typegen', '--out', 'src/flags.ts', '--check', ...scope], { home })).code).toBe(0);

      await s
        .http()
        .patch('/api/v1/flags')
        .set(user.auth)
        .send({ appId, env: 'production', key: 'checkout', value: { currency: 'EUR' } })
        .expect(200);
      expect((await superflag(['typegen', '--out', 'src/flags.ts', '--check', ...scope], { home })).code).toBe(1);

      const missing = await superflag(['typegen', '--out', 'src/other.ts', '--check', ...scope], { home });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/src\/other\.ts is missing/);
    });
  });

  it('runs in CI from SUPERFLAG_TOKEN and SUPERFLAG_API_URL alone, writing nothing under HOME', async () => {
    const { user, app } = await s.newUserWithApp();
    await aFlag(s, user, app, 'production', { key: 'ci-flag', type: 'bool', value: true });
    const home = aHome();
    const ci = { SUPERFLAG_TOKEN: user.token, SUPERFLAG_API_URL: url, CI: 'true' };

    const whoami = await superflag(['whoami'], { home, env: ci });
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toContain(user.email);
    expect(whoami.stdout).toContain('from SUPERFLAG_TOKEN');

    const list = await superflag(['flags', 'list', '--app', app.name, '--env', 'production', '--json'], { home, env: ci });
    expect(list).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(JSON.parse(list.stdout)).toEqual({ 'ci-flag': { type: 'bool', value: true, clientEnabled: false } });

    const typegen = await superflag(['typegen'], { home, env: { ...ci, SUPERFLAG_APP: app.id, SUPERFLAG_ENV: 'production' } });
    expect(typegen.code).toBe(0);
    expect(typegen.stdout).toContain("'ci-flag': boolean;");
    expect(readdirSync(home)).toEqual([]);

    // The variables win over saved credentials for another server and a dead token.
    const stale = aHome();
    await superflag(['login', '--api-url', url, '--token', user.token], { home: stale });
    writeFileSync(join(stale, '.superflag', 'credentials.json'), JSON.stringify({ apiUrl: 'http://127.0.0.1:1', token: 'cli_revoked' }));
    const overridden = await superflag(['apps', 'list', '--json'], { home: stale, env: ci });
    expect(overridden.code).toBe(0);
    expect(JSON.parse(overridden.stdout).map((a: { name: string }) => a.name)).toEqual([app.name]);
  });

  it('runs on the plain system Node (>= 20) as well, not only on the Node 24 the project uses', async () => {
    const systemNode = findSystemNode();
    if (!systemNode) return; // no second Node on this machine: nothing more to prove
    const out = await superflag(['--version'], { home: aHome(), node: systemNode });
    expect(out).toEqual({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/), stderr: '' });
    const help = await superflag(['flags', 'create', '--help'], { home: aHome(), node: systemNode });
    expect(help.code).toBe(0);
  });
});

async function aClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The machine's own `node` (on PATH outside node_modules), when it is a Node >= 20. */
function findSystemNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || dir.includes('node_modules')) continue;
    const candidate = join(dir, 'node');
    if (!existsSync(candidate)) continue;
    const major = Number(/^v(\d+)/.exec(execFileSync(candidate, ['--version'], { encoding: 'utf8', env: { PATH: '' } }))?.[1]);
    return major >= 20 ? candidate : undefined;
  }
  return undefined;
}
