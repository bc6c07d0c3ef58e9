import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OperatorAuditAction = 'operator.granted' | 'operator.revoked';

/**
 * One grant or withdrawal of operator rights. Operators are not scoped to an app, so this is the deployment's own
 * audit beside the apps' audits (plan changes, which act on one app, stay in that app's audit).
 */
@Entity('operator_audit_events')
export class OperatorAuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: OperatorAuditAction;

  /** The account whose rights changed. */
  @Column({ name: 'user_id', type: 'varchar', length: 32 })
  userId!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** Null when the start-up bootstrap (ADMIN_EMAIL) made the change. */
  @Column({ name: 'actor_user_id', type: 'varchar', length: 32, nullable: true })
  actorUserId!: string | null;

  @Column({ name: 'actor_token_id', type: 'varchar', length: 32, nullable: true })
  actorTokenId!: string | null;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
