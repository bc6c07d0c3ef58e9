import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { RedisClient } from '../redis/redis';

/** Something every replica must hear about: caches key off these. */
export type ClusterEvent =
  | { type: 'flags-changed'; environmentId: string; version: number }
  | { type: 'key-revoked'; keyId: string; keyHash: string }
  /** Emitted locally (never published) when this replica may have missed events, e.g. after a Redis reconnect. */
  | { type: 'resync' };

export type ClusterEventHandler = (event: ClusterEvent) => void;

/** Injection token of the bus. */
export const CLUSTER_BUS = Symbol('CLUSTER_BUS');

/**
 * Fan-out of cache invalidations to every replica. Delivery is best effort (Redis pub/sub), so every consumer
 * must also converge on its own (periodic revalidation); `resync` tells them to do it now.
 */
export interface ClusterBus {
  publish(event: ClusterEvent): Promise<void>;
  subscribe(handler: ClusterEventHandler): void;
  close(): Promise<void>;
}

/** Single-process bus: used when REDIS_URL is not set. */
export class LocalClusterBus implements ClusterBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(event: ClusterEvent): Promise<void> {
    this.emitter.emit('event', event);
  }

  subscribe(handler: ClusterEventHandler): void {
    this.emitter.on('event', handler);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const CHANNEL = 'superflag:events';

/** Redis pub/sub bus: a dedicated subscriber connection; handlers run for local and remote events alike. */
export class RedisClusterBus implements ClusterBus {
  private readonly logger = new Logger('ClusterBus');
  private readonly local = new LocalClusterBus();
  private subscriber?: RedisClient;
  private lostConnection = false;

  constructor(private readonly redis: RedisClient) {}

  async start(): Promise<void> {
    const subscriber = this.redis.duplicate();
    subscriber.on('error', () => {
      this.lostConnection = true;
    });
    subscriber.on('ready', () => {
      if (this.lostConnection) {
        this.lostConnection = false;
        this.logger.warn('Reconnected to Redis: revalidating caches');
        void this.local.publish({ type: 'resync' });
      }
    });
    await subscriber.connect();
    await subscriber.subscribe(CHANNEL, (message) => {
      try {
        void this.local.publish(JSON.parse(message) as ClusterEvent);
      } catch {
        this.logger.warn('Ignored a malformed cluster event');
      }
    });
    this.subscriber = subscriber as RedisClient;
  }

  async publish(event: ClusterEvent): Promise<void> {
    try {
      await this.redis.publish(CHANNEL, JSON.stringify(event));
    } catch (err) {
      // Other replicas will converge through revalidation; this one must not wait for Redis.
      this.logger.warn(`Could not publish ${event.type}: ${(err as Error).message}`);
      await this.local.publish(event);
    }
  }

  subscribe(handler: ClusterEventHandler): void {
    this.local.subscribe(handler);
  }

  async close(): Promise<void> {
    await this.local.close();
    if (this.subscriber?.isOpen) await this.subscriber.quit().catch(() => undefined);
  }
}
