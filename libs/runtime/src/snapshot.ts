import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { type FlagValue, runtimeEtag } from '@superflag/flags';
import type { KeyType } from '@superflag/keys';
import type { RuntimeFlag } from './environment-read-model';

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
  /** Estimated memory held by this snapshot (what the cache budget counts), computed once. */
  readonly bytes: number;
  /** Every flag, in key order (looked up by binary search: no index to keep per cached environment). */
  private readonly all: readonly RuntimeFlag[];
  /** The flags pub_ keys may evaluate, in key order. */
  private readonly clientFlags: readonly RuntimeFlag[];

  constructor(
    readonly environmentId: string,
    readonly version: number,
    flags: RuntimeFlag[],
  ) {
    this.all = inKeyOrder(flags);
    this.clientFlags = this.all.filter((f) => f.clientEnabled);
    this.sdk = new Representation(environmentId, version, 'sdk', this.all);
    this.pub = new Representation(environmentId, version, 'pub', this.clientFlags);
    this.bytes = estimateBytes(this, this.all);
  }

  for(type: KeyType): Representation {
    return type === 'pub' ? this.pub : this.sdk;
  }

  flagsFor(type: KeyType): readonly RuntimeFlag[] {
    return type === 'pub' ? this.clientFlags : this.all;
  }

  /** A flag a key of `type` may see (pub keys: clientEnabled flags only). */
  flag(type: KeyType, key: string): RuntimeFlag | undefined {
    const flags = this.all;
    let lo = 0;
    let hi = flags.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = flags[mid].key;
      if (k === key) return type === 'sdk' || flags[mid].clientEnabled ? flags[mid] : undefined;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/** The flags sorted by key (the read model already sorts them: then they are kept as given). */
function inKeyOrder(flags: RuntimeFlag[]): RuntimeFlag[] {
  for (let i = 1; i < flags.length; i++) {
    if (flags[i - 1].key >= flags[i].key) return [...flags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  return flags;
}

/** Per-object overheads (V8 headers, Map slots, property storage): rough, on the side of counting too much. */
const SNAPSHOT_OVERHEAD = 2048;
const FLAG_OVERHEAD = 400;
const TARGET_OVERHEAD = 96;

/**
 * What a snapshot holds: each view's JSON body, its SSE event (the same text again) and at most as much again in
 * gzip/brotli forms, made lazily, so 3× the bodies; plus the flags themselves and their overrides. Made once per
 * load, never on a read.
 */
function estimateBytes(snapshot: Snapshot, flags: readonly RuntimeFlag[]): number {
  let bytes = SNAPSHOT_OVERHEAD + 3 * (snapshot.sdk.body.length + snapshot.pub.body.length);
  for (const flag of flags) {
    bytes += FLAG_OVERHEAD + flag.key.length + valueBytes(flag.value);
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
