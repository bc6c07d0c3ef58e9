import type { MigrationInterface, QueryRunner } from 'typeorm';

/** pub_/sdk_ runtime keys, stored as sha256 hashes. */
export class ApiKeys1764000200000 implements MigrationInterface {
  name = 'ApiKeys1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id varchar(32) PRIMARY KEY,
        app_id varchar(32) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        environment_id varchar(32) NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        type varchar(3) NOT NULL CHECK (type IN ('pub', 'sdk')),
        name varchar(100),
        prefix varchar(80) NOT NULL,
        key_hash char(64) NOT NULL,
        last4 varchar(4) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash)`);
    await q.query(`CREATE INDEX api_keys_environment_id_idx ON api_keys (environment_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE api_keys`);
  }
}
