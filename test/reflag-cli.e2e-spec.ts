import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from './support/cli';
import { TestSession } from './support/session';

jest.setTimeout(120_000);

/** The real Reflag CLI, installed as a devDependency (its bin, `node_modules/.bin/reflag`). */
const REFLAG_CLI = join(repoRoot, 'node_modules', '@reflag', 'cli');
const REFLAG_ENTRY = join(REFLAG_CLI, 'dist', 'index.js');
const REFLAG_VERSION = JSON.parse(readFileSync(join(REFLAG_CLI, 'package.json'), 'utf8')).version as string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Origins the CLI tried to reach beyond 127.0.0.1 (refused by the guard). */
  blocked: string[];
}

/**
 * `reflag ARGS`, unchanged, as a subprocess of the Node running the tests: HOME is a fresh directory, the working
 * directory an empty project, PATH only Node's own directory (no browser opener to find) and a preloaded guard
 * that refuses every fetch beyond 127.0.0.1 and records it (the CLI's npm version check is the only one).
 */
function reflag(args: readonly string[], workdir: string, env: Record<string, string> = {}): Promise<Run> {
  const home = join(workdir, 'home');
  const project = join(workdir, 'project');
  const guard = join(workdir, 'no-network.mjs');
  const blockedLog = join(workdir, 'blocked.log');
  mkdirSync(home, { recursive: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(
    guard,
    `import { appendFileSync } from 'node:fs';
const real = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
  if (url.hostname === '127.0.0.1') return real(input, init);
  appendFileSync(${JSON.stringify(blockedLog)}, url.origin + '\\n');
  return Promise.reject(new TypeError('network access refused by the test'));
};
`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', guard, REFLAG_ENTRY, ...args], {
      cwd: project,
      env: { PATH: dirname(process.execPath), HOME: home, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const blocked = existsSync(blockedLog) ? readFileSync(blockedLog, 'utf8').split('\n').filter(Boolean) : [];
      rmSync(blockedLog, { force: true });
      resolve({ code, stdout, stderr, blocked });
    });
  });
}

/** console.table's rows as cells (strings unquoted), header row first. */
const tableRows = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) =>
      l
        .split('│')
        .slice(1, -1)
        .map((c) => c.trim().replace(/^'(.*)'$/, '$1')),
    );

describe(`the real Reflag CLI (@reflag/cli ${REFLAG_VERSION})`, () => {
  const s = TestSession.perSuite();
  let url: string;
  let workdir: string;
  let mgmtKey: string;

  beforeAll(async () => {
    url = await s.url();
    workdir = mkdtempSync(join(tmpdir(), 'reflag-cli-'));
    await s.flag('production', { key: 'dark-mode', type: 'bool', value: false, clientEnabled: true });
    await s.flag('production', { key: 'theme', type: 'string', value: 'light' });
    await s.flag('production', { key: 'limit', type: 'number', value: 10 });
    await s.flag('production', { key: 'checkout-config', type: 'json', value: { steps: 3, provider: 'stripe' } });
    await s.flag('development', { key: 'dev-only', type: 'bool', value: true });
    await s
      .http()
      .patch(`/api/apps/${s.appId}/flags/specific-targets/${s.envs.production}`)
      .set(s.user.auth)
      .send({ updates: [{ flagKey: 'checkout-config', value: { steps: 2, provider: 'adyen', express: true }, companyId: 'acme' }] })
      .expect(200);
    mgmtKey = (await s.managementKey({ scopes: ['apps:read', 'flags:read'] })).key;
  });
  afterAll(() => rmSync(workdir, { recursive: true, force: true }));

  it('is the version this project tests against', () => {
    expect(REFLAG_VERSION).toBe('1.0.4');
  });

  it('flags types --base-url … --api-key mgmt_… generates types for the production flags, typed flags as payloads', async () => {
    const out = join(workdir, 'gen', 'flags.ts');
    const run = await reflag(['flags', 'types', '--base-url', url, '--api-key', mgmtKey, '--appId', s.appId, '--out', out], workdir);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/error/i) });
    expect(run.stdout).toContain('API key supplied');
    const generated = readFileSync(out, 'utf8');
    expect(generated).toContain('// DO NOT EDIT THIS FILE. IT IS GENERATED BY THE REFLAG CLI AND WILL BE OVERWRITTEN.');
    expect(generated).toContain('declare module "@reflag/react-sdk" {');
    const flagsInterface = /export interface Flags \{\n([\s\S]*?)\n {2}\}/.exec(generated)?.[1];
    expect(flagsInterface?.split('\n').map((l) => l.trim())).toEqual([
      '"checkout-config": { config: { payload: CheckoutConfigConfigPayload } };',
      '"dark-mode": boolean;',
      'limit: { config: { payload: LimitConfigPayload } };',
      'theme: { config: { payload: ThemeConfigPayload } };',
    ]);
    expect(generated).toContain('export type LimitConfigPayload = number');
    expect(generated).toContain('export type ThemeConfigPayload = string');
    // The json flag's type covers its value and its target's: `express` is only in one, so optional.
    const checkout = /export type CheckoutConfigConfigPayload = (\{[\s\S]*?\n {2}\})/.exec(generated)?.[1];
    expect(checkout?.replace(/\s+/g, ' ')).toBe('{ steps: number, provider: string, express?: boolean }');
    expect(generated).not.toContain('dev-only');
    // It is valid TypeScript.
    const { diagnostics } = ts.transpileModule(generated, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext } });
    expect(diagnostics).toEqual([]);
    // Nothing but 127.0.0.1 was reached (the npm version check was refused), nothing written to HOME, no browser.
    expect(run.blocked.every((origin) => origin === 'https://registry.npmjs.org')).toBe(true);
    expect(readdirSync(join(workdir, 'home'))).toEqual([]);
    expect(run.stdout).not.toContain('Opened web browser');
  });

  it('flags list shows the production flags; apps list the apps the credential can see', async () => {
    const flags = await reflag(['flags', 'list', '--base-url', url, '--api-key', mgmtKey, '--appId', s.appId], workdir);
    expect(flags.code).toBe(0);
    const rows = tableRows(flags.stdout);
    expect(rows[0]).toEqual(['(index)', 'name', 'key', 'stage']);
    expect(rows.slice(1).map((r) => r.slice(1, 3))).toEqual([
      ['checkout-config', 'checkout-config'],
      ['dark-mode', 'dark-mode'],
      ['limit', 'limit'],
      ['theme', 'theme'],
    ]);

    const apps = await reflag(['apps', 'list', '--base-url', url, '--api-key', mgmtKey], workdir);
    expect(apps.code).toBe(0);
    expect(tableRows(apps.stdout)).toEqual([
      ['(index)', 'name', 'id', 'demo'],
      ['0', s.appRecord.name, s.appId, 'false'],
    ]);

    // A person's cli_ token works as the API key too, and sees every app of theirs.
    const second = await s.newApp();
    const mine = await reflag(['apps', 'list', '--base-url', url, '--api-key', s.user.token], workdir);
    expect(mine.code).toBe(0);
    expect(tableRows(mine.stdout).map((r) => r[2])).toEqual(['id', s.appId, second.id]);
    expect(readdirSync(join(workdir, 'home'))).toEqual([]);
  });

  it('runs as in CI: the key from REFLAG_API_KEY; reflag.config.json cannot name an app here, so --appId does', async () => {
    const project = join(workdir, 'project');
    const out = join(workdir, 'ci', 'flags.d.ts');
    const ci = await reflag(['flags', 'types', '--base-url', url, '--appId', s.appId, '--out', out, '--format', 'node'], workdir, {
      REFLAG_API_KEY: mgmtKey,
    });
    expect(ci.code).toBe(0);
    const generated = readFileSync(out, 'utf8');
    expect(generated).toContain('declare module "@reflag/node-sdk" {');
    expect(generated).toContain('"dark-mode": boolean;');
    // Reflag's config schema wants a 14-character app id; ids here are longer, so the file is refused as a whole.
    writeFileSync(join(project, 'reflag.config.json'), JSON.stringify({ baseUrl: url, appId: s.appId }));
    try {
      const withConfig = await reflag(['flags', 'list'], workdir, { REFLAG_API_KEY: mgmtKey });
      expect(withConfig.code).toBe(1);
      expect(withConfig.stderr).toContain('/appId: must NOT have more than 14 characters');
    } finally {
      rmSync(join(project, 'reflag.config.json'));
    }
  });

  it('fails cleanly with a bad key, and for an app the key cannot see', async () => {
    const bad = await reflag(['apps', 'list', '--base-url', url, '--api-key', 'mgmt_not-a-key'], workdir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`The provided API key is not valid for "${url}/api/bootstrap".`);
    const other = await s.newApp();
    const hidden = await reflag(
      ['flags', 'types', '--base-url', url, '--api-key', mgmtKey, '--appId', other.id, '--out', join(workdir, 'x.ts')],
      workdir,
    );
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toContain(`App with id ${other.id} not found`);
    expect(existsSync(join(workdir, 'x.ts'))).toBe(false);
  });
});
