import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The feed's own table. Entries belong to their app: the foreign key deletes them with it, in the same
 * transaction, so a deleted tenant leaves nothing behind even if this module was down when it happened.
 * Environments are not referenced: an entry outlives the environment it records, as history should.
 */
export class ChangeFeed1796170320265 implements MigrationInterface {
  name = 'ChangeFeed1796170320265';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE change_feed_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        app_id varchar(32) NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
        environment_id varchar(32) NOT NULL,
        event varchar(32) NOT NULL,
        details jsonb NOT NULL,
        actor_type varchar(16),
        actor_id varchar(32),
        occurred_at timestamptz NOT NULL
      )`);
    // The one read: an app's entries, newest first, one page at a time.
    await q.query(`CREATE INDEX change_feed_entries_app_id ON change_feed_entries (app_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE change_feed_entries`);
  }
}
