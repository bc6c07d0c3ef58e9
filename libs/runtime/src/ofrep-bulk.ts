import { Injectable, Logger } from '@nestjs/common';
import { EnvironmentsService } from '@superflag/environments';
import type { VerifiedKey } from '@superflag/keys';
import { hash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ConfigSnapshots } from './config-snapshots';
import type { EvaluationContext } from './evaluation';
import type { Answer } from './evaluation-answers';
import { versionOf } from './ofrep-events';
import { OfrepStreamTokens } from './ofrep-stream-tokens';
import type { Snapshot } from './snapshot';

/**
 * Browsers call OFREP with pub_ keys from any origin. Errors before the key is known carry the grant too, so a
 * page sees a 401 as a 401 (not as a failed fetch); once the key is known to be an sdk_ (server) key, the grant is
 * withdrawn. Retry-After is exposed for the provider's 429 handling.
 */
export const OFREP_CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag, Retry-After' } as const;

const BEARER = /^Bearer\s+(\S+)\s*$/;

/** The key as the client sent it in a header (the stream URL of a pub_ key carries it). */
export function presentedKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  return BEARER.exec(headers.authorization ?? '')?.[1] ?? (typeof header === 'string' ? header.trim() : undefined);
}

/** Where OFREP clients open their event stream (relative to their OFREP base URL's origin). */
export const OFREP_STREAM_PATH = '/ofrep/v1/stream';
/** ADR-0008's default, said explicitly: a hidden tab closes its stream after this long and re-fetches when back. */
export const INACTIVITY_DELAY_S = 120;

export interface OfrepBulkAnswer {
  /** The body's start, up to and with `"eventStreams":` (see OfrepFlagsAnswer), shared by every request given the same flags. */
  flags: Buffer;
  /** The rest of the body: the key's event streams and the closing brace. */
  streams: Buffer;
  /** `"<version>-<key type>-<digest of the body>"`. */
  etag: string;
}

/** The whole body of an answer, in one buffer. */
export function bodyOf(answer: OfrepBulkAnswer): Buffer {
  return Buffer.concat([answer.flags, answer.streams], answer.flags.length + answer.streams.length);
}

/**
 * The OFREP bulk evaluation's rules: the answer for a key and context, with its event stream (ADR-0008), its
 * ETag, and whether the client's copy is still current; and catching up with a flagConfigEtag another replica
 * announced.
 *
 * The ETag ends in a digest of the answer itself (and the environment), and If-None-Match is compared on that
 * digest and the key type: a change elsewhere in the environment (a flag this key may not see, a target for
 * another user) is 304 for this client, though the version in front moved on.
 */
@Injectable()
export class OfrepBulk {
  private readonly logger = new Logger('Ofrep');
  constructor(
    private readonly snapshots: ConfigSnapshots,
    private readonly environments: EnvironmentsService,
    private readonly tokens: OfrepStreamTokens,
  ) {}

  /**
   * The snapshot to answer from: `snapshot`, unless the flagConfigEtag names a newer version, i.e. the client was told
   * of a change by a replica that heard of it before this one did. The database's version is asked for (one primary-key
   * read) rather than the client's word taken, so a made-up version cannot make every later read reload; such
   * requests are bounded like any other by the quota and burst limits. Best effort: on failure the answer is what
   * this replica has, and its own stream announces the change once it hears of it.
   */
  async fresh(snapshot: Snapshot, flagConfigEtag: unknown): Promise<Snapshot> {
    const claimed = versionOf(flagConfigEtag);
    if (claimed === undefined || claimed <= snapshot.version) return snapshot;
    const environmentId = snapshot.environmentId;
    try {
      const current = (await this.environments.versionsOf([environmentId])).get(environmentId);
      if (current === undefined || current === null || current <= snapshot.version) return snapshot;
      this.snapshots.invalidate(environmentId, current);
      return (await this.snapshots.get(environmentId)) ?? snapshot;
    } catch (err) {
      this.logger.warn(`Environment ${environmentId}: catching up with a flagConfigEtag failed: ${(err as Error).message}`);
      return snapshot;
    }
  }

  /**
   * Each key's event streams, as text and as the bytes that end its answers, for the credential they were made
   * with (a stream token lasts a window: see OfrepStreamTokens).
   */
  private readonly streams = new WeakMap<VerifiedKey, { credential: string; text: string; bytes: Buffer }>();

  /** `presented`: the pub_ key as the client sent it (its stream URL carries it); sdk_ keys get a stream token instead. */
  answer(key: VerifiedKey, snapshot: Snapshot, context: EvaluationContext, presented: string | undefined): OfrepBulkAnswer {
    const streams = this.streamsOf(key, presented);
    // JSON.stringify({ flags, eventStreams }), with the flags from the snapshot's template (serialised once per snapshot).
    // The digest covers the environment, the flags' bytes (through their digest) and the event streams: equal answers
    // of one environment get equal tags, and any difference in the answer changes the tag.
    const flags = snapshot.ofrepFlags(key.type).answer(context);
    // The tag last made from this answer, for the streams it was made with: a client polling gets it without a hash.
    const known = this.tags.get(flags);
    if (known?.streams === streams.text) return { flags: flags.body, streams: streams.bytes, etag: known.etag };
    const digest = hash('sha256', `${snapshot.environmentId}\n${flags.digest}\n${streams.text}`, 'base64url').slice(0, 16);
    const etag = `"${snapshot.version}-${key.type}-${digest}"`;
    this.tags.set(flags, { streams: streams.text, etag });
    return { flags: flags.body, streams: streams.bytes, etag };
  }

  /** The ETag last made from each answer (kept as long as the answer is, see Template), with the streams it covers. */
  private readonly tags = new WeakMap<Answer, { streams: string; etag: string }>();

  private streamsOf(key: VerifiedKey, presented: string | undefined): { text: string; bytes: Buffer } {
    const credential =
      key.type === 'pub' && presented ? `key=${encodeURIComponent(presented)}` : `token=${encodeURIComponent(this.tokens.mint(key))}`;
    const known = this.streams.get(key);
    if (known?.credential === credential) return known;
    const eventStreams = [
      { type: 'sse', endpoint: { requestUri: `${OFREP_STREAM_PATH}?${credential}` }, inactivityDelaySec: INACTIVITY_DELAY_S },
    ];
    const text = JSON.stringify(eventStreams);
    const made = { credential, text, bytes: Buffer.from(`${text}}`, 'utf8') };
    this.streams.set(key, made);
    return made;
  }

  /** Whether an If-None-Match header holds a tag of this answer (`*` included): same key type and digest, any version. */
  notModified(ifNoneMatch: string | undefined, etag: string): boolean {
    if (!ifNoneMatch) return false;
    const mine = sameAnswer(etag);
    return ifNoneMatch.split(',').some((tag) => {
      const t = tag.trim().replace(/^W\//, '');
      return t === '*' || (mine !== undefined && sameAnswer(t) === mine);
    });
  }
}

/** The part of a bulk ETag that names the answer: `<key type>-<digest>`. */
function sameAnswer(etag: string): string | undefined {
  return /^"\d+-((?:pub|sdk)-[\w-]+)"$/.exec(etag)?.[1];
}
