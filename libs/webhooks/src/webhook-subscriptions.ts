import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CLUSTER_BUS, type ClusterBus, type ClusterEvent, Clock, DomainEvents } from '@superflag/core';
import { subscribes, type WebhookEventType } from './webhook-events';
import { WebhookStore, type WebhookSubscription } from './webhook.store';

/** How long an app's subscriptions are believed at most: the safety net for a cluster message that got lost. */
export const SUBSCRIPTIONS_TTL_MS = 10_000;
/** Bounds the memory: apps (and environment names) remembered at most; the oldest goes first. */
export const SUBSCRIPTIONS_MAX = 10_000;

/**
 * "This app's webhooks changed" on the cluster bus. libs/core's ClusterEvent does not list it (the webhooks lib
 * is built on what extensions get): it travels as any event does, and every other subscriber ignores a type it
 * does not know.
 */
interface WebhooksChanged {
  type: 'webhooks-changed';
  appId: string;
}

const isWebhooksChanged = (event: ClusterEvent | WebhooksChanged): event is WebhooksChanged => event.type === 'webhooks-changed';

interface Entry {
  subscriptions: WebhookSubscription[];
  at: number;
}

/**
 * Each replica's memory of which webhooks an app has and which events they receive, so that the relay does not
 * query the database after every domain event (a flag write would otherwise pay a statement more, for the
 * common app that has no webhook at all). Changes of an app's webhooks drop its entry on every replica before
 * the change is answered (a confirmed cluster message: WebhooksService), so an event that happens after a
 * webhook was created or deleted is delivered to exactly the webhooks it would have reached without this
 * memory; SUBSCRIPTIONS_TTL_MS and `resync` bound what a lost message costs. Environment names never change
 * (there is no rename), so they are remembered without expiry.
 */
@Injectable()
export class WebhookSubscriptions implements OnModuleInit {
  private readonly apps = new Map<string, Entry>();
  private readonly environmentNames = new Map<string, string>();
  /** Raised by every forget: subscriptions read before a change committed are not remembered after it. */
  private changes = 0;

  constructor(
    private readonly store: WebhookStore,
    private readonly clock: Clock,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    this.bus.subscribe((event: ClusterEvent | WebhooksChanged) => {
      if (isWebhooksChanged(event)) this.forgetApp(event.appId);
      if (event.type === 'resync') {
        this.changes++;
        this.apps.clear();
      }
    });
    // Its webhooks went with it (foreign key).
    this.events.on('app.deleted', ({ appId }) => this.forgetApp(appId));
  }

  /** The ids of the app's webhooks that receive `type`, oldest first. */
  async receiving(appId: string, type: WebhookEventType): Promise<string[]> {
    const subscriptions = await this.of(appId);
    return subscriptions.filter((s) => subscribes(s.events, type)).map((s) => s.id);
  }

  /** The name of an environment of the app; null when there is none (deleted meanwhile). */
  async environmentName(appId: string, environmentId: string): Promise<string | null> {
    const key = `${appId}\u0000${environmentId}`;
    const known = this.environmentNames.get(key);
    if (known !== undefined) return known;
    const name = await this.store.environmentName(appId, environmentId);
    if (name !== null) remember(this.environmentNames, key, name);
    return name;
  }

  /**
   * The app's webhooks changed (created or deleted): every replica forgets them, this one at once, and this
   * resolves once the others confirmed (or the bus's bounded wait passed).
   */
  async changed(appId: string): Promise<void> {
    this.forgetApp(appId);
    await this.bus.publish({ type: 'webhooks-changed', appId } satisfies WebhooksChanged as unknown as ClusterEvent, { confirm: true });
  }

  private async of(appId: string): Promise<WebhookSubscription[]> {
    const now = this.clock.now().getTime();
    const entry = this.apps.get(appId);
    // A clock set back (tests move it) must not keep an entry forever.
    if (entry && now >= entry.at && now - entry.at < SUBSCRIPTIONS_TTL_MS) return entry.subscriptions;
    const epoch = this.changes;
    const subscriptions = await this.store.subscriptions(appId);
    if (epoch === this.changes) remember(this.apps, appId, { subscriptions, at: now });
    return subscriptions;
  }

  private forgetApp(appId: string): void {
    this.changes++;
    this.apps.delete(appId);
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= SUBSCRIPTIONS_MAX) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
