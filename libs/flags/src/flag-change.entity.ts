import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { FlagState, FlagValue, TargetType } from './flag-values';

export type ChangeAction = 'create' | 'update' | 'delete' | 'bulk' | 'rollback' | 'targets';

export interface FlagDiff {
  key: string;
  /** null: the flag did not exist before. */
  before: FlagState | null;
  /** null: the flag no longer exists. */
  after: FlagState | null;
}

/** A change to one user's or company's override of a flag. */
export interface TargetDiff {
  key: string;
  targetType: TargetType;
  targetId: string;
  /** null: no override before / after. */
  before: FlagValue | null;
  after: FlagValue | null;
}

export type ChangeDiff = FlagDiff | TargetDiff;

export const isTargetDiff = (d: ChangeDiff): d is TargetDiff => 'targetType' in d;

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

  @Column({ type: 'json' })
  diffs!: ChangeDiff[];

  @Column({ name: 'actor_user_id', type: 'varchar', length: 32, nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_token_id', type: 'varchar', length: 32, nullable: true })
  actorTokenId!: string | null;

  /** Set instead of the user and token when an app's mgmt_ key made the change. */
  @Column({ name: 'actor_app_key_id', type: 'varchar', length: 32, nullable: true })
  actorAppKeyId!: string | null;

  @Column({ name: 'change_description', type: 'text', nullable: true })
  changeDescription!: string | null;

  /** For a rollback: the version whose flag set was restored. */
  @Column({ name: 'rolled_back_to', type: 'integer', nullable: true })
  rolledBackTo!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
