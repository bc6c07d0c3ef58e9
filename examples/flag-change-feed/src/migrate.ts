import 'reflect-metadata';
import { dataSourceOptions, loadConfig, runMigrations } from '@superflag/core';
import { DataSource } from 'typeorm';
import { migrationsWith } from '../../../apps/api/src/app.module';
import { flagChangeFeed } from './index';

/**
 * The migration Job's entry for a deployment with the feed (apps/api/src/migrate.ts knows the project's
 * migrations only): the same list, lock and table as start-up uses.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await new DataSource(dataSourceOptions(config, migrationsWith([flagChangeFeed]))).initialize();
  try {
    const applied = await runMigrations(dataSource, !config.DATABASE_URL);
    process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Schema is up to date\n');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
