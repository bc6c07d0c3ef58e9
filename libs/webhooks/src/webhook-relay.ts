import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '@superflag/core';
import { DeliveryWorker } from './delivery-worker';
import { reasonOf } from './sql-rows';
import { WebhooksService } from './webhooks.service';

/**
 * Hears every domain event (after its commit, on the replica that did the work, once) and writes its deliveries
 * to the outbox, then wakes this replica's worker. The bus is in memory: an event this replica heard but could
 * not write (the database went away, the process died in between) is lost; everything written is delivered.
 */
@Injectable()
export class WebhookRelay implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private unsubscribe?: () => void;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly events: DomainEvents,
    private readonly webhooks: WebhooksService,
    private readonly worker: DeliveryWorker,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.events.onAny(async (event) => {
      const write = this.webhooks.enqueueEvent(event);
      this.inFlight.add(write);
      try {
        if ((await write).length > 0) this.worker.wake();
      } catch (err) {
        this.logger.warn(`The deliveries of a ${event.name} event of app ${event.payload.appId} were not written: ${reasonOf(err)}`);
      } finally {
        this.inFlight.delete(write);
      }
    });
  }

  /**
   * Stops listening once the HTTP drain is over (requests still running at SIGTERM commit changes whose events
   * must not be lost), then lets the writes already started finish: this module's shutdown hooks run before the
   * global modules', so the data source is still open.
   */
  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await Promise.allSettled([...this.inFlight]);
  }
}
