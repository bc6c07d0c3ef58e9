import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FlagType, FlagValue, Rollout } from './flag-values';

/**
 * One flag in one environment. Value and rollout are json, not jsonb: json keeps the text as given, so a json
 * value's keys come back in the order they were written (jsonb sorts them). Nothing queries inside them.
 */
@Entity('flags')
export class Flag {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'environment_id', type: 'varchar', length: 32 })
  environmentId!: string;

  @Column({ type: 'varchar', length: 128 })
  key!: string;

  @Column({ type: 'varchar', length: 8 })
  type!: FlagType;

  @Column({ type: 'json' })
  value!: FlagValue;

  @Column({ name: 'client_enabled', type: 'boolean', default: false })
  clientEnabled!: boolean;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'json', nullable: true })
  rollout!: Rollout | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
