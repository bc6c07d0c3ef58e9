import { Injectable } from '@nestjs/common';
import { AppsService } from '@superflag/apps';
import type { Principal } from '@superflag/auth';
import {
  AppConfig,
  badRequest,
  Clock,
  type DomainEvent,
  limitReached,
  notFound,
  type Page,
  type PageQueryDto,
  pageRequest,
  randomBase62,
  Transactions,
} from '@superflag/core';
import { type Delivery, DeliveryStore } from './delivery.store';
import { newSigningSecret } from './secret-box';
import { UrlPolicy } from './url-policy';
import { eventData, TEST_EVENT, WEBHOOK_EVENTS, type WebhookEventType, webhookPayload } from './webhook-events';
import { WebhookSecrets } from './webhook-secrets';
import { type Webhook, WebhookStore } from './webhook.store';

export const DELIVERIES_PAGE_DEFAULT = 50;

/** A webhook's id: `whk_` and 16 base62 characters. */
const WEBHOOK_ID = /^whk_[0-9A-Za-z]{16}$/;

export interface CreatedWebhook {
  webhook: Webhook;
  /** The signing secret (`whsec_…`): returned once, at creation. */
  secret: string;
}

/** The events a webhook asked for, validated; null for "every event" (none given). */
export function validEvents(events: readonly string[] | undefined): string[] | null {
  if (events === undefined) return null;
  if (events.length === 0) throw badRequest('events must name at least one event (leave it out to receive every event)');
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown.length > 0)
    throw badRequest(
      `Unknown event ${unknown.map((e) => JSON.stringify(e)).join(', ')}: events must be among ${WEBHOOK_EVENTS.join(', ')}`,
    );
  return WEBHOOK_EVENTS.filter((e) => events.includes(e));
}

/** What the subscriber lookup of one event finds: the webhooks that receive it and its environment's name. */
type Subscribers = Awaited<ReturnType<WebhookStore['subscribers']>>;

/**
 * Webhooks of an app (its owners manage them: the `manage` right; an app's mgmt_ key acts as an editor and is
 * refused) and the deliveries they get. Deliveries are enqueued here, from the domain events, and sent by the
 * DeliveryWorker of any replica.
 */
@Injectable()
export class WebhooksService {
  /**
   * Subscriber lookups about to start, by app, event and environment. The events that one combined write announces
   * together (up to 50 flag.changed in a row, each after the same commit) share one query instead of one each. A
   * lookup leaves this map when its query starts, so every event that shares it was announced before the query
   * ran: none misses a webhook that existed when it was announced.
   */
  private readonly lookups = new Map<string, Promise<Subscribers>>();

  constructor(
    private readonly apps: AppsService,
    private readonly webhooks: WebhookStore,
    private readonly deliveries: DeliveryStore,
    private readonly transactions: Transactions,
    private readonly secrets: WebhookSecrets,
    private readonly urls: UrlPolicy,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, appId: string, input: { url: string; events?: string[] }): Promise<CreatedWebhook> {
    await this.apps.authorize(principal, appId, 'manage');
    const events = validEvents(input.events);
    const url = await this.urls.check(input.url);
    return this.transactions.run(async (tx) => {
      // The app's row is locked: parallel creations cannot overshoot the limit.
      await this.apps.authorizeLocked(principal, appId, 'manage', tx);
      if ((await this.webhooks.count(appId, tx)) >= this.config.LIMIT_WEBHOOKS_PER_APP) {
        throw limitReached('Webhooks per app', this.config.LIMIT_WEBHOOKS_PER_APP);
      }
      const id = `whk_${randomBase62(16)}`;
      const secret = newSigningSecret();
      const createdBy = principal.kind === 'user' ? principal.userId : null;
      const webhook = await this.webhooks.insert({ id, appId, url, events, secretEncrypted: this.secrets.seal(secret, id), createdBy }, tx);
      return { webhook, secret };
    });
  }

  async list(principal: Principal, appId: string): Promise<Webhook[]> {
    await this.apps.authorize(principal, appId, 'manage');
    return this.webhooks.list(appId);
  }

  async delete(principal: Principal, appId: string, webhookId: string): Promise<void> {
    await this.apps.authorize(principal, appId, 'manage');
    if (!WEBHOOK_ID.test(webhookId) || !(await this.webhooks.delete(appId, webhookId))) throw notFound('Webhook');
  }

  /** One page of a webhook's deliveries, newest first (always paged: the list grows with every event). */
  async deliveriesOf(principal: Principal, appId: string, webhookId: string, query: PageQueryDto): Promise<Page<Delivery>> {
    const webhook = await this.ownWebhook(principal, appId, webhookId);
    const page = pageRequest(query, ['digits'], DELIVERIES_PAGE_DEFAULT) ?? { limit: DELIVERIES_PAGE_DEFAULT };
    return this.deliveries.page(webhook.id, page);
  }

  /** Enqueues a `webhook.test` delivery to this webhook; returns it (pending). */
  async sendTest(principal: Principal, appId: string, webhookId: string): Promise<Delivery> {
    const webhook = await this.ownWebhook(principal, appId, webhookId);
    const data = { appId, webhookId: webhook.id, message: 'A test delivery from Superflag' };
    const [delivery] = await this.enqueue(appId, TEST_EVENT, data, [webhook.id]);
    if (!delivery) throw notFound('Webhook');
    return delivery;
  }

  /**
   * The deliveries of one domain event: one per webhook of the event's app that receives it, written by the
   * replica that heard the event (the only one that does), so each event is one job per webhook across replicas.
   */
  async enqueueEvent(event: DomainEvent): Promise<Delivery[]> {
    const appId = event.payload.appId;
    const environmentId = event.name === 'flag.changed' ? event.payload.environmentId : undefined;
    const { ids, environmentName } = await this.subscribersOf(appId, event.name, environmentId);
    if (ids.length === 0) return [];
    return this.enqueue(appId, event.name, eventData(event, { environmentName }), ids);
  }

  private subscribersOf(appId: string, type: string, environmentId: string | undefined): Promise<Subscribers> {
    const key = `${appId}\u0000${type}\u0000${environmentId ?? ''}`;
    const waiting = this.lookups.get(key);
    if (waiting) return waiting;
    // Started after the current turn's other events have joined it.
    const lookup = Promise.resolve().then(() => {
      this.lookups.delete(key);
      return this.webhooks.subscribers(appId, type, environmentId);
    });
    this.lookups.set(key, lookup);
    return lookup;
  }

  private enqueue(appId: string, type: WebhookEventType, data: Record<string, unknown>, webhookIds: string[]): Promise<Delivery[]> {
    const body = JSON.stringify(webhookPayload(type, data, this.clock.now()));
    return this.deliveries.enqueue(
      appId,
      type,
      body,
      webhookIds.map((webhookId) => ({ id: `msg_${randomBase62(24)}`, webhookId })),
    );
  }

  private async ownWebhook(principal: Principal, appId: string, webhookId: string): Promise<Webhook> {
    await this.apps.authorize(principal, appId, 'manage');
    const webhook = WEBHOOK_ID.test(webhookId) ? await this.webhooks.find(appId, webhookId) : null;
    if (!webhook) throw notFound('Webhook');
    return webhook;
  }
}
