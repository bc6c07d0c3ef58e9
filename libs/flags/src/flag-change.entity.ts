import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { FlagState } from './flag-values';

export type ChangeAction = 'create' | 'update' | 'delete' | 'bulk' | 'rollback';

export interface FlagDiff {
  key: string;
  /** null: the flag did not exist before. */
  before: FlagState | null;
  /** null: the flag no longer exists. */
  after: FlagState | null;
}

/**
 * One write to an environment's flags: the version it produced, what changed (full before/after per flag, so
 * any version can be restored by undoing later changes), who did it and why.
 */
@Entity('flag_changes')
export class FlagChange {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'environment_id', type: 'varchar', length: 32 })
  environmentId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 16 })
  action!: ChangeAction;

  @Column({ type: 'jsonb' })
  diffs!: FlagDiff[];

  @Column({ name: 'actor_user_id', type: 'varchar', length: 32, nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_token_id', type: 'varchar', length: 32, nullable: true })
  actorTokenId!: string | null;

  @Column({ name: 'change_description', type: 'text', nullable: true })
  changeDescription!: string | null;

  /** For a rollback: the version whose flag set was restored. */
  @Column({ name: 'rolled_back_to', type: 'integer', nullable: true })
  rolledBackTo!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
