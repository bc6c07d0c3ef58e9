import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, loadConfig } from '@superflag/core';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../apps/api/src/bootstrap';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  http: () => TestAgent;
  close: () => Promise<void>;
}

/**
 * The real HTTP app, once per test file: on DATABASE_URL's PostgreSQL and REDIS_URL's Redis when set
 * (as in CI), otherwise on an in-memory embedded PostgreSQL. Tests isolate by creating their own users and
 * apps, so files run in parallel on one database without truncating anything.
 */
export async function startApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const env: Record<string, string | undefined> = { ...process.env, LOGIN_RATE_LIMIT: '1000', ...overrides };
  if (!env.DATABASE_URL && !overrides.DATA_DIR) env.DATA_DIR = 'memory://';
  const config = loadConfig(env);
  const app = await createApp(config, { logger: ['error'] });
  const agent = request(app.getHttpServer());
  return { app, config, http: () => agent, close: () => app.close() };
}
