import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { type FlagType, type FlagValue, runtimeEtag } from '@superflag/flags';
import type { KeyType } from '@superflag/keys';
import { NO_TARGETS, type RuntimeFlag } from './environment-read-model';
import { EvaluateAnswer, OfrepFlagsAnswer } from './evaluation-answers';

/** Payloads below this are sent as is: compressing them costs more than it saves. */
const COMPRESS_MIN_BYTES = 1024;

const BODY_PREFIX = '{"data":';

/**
 * One key type's view of an environment at one version, serialised once and served many times:
 * the JSON body (and its gzip/brotli forms, made on first use), the ETag and the SSE event. Only bytes are kept:
 * the flag values live in the body (a cached environment costs its payload plus little more).
 */
export class Representation {
  readonly etag: string;
  readonly body: Buffer;
  private gzipped?: Buffer;
  private brotlied?: Buffer;
  private event?: string;

  constructor(
    environmentId: string,
    readonly version: number,
    readonly type: KeyType,
    flags: readonly RuntimeFlag[],
  ) {
    this.etag = runtimeEtag(environmentId, version, type);
    const values: Record<string, FlagValue> = {};
    for (const flag of flags) values[flag.key] = flag.value;
    this.body = Buffer.from(`${BODY_PREFIX}${JSON.stringify({ version, flags: values })}}`);
  }

  /** The body in the best encoding the client accepts: brotli, then gzip, else identity. */
  encoded(acceptEncoding: string | undefined): { body: Buffer; encoding?: 'br' | 'gzip' } {
    if (!acceptEncoding || this.body.length < COMPRESS_MIN_BYTES) return { body: this.body };
    if (/\bbr\b/.test(acceptEncoding)) {
      this.brotlied ??= brotliCompressSync(this.body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } });
      return { body: this.brotlied, encoding: 'br' };
    }
    if (/\bgzip\b/.test(acceptEncoding)) {
      this.gzipped ??= gzipSync(this.body, { level: 6 });
      return { body: this.gzipped, encoding: 'gzip' };
    }
    return { body: this.body };
  }

  /** The Server-Sent Event carrying this view: `event: config`, `id: <version>`, data = `{version, flags}` (the body's `data`). */
  sseEvent(): string {
    this.event ??= `event: config\nid: ${this.version}\ndata: ${this.body.toString('utf8', BODY_PREFIX.length, this.body.length - 1)}\n\n`;
    return this.event;
  }
}

/** An environment's flags at one version, as both key types see them. */
export class Snapshot {
  readonly pub: Representation;
  readonly sdk: Representation;
  /** Estimated memory of the snapshot as built (views, flags, rules). */
  private readonly baseBytes: number;
  /** Estimated memory of the evaluation answers made since (see answers()). */
  private answerBytes = 0;
  /**
   * The flags, in key order, as parallel arrays: a cached environment that is only read (GET /config) keeps no
   * object per flag. Flags with overrides or a rollout keep theirs (`ruled`); evaluation builds the full list on
   * its first call and keeps it (see flagsFor).
   */
  private readonly keys: string[];
  private readonly values: FlagValue[];
  private readonly types: FlagType[];
  private readonly client: Uint8Array;
  private readonly ruled?: Map<number, RuntimeFlag>;
  private evaluated?: { sdk: RuntimeFlag[]; pub: RuntimeFlag[] };
  private evaluateAnswers?: { sdk?: EvaluateAnswer; pub?: EvaluateAnswer };
  private ofrepAnswers?: { sdk?: OfrepFlagsAnswer; pub?: OfrepFlagsAnswer };

  constructor(
    readonly environmentId: string,
    readonly version: number,
    flags: RuntimeFlag[],
  ) {
    const sorted = inKeyOrder(flags);
    const n = sorted.length;
    this.keys = new Array<string>(n);
    this.values = new Array<FlagValue>(n);
    this.types = new Array<FlagType>(n);
    this.client = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const f = sorted[i];
      this.keys[i] = f.key;
      this.values[i] = f.value;
      this.types[i] = f.type;
      this.client[i] = f.clientEnabled ? 1 : 0;
      if (f.rollout || f.users.size > 0 || f.companies.size > 0) (this.ruled ??= new Map()).set(i, f);
    }
    this.sdk = new Representation(environmentId, version, 'sdk', sorted);
    this.pub = new Representation(
      environmentId,
      version,
      'pub',
      sorted.filter((f) => f.clientEnabled),
    );
    this.baseBytes = estimateBytes(this, sorted);
  }

  /**
   * Estimated memory held by this snapshot: what the cache budget counts. It grows when an evaluation answer is first
   * made for a key type (ConfigSnapshots takes the growth into account on the next read).
   */
  get bytes(): number {
    return this.baseBytes + this.answerBytes;
  }

  /** `POST /api/v1/evaluate`'s answer template for a key type, made on its first use and kept with the snapshot. */
  evaluateAnswer(type: KeyType): EvaluateAnswer {
    const answers = (this.evaluateAnswers ??= {});
    let answer = answers[type];
    if (!answer) {
      answer = answers[type] = new EvaluateAnswer(this.version, this.flagsFor(type));
      this.answerBytes += ANSWER_OVERHEAD + answer.size;
    }
    return answer;
  }

  /** The OFREP bulk answer's `flags` template for a key type, made on its first use and kept with the snapshot. */
  ofrepFlags(type: KeyType): OfrepFlagsAnswer {
    const answers = (this.ofrepAnswers ??= {});
    let answer = answers[type];
    if (!answer) {
      answer = answers[type] = new OfrepFlagsAnswer(this.flagsFor(type));
      this.answerBytes += ANSWER_OVERHEAD + answer.size;
    }
    return answer;
  }

  for(type: KeyType): Representation {
    return type === 'pub' ? this.pub : this.sdk;
  }

  /** The flags a key of `type` may evaluate, in key order (built on the first evaluation of this snapshot, then kept). */
  flagsFor(type: KeyType): readonly RuntimeFlag[] {
    if (!this.evaluated) {
      const sdk = this.keys.map((_, i) => this.flagAt(i));
      this.evaluated = { sdk, pub: sdk.filter((f) => f.clientEnabled) };
    }
    return this.evaluated[type];
  }

  /** A flag a key of `type` may see (pub keys: clientEnabled flags only). */
  flag(type: KeyType, key: string): RuntimeFlag | undefined {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid];
      if (k === key) return type === 'sdk' || this.client[mid] === 1 ? (this.evaluated?.sdk[mid] ?? this.flagAt(mid)) : undefined;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private flagAt(i: number): RuntimeFlag {
    return (
      this.ruled?.get(i) ?? {
        key: this.keys[i],
        type: this.types[i],
        value: this.values[i],
        clientEnabled: this.client[i] === 1,
        rollout: null,
        users: NO_TARGETS,
        companies: NO_TARGETS,
      }
    );
  }
}

/** The flags sorted by key (the read model already sorts them: then they are kept as given). */
function inKeyOrder(flags: RuntimeFlag[]): RuntimeFlag[] {
  for (let i = 1; i < flags.length; i++) {
    if (flags[i - 1].key >= flags[i].key) return [...flags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  return flags;
}

/**
 * Per-object overheads (V8 headers, array slots, property storage): rough, on the side of counting too much. Measured
 * by bench/scale.mts: a cached 50-flag environment holds its two bodies plus ~8 KB (key cache and quota counter included).
 */
const SNAPSHOT_OVERHEAD = 1024;
const FLAG_OVERHEAD = 64;
/** A flag with overrides or a rollout keeps its object and maps. */
const RULED_FLAG_OVERHEAD = 400;
const TARGET_OVERHEAD = 96;
/** An evaluation answer template (its arrays, buffers' and strings' headers), besides its bytes (counted apart). */
const ANSWER_OVERHEAD = 256;

/**
 * What a snapshot holds: each view's JSON body and, made lazily on use, its SSE event (the same text again) and at
 * most as much again in gzip/brotli forms, so 3× the bodies; the flags' keys and values; the objects of
 * flags with rules and their overrides. Evaluation's per-flag objects, made on first use, are not counted. Made once
 * per load, never on a read.
 */
function estimateBytes(snapshot: Snapshot, flags: readonly RuntimeFlag[]): number {
  let bytes = SNAPSHOT_OVERHEAD + 3 * (snapshot.sdk.body.length + snapshot.pub.body.length);
  for (const flag of flags) {
    bytes += FLAG_OVERHEAD + flag.key.length + valueBytes(flag.value);
    if (!flag.rollout && flag.users.size === 0 && flag.companies.size === 0) continue;
    bytes += RULED_FLAG_OVERHEAD;
    for (const targets of [flag.users, flag.companies]) {
      for (const [id, value] of targets) bytes += TARGET_OVERHEAD + id.length + valueBytes(value);
    }
  }
  return bytes;
}
function valueBytes(value: FlagValue): number {
  if (typeof value === 'string') return 16 + value.length;
  if (typeof value === 'object' && value !== null) return 64 + 2 * JSON.stringify(value).length;
  return 16;
}
