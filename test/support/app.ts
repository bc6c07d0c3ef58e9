import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, loadConfig } from '@superflag/core';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp, type CreateAppOptions } from '../../apps/api/src/bootstrap';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: () => TestAgent;
  /** Base URL of the app listening on a free port (for streaming clients). */
  url: () => Promise<string>;
  close: () => Promise<void>;
}

/**
 * The real HTTP app, once per test file: on DATABASE_URL's PostgreSQL and REDIS_URL's Redis when set
 * (as in CI), otherwise on an in-memory embedded PostgreSQL. Tests isolate by creating their own users and
 * apps, so files run in parallel on one database without truncating anything.
 */
export async function startApp(
  overrides: Record<string, string> = {},
  options: Pick<CreateAppOptions, 'extensions'> = {},
): Promise<TestApp> {
  // Test files share one Redis and one client IP: per-IP and per-token limits get their own tests (which override these).
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOGIN_RATE_LIMIT: '100000',
    BURST_IP_LIMIT: '100000',
    BURST_TOKEN_LIMIT: '100000',
    BURST_PUB_IP_LIMIT: '0',
    // Cheaper password hashes: hundreds of test users sign up (the credential tests use the production cost).
    PASSWORD_SCRYPT_LOG_N: '14',
    BURST_AUTH_FAIL_IP_LIMIT: '0',
    ...overrides,
  };
  if (!env.DATABASE_URL && !overrides.DATA_DIR) env.DATA_DIR = 'memory://';
  const config = loadConfig(env);
  const app = await createApp(config, { logger: ['error'], ...options });
  let listening: Promise<string> | undefined;
  const url = () => {
    listening ??= app
      .listen({ port: 0, host: '127.0.0.1' })
      .then(() => app.getUrl())
      .then((u) => u.replace('[::1]', '127.0.0.1'));
    return listening;
  };
  // Listening from the start lets supertest and streaming clients share one server.
  await url();
  const agent = request(app.getHttpServer());
  return { app, config, http: () => agent, url, close: () => app.close() };
}

/**
 * Two or more app instances that share one PostgreSQL and one Redis, like replicas: DATABASE_URL and
 * REDIS_URL when set, otherwise this machine's local services (the `test` database).
 */
export function sharedServices(): Record<string, string> {
  return {
    DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
  };
}

/**
 * `count` instances on one PostgreSQL and one Redis (sharedServices()) for the enclosing describe block, like
 * replicas behind a load balancer: started together in its beforeAll, closed in its afterAll. Each handle works
 * once the block's tests run.
 */
export function replicasPerSuite(count = 2, overrides: Record<string, string> | (() => Record<string, string>) = {}): TestApp[] {
  const started: TestApp[] = [];
  beforeAll(async () => {
    const settings = { ...sharedServices(), ...(typeof overrides === 'function' ? overrides() : overrides) };
    started.push(...(await Promise.all(Array.from({ length: count }, () => startApp(settings)))));
  });
  afterAll(() => Promise.all(started.map((replica) => replica.close())));
  return Array.from({ length: count }, (_, i) => {
    const replica = () => started[i] ?? fail(`replica ${i} used before it started (use it inside a test or a hook)`);
    return {
      get app() {
        return replica().app;
      },
      get config() {
        return replica().config;
      },
      http: () => replica().http(),
      url: () => replica().url(),
      close: () => replica().close(),
    };
  });
}

function fail(message: string): never {
  throw new Error(message);
}
