import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Clock, DomainEvents, type DomainEventMap, type EventActor } from '@superflag/core';
import type { FeedDetails, FeedEvent } from './change-feed-entry.entity';
import { ChangeFeedStore } from './change-feed.store';

/**
 * Writes the feed from the domain events. They arrive after the change committed, on the replica that made it,
 * once: so each change is one entry however many replicas run. Delivery is in-process and at most once: an entry
 * whose insert fails (the database went away in between) is logged by DomainEvents and lost, which a feed for
 * people can afford; what cannot (billing, compliance) should read the project's own records instead.
 */
@Injectable()
export class ChangeFeedRecorder implements OnModuleInit, OnModuleDestroy {
  private readonly subscriptions: Array<() => void> = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly events: DomainEvents,
    private readonly store: ChangeFeedStore,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.subscriptions.push(
      this.events.on('flag.changed', (e) =>
        this.record('flag.changed', e, { version: e.version, kind: e.kind, keys: e.keys, description: e.description }),
      ),
      this.events.on('key.revoked', (e) => this.record('key.revoked', e, { keyId: e.keyId })),
    );
  }

  /** Stops listening, then lets the inserts already started finish while the data source is still open. */
  async onModuleDestroy(): Promise<void> {
    for (const unsubscribe of this.subscriptions.splice(0)) unsubscribe();
    await Promise.allSettled([...this.inFlight]);
  }

  private record(event: FeedEvent, payload: DomainEventMap[FeedEvent] & { actor: EventActor | null }, details: FeedDetails): Promise<void> {
    const write = this.store.append({
      appId: payload.appId,
      environmentId: payload.environmentId,
      event,
      details,
      actorType: payload.actor?.type ?? null,
      actorId: payload.actor?.id ?? null,
      occurredAt: this.clock.now(),
    });
    this.inFlight.add(write);
    return write.finally(() => this.inFlight.delete(write));
  }
}
