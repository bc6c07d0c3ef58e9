import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity('apps')
export class App {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  /** Unique per owner. */
  @Column({ type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'owner_id', type: 'varchar', length: 32 })
  ownerId!: string;

  /** Sets the monthly request quota of each environment (see libs/quotas). */
  @Column({ type: 'varchar', length: 16, default: 'free' })
  plan!: 'free' | 'pro' | 'enterprise';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
