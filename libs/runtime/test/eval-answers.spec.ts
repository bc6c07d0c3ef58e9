import fc from 'fast-check';
import type { FlagValue } from '@superflag/flags';
import type { KeyType, VerifiedKey } from '@superflag/keys';
import { NO_TARGETS, type RuntimeFlag } from '../src/environment-read-model';
import { evaluate, type EvaluationContext } from '../src/evaluation';
import { INACTIVITY_DELAY_S, OFREP_STREAM_PATH, OfrepBulk } from '../src/ofrep-bulk';
import { Snapshot } from '../src/snapshot';

// Integer-like keys (JSON.stringify writes them first in an object), keys that sort around them, and keys that need escaping.
const KEYS = ['a', 'b.c', '0', '1', '10', '2', '007', '4294967295', '4294967294', 'x-y_z', 'Z', 'dark-mode', 'q"uote', 'ünï'];
const IDS = ['u1', 'u2', '42', 'acme', 'globex', 'ü'];

const value: fc.Arbitrary<FlagValue> = fc.oneof(
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string(),
  fc.constantFrom('line\nbreak', '\u2028', 'tab\t', '"', '\\'),
  fc.jsonValue() as fc.Arbitrary<FlagValue>,
);
const targets = fc
  .array(fc.tuple(fc.constantFrom(...IDS), value), { maxLength: 3 })
  .map((entries) => (entries.length ? new Map(entries) : NO_TARGETS));
const flag = (key: string): fc.Arbitrary<RuntimeFlag> =>
  fc.record({
    key: fc.constant(key),
    type: fc.constant('json' as const),
    value,
    clientEnabled: fc.boolean(),
    rollout: fc.option(fc.record({ percentage: fc.integer({ min: 0, max: 100 }), value }), { nil: null, freq: 3 }),
    users: fc.oneof(fc.constant(NO_TARGETS), targets),
    companies: fc.oneof(fc.constant(NO_TARGETS), targets),
  });
const flags = fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: KEYS.length }).chain((keys) => fc.tuple(...keys.map(flag)));
const context: fc.Arbitrary<EvaluationContext> = fc.record(
  { targetingKey: fc.constantFrom(...IDS), userId: fc.constantFrom(...IDS), companyId: fc.constantFrom(...IDS) },
  { requiredKeys: [] },
);
const keyType = fc.constantFrom<KeyType>('sdk', 'pub');

/** What the routes answered before templates: every visible flag evaluated, in key order, serialised whole. */
function visible(all: RuntimeFlag[], type: KeyType): RuntimeFlag[] {
  return [...all].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).filter((f) => type === 'sdk' || f.clientEnabled);
}
function evaluateBody(version: number, all: RuntimeFlag[], type: KeyType, ctx: EvaluationContext): string {
  const out: Record<string, unknown> = {};
  for (const f of visible(all, type)) out[f.key] = evaluate(f, ctx);
  return JSON.stringify({ data: { version, flags: out } });
}
function ofrepBody(all: RuntimeFlag[], type: KeyType, ctx: EvaluationContext, requestUri: string): string {
  const list = visible(all, type).map((f) => {
    const r = evaluate(f, ctx);
    return { key: f.key, value: r.value, reason: r.reason, variant: r.variant, metadata: {} };
  });
  return JSON.stringify({ flags: list, eventStreams: [{ type: 'sse', endpoint: { requestUri }, inactivityDelaySec: INACTIVITY_DELAY_S }] });
}

const ofrep = new OfrepBulk({} as never, {} as never, { mint: () => 'key_0123456789abcdef.1700000000.sig' } as never);
const key = (type: KeyType): VerifiedKey => ({ keyId: 'key_0123456789abcdef', appId: 'app', environmentId: 'env-1', type, keyHash: 'h' });
const presented = 'pub_live_abc/+=';
const uriOf = (type: KeyType) =>
  `${OFREP_STREAM_PATH}?${type === 'pub' ? `key=${encodeURIComponent(presented)}` : 'token=key_0123456789abcdef.1700000000.sig'}`;
const digestOf = (etag: string) => etag.replace(/^"\d+-/, '');

describe('evaluation answer templates', () => {
  it('write POST /api/v1/evaluate byte for byte as JSON.stringify of every flag evaluated', () => {
    fc.assert(
      fc.property(flags, fc.array(context, { minLength: 1, maxLength: 4 }), keyType, fc.nat(), (all, contexts, type, version) => {
        const snapshot = new Snapshot('env-1', version, all);
        for (const ctx of contexts) expect(snapshot.answers('evaluate', type).render(ctx)).toBe(evaluateBody(version, all, type, ctx));
      }),
      { numRuns: 300 },
    );
  });

  it('write OFREP bulk byte for byte as JSON.stringify of the evaluated list and event streams', () => {
    fc.assert(
      fc.property(flags, fc.array(context, { minLength: 1, maxLength: 4 }), keyType, (all, contexts, type) => {
        const snapshot = new Snapshot('env-1', 3, all);
        for (const ctx of contexts) {
          expect(ofrep.answer(key(type), snapshot, ctx, presented).json).toBe(ofrepBody(all, type, ctx, uriOf(type)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('give OFREP answers equal ETag digests exactly when the bodies are equal, across versions', () => {
    // A second version derived from the first: often the same answer for this context, sometimes not.
    const change = (all: RuntimeFlag[]) =>
      fc
        .tuple(fc.nat(), fc.constantFrom('target', 'value', 'client', 'rollout', 'none'), fc.constantFrom(...IDS), value)
        .map(([i, kind, id, v]) => {
          if (all.length === 0) return all;
          const copy = [...all];
          const f = { ...copy[i % copy.length] };
          if (kind === 'target') f.users = new Map([...f.users, [id, v]]);
          if (kind === 'value') f.value = v;
          if (kind === 'client') f.clientEnabled = !f.clientEnabled;
          if (kind === 'rollout') f.rollout = f.rollout ? null : { percentage: 50, value: v };
          copy[i % copy.length] = f;
          return copy;
        });
    fc.assert(
      fc.property(
        flags.chain((all) => fc.tuple(fc.constant(all), change(all))),
        context,
        keyType,
        ([before, after], ctx, type) => {
          const a = ofrep.answer(key(type), new Snapshot('env-1', 1, before), ctx, presented);
          const b = ofrep.answer(key(type), new Snapshot('env-1', 2, after), ctx, presented);
          expect(digestOf(a.etag) === digestOf(b.etag)).toBe(a.json === b.json);
          const other = ofrep.answer(key(type), new Snapshot('env-2', 1, before), ctx, presented);
          expect(digestOf(other.etag)).not.toBe(digestOf(a.etag));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('give different contexts with different answers different ETags, and keep the first version in front', () => {
    const all: RuntimeFlag[] = [
      { key: 'a', type: 'bool', value: false, clientEnabled: true, rollout: null, users: new Map([['u1', true]]), companies: NO_TARGETS },
      { key: 'b', type: 'bool', value: false, clientEnabled: true, rollout: null, users: NO_TARGETS, companies: NO_TARGETS },
    ];
    const snapshot = new Snapshot('env-1', 7, all);
    const u1 = ofrep.answer(key('sdk'), snapshot, { targetingKey: 'u1' }, undefined);
    const u2 = ofrep.answer(key('sdk'), snapshot, { targetingKey: 'u2' }, undefined);
    expect(u1.etag).toMatch(/^"7-sdk-[\w-]{16}"$/);
    expect(u1.etag).not.toBe(u2.etag);
    expect(ofrep.answer(key('sdk'), snapshot, { userId: 'u1' }, undefined).etag).toBe(u1.etag);
  });
});
