import type { DomainEvent, DomainEventMap, DomainEventName } from '@superflag/core';

/** Every domain event a webhook can subscribe to: all of DomainEventMap (the check below fails the build when one is missing). */
export const WEBHOOK_EVENTS = [
  'flag.changed',
  'environment.created',
  'environment.deleted',
  'key.created',
  'key.revoked',
  'app.created',
  'app.deleted',
  'member.added',
  'member.removed',
  'plan.changed',
] as const satisfies readonly DomainEventName[];

type Missing = Exclude<DomainEventName, (typeof WEBHOOK_EVENTS)[number]>;
// A new event in DomainEventMap must be added to WEBHOOK_EVENTS (and to the payload mapping below).
const everyEventListed: [Missing] extends [never] ? true : Missing = true;
void everyEventListed;

/** The type of the delivery POST …/webhooks/:id/test sends. */
export const TEST_EVENT = 'webhook.test';

export type WebhookEventType = DomainEventName | typeof TEST_EVENT;

/** The Standard Webhooks payload: `{type, timestamp, data}`. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

/** What flag.changed's payload lacks and a receiver wants: the environment's name. */
export interface PayloadContext {
  environmentName?: string | null;
}

/**
 * The `data` of an event's delivery: the event's own facts (ids, versions, keys, the actor), never a secret. The
 * bus's payloads hold nothing else, so they pass through as they are, with the environment's name added to
 * flag.changed. Every payload carries its `appId`.
 */
export function eventData(event: DomainEvent, context: PayloadContext = {}): Record<string, unknown> {
  if (event.name === 'flag.changed') {
    const p: DomainEventMap['flag.changed'] = event.payload;
    return {
      appId: p.appId,
      environmentId: p.environmentId,
      environmentName: context.environmentName ?? null,
      version: p.version,
      keys: p.keys,
      kind: p.kind,
      actor: p.actor,
      description: p.description,
    };
  }
  return { ...event.payload };
}

export function webhookPayload(type: WebhookEventType, data: Record<string, unknown>, at: Date): WebhookPayload {
  return { type, timestamp: at.toISOString(), data };
}

/** Whether a webhook with `events` (null: all) receives `type`. The test event reaches every webhook it is sent to. */
export function subscribes(events: readonly string[] | null, type: WebhookEventType): boolean {
  return type === TEST_EVENT || events === null || events.includes(type);
}
