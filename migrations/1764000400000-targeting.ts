import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Percentage rollouts on flags, and per-user / per-company overrides (Reflag's specific targets). */
export class Targeting1764000400000 implements MigrationInterface {
  name = 'Targeting1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flags ADD COLUMN rollout jsonb`);
    await q.query(`
      CREATE TABLE flag_targets (
        flag_id varchar(32) NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
        target_type varchar(8) NOT NULL CHECK (target_type IN ('user', 'company')),
        target_id varchar(256) NOT NULL,
        value jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (flag_id, target_type, target_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE flag_targets`);
    await q.query(`ALTER TABLE flags DROP COLUMN rollout`);
  }
}
