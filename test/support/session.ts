import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@superflag/core';
import type { Test } from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import type { ApiExtension } from '../../apps/api/src/app.module';
import { startApp, type TestApp } from './app';
import {
  aFlag,
  aKey,
  aLogin,
  aManagementKey,
  aMember,
  anApp,
  aUser,
  type FlagSpec,
  type TestAppRecord,
  type TestManagementKey,
  type TestRole,
  type TestUser,
  unique,
} from './factories';

/** Settings for the app; a function when they are only known once an earlier hook ran (a private Redis's URL). */
export type Overrides = Record<string, string> | (() => Record<string, string>);

export interface SessionOptions {
  /** Sign up a user and create an app for them (the default); false for files that make every user themselves. */
  user?: boolean;
  /** Also make an operator: a bootstrap account (ADMIN_EMAIL/ADMIN_PASSWORD) of this session's own, logged in. */
  operator?: boolean;
  /** How long perSuite's beforeAll may take (jest's testTimeout unless told). */
  timeoutMs?: number;
  /** Teams' modules to compose into the app (docs/extending.md). */
  extensions?: readonly ApiExtension[];
}

const OPERATOR_PASSWORD = 'operator-password';

type Key = { auth: { Authorization: string } };

/**
 * What most e2e files start from, in one line (like Novu's `UserSession.initialize()`): the real app
 * (see startApp), a user with a cli_ token, and an app of theirs with its three environments. It is a TestApp,
 * so every factory in factories.ts takes it as is; the methods below are those factories bound to the
 * session's user and app. Files that need two instances or a server of their own use startApp directly.
 */
export class TestSession implements TestApp {
  private running?: TestApp;
  private owner?: TestUser;
  private ownApp?: TestAppRecord;
  private admin?: TestUser;

  private constructor(
    private readonly overrides: Overrides,
    private readonly options: SessionOptions,
  ) {}

  static async start(overrides: Overrides = {}, options: SessionOptions = {}): Promise<TestSession> {
    const session = new TestSession(overrides, options);
    await session.open();
    return session;
  }

  /** A session for the enclosing describe block: started in its beforeAll, closed in its afterAll. */
  static perSuite(overrides: Overrides = {}, options: SessionOptions = {}): TestSession {
    const session = new TestSession(overrides, options);
    beforeAll(() => session.open(), options.timeoutMs);
    afterAll(() => session.close());
    return session;
  }

  private async open(): Promise<void> {
    const operatorEmail = `${unique('operator')}@example.com`;
    const settings = {
      ...(typeof this.overrides === 'function' ? this.overrides() : this.overrides),
      ...(this.options.operator ? { ADMIN_EMAIL: operatorEmail, ADMIN_PASSWORD: OPERATOR_PASSWORD } : {}),
    };
    this.running = await startApp(settings, { extensions: this.options.extensions });
    if (this.options.operator) this.admin = await aLogin(this.running, operatorEmail, OPERATOR_PASSWORD);
    if (this.options.user === false) return;
    this.owner = await aUser(this.running);
    this.ownApp = await anApp(this.running, this.owner);
  }

  // ---- the running app (TestApp) ----

  get app(): NestFastifyApplication {
    return this.started().app;
  }

  get config(): AppConfig {
    return this.started().config;
  }

  http(): TestAgent {
    return this.started().http();
  }

  url(): Promise<string> {
    return this.started().url();
  }

  async close(): Promise<void> {
    await this.running?.close();
  }

  /** A provider of the app (services, Clock, DataSource), for tests that look inside. */
  get<T>(type: abstract new (...args: never[]) => T): T {
    return this.app.get(type as never) as T;
  }

  /** Raw SQL on the app's database, for tests that check what is stored. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.get(DataSource).query(sql, params);
  }

  // ---- the session's user and app ----

  get user(): TestUser {
    if (!this.owner) throw new Error('this session has no user (started with { user: false })');
    return this.owner;
  }

  /** The operator (started with { operator: true }): may change plans and grant operators. */
  get operator(): TestUser {
    if (!this.admin) throw new Error('this session has no operator (start it with { operator: true })');
    return this.admin;
  }

  /** The session user's app (its id, name and environment ids by name). */
  get appRecord(): TestAppRecord {
    if (!this.ownApp) throw new Error('this session has no app (started with { user: false })');
    return this.ownApp;
  }

  get appId(): string {
    return this.appRecord.id;
  }

  /** Environment ids by name: development, staging, production (and any a test adds). */
  get envs(): Record<string, string> {
    return this.appRecord.envs;
  }

  /** The `{ appId, env }` pair most management routes take, for the session's app. */
  at(env = 'production'): { appId: string; env: string } {
    return { appId: this.appId, env };
  }

  // ---- domain helpers (through the API, as the session user on the session app unless told) ----

  /** A flag in `env`; returns its key and the environment version after the write. */
  flag(env = 'production', spec: FlagSpec = {}, app: TestAppRecord = this.appRecord): Promise<{ key: string; version: number }> {
    return aFlag(this, this.user, app, env, spec);
  }

  /** A runtime key of `env`: its id, secret and Authorization header. */
  key(
    env = 'production',
    type: 'pub' | 'sdk' = 'sdk',
    app: TestAppRecord = this.appRecord,
  ): Promise<{ id: string; key: string; auth: { Authorization: string } }> {
    return aKey(this, this.user, app, env, type);
  }

  /** A mgmt_ key of the session app (every scope unless told). */
  managementKey(options: { scopes?: readonly string[]; name?: string; expiresAt?: string } = {}): Promise<TestManagementKey> {
    return aManagementKey(this, this.user, this.appRecord, options);
  }

  /** A new user, added to the session app with `role`. */
  async asMember(role: TestRole): Promise<TestUser> {
    const member = await aUser(this);
    await aMember(this, this.user, this.appRecord, member, role);
    return member;
  }

  /** An existing account logged in (the bootstrap ADMIN_EMAIL operator, say), with a new cli_ token. */
  login(email: string, password: string): Promise<TestUser> {
    return aLogin(this, email, password);
  }

  /** Another user of their own (for isolation: tests that must not share the session user's app or limits). */
  newUser(): Promise<TestUser> {
    return aUser(this);
  }

  /** Another app, of the session user unless `owner` is given. */
  newApp(owner: TestUser = this.user, name?: string): Promise<TestAppRecord> {
    return name === undefined ? anApp(this, owner) : anApp(this, owner, name);
  }

  /** A new user and an app of theirs, for a test that wants a tenant to itself. */
  async newUserWithApp(): Promise<{ user: TestUser; app: TestAppRecord }> {
    const user = await aUser(this);
    return { user, app: await anApp(this, user) };
  }

  /** A new owner with an app of theirs and one new member per role given, in that order. */
  async newTeam(...roles: TestRole[]): Promise<{ owner: TestUser; app: TestAppRecord; members: TestUser[] }> {
    const { user: owner, app } = await this.newUserWithApp();
    const members: TestUser[] = [];
    for (const role of roles) {
      const member = await aUser(this);
      await aMember(this, owner, app, member, role);
      members.push(member);
    }
    return { owner, app, members };
  }

  /** GET /api/v1/config with a runtime key: the request, so the test says what it expects. */
  configFor(key: Key): Test {
    return this.http().get('/api/v1/config').set(key.auth);
  }

  private started(): TestApp {
    if (!this.running) throw new Error('TestSession used before it started (use it inside a test or a hook)');
    return this.running;
  }
}
