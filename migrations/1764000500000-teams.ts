import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Member roles, apps' mgmt_ keys, the audit of access, and the key that made each flag change. */
export class Teams1764000500000 implements MigrationInterface {
  name = 'Teams1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_members ADD CONSTRAINT app_members_role_check CHECK (role IN ('owner', 'editor', 'viewer'))`);
    await q.query(`
      CREATE TABLE management_keys (
        id varchar(32) PRIMARY KEY,
        app_id varchar(32) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        key_hash char(64) NOT NULL,
        scopes text[] NOT NULL,
        created_by varchar(32) REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX management_keys_key_hash_key ON management_keys (key_hash)`);
    await q.query(`CREATE INDEX management_keys_app_id_idx ON management_keys (app_id)`);
    await q.query(`
      CREATE TABLE app_audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        app_id varchar(32) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        action varchar(32) NOT NULL,
        actor_user_id varchar(32),
        actor_token_id varchar(32),
        actor_app_key_id varchar(32),
        details jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Newest first per app, paged by id: the only way the audit is read.
    await q.query(`CREATE INDEX app_audit_events_app_id_idx ON app_audit_events (app_id, id DESC)`);
    await q.query(`ALTER TABLE flag_changes ADD COLUMN actor_app_key_id varchar(32)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE flag_changes DROP COLUMN actor_app_key_id`);
    await q.query(`DROP TABLE app_audit_events`);
    await q.query(`DROP TABLE management_keys`);
    await q.query(`ALTER TABLE app_members DROP CONSTRAINT app_members_role_check`);
  }
}
