import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, cli_ tokens, apps with their members, environments with their version. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id varchar(32) PRIMARY KEY,
        email varchar(254) NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`
      CREATE TABLE cli_tokens (
        id varchar(32) PRIMARY KEY,
        user_id varchar(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name varchar(100) NOT NULL,
        token_hash char(64) NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX cli_tokens_token_hash_key ON cli_tokens (token_hash)`);
    await q.query(`CREATE INDEX cli_tokens_user_id_idx ON cli_tokens (user_id)`);
    await q.query(`
      CREATE TABLE apps (
        id varchar(32) PRIMARY KEY,
        name varchar(64) NOT NULL,
        owner_id varchar(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX apps_owner_name_key ON apps (owner_id, name)`);
    await q.query(`
      CREATE TABLE app_members (
        app_id varchar(32) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        user_id varchar(32) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role varchar(16) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (app_id, user_id)
      )`);
    await q.query(`CREATE INDEX app_members_user_id_idx ON app_members (user_id)`);
    await q.query(`
      CREATE TABLE environments (
        id varchar(32) PRIMARY KEY,
        app_id varchar(32) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        name varchar(64) NOT NULL,
        version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX environments_app_name_key ON environments (app_id, name)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE environments`);
    await q.query(`DROP TABLE app_members`);
    await q.query(`DROP TABLE apps`);
    await q.query(`DROP TABLE cli_tokens`);
    await q.query(`DROP TABLE users`);
  }
}
