import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Typed flags per environment and the change history that records every versioned write. */
export class Flags1764000100000 implements MigrationInterface {
  name = 'Flags1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE flags (
        id varchar(32) PRIMARY KEY,
        environment_id varchar(32) NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        key varchar(128) NOT NULL,
        type varchar(8) NOT NULL CHECK (type IN ('bool', 'string', 'number', 'json')),
        value jsonb NOT NULL,
        client_enabled boolean NOT NULL DEFAULT false,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX flags_environment_key_key ON flags (environment_id, key)`);
    await q.query(`
      CREATE TABLE flag_changes (
        id varchar(32) PRIMARY KEY,
        environment_id varchar(32) NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        version integer NOT NULL,
        action varchar(16) NOT NULL,
        diffs jsonb NOT NULL,
        actor_user_id varchar(32),
        actor_token_id varchar(32),
        change_description text,
        rolled_back_to integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One change per version: a second writer producing the same version would fail here, never silently.
    await q.query(`CREATE UNIQUE INDEX flag_changes_environment_version_key ON flag_changes (environment_id, version)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE flag_changes`);
    await q.query(`DROP TABLE flags`);
  }
}
