import type { Command } from 'commander';
import { type ApiClient, createApiClient, type Outcome, send } from './api/client';
import { CliError, UsageError } from './errors';
import { Output } from './output';
import { readConfig, type ResolvedSetting, resolveApiUrl, resolveToken, type SelectedApp } from './settings';

/** The options every command accepts (declared once on the root program). */
export interface GlobalOptions {
  json?: boolean;
  app?: string;
  env?: string;
  apiUrl?: string;
}

/** The app and environment a command works on. `env` is a name or an env_ id: the API takes both. */
export interface Target {
  app: SelectedApp;
  env: string;
}

/**
 * One invocation's view of the world: how to print, which API and token to use, which app and environment
 * to work on. Settings are read lazily, so `--help` or a usage error never touches ~/.superflag.
 */
export class Session {
  readonly out: Output;
  private resolvedApiUrl?: ResolvedSetting<string>;

  constructor(readonly options: GlobalOptions) {
    this.out = new Output(Boolean(options.json));
  }

  /** The session of the command whose action is running (its options merged with the root's). */
  static of(command: Command): Session {
    return new Session(command.optsWithGlobals<GlobalOptions>());
  }

  get apiUrl(): ResolvedSetting<string> {
    this.resolvedApiUrl ??= resolveApiUrl(this.options.apiUrl);
    return this.resolvedApiUrl;
  }

  /** The token in use; fails with a hint when there is none. */
  token(): ResolvedSetting<string> {
    const token = resolveToken();
    if (!token) throw new CliError('Not logged in: run `superflag login`, or set SUPERFLAG_TOKEN');
    return token;
  }

  /** One authenticated API call; returns the success body. `token` overrides the stored one (login --token). */
  request<T>(label: string, call: (api: ApiClient) => Promise<Outcome<T>>, token = this.token().value): Promise<T> {
    const api = createApiClient(this.apiUrl.value, token);
    return send(label, this.apiUrl.value, () => call(api));
  }

  /** One call that needs no token (login). */
  requestAnonymously<T>(label: string, call: (api: ApiClient) => Promise<Outcome<T>>): Promise<T> {
    const api = createApiClient(this.apiUrl.value);
    return send(label, this.apiUrl.value, () => call(api));
  }

  /** Finds one of the caller's apps by id or by name. */
  async findApp(ref: string): Promise<SelectedApp> {
    const { data: apps } = await this.request('Loading apps', (api) => api.GET('/api/v1/apps'));
    const app = apps.find((a) => a.id === ref) ?? apps.find((a) => a.name === ref);
    if (!app) throw new CliError(`App not found: ${ref}`);
    return { id: app.id, name: app.name };
  }

  /** --app, then SUPERFLAG_APP, then the app chosen with `superflag use`. */
  async app(): Promise<SelectedApp> {
    const ref = this.options.app ?? nonEmpty(process.env.SUPERFLAG_APP);
    if (ref) return this.findApp(ref);
    const stored = readConfig().app;
    if (!stored) throw new UsageError('No app selected: pass --app APP, or run `superflag use APP ENV`');
    return stored;
  }

  /** The app (as above) and --env, then SUPERFLAG_ENV, then the environment chosen with `superflag use`. */
  async target(): Promise<Target> {
    const env = this.options.env ?? nonEmpty(process.env.SUPERFLAG_ENV) ?? readConfig().env;
    if (!env) throw new UsageError('No environment selected: pass --env ENV, or run `superflag use APP ENV`');
    return { app: await this.app(), env };
  }
}

const nonEmpty = (v: string | undefined) => (v && v.trim() !== '' ? v.trim() : undefined);

export const describeTarget = (t: Target) => `${t.app.name}/${t.env}`;
