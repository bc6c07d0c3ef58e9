import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What the audit of an app records: who was let in, with what, and the plan it runs on. */
export type AuditAction =
  | 'member.added'
  | 'member.role_changed'
  | 'member.removed'
  | 'management_key.created'
  | 'management_key.revoked'
  | 'runtime_key.created'
  | 'runtime_key.revoked'
  | 'plan.changed';

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'member.added',
  'member.role_changed',
  'member.removed',
  'management_key.created',
  'management_key.revoked',
  'runtime_key.created',
  'runtime_key.revoked',
  'plan.changed',
];

/** One change to who or what may access an app. Written in the transaction of the change it records. */
@Entity('app_audit_events')
export class AuditEvent {
  /** Increases with every event: the page cursor. bigint, so TypeORM hands it over as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'app_id', type: 'varchar', length: 32 })
  appId!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: AuditAction;

  @Column({ name: 'actor_user_id', type: 'varchar', length: 32, nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_token_id', type: 'varchar', length: 32, nullable: true })
  actorTokenId!: string | null;

  @Column({ name: 'actor_app_key_id', type: 'varchar', length: 32, nullable: true })
  actorAppKeyId!: string | null;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
