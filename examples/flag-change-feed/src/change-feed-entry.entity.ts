import type { EventActor } from '@superflag/core';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What the feed records: the events it subscribes to. */
export const FEED_EVENTS = ['flag.changed', 'key.revoked'] as const;
export type FeedEvent = (typeof FEED_EVENTS)[number];

/** The facts of an event an entry keeps: ids, numbers, flag keys. */
export type FeedDetails = { [fact: string]: string | number | string[] | null };

/** One event of one app, as it was announced. */
@Entity('change_feed_entries')
export class ChangeFeedEntry {
  /** Increases with every entry: the feed's order and its page cursor. bigint: a string from PostgreSQL, a number from the embedded engine. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'app_id', type: 'varchar', length: 32 })
  appId!: string;

  @Column({ name: 'environment_id', type: 'varchar', length: 32 })
  environmentId!: string;

  @Column({ type: 'varchar', length: 32 })
  event!: FeedEvent;

  /** The event's own facts (flag.changed: version, kind, keys, description; key.revoked: keyId). */
  @Column({ type: 'jsonb' })
  details!: FeedDetails;

  @Column({ name: 'actor_type', type: 'varchar', length: 16, nullable: true })
  actorType!: EventActor['type'] | null;

  @Column({ name: 'actor_id', type: 'varchar', length: 32, nullable: true })
  actorId!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;
}
