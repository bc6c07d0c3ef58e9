import { mkdirSync } from 'node:fs';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { embeddedPostgresDriver } from './embedded-postgres';

export type MigrationList = NonNullable<DataSourceOptions['migrations']>;

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded engine persisted under DATA_DIR: same SQL, same migrations. */
export function dataSourceOptions(config: AppConfig, migrations: MigrationList): DataSourceOptions {
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
    return { ...common, url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, extra: { connectionTimeoutMillis: 5000 } };
  }
  if (config.DATA_DIR !== 'memory://') mkdirSync(config.DATA_DIR, { recursive: true });
  return { ...common, driver: embeddedPostgresDriver(config.DATA_DIR), poolSize: 1 } as DataSourceOptions;
}
