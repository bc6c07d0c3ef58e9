import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError, UsageError } from './errors';

/**
 * The two files under ~/.superflag: credentials.json (the API URL and a cli_ token: a secret, so 0600 in a
 * 0700 directory) and config.json (the app and environment chosen with `superflag use`).
 * SUPERFLAG_TOKEN / SUPERFLAG_API_URL (and SUPERFLAG_APP / SUPERFLAG_ENV) override them, so CI needs no files.
 */
export const DEFAULT_API_URL = 'http://localhost:3000';

export interface Credentials {
  apiUrl: string;
  token: string;
}

export interface SelectedApp {
  id: string;
  name: string;
}

export interface CliConfig {
  app?: SelectedApp;
  env?: string;
}

export const settingsDir = () => join(homedir(), '.superflag');
export const credentialsPath = () => join(settingsDir(), 'credentials.json');
export const configPath = () => join(settingsDir(), 'config.json');

function readJson(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CliError(`${path} is not valid JSON: fix or delete it`);
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a credentials file behind. */
function writePrivateJson(path: string, value: unknown): void {
  const dir = settingsDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export function readStoredCredentials(): Partial<Credentials> {
  const raw = readJson(credentialsPath());
  if (!isObject(raw)) return {};
  return { apiUrl: nonEmpty(raw.apiUrl), token: nonEmpty(raw.token) };
}

export function saveCredentials(credentials: Credentials): void {
  writePrivateJson(credentialsPath(), { apiUrl: credentials.apiUrl, token: credentials.token });
}

export function removeCredentials(): boolean {
  const path = credentialsPath();
  if (!existsSync(path)) return false;
  rmSync(path);
  return true;
}

export function readConfig(): CliConfig {
  const raw = readJson(configPath());
  if (!isObject(raw)) return {};
  const app =
    isObject(raw.app) && nonEmpty(raw.app.id) ? { id: String(raw.app.id), name: nonEmpty(raw.app.name) ?? String(raw.app.id) } : undefined;
  return { app, env: nonEmpty(raw.env) };
}

export function saveConfig(config: CliConfig): void {
  writePrivateJson(configPath(), config);
}

export type Source = 'flag' | 'env' | 'file' | 'default';

export interface ResolvedSetting<T> {
  value: T;
  source: Source;
}

/** --api-url, then SUPERFLAG_API_URL, then credentials.json, then http://localhost:3000. */
export function resolveApiUrl(flag: string | undefined): ResolvedSetting<string> {
  const fromEnv = nonEmpty(process.env.SUPERFLAG_API_URL);
  const stored = readStoredCredentials().apiUrl;
  const [value, source]: [string, Source] = flag
    ? [flag, 'flag']
    : fromEnv
      ? [fromEnv, 'env']
      : stored
        ? [stored, 'file']
        : [DEFAULT_API_URL, 'default'];
  return { value: normalizeApiUrl(value), source };
}

/** SUPERFLAG_TOKEN, then credentials.json. */
export function resolveToken(): ResolvedSetting<string> | undefined {
  const fromEnv = nonEmpty(process.env.SUPERFLAG_TOKEN);
  if (fromEnv) return { value: fromEnv, source: 'env' };
  const stored = readStoredCredentials().token;
  return stored ? { value: stored, source: 'file' } : undefined;
}

export function normalizeApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`Invalid API URL "${raw}": expected something like ${DEFAULT_API_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`Invalid API URL "${raw}": use http:// or https://`);
  return url.toString().replace(/\/+$/, '');
}
