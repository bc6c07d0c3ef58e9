import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators as accounts (with the audit of who granted what), session tokens that expire, and the scope that
 * manages tokens.
 */
export class CredentialLifecycle1764000700000 implements MigrationInterface {
  name = 'CredentialLifecycle1764000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN is_operator boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE operator_audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        action varchar(32) NOT NULL,
        user_id varchar(32) NOT NULL,
        email varchar(254) NOT NULL,
        actor_user_id varchar(32),
        actor_token_id varchar(32),
        details jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A session token (from signup or login) slides its expiry on use; a minted token keeps the one it was given.
    await q.query(`ALTER TABLE cli_tokens ADD COLUMN session boolean NOT NULL DEFAULT false`);
    // Sessions issued before this never expired: from now on they last the default 90 days from their next use
    // (sliding), and they keep managing tokens, which now needs tokens:write. Minted tokens get no new scope.
    await q.query(`
      UPDATE cli_tokens
      SET session = true,
          expires_at = now() + interval '90 days',
          scopes = CASE WHEN 'tokens:write' = ANY(scopes) THEN scopes ELSE array_append(scopes, 'tokens:write') END
      WHERE name IN ('signup', 'login') AND expires_at IS NULL AND revoked_at IS NULL`);
    // The token limit counts a user's active tokens; login revokes their least recently used session past it.
    await q.query(`CREATE INDEX cli_tokens_user_active_idx ON cli_tokens (user_id, created_at DESC) WHERE revoked_at IS NULL`);
    await q.query(`CREATE INDEX management_keys_creator_idx ON management_keys (app_id, created_by) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX management_keys_creator_idx`);
    await q.query(`DROP INDEX cli_tokens_user_active_idx`);
    await q.query(`UPDATE cli_tokens SET scopes = array_remove(scopes, 'tokens:write')`);
    await q.query(`ALTER TABLE cli_tokens DROP COLUMN session`);
    await q.query(`DROP TABLE operator_audit_events`);
    await q.query(`ALTER TABLE users DROP COLUMN is_operator`);
  }
}
