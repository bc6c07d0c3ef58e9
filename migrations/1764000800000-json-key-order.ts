import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flag values, rollouts, overrides and change records from jsonb to json, so a json value's keys come back in
 * the order they were written (jsonb sorts them by length, then bytewise). Existing rows convert as they are:
 * their order is already jsonb's and cannot be recovered. Nothing queries inside these columns (no jsonb
 * operators, indexes or equality on them), which json could not serve. Rewrites the tables under an exclusive lock.
 */
export class JsonKeyOrder1764000800000 implements MigrationInterface {
  name = 'JsonKeyOrder1764000800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flags ALTER COLUMN value TYPE json USING value::json, ALTER COLUMN rollout TYPE json USING rollout::json`);
    await q.query(`ALTER TABLE flag_targets ALTER COLUMN value TYPE json USING value::json`);
    await q.query(`ALTER TABLE flag_changes ALTER COLUMN diffs TYPE json USING diffs::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flag_changes ALTER COLUMN diffs TYPE jsonb USING diffs::jsonb`);
    await q.query(`ALTER TABLE flag_targets ALTER COLUMN value TYPE jsonb USING value::jsonb`);
    await q.query(
      `ALTER TABLE flags ALTER COLUMN value TYPE jsonb USING value::jsonb, ALTER COLUMN rollout TYPE jsonb USING rollout::jsonb`,
    );
  }
}
