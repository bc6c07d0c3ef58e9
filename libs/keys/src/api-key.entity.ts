import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type KeyType = 'pub' | 'sdk';

/** A runtime credential for one environment (`pub_prod_…` for browsers/mobile, `sdk_prod_…` for servers). Only its sha256 is kept. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id!: string;

  @Column({ name: 'app_id', type: 'varchar', length: 32 })
  appId!: string;

  @Column({ name: 'environment_id', type: 'varchar', length: 32 })
  environmentId!: string;

  @Column({ type: 'varchar', length: 3 })
  type!: KeyType;

  @Column({ type: 'varchar', length: 100, nullable: true })
  name!: string | null;

  /** The public part shown in listings, e.g. `pub_prod_`. */
  @Column({ type: 'varchar', length: 80 })
  prefix!: string;

  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  /** Last 4 characters, to tell keys apart in listings. */
  @Column({ type: 'varchar', length: 4 })
  last4!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
