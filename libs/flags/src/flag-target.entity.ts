import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { FlagValue, TargetType } from './flag-values';

/** One user's or company's override of a flag's value (Reflag's "specific targets"). */
@Entity('flag_targets')
export class FlagTarget {
  @PrimaryColumn({ name: 'flag_id', type: 'varchar', length: 32 })
  flagId!: string;

  @PrimaryColumn({ name: 'target_type', type: 'varchar', length: 8 })
  targetType!: TargetType;

  @PrimaryColumn({ name: 'target_id', type: 'varchar', length: 256 })
  targetId!: string;

  @Column({ type: 'json' })
  value!: FlagValue;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
