import type { VerifiedKey } from '@superflag/keys';
import { RECONNECT_EVENT, REVOKED_EVENT, type StreamFormat } from './config-streams';
import type { Representation, Snapshot } from './snapshot';

/** Serialised once per environment version and key type, however many streams it goes to. */
const refetchEvents = new WeakMap<Representation, string>();

/**
 * OFREP's change notification (ADR-0008): an unnamed (`message`) event whose data is
 * `{"type":"refetchEvaluation","etag":…}`. The etag is the environment's config ETag for the key type (the one
 * `GET /api/v1/config` sends); the client passes it back as `?flagConfigEtag=` and the replica answering makes sure
 * it is at least that fresh. `id` is the version, so a client that reconnects says (Last-Event-ID) what it has seen.
 */
export function refetchEvent(view: Representation): string {
  let event = refetchEvents.get(view);
  if (event === undefined) {
    event = `id: ${view.version}\ndata: ${JSON.stringify({ type: 'refetchEvaluation', etag: view.etag })}\n\n`;
    refetchEvents.set(view, event);
  }
  return event;
}

/** The version a flagConfigEtag (or Last-Event-ID) names: `"<version>-…"` or a bare version; undefined when it names none. */
export function versionOf(tag: unknown): number | undefined {
  if (typeof tag !== 'string' || tag.length > 200) return undefined;
  const match = /^"?(\d{1,15})(?:-|"|$)/.exec(tag.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * `GET /ofrep/v1/stream`: notifications only, the client re-fetches the bulk evaluation itself.
 *
 * - Opening: an `id:` line alone, which sets the client's Last-Event-ID without dispatching anything (the client
 *   has just fetched). A client reconnecting with a Last-Event-ID older than the current version missed changes
 *   while it was away: it is told to re-fetch at once.
 * - Revocation: a re-fetch notification (which then answers 401: the provider learns at once), then our named
 *   `revoked` event, which OFREP clients ignore.
 * - Shutdown: the named `reconnect` event, then the end; EventSource reconnects (after `retry`) to another replica.
 */
export const OFREP_STREAM: StreamFormat = {
  opening(key: VerifiedKey, snapshot: Snapshot, lastEventId: string | undefined): string {
    const seen = versionOf(lastEventId);
    if (seen !== undefined && seen < snapshot.version) return refetchEvent(snapshot.for(key.type));
    return `id: ${snapshot.version}\n\n`;
  },
  update: (key: VerifiedKey, snapshot: Snapshot) => refetchEvent(snapshot.for(key.type)),
  revoked: `data: {"type":"refetchEvaluation"}\n\n${REVOKED_EVENT}`,
  reconnect: RECONNECT_EVENT,
};
