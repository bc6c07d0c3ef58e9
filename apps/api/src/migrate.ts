import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dataSourceOptions, loadConfig, runMigrations } from '@superflag/core';
import { MIGRATIONS } from '../../../migrations';

/** `npm run migrate`: applies pending migrations and exits (the Kubernetes migration Job runs this). */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await new DataSource(dataSourceOptions(config, MIGRATIONS)).initialize();
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
