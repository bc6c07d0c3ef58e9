import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('environments')
export class Environment {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'app_id', type: 'varchar', length: 32 })
  appId!: string;

  /** Unique per app. */
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** Raised by exactly 1 by every write to the environment's flags, in the same transaction as the write. */
  @Column({ type: 'integer', default: 0 })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
