import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { AppRole } from './app-rights';

/** Who may act on an app, and as what. Access to an app is always decided through this table. */
@Entity('app_members')
export class AppMember {
  @PrimaryColumn({ name: 'app_id', type: 'varchar', length: 32 })
  appId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 32 })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: AppRole;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
