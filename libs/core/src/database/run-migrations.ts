import type { DataSource } from 'typeorm';

/** Arbitrary constant shared by every replica: the advisory lock that serialises schema changes. */
const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies pending migrations. Several replicas starting at once must not race: on PostgreSQL the run is
 * wrapped in a session-level advisory lock, so one replica migrates and the others wait, then find nothing
 * to do. (The embedded engine is single-process by construction and needs no lock.)
 */
export async function runMigrations(dataSource: DataSource, embedded: boolean): Promise<string[]> {
  if (embedded) {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
