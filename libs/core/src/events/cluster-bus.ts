import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { closeRedis, duplicateRedis, type RedisClient } from '../redis/redis';

/** Something every replica must hear about: caches key off these. */
export type ClusterEvent =
  | { type: 'flags-changed'; environmentId: string; version: number }
  | { type: 'key-revoked'; keyId: string; keyHash: string }
  /** A runtime key exists from now on: replicas drop its hash from their list of keys not found. */
  | { type: 'key-created'; keyHash: string }
  | { type: 'token-revoked'; tokenHash: string }
  | { type: 'plan-changed'; appId: string }
  /**
   * Caches may have missed events: revalidate now. Emitted locally when this replica's subscription comes back,
   * and published by a replica that changed things while it could not publish, once it can again.
   */
  | { type: 'resync' };

export type ClusterEventHandler = (event: ClusterEvent) => void;

/** Injection token of the bus. */
export const CLUSTER_BUS = Symbol('CLUSTER_BUS');

/**
 * Fan-out of cache invalidations to every replica. Delivery is best effort (Redis pub/sub), so every consumer
 * must also converge on its own (periodic revalidation); `resync` tells them to do it now.
 */
export interface ClusterBus {
  /**
   * Sends an event to every replica (this one included). With `confirm`, resolves only once every replica
   * subscribed at that moment has handled it (or after a bounded wait), so that "revoked" means revoked
   * everywhere by the time the caller answers.
   */
  publish(event: ClusterEvent, options?: { confirm?: boolean }): Promise<void>;
  subscribe(handler: ClusterEventHandler): void;
  close(): Promise<void>;
}

/** Single-process bus: used when REDIS_URL is not set. */
export class LocalClusterBus implements ClusterBus {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  /** Handlers run synchronously: publishing is confirmed when this returns. */
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
const ACKS = 'superflag:acks';
/** How long a confirmed publish waits for slow or vanished replicas before answering anyway. */
const CONFIRM_TIMEOUT_MS = 1_000;

interface Envelope {
  event: ClusterEvent;
  /** Set when the publisher waits for every replica to confirm. */
  ack?: string;
}

interface PendingConfirm {
  /** Unknown until PUBLISH answers with the number of receivers. */
  remaining?: number;
  /** Confirmations that arrived before that answer. */
  early: number;
  done: () => void;
}

/**
 * Redis pub/sub bus: a dedicated subscriber connection; handlers run for local and remote events alike.
 * Redis may be down at start or go away later: both connections then reconnect in the background, events
 * stay local meanwhile, and once the subscription is back a local `resync` repairs what was missed.
 */
export class RedisClusterBus implements ClusterBus {
  private readonly logger = new Logger('ClusterBus');
  private readonly local = new LocalClusterBus();
  private readonly pending = new Map<string, PendingConfirm>();
  private subscriber?: RedisClient;
  /** Our own subscription is live, so what we publish comes back to us through Redis. */
  private live = false;
  /** Listeners registered once; node-redis then resubscribes by itself on every reconnect. */
  private listening?: Promise<boolean | undefined>;
  private starting = true;
  /** Something was published while Redis could not carry it: the other replicas are told to resync later. */
  private unpublished = false;
  private seq = 0;
  private lastWarning = 0;
  private readonly instance = `${process.pid}-${Math.random().toString(36).slice(2)}`;

  constructor(private readonly redis: RedisClient) {}

  /** Whether this replica hears the others right now (subscribed), as opposed to converging by revalidation. */
  get subscribed(): boolean {
    return this.live;
  }

  /** Resolves once subscribed, or at once when Redis is down: start-up never waits for Redis. */
  async start(): Promise<void> {
    const subscriber = duplicateRedis(this.redis);
    this.subscriber = subscriber;
    const down = () => (this.live = false);
    subscriber.on('error', down).on('end', down);
    this.redis.on('ready', () => {
      if (!this.unpublished) return;
      this.unpublished = false;
      void this.publish({ type: 'resync' });
    });
    const subscribed = new Promise<void>((resolve) => subscriber.on('ready', () => void this.listen(subscriber).then(resolve)));
    if (this.redis.isReady) await Promise.race([subscribed, new Promise((r) => setTimeout(r, 2_000).unref())]);
    this.starting = false;
  }

  async publish(event: ClusterEvent, options: { confirm?: boolean } = {}): Promise<void> {
    // Redis down: this replica is the only one that can hear it; the others converge when they reconnect.
    if (!this.redis.isReady) {
      this.unpublished = true;
      return this.local.publish(event);
    }
    const echoed = this.live;
    if (!echoed) await this.local.publish(event);
    const ack = options.confirm ? `${this.instance}:${++this.seq}` : undefined;
    try {
      if (!ack) {
        await this.redis.publish(CHANNEL, JSON.stringify({ event } satisfies Envelope));
        return;
      }
      let settle!: () => void;
      const confirmed = new Promise<void>((resolve) => (settle = resolve));
      const entry: PendingConfirm = { early: 0, done: settle };
      this.pending.set(ack, entry);
      const timer = setTimeout(settle, CONFIRM_TIMEOUT_MS);
      try {
        // PUBLISH answers how many subscribers got the message: that many confirmations are awaited.
        const receivers = await this.redis.publish(CHANNEL, JSON.stringify({ event, ack } satisfies Envelope));
        entry.remaining = receivers - entry.early;
        if (entry.remaining <= 0) settle();
        await confirmed;
      } finally {
        clearTimeout(timer);
        this.pending.delete(ack);
      }
    } catch (err) {
      // Other replicas will converge through revalidation; this one must not wait for Redis.
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn(`Could not publish ${event.type}: ${(err as Error).message}`);
      }
      this.unpublished = true;
      if (echoed) await this.local.publish(event);
    }
  }

  subscribe(handler: ClusterEventHandler): void {
    this.local.subscribe(handler);
  }

  async close(): Promise<void> {
    await this.local.close();
    if (this.subscriber) await closeRedis(this.subscriber);
  }

  /** On every (re)connection of the subscriber: subscribe the first time, then resync whatever was missed. */
  private async listen(subscriber: RedisClient): Promise<void> {
    this.listening ??= subscriber
      // One command and one listener for both channels, so a failure leaves nothing half registered.
      .subscribe([CHANNEL, ACKS], (message, channel) => (channel === ACKS ? this.acknowledged(message) : this.receive(message)))
      .then(
        () => true,
        // Refused by a dying connection, it leaves no listener behind: the next 'ready' tries again.
        () => (this.listening = undefined),
      );
    if (!(await this.listening) || this.live || !subscriber.isReady) return;
    this.live = true;
    if (this.starting) return;
    this.logger.log('Subscribed to cluster events: revalidating caches');
    void this.local.publish({ type: 'resync' });
  }

  private receive(message: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      this.logger.warn('Ignored a malformed cluster event');
      return;
    }
    void this.local.publish(envelope.event);
    if (envelope.ack) this.redis.publish(ACKS, envelope.ack).catch(() => undefined);
  }

  private acknowledged(ackId: string): void {
    const entry = this.pending.get(ackId);
    if (!entry) return;
    if (entry.remaining === undefined) {
      entry.early++;
      return;
    }
    entry.remaining--;
    if (entry.remaining <= 0) entry.done();
  }
}
