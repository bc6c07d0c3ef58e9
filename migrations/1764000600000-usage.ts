import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The durable copy of each environment's monthly usage: Redis holds the live counters, and every replica adds
 * what it served here, so a Redis that lost its data (or a process restart without Redis) is restored from it.
 */
export class Usage1764000600000 implements MigrationInterface {
  name = 'Usage1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE environment_usage (
        environment_id varchar(32) NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        month char(7) NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
        served bigint NOT NULL DEFAULT 0 CHECK (served >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (environment_id, month)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE environment_usage`);
  }
}
