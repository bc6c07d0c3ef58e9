import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks (libs/webhooks) and their delivery jobs, the outbox the delivery workers of every replica claim from
 * with FOR UPDATE SKIP LOCKED. Both belong to their app: the foreign keys delete them in the transaction that
 * deletes the app (and a webhook's deliveries with the webhook).
 */
export class Webhooks1764000900000 implements MigrationInterface {
  name = 'Webhooks1764000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id varchar(32) PRIMARY KEY,
        app_id varchar(32) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        url varchar(2048) NOT NULL,
        -- The event names it receives; every event when NULL.
        events text[],
        -- The signing secret, encrypted (AES-256-GCM): deliveries need it back to sign, so it cannot be hashed.
        secret_encrypted text NOT NULL,
        created_by varchar(32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhooks_app_id ON webhooks (app_id, created_at, id)`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        -- The Standard Webhooks message id (header webhook-id), the same on every attempt.
        id varchar(40) PRIMARY KEY,
        -- Increases with every delivery: the list's order and its page cursor.
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        webhook_id varchar(32) NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        app_id varchar(32) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        event_type varchar(64) NOT NULL,
        -- The exact body every attempt sends (the signature covers these bytes).
        payload text NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        -- When a worker may (re)claim it: due time while pending, pushed past the attempt's timeout while one runs
        -- (a replica that dies mid-attempt leaves it to be claimed again); NULL once finished.
        next_attempt_at timestamptz,
        -- Every attempt: [{attempt, at, responseCode, durationMs, error}].
        attempt_log jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The workers' claim: due pending deliveries, oldest due first.
    await q.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    // The list: a webhook's deliveries, newest first, one page at a time.
    await q.query(`CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, seq DESC)`);
    await q.query(`CREATE INDEX webhook_deliveries_app_id ON webhook_deliveries (app_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhooks`);
  }
}
