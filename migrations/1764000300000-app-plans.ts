import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every app has a plan that sets its environments' monthly request quota; existing apps start on free. */
export class AppPlans1764000300000 implements MigrationInterface {
  name = 'AppPlans1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE apps ADD COLUMN plan varchar(16) NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'pro', 'enterprise'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE apps DROP COLUMN plan`);
  }
}
