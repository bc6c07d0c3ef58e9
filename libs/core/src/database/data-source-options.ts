import { Logger } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { databaseUnavailableReason } from '../errors/error-response';
import { embeddedPostgresDriver } from './embedded-postgres';
import { PgClient } from './pg-client';

export type MigrationList = NonNullable<DataSourceOptions['migrations']>;

/**
 * How much longer than statement_timeout the client waits for an answer. A server that is up cancels the
 * statement itself (SQLSTATE 57014) and answers first; only a server that stopped answering reaches this.
 */
const QUERY_TIMEOUT_MARGIN_MS = 1_000;

const poolLogger = new Logger('Database');

/**
 * `serve`: the app's pool, with timeouts, so a request never waits on an unreachable database for longer
 * than a few seconds. `migrate`: no statement or read timeout, since a migration (or the advisory lock that
 * lets another replica's migration finish first) may rightly take longer.
 */
export type DataSourcePurpose = 'serve' | 'migrate';

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded engine persisted under DATA_DIR: same SQL, same migrations. */
export function dataSourceOptions(config: AppConfig, migrations: MigrationList, purpose: DataSourcePurpose = 'migrate'): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    migrations,
    migrationsTableName: 'schema_migrations',
    // Migrations run explicitly, under an advisory lock, before the app serves (see runMigrations).
    migrationsRun: false,
    synchronize: false,
    // Off: TypeORM's error log prints query parameters (password hashes, token hashes). Failures surface as
    // exceptions and the error filter logs unexpected ones without their parameters.
    logging: false,
  };
  if (config.DATABASE_URL) {
    return { ...common, url: config.DATABASE_URL, ...pgPool(config, purpose) };
  }
  if (config.DATA_DIR !== 'memory://') mkdirSync(config.DATA_DIR, { recursive: true });
  return { ...common, driver: embeddedPostgresDriver(config.DATA_DIR), poolSize: 1 } as DataSourceOptions;
}

/** Options of the `pg` pool (PostgreSQL only: the embedded engine has no network to time out on). */
function pgPool(config: AppConfig, purpose: DataSourcePurpose) {
  const timeouts =
    purpose === 'serve'
      ? {
          statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
          query_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS,
        }
      : {};
  return {
    poolSize: purpose === 'serve' ? config.DATABASE_POOL_SIZE : 2,
    extra: {
      // Also bounds the wait for a free pooled connection, so a request fails (503) rather than queueing.
      connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
      ...timeouts,
      // Lets the kernel notice a peer that vanished without a FIN (a crashed host) on idle connections.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      Client: PgClient,
    },
    // pg-pool emits 'error' for an idle connection that broke (server restart, failover, idle kill) and has
    // already dropped it from the pool. TypeORM always listens (an unheard 'error' would crash the process),
    // but through its logger, which is off. A lost connection is no news by itself: if the server is really
    // gone, the DependencyMonitor's next ping says so once; anything stranger is worth a line.
    poolErrorHandler: (err: unknown) => {
      if (!databaseUnavailableReason(err)) poolLogger.warn(`Idle database connection failed: ${(err as Error)?.message ?? String(err)}`);
    },
  };
}
